"""Reductions: the gradient of a reduced dim is broadcast back over it."""

from __future__ import annotations

import builtins
from collections import namedtuple

from ..autograd.function import Function
from ..backend import get_array_module
from ..tensor import Tensor
from ._util import normalize_dim, normalize_dims

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
        shape = a.array.shape
        dims = ctx.dims if ctx.dims is not None else tuple(range(len(shape)))
        centered = a - a.mean(dims, keepdim=True)
        dof = _count(shape, ctx.dims) - ctx.correction
        scale = 2.0 / dof if dof > 0 else float("nan")
        return _expand_back(grad, shape, ctx.dims) * centered * scale, None, None, None


class Prod(Function):
    """Product over one dim (or all); d/da_i = product of the others."""

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        x = a.array
        out = Tensor._wrap(x.prod(axis=dims, keepdims=keepdim))
        ctx.save_for_backward(a)
        ctx.dims = dims
        return out

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        x = a.array
        xp = get_array_module(x)
        axis = None if ctx.dims is None else ctx.dims[0]
        flat = x.reshape(-1) if axis is None else xp.moveaxis(x, axis, -1)
        # product of the others = exclusive cumulative product from the left times from the right
        ones = xp.ones_like(flat[..., :1])
        left = xp.cumprod(xp.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
        right = xp.flip(
            xp.cumprod(xp.concatenate([ones, xp.flip(flat, -1)[..., :-1]], axis=-1), axis=-1), -1
        )
        others = left * right
        others = others.reshape(x.shape) if axis is None else xp.moveaxis(others, -1, axis)
        return _expand_back(grad, x.shape, ctx.dims) * Tensor._wrap(others), None, None


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
        return out if keepdim else out.reshape(
            tuple(s for i, s in enumerate(x.shape) if dims is not None and i not in dims)
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
        idx = (xp.argmin if smallest else xp.argmax)(x, axis=dim, keepdims=True)
        values = xp.take_along_axis(x, idx, axis=dim)
        positions = xp.arange(x.shape[dim]).reshape((-1,) + (1,) * (x.ndim - dim - 1))
        ctx.save_for_backward(Tensor._wrap(positions == idx))
        ctx.in_shape, ctx.dim = x.shape, dim
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
        ctx.dim = dim
        return a.array.cumsum(axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return grad.flip(ctx.dim).cumsum(ctx.dim).flip(ctx.dim), None


def sum(input, dim=None, keepdim=False, *, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    return Sum.apply(input, normalize_dims(dim, input.array.ndim), keepdim)


def mean(input, dim=None, keepdim=False, *, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    return Mean.apply(input, normalize_dims(dim, input.array.ndim), keepdim)


def _correction(unbiased, correction):
    if correction is not None:
        return correction
    return 1 if unbiased is None or unbiased else 0


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    if isinstance(dim, bool):  # var(unbiased) positional form
        dim, unbiased = None, dim
    dims = normalize_dims(dim, input.array.ndim)
    return Var.apply(input, dims, _correction(unbiased, correction), keepdim)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return var(input, dim, unbiased, keepdim, correction=correction).sqrt()


def prod(input, dim=None, keepdim=False, *, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    return Prod.apply(input, None if dim is None else normalize_dims(dim, input.array.ndim), keepdim)


def _extreme(input, dim, keepdim, smallest):
    if isinstance(dim, Tensor):
        from .arith import maximum, minimum

        return (minimum if smallest else maximum)(input, dim)
    if input.array.size == 0:
        raise RuntimeError(
            f"{'min' if smallest else 'max'}(): Expected reduction dim to be specified for "
            "input.numel() == 0. Specify the reduction dim with the 'dim' argument."
        )
    if dim is None:
        return Amax.apply(input, None, False, smallest)
    values, indices = MaxDim.apply(input, normalize_dim(dim, input.array.ndim), keepdim, smallest)
    return values_indices(values, indices)


def max(input, dim=None, keepdim=False):
    """The largest value, or ``(values, indices)`` along ``dim``, or elementwise with a tensor."""
    return _extreme(input, dim, keepdim, False)


def min(input, dim=None, keepdim=False):
    return _extreme(input, dim, keepdim, True)


def amax(input, dim=(), keepdim=False):
    dims = None if dim == () or dim is None else normalize_dims(dim, input.array.ndim)
    return Amax.apply(input, dims, keepdim, False)


def amin(input, dim=(), keepdim=False):
    dims = None if dim == () or dim is None else normalize_dims(dim, input.array.ndim)
    return Amax.apply(input, dims, keepdim, True)


def _arg(input, dim, keepdim, fn):
    x = input.array
    xp = get_array_module(x)
    if dim is None:
        out = getattr(xp, fn)(x.reshape(-1))
        return Tensor._wrap(xp.asarray(out, dtype="int64").reshape((1,) * x.ndim if keepdim else ()))
    d = normalize_dim(dim, x.ndim)
    return Tensor._wrap(getattr(xp, fn)(x, axis=d, keepdims=keepdim).astype("int64", copy=False))


def argmax(input, dim=None, keepdim=False):
    return _arg(input, dim, keepdim, "argmax")


def argmin(input, dim=None, keepdim=False):
    return _arg(input, dim, keepdim, "argmin")


def logsumexp(input, dim, keepdim=False):
    return LogSumExp.apply(input, normalize_dims(dim, input.array.ndim), keepdim)


def cumsum(input, dim):
    return Cumsum.apply(input, normalize_dim(dim, input.array.ndim))


def norm(input, p="fro", dim=None, keepdim=False):
    """Vector norm (p = 'fro'/2, 1, inf, or any number) over ``dim``, built from differentiable ops."""
    if p in ("fro", 2, 2.0):
        return (input * input).sum(dim, keepdim).sqrt()
    if p in (float("inf"), "inf"):
        return input.abs().amax(() if dim is None else dim, keepdim)
    if p == 1:
        return input.abs().sum(dim, keepdim)
    return (input.abs() ** p).sum(dim, keepdim) ** (1.0 / p)


def all(input, dim=None, keepdim=False):
    x = input.array
    return Tensor._wrap(x.all(axis=dim, keepdims=keepdim))


def any(input, dim=None, keepdim=False):
    x = input.array
    return Tensor._wrap(x.any(axis=dim, keepdims=keepdim))
