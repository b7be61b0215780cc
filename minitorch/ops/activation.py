"""Softmax and log-softmax, fused: one pass forward, one formula backward."""

from __future__ import annotations

from ..autograd.function import Function
from ..backend import get_array_module
from ..shapes import normalize_dim
from ..tensor import Tensor
from ._util import SCALAR_TYPE_NAMES
from .table import Op, Sample


def _softmax_dim(a, dim):
    if dim is None:
        raise TypeError("softmax() missing required argument 'dim'")
    if a.array.dtype.kind != "f":
        name = SCALAR_TYPE_NAMES[a.dtype.name]
        raise NotImplementedError(f"\"softmax\" not implemented for '{name}'")
    d = normalize_dim(dim, a.array.ndim)
    return d if a.array.ndim else None  # a 0-d tensor is its own (only) slice


class Softmax(Function):
    """exp(a) / sum(exp(a)) along ``dim``; d/da = y * (grad - sum(grad * y))."""

    @staticmethod
    def forward(ctx, a, dim):
        x = a.array
        ctx.dim = dim = _softmax_dim(a, dim)
        xp = get_array_module(x)
        if x.size == 0:  # nothing to normalize (and max cannot reduce an empty dim)
            e = x.copy()
        else:
            e = xp.exp(x - x.max(axis=dim, keepdims=True))  # shift by the max: no overflow
            e /= e.sum(axis=dim, keepdims=True)
        out = Tensor._wrap(e)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return y * (grad - (grad * y).sum(ctx.dim, keepdim=True)), None


class LogSoftmax(Function):
    """a - logsumexp(a) along ``dim``; d/da = grad - exp(y) * sum(grad)."""

    @staticmethod
    def forward(ctx, a, dim):
        x = a.array
        ctx.dim = dim = _softmax_dim(a, dim)
        xp = get_array_module(x)
        if x.size == 0:
            shifted = x.copy()
        else:
            shifted = x - x.max(axis=dim, keepdims=True)
            shifted -= xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))
        out = Tensor._wrap(shifted)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad - y.exp() * grad.sum(ctx.dim, keepdim=True), None


def softmax(input, dim=None, dtype=None):
    """exp(input) / sum(exp(input)) along ``dim``: each slice becomes a distribution."""
    if dtype is not None:
        input = input.to(dtype)
    return Softmax.apply(input, dim)


def log_softmax(input, dim=None, dtype=None):
    """log(softmax(input, dim)), computed without overflow."""
    if dtype is not None:
        input = input.to(dtype)
    return LogSoftmax.apply(input, dim)


def _softmax_samples(draw):
    shape = draw.shape(1)
    return [Sample(draw.values(shape), draw.integers(-len(shape), len(shape) - 1))]


OPS = [
    Op("softmax", softmax, samples=_softmax_samples),
    Op("log_softmax", log_softmax, samples=_softmax_samples),
]
