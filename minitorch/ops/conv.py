"""Convolutions as im2col + one GEMM per chunk of samples; backward: GEMMs, and col2im for strides.

im2col reads the kernel windows through a strided view (no copy) and copies a few samples at a
time into a reused buffer for one GEMM over them; on the CPU the chunks run on parallel threads.
The weight gradient is a GEMM of the output gradient with the same windows. The input
gradient of a stride-1 conv is itself a conv (of the padded output gradient with the flipped
kernel); for other strides it is col2im, which adds the windows back one kernel offset at a
time with slice-adds (an order of magnitude faster than ``np.add.at``). conv1d runs as a
conv2d of height 1; conv_transpose2d is conv2d's input gradient, and its backward is conv2d's
forward and weight gradient.

Both backwards compute with arrays, so double backward through a convolution is not supported.
"""

from __future__ import annotations

import math
import threading

from ..autograd.function import Function
from ..backend import device_of, get_array_module, same_device
from ..parallel import map_batches
from ..tensor import Tensor
from ._util import device_mismatch

# Per-sample work (im2col copy, GEMM output) in one chunk of the batch: a few MB at a time keep
# each chunk's im2col copy in cache for the GEMM that reads it (10-20% faster than one pass).
_CHUNK_BYTES = 1 << 22
_scratch_buffers = threading.local()  # per thread: (name, device, dtype) -> reusable buffer
_SCALAR_NAMES = {"float16": "Half", "float32": "Float", "float64": "Double", "int64": "Long"}


def _check_operands(x, w, b) -> None:
    """Same device and dtype for input, weight and bias, as PyTorch requires."""
    xa, wa = x.array, w.array
    if type(xa) is not type(wa) or not same_device(xa, wa):
        raise device_mismatch(xa, wa)
    if xa.dtype != wa.dtype:
        raise RuntimeError(
            f"expected scalar type {_SCALAR_NAMES.get(wa.dtype.name, wa.dtype.name)} but found "
            f"{_SCALAR_NAMES.get(xa.dtype.name, xa.dtype.name)}"
        )
    if b is not None:
        ba = b.array
        if type(ba) is not type(xa) or not same_device(xa, ba):
            raise device_mismatch(xa, ba)
        if ba.dtype != xa.dtype:
            raise RuntimeError(
                f"Input type ({x.dtype.name}) and bias type ({b.dtype.name}) should be the same"
            )


def _as_2d(a, w):
    """A 1-d convolution's arrays seen as 2-d ones of height 1 (views, no copies)."""
    if a.ndim == 3:
        a = a.reshape(a.shape[0], a.shape[1], 1, a.shape[2])
    if w.ndim == 3:
        w = w.reshape(w.shape[0], w.shape[1], 1, w.shape[2])
    return a, w


def _crop_negative(x, pads):
    """x with negative pads cropped away, and the pads that are left (all >= 0)."""
    (pt, pb), (pl, pr) = pads
    if min(pt, pb, pl, pr) >= 0:
        return x, pads
    h, w = x.shape[2:]
    x = x[:, :, max(-pt, 0) : h - max(-pb, 0), max(-pl, 0) : w - max(-pr, 0)]
    return x, ((max(pt, 0), max(pb, 0)), (max(pl, 0), max(pr, 0)))


def _pad(xp, x, pads):
    """x (N, C, H, W) with zeros added around (negative amounts crop); ((top, bottom), (l, r))."""
    x, ((pt, pb), (pl, pr)) = _crop_negative(x, pads)
    if not (pt or pb or pl or pr):
        return x
    n, c, h, w = x.shape
    out = xp.zeros((n, c, h + pt + pb, w + pl + pr), dtype=x.dtype)
    out[:, :, pt : pt + h, pl : pl + w] = x
    return out


def _windows(xp, x, kernel, stride, dilation, pads):
    """The kernel windows of x padded by ``pads``: (view, (OH, OW), width, edges).

    ``view`` is a strided view (N, C, kh, kw, P) over OH rows of ``width`` output positions
    (no copy). With stride 1 it walks the flattened rows, so each kernel offset is one
    contiguous run and im2col copies 3-4x faster than from an (OH, OW) view. When the padding
    keeps the width ("same"), the rows stay unpadded: a window column that falls off a row's
    edge reads its neighbour row instead of padding, and ``edges`` = (width, ((j, columns),
    ...)) names, per kernel column j, the output columns that im2col must zero. Otherwise the
    rows are the padded width wide, and their last ``width - OW`` positions are garbage that
    ``_conv_gemm`` drops and ``_weight_grad`` zeroes on the gradient side. Other strides give
    an (OH, OW) view.
    """
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    x, ((pt, pb), (pl, pr)) = _crop_negative(x, pads)
    n, c, h, w = x.shape
    hp, wp = h + pt + pb, w + pl + pr
    out_hw = ((hp - dh * (kh - 1) - 1) // sh + 1, (wp - dw * (kw - 1) - 1) // sw + 1)
    if (sh, sw) != (1, 1):
        xpad = _pad(xp, x, ((pt, pb), (pl, pr)))
        span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
        view = xp.lib.stride_tricks.sliding_window_view(xpad, span, axis=(2, 3))
        view = view[:, :, : sh * (out_hw[0] - 1) + 1 : sh, : sw * (out_hw[1] - 1) + 1 : sw]
        return view[..., ::dh, ::dw].transpose(0, 1, 4, 5, 2, 3), out_hw, out_hw[1], None
    edges = None
    if kw == 1 and not (pt or pb or pl or pr) and x.flags.c_contiguous:
        width, flat = w, x.reshape(n, c, h * w)  # nothing to pad: the input itself is the buffer
    elif out_hw[1] == w:
        # rows w wide, pl elements before the first and pr after the last: a window's reads
        # stay inside the buffer, those off a row's edge land on zeros or the next row
        width = w
        flat = xp.zeros((n, c, pl + hp * w + pr), dtype=x.dtype)
        flat[:, :, pl : pl + hp * w].reshape(n, c, hp, w)[:, :, pt : pt + h] = x
        off = [(j, slice(0, min(pl - j * dw, w))) for j in range(kw) if pl - j * dw > 0]
        off += [(j, slice(max(w + pl - j * dw, 0), w)) for j in range(kw) if pl - j * dw < 0]
        edges = (w, tuple(off)) if off else None
    else:
        # the window starting on the last row's last position reaches (kw-1)*dw past it
        width = wp
        flat = xp.zeros((n, c, hp * wp + dw * (kw - 1)), dtype=x.dtype)
        flat[:, :, : hp * wp].reshape(n, c, hp, wp)[:, :, pt : pt + h, pl : pl + w] = x
    s = flat.strides[2]
    view = xp.lib.stride_tricks.as_strided(
        flat,
        shape=(n, c, kh, kw, out_hw[0] * width),
        strides=(flat.strides[0], flat.strides[1], dh * width * s, dw * s, s),
    )
    return view, out_hw, width, edges


def _scratch(xp, like, name, shape):
    """An uninitialized array for one chunk's ``name`` buffer, reused by later calls in this
    thread.

    Fresh memory costs a page fault per 4 KB when first written (about 2 ms per 4 MB on the
    machines measured), so chunk buffers are kept; buffers much larger than a chunk (one huge
    sample) are not.
    """
    size = math.prod(shape)
    if size * like.itemsize > 4 * _CHUNK_BYTES:
        return xp.empty(shape, dtype=like.dtype)
    key = (name, device_of(like), like.dtype)
    cache = getattr(_scratch_buffers, "by_key", None)
    if cache is None:
        cache = _scratch_buffers.by_key = {}
    buf = cache.get(key)
    if buf is None or buf.size < size:
        buf = cache[key] = xp.empty(size, dtype=like.dtype)
    return buf[:size].reshape(shape)


def _im2col(xp, windows, batch, edges):
    """A contiguous (C*kh*kw, B*P) copy of the windows of the B samples in ``batch``, zero
    where ``edges`` (from ``_windows``) says a window column fell off its row.

    Samples sit side by side along the columns, so one GEMM covers the whole chunk: BLAS
    splits one large product across threads far better than B small ones.
    """
    b = batch.stop - batch.start
    c, kh, kw = windows.shape[1:4]
    cols = _scratch(xp, windows, "cols", (c, kh, kw, b, *windows.shape[4:]))
    xp.copyto(cols, xp.moveaxis(windows[batch], 0, 3))
    if edges is not None:
        width, off = edges
        rows = cols.reshape(c, kh, kw, b, -1, width)
        for j, columns in off:
            rows[:, :, j, :, :, columns] = 0
    return cols.reshape(c * kh * kw, -1)


def _conv_gemm(xp, windows, w, groups, out_hw, width, edges, bias):
    """Convolution output (N, O, OH, OW) = w @ im2col(windows) + bias, per group.

    Each chunk's GEMM gives (O, B, OH, width); dropping the garbage columns, moving the batch
    axis first and adding the bias happen in one pass into the output.
    """
    n, o = windows.shape[0], w.shape[0]
    k = math.prod(w.shape[1:])
    wg = w.reshape(groups, o // groups, k)
    positions = out_hw[0] * width
    out = xp.empty((n, o, *out_hw), dtype=w.dtype)
    b = None if bias is None else bias.reshape(o, 1, 1, 1)

    def chunk(batch):
        size = batch.stop - batch.start
        cols = _im2col(xp, windows, batch, edges).reshape(groups, k, size * positions)
        res = _scratch(xp, w, "gemm", (groups, o // groups, size * positions))
        xp.matmul(wg, cols, out=res)
        res = res.reshape(o, size, out_hw[0], width)[..., : out_hw[1]]
        dest = out[batch].swapaxes(0, 1)
        if b is None:
            xp.copyto(dest, res)
        else:
            xp.add(res, b, out=dest)

    map_batches(chunk, w, n, max(k * groups, o) * positions * w.itemsize, _CHUNK_BYTES)
    return out


def _weight_grad(xp, grad, windows, width, edges, groups, w_shape, bias=False):
    """(d/dw, d/db): d/dw = sum over the batch of grad @ im2col(windows)^T, per group, and
    with ``bias`` d/db = grad summed over all but its channel axis; grad (N, O, OH, OW).

    Each chunk's grad is laid out as (O, B, OH, width) to match im2col's columns, zero in the
    garbage columns, so the chunk's sum over samples and positions is one GEMM, and its bias
    share a sum over the same cached layout.
    """
    n, o, oh, ow = grad.shape
    k = math.prod(w_shape[1:])

    def chunk(batch):
        size = batch.stop - batch.start
        cols = _im2col(xp, windows, batch, edges).reshape(groups, k, size * oh * width)
        g = _scratch(xp, grad, "grad", (o, size, oh, width))
        if width != ow:
            g[..., ow:] = 0
        xp.copyto(g[..., :ow], grad[batch].swapaxes(0, 1))
        dw = xp.matmul(g.reshape(groups, o // groups, -1), cols.swapaxes(-1, -2))
        return dw, g.reshape(o, -1).sum(1) if bias else None

    sample_bytes = max(k * groups, o) * oh * width * grad.itemsize
    parts = map_batches(chunk, grad, n, sample_bytes, _CHUNK_BYTES)
    if not parts:  # an empty batch
        dw = xp.zeros((groups, o // groups, k), dtype=grad.dtype)
        return dw.reshape(w_shape), xp.zeros(o, dtype=grad.dtype) if bias else None
    dw, db = parts[0]
    for part_w, part_b in parts[1:]:
        dw += part_w
        if bias:
            db += part_b
    return dw.reshape(w_shape), db


def _input_grad(xp, grad, w, x_shape, stride, pads, dilation, groups):
    """d/dx of a conv2d with weight w, given grad (N, O, OH, OW) of its output.

    A stride-1 conv's input gradient is itself a conv: of the output gradient, padded by the
    kernel's reach, with the kernel flipped and its in/out channels swapped (its im2col copies
    contiguous runs, and its GEMM sums over O*kh*kw). Other strides use col2im: per chunk of
    samples, one GEMM w^T @ grad (grad laid out as (O, B*OH*OW)) gives every window's share of
    d/dx, added back into a padded chunk one kernel offset at a time with slice-adds.
    """
    n, c, h, wd = x_shape
    o, cg, kh, kw = w.shape
    (sh, sw), (dh, dw) = stride, dilation
    (pt, pb), (pl, pr) = pads
    oh, ow = grad.shape[2:]
    if (sh, sw) == (1, 1):
        flipped = w.reshape(groups, o // groups, cg, kh, kw)[..., ::-1, ::-1].swapaxes(1, 2)
        flipped = flipped.reshape(c, o // groups, kh, kw)
        top, left = dh * (kh - 1) - pt, dw * (kw - 1) - pl
        bottom, right = h + dh * (kh - 1) - oh - top, wd + dw * (kw - 1) - ow - left
        pads = ((top, bottom), (left, right))
        windows, out_hw, width, edges = _windows(xp, grad, (kh, kw), (1, 1), dilation, pads)
        return _conv_gemm(xp, windows, flipped, groups, out_hw, width, edges, None)
    wt = w.reshape(groups, o // groups, -1).swapaxes(1, 2)  # (groups, Cg*kh*kw, O/groups)
    offsets = [
        (
            i,
            j,
            slice(i * dh, i * dh + sh * (oh - 1) + 1, sh),
            slice(j * dw, j * dw + sw * (ow - 1) + 1, sw),
        )
        for i in range(kh)
        for j in range(kw)
    ]
    dx = xp.empty(x_shape, dtype=grad.dtype)

    def chunk(batch):
        size = batch.stop - batch.start
        g = _scratch(xp, grad, "grad", (o, size, oh, ow))
        xp.copyto(g, grad[batch].swapaxes(0, 1))
        dcols = _scratch(xp, grad, "gemm", (groups, cg * kh * kw, size * oh * ow))
        xp.matmul(wt, g.reshape(groups, o // groups, -1), out=dcols)
        dcols = dcols.reshape(c, kh, kw, size, oh, ow)
        dxpad = _scratch(xp, grad, "dxpad", (c, size, h + pt + pb, wd + pl + pr))
        dxpad.fill(0)
        for i, j, rows, cols in offsets:
            dxpad[:, :, rows, cols] += dcols[:, i, j]
        xp.copyto(dx[batch], dxpad[:, :, pt : pt + h, pl : pl + wd].swapaxes(0, 1))

    sample_bytes = max(c * kh * kw, o) * oh * ow * grad.itemsize
    map_batches(chunk, grad, n, sample_bytes, _CHUNK_BYTES)
    return dx


class Convolution(Function):
    """Cross-correlation of x (N, C, [H,] W) with w (O, C/groups, [kh,] kw), plus bias (O,).

    out[n, o] = sum_{c, i, j} w[o, c, i, j] * xpad[n, c, oh*s + i*d, ow*s + j*d] + b[o].
    d/dw = sum_n grad @ cols^T; d/dx = col2im(w^T @ grad); d/db = grad summed over N, H, W.
    ``pads`` is ((top, bottom), (left, right)); stride and dilation are (h, w) pairs. Backward
    copies im2col again from the saved window view instead of keeping the copy (less memory).
    """

    @staticmethod
    def forward(ctx, x, w, b, stride, pads, dilation, groups):
        xa, wa = _as_2d(x.array, w.array)
        xp = get_array_module(xa)
        windows, out_hw, width, edges = _windows(xp, xa, wa.shape[2:], stride, dilation, pads)
        bias = None if b is None else b.array
        out = _conv_gemm(xp, windows, wa, groups, out_hw, width, edges, bias)
        gx, gw = ctx.needs_input_grad[:2]
        ctx.geometry = (xa.shape, x.array.shape, w.array.shape, stride, pads, dilation, groups)
        ctx.layout = (width, edges)
        # x itself is saved too, so an in-place change of it is caught before backward
        ctx.save_for_backward(
            x if gw else None, Tensor._wrap(windows) if gw else None, w if gx else None
        )
        return out if x.array.ndim == 4 else out.reshape(out.shape[0], out.shape[1], -1)

    @staticmethod
    def backward(ctx, grad):
        _, windows, w = ctx.saved_tensors
        x_shape, x_shape_in, w_shape, stride, pads, dilation, groups = ctx.geometry
        g = grad.array
        xp = get_array_module(g)
        if g.ndim == 3:
            g = g.reshape(g.shape[0], g.shape[1], 1, g.shape[2])
        gx = gw = gb = None
        if w is not None:
            _, wa = _as_2d(g, w.array)
            dx = _input_grad(xp, g, wa, x_shape, stride, pads, dilation, groups)
            gx = Tensor._wrap(dx.reshape(x_shape_in))
        with_bias = ctx.needs_input_grad[2]
        if windows is not None:
            width, edges = ctx.layout
            dw, db = _weight_grad(xp, g, windows.array, width, edges, groups, w_shape, with_bias)
            gw = Tensor._wrap(dw)
            gb = None if db is None else Tensor._wrap(db)
        elif with_bias:
            gb = Tensor._wrap(g.sum(axis=(0, 2, 3)))
        return gx, gw, gb, None, None, None, None


class ConvTranspose(Function):
    """Transposed convolution: x (N, Cin, [H,] W), w (Cin, Cout/groups, [kh,] kw) -> (N, Cout, ...).

    It is conv2d's input gradient with x in the role of the output gradient, so its input
    gradient is conv2d(grad, w) and its weight gradient conv2d's weight gradient with the roles
    of input and output swapped. ``out_shape`` is the output's full (N, Cout, H, W).
    """

    @staticmethod
    def forward(ctx, x, w, b, stride, pads, dilation, groups, out_shape):
        xa, wa = _as_2d(x.array, w.array)
        xp = get_array_module(xa)
        out = _input_grad(xp, xa, wa, out_shape, stride, pads, dilation, groups)
        if b is not None:
            out += b.array.reshape(-1, 1, 1)
        ctx.geometry = (x.array.shape, w.array.shape, stride, pads, dilation, groups)
        ctx.save_for_backward(x if ctx.needs_input_grad[1] else None, w)
        return out if x.array.ndim == 4 else out.reshape(out.shape[0], out.shape[1], -1)

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        x_shape, w_shape, stride, pads, dilation, groups = ctx.geometry
        g, wa = _as_2d(grad.array, w.array)
        xp = get_array_module(g)
        # drop the output_padding rows/columns: no window of the input reaches them
        in_hw = x_shape[2:] if len(x_shape) == 4 else (1, x_shape[2])
        (pt, pb), (pl, pr) = pads
        extra = [
            g.shape[2 + k]
            + sum(pads[k])
            - (stride[k] * (in_hw[k] - 1) + dilation[k] * (wa.shape[2 + k] - 1) + 1)
            for k in range(2)
        ]
        pads = ((pt, pb - extra[0]), (pl, pr - extra[1]))
        windows, in_hw, width, edges = _windows(xp, g, wa.shape[2:], stride, dilation, pads)
        gx = gw = gb = None
        if ctx.needs_input_grad[0]:
            gx = _conv_gemm(xp, windows, wa, groups, in_hw, width, edges, None)
            gx = Tensor._wrap(gx.reshape(x_shape))
        if x is not None:
            xa, _ = _as_2d(x.array, wa)
            gw, _ = _weight_grad(xp, xa, windows, width, edges, groups, wa.shape)
            gw = Tensor._wrap(gw.reshape(w_shape))
        if ctx.needs_input_grad[2]:
            gb = Tensor._wrap(g.sum(axis=(0, 2, 3)))
        return gx, gw, gb, None, None, None, None, None


def _tuple(value, n: int, name: str) -> tuple:
    """An int or a sequence as an n-tuple of ints (PyTorch's ``_pair`` / ``_single``)."""
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) == 1:
        return value * n
    if len(value) != n:
        raise RuntimeError(
            f"expected {name} to be a single integer value or a list of {n} values to match the "
            f"convolution dimensions, but got {name}={list(value)}"
        )
    return value


def _check_geometry(stride, padding, dilation) -> None:
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")


def _check_dims(input, weight, nd: int, name: str) -> bool:
    """True when ``input`` has no batch dim; raises for a wrong number of dims."""
    if weight.array.ndim != nd + 2:
        raise RuntimeError(
            f"weight should have at least three dimensions: expected {nd + 2}D weight for "
            f"{name}, but got weight of size {list(weight.array.shape)}"
        )
    if input.array.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got "
            f"input of size: {list(input.array.shape)}"
        )
    return input.array.ndim == nd + 1


def _conv(input, weight, bias, stride, padding, dilation, groups, nd: int):
    name = f"conv{nd}d"
    unbatched = _check_dims(input, weight, nd, name)
    if unbatched:
        input = input.unsqueeze(0)
    _check_operands(input, weight, bias)
    x_shape, w_shape = input.array.shape, weight.array.shape
    kernel = w_shape[2:]
    stride, dilation = _tuple(stride, nd, "stride"), _tuple(dilation, nd, "dilation")
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            # PyTorch puts the odd extra padding of an even kernel on the right/bottom.
            totals = [d * (k - 1) for d, k in zip(dilation, kernel)]
            pads = tuple((t // 2, t - t // 2) for t in totals)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        pads = tuple((p, p) for p in _tuple(padding, nd, "padding"))
    _check_geometry(stride, [p for pair in pads for p in pair], dilation)
    if w_shape[0] % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size [{list(w_shape)}] instead"
        )
    if x_shape[1] != w_shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(w_shape)}, expected input"
            f"{list(x_shape)} to have {w_shape[1] * groups} channels, but got {x_shape[1]} "
            "channels instead"
        )
    if bias is not None and tuple(bias.array.shape) != (w_shape[0],):
        raise RuntimeError(
            f"Given weight of size {list(w_shape)}, expected bias to be 1-dimensional with "
            f"{w_shape[0]} elements, but got bias of size {list(bias.array.shape)} instead"
        )
    padded = [s + a + b for s, (a, b) in zip(x_shape[2:], pads)]
    effective = [d * (k - 1) + 1 for d, k in zip(dilation, kernel)]
    if any(p < e for p, e in zip(padded, effective)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
            f"Kernel size: ({' x '.join(map(str, effective))}). Kernel size can't be greater "
            "than actual input size"
        )
    if nd == 1:
        stride, pads, dilation = (1, *stride), ((0, 0), *pads), (1, *dilation)
    out = Convolution.apply(input, weight, bias, stride, pads, dilation, groups)
    return out.squeeze(0) if unbatched else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-d convolution: input (N, C, L) or (C, L), weight (O, C/groups, k) -> (N, O, L_out)."""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-d convolution: input (N, C, H, W) or (C, H, W), weight (O, C/groups, kh, kw)."""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 2)


def _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, nd):
    name = f"conv_transpose{nd}d"
    unbatched = _check_dims(input, weight, nd, name)
    if unbatched:
        input = input.unsqueeze(0)
    _check_operands(input, weight, bias)
    x_shape, w_shape = input.array.shape, weight.array.shape
    stride, padding = _tuple(stride, nd, "stride"), _tuple(padding, nd, "padding")
    dilation, output_padding = _tuple(dilation, nd, "dilation"), _tuple(output_padding, nd, "")
    _check_geometry(stride, padding, dilation)
    if any(op >= max(s, d) for op, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(
            "output padding must be smaller than either stride or dilation, but got "
            + " ".join(
                f"{what}_{dim}: {v[k]}"
                for what, v in (
                    ("output_padding", output_padding),
                    ("stride", stride),
                    ("dilation", dilation),
                )
                for k, dim in enumerate(("height", "width")[-nd:])
            )
        )
    if x_shape[1] != w_shape[0]:
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(w_shape)}, expected input{list(x_shape)} "
            f"to have {w_shape[0]} channels, but got {x_shape[1]} channels instead"
        )
    if w_shape[0] % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size [{list(w_shape)}] instead"
        )
    c_out = w_shape[1] * groups
    if bias is not None and tuple(bias.array.shape) != (c_out,):
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(w_shape)}, expected bias to be "
            f"1-dimensional with {c_out} elements, but got bias of size "
            f"{list(bias.array.shape)} instead"
        )
    out_size = [
        (s - 1) * st - 2 * p + d * (k - 1) + op + 1
        for s, st, p, d, k, op in zip(
            x_shape[2:], stride, padding, dilation, w_shape[2:], output_padding
        )
    ]
    if any(s <= 0 for s in out_size):
        raise RuntimeError(
            f"Given input size per channel: ({' x '.join(map(str, x_shape[2:]))}). Calculated "
            f"output size per channel: ({' x '.join(map(str, out_size))}). Output size is too "
            "small"
        )
    pads = tuple((p, p) for p in padding)
    if nd == 1:
        stride, pads, dilation, out_size = (
            (1, *stride),
            ((0, 0), *pads),
            (1, *dilation),
            [1, *out_size],
        )
    out_shape = (x_shape[0], c_out, *out_size)
    out = ConvTranspose.apply(input, weight, bias, stride, pads, dilation, groups, out_shape)
    return out.squeeze(0) if unbatched else out


def conv_transpose1d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """1-d transposed convolution: input (N, Cin, L), weight (Cin, Cout/groups, k)."""
    return _conv_transpose(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 1
    )


def conv_transpose2d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """2-d transposed convolution: input (N, Cin, H, W), weight (Cin, Cout/groups, kh, kw)."""
    return _conv_transpose(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 2
    )
