"""Pooling over (N, C, H, W): one strided view per kernel offset, never a copy of the windows.

Max and average pooling loop over the kh * kw kernel offsets; each offset is a strided slice of
the padded input covering every window at once. This beats reducing a reshaped
(N, C, OH, k, OW, k) view, which numpy does an order of magnitude slower. When the windows tile
the input exactly (kernel == stride, no padding) backward writes each offset's share straight
into the gradient instead of adding it into zeros. Both directions work a few samples at a
time, so each offset's pass stays in cache, and on the CPU the chunks run on parallel threads.
Backwards compute with arrays, so double backward through pooling is not supported.
"""

from __future__ import annotations

import math

from ..autograd.function import Function
from ..backend import get_array_module
from ..parallel import map_batches
from ..tensor import Tensor
from .conv import _tuple

# input per chunk of the batch: each offset's passes stay in cache, and chunks this large keep
# the threads' GIL hand-offs between numpy calls rare (3 ms faster per CNN step than 512 KB)
_CHUNK_BYTES = 1 << 21


def _sample_bytes(a) -> int:
    """Bytes of one sample of a batch (also when the batch is empty)."""
    return math.prod(a.shape[1:]) * a.itemsize


def _out_size(size, k, s, p, d, ceil_mode) -> int:
    """Output length of a pooling window sweep (PyTorch's pooling_output_shape)."""
    out = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1  # the last window must start inside the input or its left padding
    return out


def _geometry(x_shape, kernel, stride, padding, dilation, ceil_mode):
    """Output (OH, OW) and the padding per side ((top, bottom), (left, right)) the sweep needs."""
    out, pads = [], []
    for size, k, s, p, d in zip(x_shape[-2:], kernel, stride, padding, dilation):
        o = _out_size(size, k, s, p, d, ceil_mode)
        extent = (o - 1) * s + d * (k - 1) + 1  # ceil_mode windows may overhang the padding
        out.append(o)
        pads.append((p, max(extent - size - p, p)))
    return tuple(out), tuple(pads)


def _pad(xp, x, pads, value):
    (pt, pb), (pl, pr) = pads
    if not (pt or pb or pl or pr):
        return x
    n, c, h, w = x.shape
    out = xp.full((n, c, h + pt + pb, w + pl + pr), value, dtype=x.dtype)
    out[:, :, pt : pt + h, pl : pl + w] = x
    return out


def _offsets(kernel, stride, dilation, out_hw):
    """For each kernel offset (i, j), the (rows, cols) slices that pick it in every window."""
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel, stride, dilation, out_hw
    return [
        (
            slice(i * dh, i * dh + sh * (oh - 1) + 1, sh),
            slice(j * dw, j * dw + sw * (ow - 1) + 1, sw),
        )
        for i in range(kh)
        for j in range(kw)
    ]


def _tiles(x_shape, kernel, stride, pads, dilation, out_hw) -> bool:
    """True when the windows cover the input exactly once (the common kernel == stride case)."""
    return (
        kernel == stride
        and dilation == (1, 1)
        and pads == ((0, 0), (0, 0))
        and (x_shape[2], x_shape[3]) == (out_hw[0] * kernel[0], out_hw[1] * kernel[1])
    )


def _scatter(xp, share, x_shape, dtype, kernel, stride, pads, dilation, out_hw):
    """d/dx from the kernel offsets' gradient shares, a few samples at a time.

    ``share(t, batch, out)`` writes offset t's (B, C, OH, OW) share for the samples in
    ``batch`` into ``out``.
    """
    offsets = _offsets(kernel, stride, dilation, out_hw)
    dx = xp.empty(x_shape, dtype=dtype)
    n, c, h, w = x_shape
    (pt, pb), (pl, pr) = pads
    tiles = _tiles(x_shape, kernel, stride, pads, dilation, out_hw)

    def chunk(batch):
        if tiles:  # each offset's share lands on its own input pixels: write, don't add
            for t, (rows, cols) in enumerate(offsets):
                share(t, batch, dx[batch][:, :, rows, cols])
            return
        size = batch.stop - batch.start
        dxpad = xp.zeros((size, c, h + pt + pb, w + pl + pr), dtype=dtype)
        part = xp.empty((size, c, *out_hw), dtype=dtype)
        for t, (rows, cols) in enumerate(offsets):
            share(t, batch, part)
            dxpad[:, :, rows, cols] += part
        dx[batch] = dxpad[:, :, pt : pt + h, pl : pl + w]

    map_batches(chunk, dx, n, _sample_bytes(dx), _CHUNK_BYTES)
    return dx


class MaxPool2d(Function):
    """Max over each window of x (N, C, H, W); the gradient goes to the first maximum.

    The winning offset of each window is kept as a small integer (uint8 for kernels up to 16x16),
    and backward routes grad to it: d/dx[window's argmax] = grad. Padding is -inf, so a window
    whose real values are all -inf sends its gradient to the padding (PyTorch: to the first -inf).
    """

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, dilation, ceil_mode, return_indices):
        xa = x.array
        xp = get_array_module(xa)
        out_hw, pads = _geometry(xa.shape, kernel, stride, padding, dilation, ceil_mode)
        low = -float("inf") if xa.dtype.kind == "f" else xp.iinfo(xa.dtype).min
        xpad = _pad(xp, xa, pads, low)
        offsets = _offsets(kernel, stride, dilation, out_hw)
        idx_type = xp.uint8 if len(offsets) <= 256 else xp.int32
        track = ctx.needs_input_grad[0] or return_indices  # without them no argmax is needed
        out = xp.empty((*xa.shape[:2], *out_hw), dtype=xa.dtype)
        arg = xp.zeros(out.shape, dtype=idx_type) if track else None

        def chunk(batch):
            xb, ob = xpad[batch], out[batch]
            for t, (rows, cols) in enumerate(offsets):
                v = xb[:, :, rows, cols]
                if t == 0:
                    xp.copyto(ob, v)
                    continue
                if track:
                    # Offsets come in increasing order, so a strictly larger value's offset t is
                    # larger than the current argmax: max() sets it, ties keep the first maximum.
                    ab = arg[batch]
                    xp.maximum(ab, (v > ob) * idx_type(t), out=ab)
                xp.maximum(ob, v, out=ob)

        map_batches(chunk, xa, xa.shape[0], _sample_bytes(xpad), _CHUNK_BYTES)
        ctx.geometry = (xa.shape, kernel, stride, pads, dilation, out_hw)
        if ctx.needs_input_grad[0]:
            ctx.save_for_backward(Tensor._wrap(arg))
        if not return_indices:
            return out
        indices = Tensor._wrap(_flat_indices(xp, arg, xa.shape, kernel, stride, pads, dilation))
        ctx.mark_non_differentiable(indices)
        return out, indices

    @staticmethod
    def backward(ctx, grad, *_):
        (arg,) = ctx.saved_tensors
        x_shape, kernel, stride, pads, dilation, out_hw = ctx.geometry
        g, a = grad.array, arg.array
        xp = get_array_module(g)
        idx_type = a.dtype.type

        def share(t, batch, out):
            xp.multiply(g[batch], a[batch] == idx_type(t), out=out)

        dx = _scatter(xp, share, x_shape, g.dtype, kernel, stride, pads, dilation, out_hw)
        return Tensor._wrap(dx), None, None, None, None, None, None


def _flat_indices(xp, arg, x_shape, kernel, stride, pads, dilation):
    """PyTorch's return_indices: the argmax as a flat index into each (H, W) input plane."""
    oh, ow = arg.shape[2:]
    a = arg.astype(xp.int64)
    i, j = a // kernel[1], a % kernel[1]
    rows = xp.arange(oh).reshape(oh, 1) * stride[0] - pads[0][0] + i * dilation[0]
    cols = xp.arange(ow) * stride[1] - pads[1][0] + j * dilation[1]
    return rows * x_shape[3] + cols


class AvgPool2d(Function):
    """Mean over each window of x (N, C, H, W); d/dx = grad / divisor spread over the window."""

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override):
        xa = x.array
        xp = get_array_module(xa)
        dilation = (1, 1)
        out_hw, pads = _geometry(xa.shape, kernel, stride, padding, dilation, ceil_mode)
        xpad = _pad(xp, xa, pads, 0)
        offsets = _offsets(kernel, stride, dilation, out_hw)
        scale = _scale(xp, xa, kernel, stride, padding, out_hw, count_include_pad, divisor_override)
        out = xp.empty((*xa.shape[:2], *out_hw), dtype=xa.dtype)

        def chunk(batch):
            xb, ob = xpad[batch], out[batch]
            for t, (rows, cols) in enumerate(offsets):
                if t == 0:
                    xp.copyto(ob, xb[:, :, rows, cols])
                else:
                    ob += xb[:, :, rows, cols]
            ob *= scale

        map_batches(chunk, xa, xa.shape[0], _sample_bytes(xpad), _CHUNK_BYTES)
        ctx.geometry = (xa.shape, kernel, stride, pads, out_hw, scale)
        return out

    @staticmethod
    def backward(ctx, grad):
        x_shape, kernel, stride, pads, out_hw, scale = ctx.geometry
        g = grad.array
        xp = get_array_module(g)

        def share(t, batch, out):
            xp.multiply(g[batch], scale, out=out)

        dx = _scatter(xp, share, x_shape, g.dtype, kernel, stride, pads, (1, 1), out_hw)
        return Tensor._wrap(dx), None, None, None, None, None, None


def _scale(xp, xa, kernel, stride, padding, out_hw, count_include_pad, divisor_override):
    """1 / divisor: a Python float when all windows share it, else an (OH, OW) array."""
    if divisor_override:
        return 1.0 / divisor_override
    counts = []
    for size, k, s, p, o in zip(xa.shape[2:], kernel, stride, padding, out_hw):
        per = []
        for start in range(-p, -p + o * s, s):
            end = min(start + k, size + p)  # windows count padding but not the ceil overhang
            if not count_include_pad:
                start, end = max(start, 0), min(end, size)
            per.append(end - start)
        counts.append(per)
    rows, cols = counts
    if len(set(rows)) == 1 and len(set(cols)) == 1:
        return 1.0 / (rows[0] * cols[0])
    div = xp.asarray([[r * c for c in cols] for r in rows], dtype=xa.dtype)
    return 1 / div


class AdaptiveAvgPool2d(Function):
    """Mean over PyTorch's adaptive windows: out = A_h @ x @ A_w^T with averaging matrices.

    Row i of A_h averages input rows floor(i*H/OH) .. ceil((i+1)*H/OH) - 1; d/dx = A_h^T grad A_w.
    An output of 1x1 is a plain mean.
    """

    @staticmethod
    def forward(ctx, x, out_hw):
        xa = x.array
        xp = get_array_module(xa)
        n, c, h, w = xa.shape
        ctx.x_shape = xa.shape
        if out_hw == (1, 1):
            ctx.mats = None
            return xa.mean(axis=(2, 3), keepdims=True)
        ah, aw = _averaging(xp, h, out_hw[0], xa.dtype), _averaging(xp, w, out_hw[1], xa.dtype)
        ctx.mats = (ah, aw)
        return xp.matmul(ah, xp.matmul(xa, aw.T))

    @staticmethod
    def backward(ctx, grad):
        g = grad.array
        xp = get_array_module(g)
        if ctx.mats is None:
            h, w = ctx.x_shape[2:]
            dx = xp.broadcast_to(g * (1.0 / (h * w)), ctx.x_shape)
            return Tensor._wrap(xp.ascontiguousarray(dx)), None
        ah, aw = ctx.mats
        return Tensor._wrap(xp.matmul(ah.T, xp.matmul(g, aw))), None


def _averaging(xp, size, out, dtype):
    """(out, size) matrix whose row i averages PyTorch's i-th adaptive window."""
    m = xp.zeros((out, size), dtype=dtype)
    for i in range(out):
        start, end = (i * size) // out, -((-(i + 1) * size) // out)
        m[i, start:end] = 1.0 / (end - start)
    return m


def _pool_args(input, kernel_size, stride, padding, dilation, name):
    """Checked (kernel, stride, padding, dilation) pairs and whether input lacks a batch dim."""
    shape = input.array.shape
    if len(shape) not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    if 0 in shape[-3:]:  # only a 4-d input's batch may be empty
        raise RuntimeError(
            "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, "
            f"but got:{list(shape)}"
        )
    kernel = _tuple(kernel_size, 2, "kernel_size")
    stride = kernel if stride is None or stride == [] else _tuple(stride, 2, "stride")
    padding, dilation = _tuple(padding, 2, "padding"), _tuple(dilation, 2, "dilation")
    if any(s == 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    if any(k <= 0 for k in kernel):
        raise RuntimeError(
            f"kernel size should be greater than zero, but got kH: {kernel[0]} kW: {kernel[1]}"
        )
    if any(d <= 0 for d in dilation):
        raise RuntimeError(
            "dilation should be greater than zero, but got "
            f"dilationH: {dilation[0]} dilationW: {dilation[1]}"
        )
    for k, p, d in zip(kernel, padding, dilation):
        if p < 0 or p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(
                "pad should be at most half of effective kernel size, but got "
                f"pad={p}, kernel_size={k} and dilation={d}"
            )
    return kernel, stride, padding, dilation


def _check_output(x_shape, out_hw) -> None:
    if min(out_hw) < 1:
        c, h, w = x_shape[-3:]
        raise RuntimeError(
            f"Given input size: ({c}x{h}x{w}). Calculated output size: "
            f"({c}x{out_hw[0]}x{out_hw[1]}). Output size is too small"
        )


def max_pool2d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """Max pooling of input (N, C, H, W) or (C, H, W) -> (N, C, OH, OW) [, indices]."""
    kernel, stride, padding, dilation = _pool_args(
        input, kernel_size, stride, padding, dilation, "max_pool2d"
    )
    unbatched = input.array.ndim == 3
    if unbatched:
        input = input.unsqueeze(0)
    out_hw, _ = _geometry(input.array.shape, kernel, stride, padding, dilation, ceil_mode)
    _check_output(input.array.shape, out_hw)
    out = MaxPool2d.apply(input, kernel, stride, padding, dilation, ceil_mode, return_indices)
    if not unbatched:
        return out
    return (out[0].squeeze(0), out[1].squeeze(0)) if return_indices else out.squeeze(0)


def avg_pool2d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    """Average pooling of input (N, C, H, W) or (C, H, W) -> (N, C, OH, OW)."""
    kernel, stride, padding, _ = _pool_args(input, kernel_size, stride, padding, 1, "avg_pool2d")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    unbatched = input.array.ndim == 3
    if unbatched:
        input = input.unsqueeze(0)
    out_hw, _ = _geometry(input.array.shape, kernel, stride, padding, (1, 1), ceil_mode)
    _check_output(input.array.shape, out_hw)
    out = AvgPool2d.apply(
        input, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override
    )
    return out.squeeze(0) if unbatched else out


def adaptive_avg_pool2d(input, output_size):
    """Average pooling of input (N, C, H, W) or (C, H, W) to a fixed (OH, OW) output."""
    shape = input.array.shape
    if input.array.ndim not in (3, 4):
        raise RuntimeError(
            f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {list(shape)}"
        )
    if 0 in shape[-3:]:
        raise RuntimeError(
            "adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch "
            f"dimensions, but input has sizes {list(shape)} with dimension "
            f"{shape.index(0, len(shape) - 3)} being empty"
        )
    size = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,)
    if len(size) == 1:
        size = size * 2
    out_hw = tuple(shape[k - 2] if s is None else int(s) for k, s in enumerate(size))
    unbatched = input.array.ndim == 3
    if unbatched:
        input = input.unsqueeze(0)
    out = AdaptiveAvgPool2d.apply(input, out_hw)
    return out.squeeze(0) if unbatched else out


def _one(value):
    """A 1-d pooling argument given as ``k`` or ``(k,)``."""
    return value[0] if isinstance(value, (tuple, list)) else value


def max_pool1d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """Max pooling of input (N, C, L) or (C, L): a max_pool2d of height 1."""
    stride = kernel_size if stride is None or stride == [] else stride
    out = max_pool2d(
        input.unsqueeze(-2),
        (1, _one(kernel_size)),
        (1, _one(stride)),
        (0, _one(padding)),
        (1, _one(dilation)),
        ceil_mode,
        return_indices,
    )
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """Average pooling of input (N, C, L) or (C, L): an avg_pool2d of height 1."""
    stride = kernel_size if stride is None or stride == [] else stride
    return avg_pool2d(
        input.unsqueeze(-2),
        (1, _one(kernel_size)),
        (1, _one(stride)),
        (0, _one(padding)),
        ceil_mode,
        count_include_pad,
    ).squeeze(-2)


def adaptive_avg_pool1d(input, output_size):
    """Average pooling of input (N, C, L) or (C, L) to a fixed length."""
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, _one(output_size))).squeeze(-2)
