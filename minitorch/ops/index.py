"""Indexing: ``t[key]``, ``t[key] = v``, ``where``, ``gather``, all differentiable."""

from __future__ import annotations

from ..autograd.function import Function
from ..autograd.grad_mode import state
from ..backend import device_of, get_array_module, to_device
from ..tensor import Tensor
from ._util import meta, metas, normalize_dim, operands, reduce_to


def _key(x, key):
    """The key as the array module understands it: tensors and lists become index arrays.

    Returns (key, advanced) where ``advanced`` says an integer array may repeat positions, so a
    gradient must be scattered with add (not assigned).
    """
    parts = key if type(key) is tuple else (key,)
    xp = get_array_module(x)
    out, advanced = [], False
    for k in parts:
        if isinstance(k, Tensor):
            arr = k.array
            if device_of(arr) != device_of(x):
                arr = to_device(arr, device_of(x))
            if arr.dtype.kind == "f":
                raise IndexError(
                    "tensors used as indices must be long, int, byte or bool tensors"
                )
            advanced = advanced or arr.dtype.kind != "b"
            out.append(arr)
        elif isinstance(k, list):
            arr = xp.asarray(k)
            advanced = advanced or arr.dtype.kind != "b"
            out.append(arr)
        else:
            out.append(k)
    _check_bounds(x.shape, out)
    return tuple(out), advanced


def _check_bounds(shape, parts):
    """IndexError with PyTorch's wording for an integer index out of range."""
    dim = 0
    for k in parts:
        if k is None:
            continue
        if k is Ellipsis:
            dim = len(shape) - sum(1 for p in parts if p is not None and p is not Ellipsis) + dim
            continue
        if isinstance(k, int) and not isinstance(k, bool):
            if dim >= len(shape):
                raise IndexError(
                    f"too many indices for tensor of dimension {len(shape)}"
                )
            if not -shape[dim] <= k < shape[dim]:
                raise IndexError(
                    f"index {k} is out of bounds for dimension {dim} with size {shape[dim]}"
                )
        is_mask = getattr(k, "dtype", None) is not None and k.dtype.kind == "b"
        dim += k.ndim if is_mask else 1


class Index(Function):
    """``a[key]``; d/da = zeros with the gradient put (added, for repeated indices) at ``key``."""

    @staticmethod
    def forward(ctx, a, key, advanced):
        x = a.array
        ctx.in_shape, ctx.key, ctx.advanced = x.shape, key, advanced
        return x[key]

    @staticmethod
    def backward(ctx, grad):
        return IndexBackward.apply(grad, ctx.in_shape, ctx.key, ctx.advanced), None, None


class IndexBackward(Function):
    """Scatter ``grad`` into zeros of ``shape`` at ``key`` (the backward of indexing)."""

    @staticmethod
    def forward(ctx, grad, shape, key, advanced):
        g = grad.array
        xp = get_array_module(g)
        out = xp.zeros(shape, dtype=g.dtype)
        if advanced:
            xp.add.at(out, key, g)
        else:
            out[key] = g
        ctx.key, ctx.advanced = key, advanced
        return out

    @staticmethod
    def backward(ctx, grad):
        return Index.apply(grad, ctx.key, ctx.advanced), None, None, None


class IndexPut(Function):
    """``a`` with ``a[key] = v`` (out of place); d/da = grad zeroed at key, d/dv = grad[key]."""

    @staticmethod
    def forward(ctx, a, key, v):
        x = a.array
        out = x.copy()
        out[key] = v.array if isinstance(v, Tensor) else v
        ctx.key, ctx.v_meta = key, meta(v)
        return out

    @staticmethod
    def backward(ctx, grad):
        ga, _, gv = ctx.needs_input_grad
        grad_a = IndexPut.apply(grad, ctx.key, 0.0) if ga else None
        grad_v = None
        if gv:
            grad_v = Index.apply(grad, ctx.key, False)
            shape = ctx.v_meta[0]
            if grad_v.array.ndim < len(shape):
                lead = (1,) * (len(shape) - grad_v.array.ndim)
                grad_v = grad_v.reshape(lead + grad_v.array.shape)
            grad_v = reduce_to(grad_v, ctx.v_meta)
        return grad_a, None, grad_v


class Where(Function):
    """``cond ? a : b`` elementwise with broadcasting; each side gets the gradient where chosen."""

    @staticmethod
    def forward(ctx, cond, a, b):
        x, y = operands(a, b)
        c = cond.array
        if c.dtype.kind != "b":
            raise RuntimeError(
                "where expected condition to be a boolean tensor, but got a tensor with dtype "
                f"{cond.dtype}"
            )
        ctx.save_for_backward(cond)
        ctx.metas = metas(a, b)
        return get_array_module(c).where(c, x, y)

    @staticmethod
    def backward(ctx, grad):
        (cond,) = ctx.saved_tensors
        _, ga, gb = ctx.needs_input_grad
        ma, mb = ctx.metas
        return (
            None,
            reduce_to(Where.apply(cond, grad, 0.0), ma) if ga else None,
            reduce_to(Where.apply(cond, 0.0, grad), mb) if gb else None,
        )


class Gather(Function):
    """``out[i][j] = a[i][index[i][j]]`` along ``dim``; d/da scatters the gradient back (added)."""

    @staticmethod
    def forward(ctx, a, dim, index):
        x, idx = a.array, index.array
        xp = get_array_module(x)
        # PyTorch lets index be smaller than input in the other dims: cut input to match.
        src = x[tuple(slice(None) if d == dim else slice(0, n) for d, n in enumerate(idx.shape))]
        ctx.in_shape, ctx.dim, ctx.index = x.shape, dim, index
        return xp.take_along_axis(src, idx, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return ScatterAdd.apply(grad, ctx.in_shape, ctx.dim, ctx.index), None, None


class ScatterAdd(Function):
    """Zeros of ``shape`` with ``grad`` added at ``index`` along ``dim`` (gather's backward)."""

    @staticmethod
    def forward(ctx, grad, shape, dim, index):
        g, idx = grad.array, index.array
        xp = get_array_module(g)
        out = xp.zeros(shape, dtype=g.dtype)
        grids = list(xp.indices(idx.shape, sparse=True))
        grids[dim] = idx
        xp.add.at(out, tuple(grids), g)
        ctx.dim, ctx.index = dim, index
        return out

    @staticmethod
    def backward(ctx, grad):
        return Gather.apply(grad, ctx.dim, ctx.index), None, None, None


def getitem(input, key):
    k, advanced = _key(input.array, key)
    return Index.apply(input, k if len(k) != 1 else k[0], advanced)


def setitem(input, key, value):
    """``input[key] = value`` in place; with grad recording the tensor takes IndexPut's history."""
    from .inplace import assign, check_inplace

    check_inplace(input)
    k, _ = _key(input.array, key)
    k = k if len(k) != 1 else k[0]
    if isinstance(value, Tensor) and device_of(value.array) != device_of(input.array):
        raise RuntimeError(
            f"expected device {device_of(input.array)} but got device {device_of(value.array)}"
        )
    recording = state.grad_enabled and (
        input.requires_grad or (isinstance(value, Tensor) and value.requires_grad)
    )
    if recording:
        assign(input, IndexPut.apply(input, k, value))
        return
    v = value.array if isinstance(value, Tensor) else value
    try:
        input.array[k] = v
    except ValueError as e:
        raise RuntimeError(f"shape mismatch in index assignment: {e}") from None
    input._version_counter[0] += 1


def where(condition, input=None, other=None):
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    return Where.apply(condition, input, other)


def masked_fill(input, mask, value):
    """``input`` with ``value`` where ``mask`` is True (value cast to input's dtype)."""
    if isinstance(value, Tensor):
        value = value.to(input.dtype)
    else:
        value = input.array.dtype.type(value).item()
    return Where.apply(mask, value, input)


def gather(input, dim, index):
    d = normalize_dim(dim, input.array.ndim)
    if index.array.dtype.kind not in "iu":
        raise RuntimeError(f"gather(): Expected dtype int64 for index, got {index.dtype}")
    return Gather.apply(input, d, index)


def index_select(input, dim, index):
    d = normalize_dim(dim, input.array.ndim)
    return input[(slice(None),) * d + (index,)]


def nonzero(input, as_tuple=False):
    x = input.array
    idx = get_array_module(x).nonzero(x)
    if as_tuple:
        return tuple(Tensor._wrap(i) for i in idx)
    return Tensor._wrap(get_array_module(x).stack(idx, axis=1).astype("int64"))
