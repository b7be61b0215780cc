"""Reductions: the gradient of a reduced dim is broadcast back over it."""

from __future__ import annotations

import builtins
from collections import namedtuple

from ..autograd.function import Function
from ..backend import get_array_module
from ..dtypes import get_default_dtype
from ..shapes import normalize_dim, normalize_dims
from ..tensor import Tensor
from .convert import Cast
from .samples import reduction
from .table import Op, Sample

values_indices = namedtuple("values_indices", ["values", "indices"])


def _kept_shape(shape, dims):
    """``shape`` with the reduced dims set to 1 (what keepdim=True gives)."""
    return tuple(1 if dims is None or i in dims else s for i, s in enumerate(shape))


def _expand_back(grad, in_shape, dims):
    """Broadcast a reduced gradient back to the input's shape."""
    return grad.reshape(_kept_shape(in_shape, dims)).expand(in_shape)


def _count(shape, dims) -> int:
    n = 1
    for i, s in enumerate(shape):
        if dims is None or i in dims:
            n *= s
    return n


class Sum(Function):
    """Sum over ``dims`` (all when None); d/da = 1 broadcast back."""

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        x = a.array
        ctx.in_shape, ctx.dims = x.shape, dims
        out = x.sum(axis=dims, keepdims=keepdim)
        return out if x.dtype.kind == "f" else out.astype("int64", copy=False)

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(grad, ctx.in_shape, ctx.dims), None, None


class Mean(Function):
    """Mean over ``dims``; d/da = 1/N broadcast back."""

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        x = a.array
        if x.dtype.kind != "f":
            raise RuntimeError(
                "mean(): could not infer output dtype. Input dtype must be either a floating "
                f"point or complex dtype. Got: {a.dtype}"
            )
        ctx.in_shape, ctx.dims = x.shape, dims
        return x.mean(axis=dims, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        n = _count(ctx.in_shape, ctx.dims)
        return _expand_back(grad, ctx.in_shape, ctx.dims) / builtins.max(n, 1), None, None


class Var(Function):
    """Variance with ``correction`` (1 = unbiased); d/da = 2 (a - mean) / (N - correction)."""

    @staticmethod
    def forward(ctx, a, dims, correction, keepdim):
        x = a.array
        ctx.save_for_backward(a)
        ctx.dims, ctx.correction = dims, correction
        return x.var(axis=dims, ddof=correction, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return _var_backward(grad, a, ctx.dims, ctx.correction), None, None, None


class Std(Function):
    """sqrt(var); d/da = d var/da / (2 std), and 0 where std is 0 (as PyTorch)."""

    @staticmethod
    def forward(ctx, a, dims, correction, keepdim):
        x = a.array
        out = Tensor._wrap(x.std(axis=dims, ddof=correction, keepdims=keepdim))
        ctx.save_for_backward(a, out)
        ctx.dims, ctx.correction = dims, correction
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        # std is 0 only where a's slice is constant, so (a - mean) = 0 there gives the 0
        grad_var = grad / (out * 2).masked_fill(out == 0, 1)
        return _var_backward(grad_var, a, ctx.dims, ctx.correction), None, None, None


def _var_backward(grad, a, dims, correction):
    shape = a.array.shape
    centered = a - a.mean(tuple(range(len(shape))) if dims is None else dims, keepdim=True)
    dof = _count(shape, dims) - correction
    scale = 2.0 / dof if dof > 0 else float("nan")
    return _expand_back(grad, shape, dims) * centered * scale


class Prod(Function):
    """Product over one dim (or all); d/da_i = product of the other elements.

    Written as out / a where a != 0; a zero's gradient is the product of the nonzero elements
    when it is the only zero in its slice, else 0. Tensor ops throughout, so it differentiates
    again (the second derivative between two zeros of one slice comes out 0, not their product).
    """

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        x = a.array
        out = x.prod(axis=dims, keepdims=keepdim)
        out = Tensor._wrap(out if x.dtype.kind == "f" else out.astype("int64", copy=False))
        ctx.save_for_backward(a, out)
        ctx.dims = dims
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        shape, dims = a.array.shape, ctx.dims
        zero = a == 0
        out = _expand_back(out, shape, dims)
        if not zero.array.any():
            return _expand_back(grad, shape, dims) * (out / a), None, None
        safe = a.masked_fill(zero, 1)
        nonzero_prod = _expand_back(Prod.apply(safe, dims, True), shape, dims)
        lone_zero = _expand_back(zero.sum(dims, keepdim=True), shape, dims) == 1
        others = (nonzero_prod * lone_zero).where(zero, out / safe)
        return _expand_back(grad, shape, dims) * others, None, None


def reduce_to(grad, m):
    """Sum ``grad`` over broadcast dims and cast it to match the operand described by ``m``
    (its ``(shape, numpy dtype)``, as ``_util.meta`` records it)."""
    shape, dtype = m
    if grad.array.shape != shape:
        grad = SumTo.apply(grad, shape)
    if grad.array.dtype != dtype:
        grad = Cast.apply(grad, dtype)
    return grad


def sum_to_size(input, *size):
    """``input`` summed down to ``size``, which it must broadcast from."""
    shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    s = input.array.shape
    if len(shape) > len(s) or any(a not in (1, b) for a, b in zip(reversed(shape), reversed(s))):
        raise RuntimeError(f"size {{{list(shape)}}} is not expandable to size {{{list(s)}}}.")
    return input if tuple(shape) == s else SumTo.apply(input, tuple(shape))


class SumTo(Function):
    """Sum a broadcast gradient back down to ``shape``; its backward broadcasts up again."""

    @staticmethod
    def forward(ctx, a, shape):
        x = a.array
        ctx.in_shape = x.shape
        lead = x.ndim - len(shape)
        axes = tuple(range(lead)) + tuple(
            i + lead for i, s in enumerate(shape) if s == 1 and x.shape[i + lead] != 1
        )
        out = x.sum(axis=axes, keepdims=True) if axes else x
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.expand(ctx.in_shape), None


class Amax(Function):
    """Largest value over ``dims``; the gradient is split evenly between tied maxima."""

    @staticmethod
    def forward(ctx, a, dims, keepdim, smallest=False):
        x = a.array
        out = x.min(axis=dims, keepdims=True) if smallest else x.max(axis=dims, keepdims=True)
        ctx.save_for_backward(Tensor._wrap(x == out))
        ctx.in_shape, ctx.dims = x.shape, dims
        return (
            out
            if keepdim
            else out.reshape(
                tuple(s for i, s in enumerate(x.shape) if dims is not None and i not in dims)
            )
        )

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        count = mask.sum(ctx.dims, keepdim=True)
        return _expand_back(grad, ctx.in_shape, ctx.dims) * mask / count, None, None, None


class MaxDim(Function):
    """(values, indices) along one dim; the gradient goes to the returned index."""

    @staticmethod
    def forward(ctx, a, dim, keepdim, smallest=False):
        x = a.array
        xp = get_array_module(x)
        ctx.in_shape, ctx.dim = x.shape, dim
        if x.ndim == 0:  # a 0-d tensor is its own max, at index 0
            x, keepdim = x.reshape(1), False
        idx = (xp.argmin if smallest else xp.argmax)(x, axis=dim, keepdims=True)
        values = xp.take_along_axis(x, idx, axis=dim)
        positions = xp.arange(x.shape[dim]).reshape((-1,) + (1,) * (x.ndim - dim - 1))
        ctx.save_for_backward(Tensor._wrap((positions == idx).reshape(ctx.in_shape)))
        if not keepdim:
            values, idx = values.squeeze(dim), idx.squeeze(dim)
        indices = Tensor._wrap(idx.astype("int64", copy=False))
        ctx.mark_non_differentiable(indices)
        return values, indices

    @staticmethod
    def backward(ctx, grad, grad_indices):
        (onehot,) = ctx.saved_tensors
        return _expand_back(grad, ctx.in_shape, (ctx.dim,)) * onehot, None, None, None


class LogSumExp(Function):
    """log(sum(exp(a))) over ``dims``, shifted by the max for stability; d/da = softmax(a)."""

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        x = a.array
        xp = get_array_module(x)
        m = x.max(axis=dims, keepdims=True)
        m = xp.where(xp.isfinite(m), m, 0)
        out = xp.log(xp.exp(x - m).sum(axis=dims, keepdims=True)) + m
        out_t = Tensor._wrap(out if keepdim else out.squeeze(axis=dims))
        ctx.save_for_backward(a, out_t)
        ctx.dims = dims
        return out_t

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        shape = a.array.shape
        softmax = (a - _expand_back(out, shape, ctx.dims)).exp()
        return _expand_back(grad, shape, ctx.dims) * softmax, None, None


class Cumsum(Function):
    """Running sum along ``dim``; d/da = reversed running sum of the gradient."""

    @staticmethod
    def forward(ctx, a, dim):
        x = a.array
        ctx.dim = dim
        out = (x.reshape(1) if x.ndim == 0 else x).cumsum(axis=dim).reshape(x.shape)
        return out if x.dtype.kind == "f" else out.astype("int64", copy=False)

    @staticmethod
    def backward(ctx, grad):
        if grad.array.ndim == 0:
            return grad, None
        return grad.flip(ctx.dim).cumsum(ctx.dim).flip(ctx.dim), None


def _dims(dim, ndim):
    """Reduced dims; an empty list means all of them, as in PyTorch's sum and mean."""
    if dim is None or (isinstance(dim, (tuple, list)) and not dim):
        return None
    return normalize_dims(dim, ndim)


def sum(input, dim=None, keepdim=False, *, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    return Sum.apply(input, _dims(dim, input.array.ndim), keepdim)


def mean(input, dim=None, keepdim=False, *, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    return Mean.apply(input, _dims(dim, input.array.ndim), keepdim)


def _correction(unbiased, correction):
    if correction is not None:
        return correction
    return 1 if unbiased is None or unbiased else 0


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    if isinstance(dim, bool):  # var(unbiased) positional form
        dim, unbiased = None, dim
    if input.array.dtype.kind != "f":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    return Var.apply(
        input, _dims(dim, input.array.ndim), _correction(unbiased, correction), keepdim
    )


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    if isinstance(dim, bool):  # std(unbiased) positional form
        dim, unbiased = None, dim
    if input.array.dtype.kind != "f":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    return Std.apply(
        input, _dims(dim, input.array.ndim), _correction(unbiased, correction), keepdim
    )


def prod(input, dim=None, keepdim=False, *, dtype=None):
    """Product of all elements, or along one ``dim`` (an int, as in PyTorch)."""
    if dim is not None and not isinstance(dim, int):
        raise TypeError(f"prod(): argument 'dim' must be int, not {type(dim).__name__}")
    if dtype is not None:
        input = input.to(dtype)
    return Prod.apply(input, normalize_dims(dim, input.array.ndim), keepdim)


def _extreme(input, dim, keepdim, smallest):
    if isinstance(dim, Tensor):
        return input.minimum(dim) if smallest else input.maximum(dim)
    if dim is None and input.array.size == 0:
        raise RuntimeError(
            f"{'min' if smallest else 'max'}(): Expected reduction dim to be specified for "
            "input.numel() == 0. Specify the reduction dim with the 'dim' argument."
        )
    if dim is None:
        return Amax.apply(input, None, False, smallest)
    d = normalize_dim(dim, input.array.ndim)
    _check_nonempty("min" if smallest else "max", input.array.shape, d)
    values, indices = MaxDim.apply(input, d, keepdim, smallest)
    return values_indices(values, indices)


def _check_nonempty(name, shape, d):
    if shape and shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def max(input, dim=None, keepdim=False):
    """The largest value, or ``(values, indices)`` along ``dim``, or elementwise with a tensor."""
    return _extreme(input, dim, keepdim, False)


def min(input, dim=None, keepdim=False):
    return _extreme(input, dim, keepdim, True)


def _amax(name, input, dim, keepdim):
    x = input.array
    dims = _dims(dim, x.ndim)
    if x.size == 0:
        for d in range(x.ndim) if dims is None else dims:
            _check_nonempty(name, x.shape, d)
    return Amax.apply(input, dims, keepdim, name == "amin")


def amax(input, dim=(), keepdim=False):
    """Largest values over ``dim`` (all dims by default); ties share the gradient evenly."""
    return _amax("amax", input, dim, keepdim)


def amin(input, dim=(), keepdim=False):
    return _amax("amin", input, dim, keepdim)


def _arg(input, dim, keepdim, fn):
    x = input.array
    xp = get_array_module(x)
    if x.size == 0 and dim is None:
        raise IndexError(f"{fn}(): Expected reduction dim to be specified for input.numel() == 0.")
    if dim is None:
        out = getattr(xp, fn)(x.reshape(-1))
        return Tensor._wrap(
            xp.asarray(out, dtype="int64").reshape((1,) * x.ndim if keepdim else ())
        )
    d = normalize_dim(dim, x.ndim)
    _check_nonempty(fn, x.shape, d)
    if x.ndim == 0:
        return Tensor._wrap(xp.zeros((), dtype="int64"))
    return Tensor._wrap(getattr(xp, fn)(x, axis=d, keepdims=keepdim).astype("int64", copy=False))


def argmax(input, dim=None, keepdim=False):
    return _arg(input, dim, keepdim, "argmax")


def argmin(input, dim=None, keepdim=False):
    return _arg(input, dim, keepdim, "argmin")


def logsumexp(input, dim, keepdim=False):
    if input.array.dtype.kind != "f":
        input = input.to(get_default_dtype())
    return LogSumExp.apply(input, _dims(dim, input.array.ndim), keepdim)


def cumsum(input, dim):
    return Cumsum.apply(input, normalize_dim(dim, input.array.ndim))


def norm(input, p="fro", dim=None, keepdim=False):
    """Vector p-norm over ``dim`` (default all): p = 'fro' or 2, inf, -inf, 0 or any number."""
    if p in ("fro", 2, 2.0):
        return Norm2.apply(input, _dims(dim, input.array.ndim), keepdim)
    if p in (float("inf"), "inf"):
        return input.abs().amax(() if dim is None else dim, keepdim)
    if p == float("-inf"):
        return input.abs().amin(() if dim is None else dim, keepdim)
    if p == 0:
        return (input != 0).to(input.dtype).sum(dim, keepdim)
    if p == 1:
        return input.abs().sum(dim, keepdim)
    return (input.abs() ** p).sum(dim, keepdim) ** (1.0 / p)


class Norm2(Function):
    """sqrt(sum(a^2)) over ``dims``; d/da = a / norm, and 0 where the norm is 0 (as PyTorch)."""

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        x = a.array
        out = Tensor._wrap(get_array_module(x).sqrt((x * x).sum(axis=dims, keepdims=keepdim)))
        ctx.save_for_backward(a, out)
        ctx.dims = dims
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        shape, dims = a.array.shape, ctx.dims
        out = _expand_back(out, shape, dims)
        # where the norm is 0, a is 0 too: dividing by 1 there gives the 0 PyTorch returns
        return _expand_back(grad, shape, dims) * a / out.masked_fill(out == 0, 1), None, None


def all(input, dim=None, keepdim=False):
    """True where every element is nonzero (uint8 inputs give uint8, as in PyTorch)."""
    x = input.array
    out = x.all(axis=_dims(dim, x.ndim), keepdims=keepdim)
    return Tensor._wrap(out.astype(x.dtype) if x.dtype == "uint8" else out)


def any(input, dim=None, keepdim=False):
    """True where some element is nonzero (uint8 inputs give uint8, as in PyTorch)."""
    x = input.array
    out = x.any(axis=_dims(dim, x.ndim), keepdims=keepdim)
    return Tensor._wrap(out.astype(x.dtype) if x.dtype == "uint8" else out)


def _norm_samples(draw):
    x = draw.values(draw.shape(1))
    return [
        Sample(x),
        Sample(x, 1),
        Sample(x, 3.0),
        Sample(x, float("inf"), 0),
        Sample(x, 2, None, True),
    ]


def _any_samples(draw):
    x = draw.values(draw.shape()) > 0.3
    return [Sample(x), Sample(x, 0)] if x.ndim else [Sample(x)]


def _cumsum_samples(draw):
    shape = draw.shape(1)
    return [Sample(draw.values(shape), draw.integers(-len(shape), len(shape) - 1))]


def _max_samples(draw):
    shape = draw.shape()
    x = draw.values(shape)
    out = [Sample(x)] if x.size else []
    if shape:
        out.append(Sample(x, draw.integers(-len(shape), len(shape) - 1), keepdim=True))
    return out


def _sum_to_size_samples(draw):
    shape = draw.shape(1)
    return [Sample(draw.values(shape), tuple(draw.choice((1, s)) for s in shape[1:]))]


OPS = [
    Op("sum", sum, samples=reduction()),
    Op("mean", mean, samples=reduction()),
    Op("var", var, samples=reduction()),
    Op("std", std, samples=reduction(1.0, 3.0)),
    Op("prod", prod, samples=lambda draw: reduction(0.5, 1.5, keepdim=False)(draw)[:2]),
    Op("max", max, samples=_max_samples),
    Op("min", min, samples=_max_samples),
    Op("amax", amax, samples=reduction()),
    Op("amin", amin, samples=reduction()),
    Op("argmax", argmax, grad=False, samples=_max_samples),
    Op("argmin", argmin, grad=False, samples=_max_samples),
    Op("logsumexp", logsumexp, samples=lambda draw: reduction()(draw)[1:]),
    Op("norm", norm, samples=_norm_samples),
    Op("all", all, grad=False, samples=_any_samples),
    Op("any", any, grad=False, samples=_any_samples),
    Op("cumsum", cumsum, samples=_cumsum_samples),
    Op("sum_to_size", sum_to_size, namespaces=(), samples=_sum_to_size_samples),
]
