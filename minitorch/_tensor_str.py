"""Text of ``repr(tensor)``, laid out exactly as PyTorch lays it out.

Works on a host numpy array; the tensor passes its dtype name, device and autograd state.
"""

from __future__ import annotations

import math

import numpy as np

_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}

_opts = {**_PROFILES["default"], "sci_mode": None}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set how tensors print; ``profile`` ('default', 'short', 'full') applies first.

    As in PyTorch, ``sci_mode`` is reset to None (automatic) unless given on every call.
    """
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"profile must be one of {sorted(_PROFILES)}, got {profile!r}")
        _opts.update(_PROFILES[profile])
    given = dict(precision=precision, threshold=threshold, edgeitems=edgeitems, linewidth=linewidth)
    _opts.update({name: value for name, value in given.items() if value is not None})
    _opts["sci_mode"] = sci_mode


def get_printoptions() -> dict:
    """The current options, as keyword arguments ``set_printoptions`` accepts."""
    return dict(_opts)


class _Formatter:
    """Writes every element of one tensor at a common width, in the notation PyTorch picks.

    Floats print as integers with a dot when all are whole (``1.``), else with ``precision``
    decimals, switching to scientific notation when the finite nonzero magnitudes span more
    than 1000x, exceed 1e8 or fall below 1e-4 (unless ``sci_mode`` forces it).
    """

    def __init__(self, values: np.ndarray):
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        if not self.floating:
            self.width = max((len(str(v)) for v in values.ravel().tolist()), default=1)
            return
        shown = values[np.isfinite(values) & (values != 0)].astype(np.float64)
        if shown.size == 0:
            return
        magnitudes = np.abs(shown)
        # Python floats: their division overflows to inf without numpy's warning.
        smallest, largest = float(magnitudes.min()), float(magnitudes.max())
        self.int_mode = bool(np.all(shown == np.ceil(shown)))
        self.sci_mode = (
            largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4
            if _opts["sci_mode"] is None
            else _opts["sci_mode"]
        )
        # Only finite nonzero values set the width: a wider 'nan' or '-0.' just sticks out.
        self.width = max(len(self._text(v)) for v in shown.tolist())

    def _text(self, value) -> str:
        """One element's text before padding."""
        if not self.floating:
            return str(value)
        precision = _opts["precision"]
        if self.sci_mode:
            return f"{value:.{precision}e}"
        if self.int_mode:
            return f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        return f"{value:.{precision}f}"

    def format(self, value) -> str:
        """One element (a Python scalar), right-aligned to the common width."""
        return self._text(value).rjust(self.width)


def _summarized(array: np.ndarray) -> np.ndarray:
    """The elements a summarised print shows: the first and last edgeitems along each long axis."""
    edge = _opts["edgeitems"]
    for axis, n in enumerate(array.shape):
        if n > 2 * edge:
            array = np.take(array, np.r_[0:edge, n - edge : n], axis=axis)
    return array


def _rows_str(array: np.ndarray, indent: int, summarize: bool, formatter: _Formatter) -> str:
    """Bracketed text of ``array`` whose first line starts at column ``indent``."""
    if array.ndim == 0:
        return formatter.format(array.item())
    edge, n = _opts["edgeitems"], len(array)
    elided = summarize and n > 2 * edge
    if array.ndim == 1:
        if elided:
            items = [formatter.format(v) for v in array[:edge].tolist()]
            items += [" ..."] + [formatter.format(v) for v in array[-edge:].tolist()]
        else:
            items = [formatter.format(v) for v in array.tolist()]
        per_line = max(1, (_opts["linewidth"] - indent) // (formatter.width + 2))
        lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rows = [*range(edge), *range(n - edge, n)] if elided else range(n)
    blocks = [_rows_str(array[i], indent + 1, summarize, formatter) for i in rows]
    if elided:
        blocks.insert(edge, "...")
    # One blank line between 3-d blocks, two between 4-d blocks, and so on.
    return "[" + ("," + "\n" * (array.ndim - 1) + " " * (indent + 1)).join(blocks) + "]"


def _tensor_str(array: np.ndarray, indent: int) -> str:
    """Text of a non-empty array's values, summarised when it has more than threshold elements."""
    summarize = array.size > _opts["threshold"]
    if summarize and _opts["edgeitems"] == 0 and array.ndim > 0:
        return "[...]"  # PyTorch's answer at every rank; the size suffix says the rest
    formatter = _Formatter(_summarized(array) if summarize else array)
    return _rows_str(array, indent, summarize, formatter)


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    """Append ``, name=value`` parts and the closing parenthesis, wrapping at linewidth."""
    # PyTorch's count, which is two more than the last line's length until it wraps once.
    line_length = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if line_length + len(suffix) + 2 > _opts["linewidth"]:
            text += ",\n" + " " * indent + suffix
            line_length = indent + len(suffix)
        else:
            text += ", " + suffix
            line_length += len(suffix) + 2
    return text + ")"


def tensor_repr(
    array: np.ndarray,
    *,
    dtype_name: str,
    device: str = "cpu",
    requires_grad: bool = False,
    grad_fn: str | None = None,
    prefix: str = "tensor(",
    default_dtype_name: str = "float32",
) -> str:
    """PyTorch's ``repr`` of a tensor holding ``array``, with ``minitorch.`` dtype names.

    Continuation lines are indented by the length of the last line of ``prefix``, so
    ``"Parameter containing:\\ntensor("`` lines up like PyTorch's ``Parameter``.
    """
    head, newline, opener = prefix.rpartition("\n")
    indent = len(opener)
    suffixes = []
    if device != "cpu":
        suffixes.append(f"device='{device}'")
    if array.size == 0:
        body = "[]"
        if array.ndim != 1:
            suffixes.append(f"size={tuple(array.shape)}")
        # An empty tensor has no values to show whether it holds ints, so the dtype is spelt out.
        if dtype_name != default_dtype_name:
            suffixes.append(f"dtype=minitorch.{dtype_name}")
    else:
        if _opts["edgeitems"] == 0:  # no values shown, so PyTorch names the shape
            suffixes.append(f"size={tuple(array.shape)}")
        if dtype_name not in (default_dtype_name, "int64", "bool"):
            suffixes.append(f"dtype=minitorch.{dtype_name}")
        body = _tensor_str(array, indent)
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{grad_fn}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    return head + newline + _add_suffixes(opener + body, suffixes, indent)
