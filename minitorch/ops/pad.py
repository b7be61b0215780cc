"""Padding (``F.pad``): constant, reflect, replicate and circular.

Padding is linear, so each mode's backward is its transpose: constant padding's is cropping
(constant padding by the negated widths); the other modes fold the padded border back onto the
entries it was copied from. The fold is itself an op whose backward pads again, so gradients
of any order work.
"""

from __future__ import annotations

from ..autograd.function import Function
from ..backend import get_array_module

_NUMPY_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _widths(pad, ndim):
    """PyTorch's pad tuple (last dim first) -> [(dim, left, right), ...]."""
    return [(ndim - 1 - i, pad[2 * i], pad[2 * i + 1]) for i in range(len(pad) // 2)]


class Pad(Function):
    """``input`` with ``pad`` = (left, right, top, bottom, ...) entries added around its last dims.

    Negative constant widths crop.
    """

    @staticmethod
    def forward(ctx, a, pad, mode, value):
        x = a.array
        xp = get_array_module(x)
        ctx.pad, ctx.mode = pad, mode
        if mode == "constant":
            out_shape = list(x.shape)
            src = [slice(None)] * x.ndim
            dst = [slice(None)] * x.ndim
            for dim, left, right in _widths(pad, x.ndim):
                n = x.shape[dim]
                out_shape[dim] = n + left + right
                if out_shape[dim] < 0:
                    raise RuntimeError(
                        f"The input size {n}, plus negative padding {left} and {right} resulted "
                        f"in a negative output size, which is invalid. Check dimension {dim} of "
                        "your input."
                    )
                kept = max(n - max(-left, 0) - max(-right, 0), 0)  # input entries not cropped
                src[dim] = slice(max(-left, 0), max(-left, 0) + kept)
                dst[dim] = slice(max(left, 0), max(left, 0) + kept)
            out = xp.full(out_shape, value, dtype=x.dtype)
            out[tuple(dst)] = x[tuple(src)]
            return out
        widths = [(0, 0)] * x.ndim
        for dim, left, right in _widths(pad, x.ndim):
            _check_mode_width(mode, x.shape, dim, left, right)
            widths[dim] = (left, right)
        return xp.pad(x, widths, mode=_NUMPY_MODES[mode])

    @staticmethod
    def backward(ctx, grad):
        if ctx.mode == "constant":
            return Pad.apply(grad, tuple(-p for p in ctx.pad), "constant", 0), None, None, None
        return PadFold.apply(grad, ctx.pad, ctx.mode), None, None, None


class PadFold(Function):
    """The transpose of reflect/replicate/circular padding: each border entry's gradient is
    added onto the entry it copies. Its backward pads again."""

    @staticmethod
    def forward(ctx, g, pad, mode):
        ctx.pad, ctx.mode = pad, mode
        g = g.array
        xp = get_array_module(g)
        for dim, left, right in _widths(pad, g.ndim):
            g = xp.moveaxis(g, dim, 0)
            n = g.shape[0] - left - right
            core = g[left : left + n].copy()
            before, after = g[:left], g[left + n :]
            if mode == "replicate":
                core[0] += before.sum(axis=0)
                core[n - 1] += after.sum(axis=0)
            elif mode == "reflect":
                core[1 : left + 1] += before[::-1]
                core[n - 1 - right : n - 1] += after[::-1]
            else:  # circular
                core[n - left :] += before
                core[:right] += after
            g = xp.moveaxis(core, 0, dim)
        return xp.ascontiguousarray(g)

    @staticmethod
    def backward(ctx, grad):
        return Pad.apply(grad, ctx.pad, ctx.mode, 0), None, None


def _check_mode_width(mode, shape, dim, left, right) -> None:
    n = shape[dim]
    if left < 0 or right < 0:
        raise RuntimeError(f"negative padding is not supported in {mode} mode")
    if mode == "reflect" and (left >= n or right >= n):
        raise RuntimeError(
            "Argument #4: Padding size should be less than the corresponding input dimension, "
            f"but got: padding ({left}, {right}) at dimension {dim} of input {list(shape)}"
        )
    if mode == "circular" and (left > n or right > n):
        raise RuntimeError("Padding value causes wrapping around more than once.")
