"""Copies and conversions: clone, dtype casts and device transfers, each differentiable."""

from __future__ import annotations

from ..autograd.function import Function
from ..backend import device_of, to_device


class Clone(Function):
    """A copy with its own memory; d/da = grad."""

    @staticmethod
    def forward(ctx, a):
        return a.array.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


class Cast(Function):
    """The values as another dtype; the gradient is cast back to the input's dtype."""

    @staticmethod
    def forward(ctx, a, numpy_dtype):
        ctx.in_dtype = a.array.dtype
        return a.array.astype(numpy_dtype)

    @staticmethod
    def backward(ctx, grad):
        if ctx.in_dtype.kind != "f":
            return None, None
        return Cast.apply(grad, ctx.in_dtype), None


class ToDevice(Function):
    """The values on another device; the gradient travels back to the input's device."""

    @staticmethod
    def forward(ctx, a, device):
        ctx.in_device = device_of(a.array)
        return to_device(a.array, device)

    @staticmethod
    def backward(ctx, grad):
        return ToDevice.apply(grad, ctx.in_device), None
