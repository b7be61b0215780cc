"""In-place ops: write into the tensor's own array, bump its version, take over the history.

PyTorch semantics: an in-place op on a leaf that requires grad is an error (outside no_grad);
on any other tensor it is recorded like the out-of-place op, and the tensor becomes its output.
Backward then detects, through the version counter, a saved tensor that was overwritten.
"""

from __future__ import annotations

from ..autograd import views
from ..autograd.grad_mode import state
from ..backend import device_of, to_device
from ..random import rng
from ..tensor import Tensor


def check_inplace(t: Tensor) -> None:
    if t.requires_grad and t.grad_fn is None and state.grad_enabled:
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation."
        )
    if t._view_of is not None:
        views.check_writable(t)


def assign(t: Tensor, result: Tensor) -> None:
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


def fill_(t: Tensor, value) -> Tensor:
    """Set every element to ``value`` (a number or a 0-d tensor, cast to ``t``'s dtype)."""
    check_inplace(t)
    if isinstance(value, Tensor) and value.array.ndim != 0:
        raise RuntimeError(
            "fill_ only supports 0-dimension value tensor but got tensor with "
            f"{value.array.ndim} dimensions."
        )
    if _recording(t, value):
        assign(t, _overwrite(t, value))
        return t
    t.array[...] = value.item() if isinstance(value, Tensor) else value
    t._version_counter[0] += 1
    return t


def copy_(t: Tensor, src) -> Tensor:
    """Copy ``src`` (broadcast, cast and moved as needed) into ``t``; gradient flows to ``src``."""
    check_inplace(t)
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'src' must be Tensor, not {type(src).__name__}")
    src = src.to(device=device_of(t.array), dtype=t.dtype)
    if src.array.shape != t.array.shape:
        src = src.expand(t.array.shape)
    if _recording(t, src):
        assign(t, _overwrite(t, src))
        return t
    t.array[...] = src.array
    t._version_counter[0] += 1
    return t


def _recording(t: Tensor, value) -> bool:
    return state.grad_enabled and (
        t.requires_grad or (isinstance(value, Tensor) and value.requires_grad)
    )


def _overwrite(t: Tensor, value):
    """``value`` everywhere, recorded so that ``t``'s old values get a zero gradient."""
    from .index import Where

    everywhere = Tensor._wrap(t._xp().ones(t.array.shape, dtype=bool))
    if not isinstance(value, Tensor):
        value = t.array.dtype.type(value).item()
    elif value.array.dtype != t.array.dtype:
        value = value.to(t.dtype)
    return Where.apply(everywhere, value, t)


def _random_fill(t: Tensor, draw) -> Tensor:
    check_inplace(t)
    values = draw(t.array.shape).astype(t.array.dtype, copy=False)
    t.array[...] = to_device(values, device_of(t.array))
    t._version_counter[0] += 1
    return t


def uniform_(t: Tensor, a, b, generator) -> Tensor:
    return _random_fill(t, lambda shape: rng(generator).uniform(a, b, shape))


def normal_(t: Tensor, mean, std, generator) -> Tensor:
    return _random_fill(t, lambda shape: rng(generator).normal(mean, std, shape))


def bernoulli_(t: Tensor, p, generator) -> Tensor:
    return _random_fill(t, lambda shape: rng(generator).random(shape) < p)
