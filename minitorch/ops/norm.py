"""Batch, layer and group normalization, each one fused op with a closed-form backward.

All three compute xhat = (x - mean) / sqrt(var + eps) over some axes (biased variance), then
y = xhat * weight + bias per channel. With m values per statistic, the input gradient is

    dx = invstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)),   dxhat = grad * weight,

and d/dweight = sum(grad * xhat), d/dbias = sum(grad). Backwards compute with arrays, so double
backward through a normalization is not supported.
"""

from __future__ import annotations

import math

from ..autograd.function import Function
from ..backend import get_array_module, same_device
from ..tensor import Tensor
from ._util import device_mismatch


def _channel_view(a, c):
    """A per-channel (C,) array shaped (1, C, 1) to broadcast over (N, C, L)."""
    return a.reshape(1, c, 1)


class BatchNorm(Function):
    """Normalize x (N, C, *) per channel over the batch and spatial dims (or with running stats).

    Training: batch mean and biased variance normalize; running_mean/var (when given) move by
    ``momentum`` towards the batch mean and the unbiased variance. Eval: the running stats are
    constants, so y = x * scale + shift per channel, d/dx = grad * scale with
    scale = weight / sqrt(running_var + eps), and d/dweight = sum(grad * (x - mean)) / std.
    """

    @staticmethod
    def forward(ctx, x, running_mean, running_var, weight, bias, training, momentum, eps):
        xa = x.array
        xp = get_array_module(xa)
        n, c = xa.shape[:2]
        x3 = xa.reshape(n, c, -1)
        m = x3.shape[0] * x3.shape[2]
        ctx.training, ctx.m = training, m
        w = None if weight is None else weight.array
        if not training:
            mean = running_mean.array.astype(xa.dtype, copy=False)
            invstd = 1.0 / xp.sqrt(running_var.array.astype(xa.dtype, copy=False) + eps)
            scale = invstd if w is None else invstd * w
            shift = -mean * scale if bias is None else bias.array - mean * scale
            out = x3 * _channel_view(scale, c)
            out += _channel_view(shift, c)
            ctx.save_for_backward(x, Tensor._wrap(mean), Tensor._wrap(invstd), weight)
            return out.reshape(xa.shape)
        mean = x3.mean(axis=(0, 2))
        xhat = x3 - _channel_view(mean, c)
        var = xp.einsum("ncl,ncl->c", xhat, xhat) / m
        if running_mean is not None:
            rm, rv = running_mean.array, running_var.array
            rm *= 1.0 - momentum
            rm += momentum * mean.astype(rm.dtype, copy=False)
            rv *= 1.0 - momentum
            rv += (momentum * m / max(m - 1, 1)) * var.astype(rv.dtype, copy=False)
        invstd = 1.0 / xp.sqrt(var + eps)
        xhat *= _channel_view(invstd, c)
        out = xhat * _channel_view(w, c) if w is not None else xhat.copy()
        if bias is not None:
            out += _channel_view(bias.array, c)
        ctx.save_for_backward(Tensor._wrap(xhat), Tensor._wrap(invstd), weight)
        return out.reshape(xa.shape)

    @staticmethod
    def backward(ctx, grad):
        if ctx.training:
            xhat, invstd, weight = ctx.saved_tensors
            x3 = xhat.array
        else:
            x, mean, invstd, weight = ctx.saved_tensors
            x3 = x.array.reshape(x.array.shape[0], x.array.shape[1], -1)
        invstd = invstd.array
        n, c = x3.shape[:2]
        g = grad.array.reshape(x3.shape)
        xp = get_array_module(g)
        gb = g.sum(axis=(0, 2))
        gw = xp.einsum("ncl,ncl->c", g, x3)
        scale = invstd if weight is None else invstd * weight.array
        if ctx.training:
            dx = x3 * _channel_view(gw / ctx.m, c)
            xp.subtract(g, dx, out=dx)
            dx -= _channel_view(gb / ctx.m, c)
            dx *= _channel_view(scale, c)
        else:
            gw = (gw - mean.array * gb) * invstd  # sum(grad * xhat) without forming xhat
            dx = g * _channel_view(scale, c)
        needs = ctx.needs_input_grad
        return (
            Tensor._wrap(dx.reshape(grad.array.shape)) if needs[0] else None,
            None,
            None,
            Tensor._wrap(gw) if needs[3] else None,
            Tensor._wrap(gb) if needs[4] else None,
            None,
            None,
            None,
        )


def _normalize_rows(xp, x2, eps):
    """xhat and invstd (R, 1) of each row of x2 (R, D), with the biased variance."""
    xhat = x2 - x2.mean(axis=1, keepdims=True)
    var = xp.einsum("rd,rd->r", xhat, xhat) / x2.shape[1]
    invstd = (1.0 / xp.sqrt(var + eps)).reshape(-1, 1)
    xhat *= invstd
    return xhat, invstd


def _normalize_rows_grad(xp, dxhat, xhat, invstd):
    """d/dx of row normalization given d/dxhat (all (R, D)); dxhat is overwritten."""
    d = xhat.shape[1]
    mean_dxhat = dxhat.mean(axis=1, keepdims=True)
    mean_dxhat_xhat = (xp.einsum("rd,rd->r", dxhat, xhat) / d).reshape(-1, 1)
    dxhat -= mean_dxhat
    dxhat -= xhat * mean_dxhat_xhat
    dxhat *= invstd
    return dxhat


class LayerNorm(Function):
    """Normalize x over its last ``k`` dims (each row of D values), then * weight + bias (D)."""

    @staticmethod
    def forward(ctx, x, weight, bias, k, eps):
        xa = x.array
        xp = get_array_module(xa)
        d = math.prod(xa.shape[xa.ndim - k :])
        xhat, invstd = _normalize_rows(xp, xa.reshape(-1, d), eps)
        out = xhat * weight.array.reshape(d) if weight is not None else xhat.copy()
        if bias is not None:
            out += bias.array.reshape(d)
        ctx.normalized_shape = xa.shape[xa.ndim - k :]
        ctx.save_for_backward(Tensor._wrap(xhat), Tensor._wrap(invstd), weight)
        return out.reshape(xa.shape)

    @staticmethod
    def backward(ctx, grad):
        xhat, invstd, weight = ctx.saved_tensors
        xhat, invstd = xhat.array, invstd.array
        g = grad.array.reshape(xhat.shape)
        xp = get_array_module(g)
        needs = ctx.needs_input_grad
        gw = gb = gx = None
        if needs[1]:
            gw = Tensor._wrap(xp.einsum("rd,rd->d", g, xhat).reshape(ctx.normalized_shape))
        if needs[2]:
            gb = Tensor._wrap(g.sum(axis=0).reshape(ctx.normalized_shape))
        if needs[0]:
            dxhat = g * weight.array.reshape(-1) if weight is not None else g.copy()
            dx = _normalize_rows_grad(xp, dxhat, xhat, invstd)
            gx = Tensor._wrap(dx.reshape(grad.array.shape))
        return gx, gw, gb, None, None


class GroupNorm(Function):
    """Normalize x (N, C, *) over each group of C/G channels (and all spatial positions) per
    sample, then * weight + bias per channel (C)."""

    @staticmethod
    def forward(ctx, x, weight, bias, groups, eps):
        xa = x.array
        xp = get_array_module(xa)
        n, c = xa.shape[:2]
        xhat, invstd = _normalize_rows(xp, xa.reshape(n * groups, -1), eps)
        out = xhat.reshape(n, c, -1)
        if weight is not None:
            out = out * _channel_view(weight.array, c)
        else:
            out = out.copy()
        if bias is not None:
            out += _channel_view(bias.array, c)
        ctx.save_for_backward(Tensor._wrap(xhat), Tensor._wrap(invstd), weight)
        return out.reshape(xa.shape)

    @staticmethod
    def backward(ctx, grad):
        xhat, invstd, weight = ctx.saved_tensors
        xhat, invstd = xhat.array, invstd.array
        n, c = grad.array.shape[:2]
        g = grad.array.reshape(n, c, -1)
        xp = get_array_module(g)
        needs = ctx.needs_input_grad
        gw = gb = gx = None
        if needs[1]:
            gw = Tensor._wrap(xp.einsum("ncl,ncl->c", g, xhat.reshape(g.shape)))
        if needs[2]:
            gb = Tensor._wrap(g.sum(axis=(0, 2)))
        if needs[0]:
            dxhat = g * _channel_view(weight.array, c) if weight is not None else g.copy()
            dx = _normalize_rows_grad(xp, dxhat.reshape(xhat.shape), xhat, invstd)
            gx = Tensor._wrap(dx.reshape(grad.array.shape))
        return gx, gw, gb, None, None


def _check_vector(x, t, c, name) -> None:
    """A per-channel tensor of c elements on x's device (or None)."""
    if t is None:
        return
    if type(t.array) is not type(x.array) or not same_device(t.array, x.array):
        raise device_mismatch(x.array, t.array)
    if t.array.size != c:
        raise RuntimeError(f"{name} should contain {c} elements not {t.array.size}")


def batch_norm(
    input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5
):
    """Batch normalization of input (N, C, *) per channel; updates running stats in training."""
    shape = input.array.shape
    if input.array.ndim < 2:
        raise ValueError(f"expected 2D or more input (got {input.array.ndim}D input)")
    c = shape[1]
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError("running_mean must be defined in evaluation mode")
    for t, name in (
        (running_mean, "running_mean"),
        (running_var, "running_var"),
        (weight, "weight"),
        (bias, "bias"),
    ):
        _check_vector(input, t, c, name)
    if training and input.array.size // c <= 1:
        raise ValueError(
            "Expected more than 1 value per channel when training, got input size "
            f"minitorch.Size({list(shape)})"
        )
    return BatchNorm.apply(
        input, running_mean, running_var, weight, bias, bool(training), float(momentum), float(eps)
    )


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Layer normalization over the last len(normalized_shape) dims of input."""
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    normalized_shape = tuple(int(s) for s in normalized_shape)
    k = len(normalized_shape)
    shape = input.array.shape
    if k == 0 or tuple(shape[len(shape) - k :]) != normalized_shape or len(shape) < k:
        raise RuntimeError(
            f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
            f"[*, {', '.join(map(str, normalized_shape))}], but got input of size{list(shape)}"
        )
    for t, name in ((weight, "weight"), (bias, "bias")):
        _check_vector(input, t, t.array.size if t is not None else 0, name)
        if t is not None and tuple(t.array.shape) != normalized_shape:
            raise RuntimeError(
                f"Expected {name} to be of same shape as normalized_shape, but got {name} of "
                f"shape {list(t.array.shape)} and normalized_shape = {list(normalized_shape)}"
            )
    return LayerNorm.apply(input, weight, bias, k, float(eps))


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Group normalization of input (N, C, *): C/num_groups channels per group."""
    shape = input.array.shape
    if input.array.ndim < 2 or shape[1] % num_groups:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but got input "
            f"of shape {list(shape)} and num_groups={num_groups}"
        )
    for t, name in ((weight, "weight"), (bias, "bias")):
        _check_vector(input, t, t.array.size if t is not None else 0, name)
        if t is not None and tuple(t.array.shape) != (shape[1],):
            raise RuntimeError(
                f"Expected {name} to be a vector of size equal to the number of channels in "
                f"input, but got {name} of shape {list(t.array.shape)} and input of shape "
                f"{list(shape)}"
            )
    return GroupNorm.apply(input, weight, bias, int(num_groups), float(eps))
