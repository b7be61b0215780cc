"""In-place ops: write into the tensor's own array, bump its version, take over the history.

PyTorch semantics: an in-place op on a leaf that requires grad is an error (outside no_grad);
on any other tensor it is recorded like the out-of-place op, and the tensor becomes its output.
Backward then detects, through the version counter, a saved tensor that was overwritten.
Every in-place op (``add_``, ``t[i] = v``, ``fill_``, ...) ends in ``commit``.
"""

from __future__ import annotations

from ..tensor import Tensor
from . import views
from .grad_mode import state


def check_inplace(t: Tensor) -> None:
    """Refuse an in-place write that would lose a leaf's gradient (PyTorch's errors)."""
    if t.requires_grad and t.grad_fn is None and state.grad_enabled:
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation."
        )
    if t._view_of is not None:
        views.check_writable(t)


def commit(t: Tensor, result: Tensor) -> Tensor:
    """Copy ``result`` into ``t``'s array and make ``t`` stand for it in the graph."""
    arr, r = t.array, result.array
    if r.dtype != arr.dtype and not (r.dtype.kind == arr.dtype.kind or arr.dtype.kind == "f"):
        raise RuntimeError(
            f"result type {_kind_name(r.dtype)} can't be cast to the desired output type "
            f"{_kind_name(arr.dtype)}"
        )
    if r.shape != arr.shape:
        raise RuntimeError(
            f"output with shape {list(arr.shape)} doesn't match the broadcast shape {list(r.shape)}"
        )
    if not arr.flags.writeable:
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a "
            "single memory location. Please clone() the tensor before performing the operation."
        )
    node = result.grad_fn
    if node is not None and node._saved and any(s is t for s in node._saved):
        node._saved = tuple(_original(s) if s is t else s for s in node._saved)
    arr[...] = r
    t._version_counter[0] += 1
    if result.requires_grad:
        t.requires_grad = True
        t.grad_fn = result.grad_fn
        t._output_nr = result._output_nr
        if t._view_of is not None:
            views.rebase(t, result)
    return t


def _original(t: Tensor) -> Tensor:
    """A copy of ``t`` before it is overwritten, for the node that computed its new value.

    ``t.clamp_()`` records Clamp, whose backward needs the input; PyTorch keeps the original
    values for it too. The copy keeps ``t``'s history, so double backward still reaches it.
    """
    c = Tensor._wrap(t.array.copy(), t.requires_grad)
    c.grad_fn, c._output_nr = t.grad_fn, t._output_nr
    c._version_counter = [t._version_counter[0]]
    return c


def _kind_name(dt) -> str:
    return {"f": "Float", "i": "Long", "u": "Byte", "b": "Bool"}[dt.kind]


def recording(t: Tensor, value) -> bool:
    """Whether writing ``value`` into ``t`` must be recorded on the tape."""
    return state.grad_enabled and (
        t.requires_grad or (isinstance(value, Tensor) and value.requires_grad)
    )
