"""Dropout as one op: draw a keep-mask, scale the kept values by 1/(1-p)."""

from __future__ import annotations

from ..autograd.function import Function
from ..backend import device_of, get_array_module, to_device
from ..random import rng
from ..tensor import Tensor


def keep_mask(shape, p: float, dtype, device, generator=None):
    """An array of 0 and 1/(1-p) (each nonzero with probability 1 - p) on ``device``.

    Drawn on the host from minitorch's generator, so ``manual_seed`` repeats the mask on any
    device.
    """
    draws = rng(generator).random(shape, dtype="float32")
    mask = (draws >= p).astype(dtype)
    mask *= 1.0 / (1.0 - p)
    return to_device(mask, device)


class Dropout(Function):
    """x * m, m = keep / (1 - p) for a random keep-mask; d/dx = m (the saved mask).

    ``mask_shape`` (default: x's shape) may have size-1 dims, so whole channels drop together.
    """

    @staticmethod
    def forward(ctx, a, p, generator, mask_shape):
        x = a.array
        shape = x.shape if mask_shape is None else tuple(mask_shape)
        if p == 1.0:
            m = get_array_module(x).zeros(shape, dtype=x.dtype)
        else:
            m = keep_mask(shape, p, x.dtype, device_of(x), generator)
        ctx.save_for_backward(Tensor._wrap(m))
        return x * m

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        return grad * mask, None, None, None
