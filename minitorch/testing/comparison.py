"""``assert_close``: compare tensors, arrays, numbers and nested containers of them, as PyTorch.

Tensors must agree in shape, device and dtype (unless told not to check), then in every value
within ``atol + rtol * |expected|``; the defaults depend on the dtype. A failure raises
AssertionError with PyTorch's message: how many elements differ and where the greatest
absolute and relative differences are. Host-only code: values are compared with numpy.
"""

from __future__ import annotations

import builtins
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from .. import backend, dtypes
from ..creation import tensor
from ..tensor import Tensor

# (rtol, atol) by dtype; integers and booleans compare exactly
_TOLERANCES = {
    np.dtype(np.float16): (1e-3, 1e-5),
    np.dtype(np.float32): (1.3e-6, 1e-5),
    np.dtype(np.float64): (1e-7, 1e-7),
}
_NUMBER_TYPES = (int, float, complex)


class _Mismatch(Exception):
    """A failed comparison: the exception type to raise and PyTorch's message."""

    def __init__(self, kind: type[Exception], message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def assert_close(
    actual: Any,
    expected: Any,
    *,
    allow_subclasses: bool = True,
    rtol: float | None = None,
    atol: float | None = None,
    equal_nan: bool = False,
    check_device: bool = True,
    check_dtype: bool = True,
    check_layout: bool = True,
    check_stride: bool = False,
    msg: str | Callable[[str], str] | None = None,
) -> None:
    """Raise AssertionError unless ``actual`` and ``expected`` are close.

    Both may be tensors, numpy arrays, Python numbers, bools, None, or sequences and mappings of
    these (compared item by item). ``rtol`` and ``atol`` are given together or not at all;
    ``msg`` replaces the message (a callable gets the generated message and returns the new one).
    """
    if (rtol is None) != (atol is None):
        missing = "rtol" if rtol is None else "atol"
        raise ValueError(
            f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {missing}."
        )
    options = dict(
        rtol=rtol,
        atol=atol,
        equal_nan=equal_nan,
        check_device=check_device,
        check_dtype=check_dtype,
        check_stride=check_stride,
    )
    try:
        _compare(actual, expected, (), options)
    except _Mismatch as failure:
        message = failure.message
        if failure.kind is AssertionError and msg is not None:
            message = msg(message) if callable(msg) else msg
        raise failure.kind(message) from None


def assert_allclose(
    actual: Any,
    expected: Any,
    rtol: float | None = None,
    atol: float | None = None,
    equal_nan: bool = True,
    msg: str = "",
) -> None:
    """The deprecated form: dtypes need not match, looser default tolerances, nan equals nan."""
    warnings.warn(
        "`minitorch.testing.assert_allclose()` is deprecated (as in PyTorch since 1.12). Please "
        "use `minitorch.testing.assert_close()` instead.",
        FutureWarning,
        stacklevel=2,
    )
    if not isinstance(actual, Tensor):
        actual = tensor(actual)
    if not isinstance(expected, Tensor):
        expected = tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        loose = {np.float16: (1e-3, 1e-3), np.float32: (1e-4, 1e-5), np.float64: (1e-5, 1e-8)}
        pairs = [loose.get(t.array.dtype.type, (0.0, 0.0)) for t in (actual, expected)]
        rtol, atol = max(p[0] for p in pairs), max(p[1] for p in pairs)
    assert_close(
        actual,
        expected,
        rtol=rtol,
        atol=atol,
        equal_nan=equal_nan,
        check_dtype=False,
        msg=msg or None,
    )


def _compare(actual, expected, path: tuple, options: dict) -> None:
    """Dispatch on the kind of the inputs; a failure names the item's path in containers."""
    try:
        if actual is None or expected is None:
            if actual is not expected:
                raise _Mismatch(AssertionError, f"None mismatch: {actual} is not {expected}")
        elif _is_bool(actual) and _is_bool(expected):
            if bool(actual) != bool(expected):
                raise _Mismatch(AssertionError, f"Booleans mismatch: {actual} is not {expected}")
        elif _is_number(actual) and _is_number(expected):
            _compare_numbers(_python(actual), _python(expected), options)
        elif _is_array(actual, expected):
            _compare_arrays(actual, expected, options)
        elif _is_sequence(actual) and _is_sequence(expected):
            if len(actual) != len(expected):
                raise _Mismatch(
                    AssertionError,
                    f"The length of the sequences mismatch: {len(actual)} != {len(expected)}",
                )
            for i, (a, e) in enumerate(zip(actual, expected)):
                _compare(a, e, (*path, i), options)
            return
        elif isinstance(actual, Mapping) and isinstance(expected, Mapping):
            _compare_keys(actual, expected)
            for key in actual:
                _compare(actual[key], expected[key], (*path, key), options)
            return
        else:
            raise _Mismatch(
                TypeError,
                f"No comparison pair was able to handle inputs of type {type(actual)} and "
                f"{type(expected)}.",
            )
    except _Mismatch as failure:
        if path and failure.kind is AssertionError and "The failure occurred" not in str(failure):
            where = "".join(f"[{key!r}]" for key in path)
            raise _Mismatch(
                AssertionError, f"{failure.message}\n\nThe failure occurred for item {where}"
            ) from None
        raise


def _is_bool(x) -> bool:
    return isinstance(x, (builtins.bool, np.bool_))


def _is_number(x) -> bool:
    return isinstance(x, (*_NUMBER_TYPES, np.number)) and not _is_bool(x)


def _python(x):
    """A numpy scalar as the Python number it holds."""
    return x.item() if isinstance(x, np.generic) else x


def _is_array(actual, expected) -> bool:
    """Two tensors, or two numpy arrays (a tensor never pairs with an array, as in PyTorch)."""
    return (isinstance(actual, Tensor) and isinstance(expected, Tensor)) or (
        isinstance(actual, np.ndarray) and isinstance(expected, np.ndarray)
    )


def _is_sequence(x) -> bool:
    return isinstance(x, Sequence) and not isinstance(x, str)


def _compare_keys(actual: Mapping, expected: Mapping) -> None:
    if actual.keys() == expected.keys():
        return
    missing = sorted(set(expected) - set(actual), key=repr)
    extra = sorted(set(actual) - set(expected), key=repr)
    raise _Mismatch(
        AssertionError,
        "The keys of the mappings do not match:\n"
        f"Missing keys in the actual mapping: {missing}\n"
        f"Additional keys in the actual mapping: {extra}",
    )


def _compare_numbers(actual, expected, options: dict) -> None:
    if options["check_dtype"] and type(actual) is not type(expected):
        raise _Mismatch(
            AssertionError,
            f"The (d)types do not match: {type(actual)} != {type(expected)}.",
        )
    rtol, atol = options["rtol"], options["atol"]
    if rtol is None:
        exact = all(isinstance(x, int) for x in (actual, expected))
        rtol, atol = (0.0, 0.0) if exact else _TOLERANCES[np.dtype(np.float64)]
    if _close(actual, expected, rtol, atol, options["equal_nan"]):
        return
    raise _Mismatch(AssertionError, _scalar_message(actual, expected, rtol, atol))


def _close(actual, expected, rtol: float, atol: float, equal_nan: bool) -> bool:
    if actual == expected:
        return True
    if actual != actual or expected != expected:  # nan
        return equal_nan and actual != actual and expected != expected
    if abs(actual) == float("inf") or abs(expected) == float("inf"):
        return False  # unequal infinities are never close
    return abs(actual - expected) <= atol + rtol * abs(expected)


def _scalar_message(actual, expected, rtol: float, atol: float) -> str:
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _message(
        "Scalars",
        f"Expected {expected} but got {actual}.",
        (abs_diff, None, atol),
        (rel_diff, None, rtol),
        rtol == 0 and atol == 0,
    )


def _message(what: str, extra: str, absolute: tuple, relative: tuple, equality: bool) -> str:
    """PyTorch's layout: a header, ``extra``, then the greatest differences and their limits."""
    lines = [f"{what} are not {'equal' if equality else 'close'}!", "", extra]
    for kind, (diff, index, tol) in (("absolute", absolute), ("relative", relative)):
        line = (
            f"{kind.title()} difference: {diff}"
            if index is None
            else f"Greatest {kind} difference: {diff} at index {index}"
        )
        lines.append(line if equality else f"{line} (up to {tol} allowed)")
    return "\n".join(lines)


def _attribute_mismatch(name: str, actual, expected) -> _Mismatch:
    return _Mismatch(
        AssertionError,
        f"The values for attribute '{name}' do not match: {actual} != {expected}.",
    )


def _compare_arrays(actual, expected, options: dict) -> None:
    """Shape, device, dtype (and strides if asked), then the values."""
    if isinstance(actual, Tensor):
        a, e = actual.detach().array, expected.detach().array
        shape_a, shape_e = actual.shape, expected.shape
        dev_a, dev_e = actual.device, expected.device
        dtype_a, dtype_e = actual.dtype, expected.dtype
    else:
        a, e = actual, expected
        shape_a, shape_e = a.shape, e.shape
        dev_a = dev_e = backend.CPU
        dtype_a, dtype_e = dtypes.from_numpy_dtype(a.dtype), dtypes.from_numpy_dtype(e.dtype)
    if shape_a != shape_e:
        raise _attribute_mismatch("shape", shape_a, shape_e)
    if options["check_device"] and dev_a != dev_e:
        raise _attribute_mismatch("device", dev_a, dev_e)
    if options["check_dtype"] and dtype_a is not dtype_e:
        raise _attribute_mismatch("dtype", dtype_a, dtype_e)
    if options["check_stride"] and _strides(a) != _strides(e):
        raise _attribute_mismatch("stride()", _strides(a), _strides(e))
    a, e = backend.to_host(a), backend.to_host(e)
    rtol, atol = options["rtol"], options["atol"]
    if rtol is None:
        pairs = [_TOLERANCES.get(x.dtype, (0.0, 0.0)) for x in (a, e)]
        rtol, atol = max(p[0] for p in pairs), max(p[1] for p in pairs)
    if a.dtype != e.dtype:
        common = dtypes.promote_types(a.dtype, e.dtype)
        a, e = a.astype(common), e.astype(common)
    if a.ndim == 0:
        actual_item, expected_item = a.item(), e.item()
        if not _close(actual_item, expected_item, rtol, atol, options["equal_nan"]):
            raise _Mismatch(AssertionError, _scalar_message(actual_item, expected_item, rtol, atol))
        return
    if a.dtype.kind == "f":
        matches = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=options["equal_nan"])
    else:
        matches = a == e
    if matches.all():
        return
    raise _Mismatch(AssertionError, _array_message(a, e, matches, rtol, atol))


def _strides(array) -> tuple[int, ...]:
    return tuple(s // array.itemsize for s in array.strides)


def _array_message(a, e, matches, rtol: float, atol: float) -> str:
    total, bad = matches.size, int(matches.size - matches.sum())
    extra = f"Mismatched elements: {bad} / {total} ({bad / total:.1%})"
    flat_a, flat_e, flat_match = a.ravel(), e.ravel(), matches.ravel()
    if a.dtype.kind != "f":
        flat_a, flat_e = flat_a.astype(np.int64), flat_e.astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        abs_diff = np.abs(flat_a - flat_e)
        abs_diff[flat_match] = 0
        # as PyTorch divides: integers give a quotient of the default dtype
        rel_type = a.dtype if a.dtype.kind == "f" else dtypes.get_default_dtype().numpy_dtype
        rel_diff = abs_diff.astype(rel_type) / np.abs(flat_e).astype(rel_type)
    rel_diff[flat_match] = 0
    i_abs, i_rel = int(np.argmax(abs_diff)), int(np.argmax(rel_diff))
    return _message(
        "Tensor-likes",
        extra,
        (abs_diff[i_abs].item(), _index(i_abs, a.shape), atol),
        (rel_diff[i_rel].item(), _index(i_rel, a.shape), rtol),
        rtol == 0 and atol == 0,
    )


def _index(flat: int, shape: tuple) -> tuple[int, ...]:
    return tuple(int(i) for i in np.unravel_index(flat, shape))
