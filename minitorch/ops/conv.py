"""Convolutions as one GEMM over im2col windows; backward: a GEMM and col2im.

im2col reads the kernel windows through a strided view and makes the one contiguous copy the GEMM
needs. col2im adds the input gradient back one kernel offset at a time with slice-adds (an order
of magnitude faster than ``np.add.at``). conv1d runs as a conv2d of height 1. conv_transpose2d is
conv2d's input gradient, and its backward is conv2d's forward and weight gradient.

Both backwards compute with arrays, so double backward through a convolution is not supported.
"""

from __future__ import annotations

from ..autograd.function import Function
from ..backend import get_array_module, same_device
from ..tensor import Tensor
from ._util import device_mismatch

_CHUNK_BYTES = 1 << 22  # how much of the batch im2col copies at a time
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


def _pad(xp, x, pads):
    """x (N, C, H, W) with zeros added around (negative amounts crop); ((top, bottom), (l, r))."""
    (pt, pb), (pl, pr) = pads
    if min(pt, pb, pl, pr) < 0:
        h, w = x.shape[2:]
        x = x[:, :, max(-pt, 0) : h - max(-pb, 0), max(-pl, 0) : w - max(-pr, 0)]
        pt, pb, pl, pr = max(pt, 0), max(pb, 0), max(pl, 0), max(pr, 0)
    if not (pt or pb or pl or pr):
        return x
    n, c, h, w = x.shape
    out = xp.zeros((n, c, h + pt + pb, w + pl + pr), dtype=x.dtype)
    out[:, :, pt : pt + h, pl : pl + w] = x
    return out


def _windows(xp, xpad, kernel, stride, dilation, out_hw):
    """Strided view (N, C, kh, kw, OH, OW) of padded x: [n, c, i, j, oh, ow] is
    xpad[n, c, oh*sh + i*dh, ow*sw + j*dw]. No copy is made."""
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel, stride, dilation, out_hw
    span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    view = xp.lib.stride_tricks.sliding_window_view(xpad, span, axis=(2, 3))
    view = view[:, :, : sh * (oh - 1) + 1 : sh, : sw * (ow - 1) + 1 : sw, ::dh, ::dw]
    return view.transpose(0, 1, 4, 5, 2, 3)


def _im2col(xp, windows, groups):
    """Yield (batch slice, cols): cols is a contiguous (B, groups, C/groups*kh*kw, OH*OW) copy
    of the windows of B samples.

    Copying a few MB of the batch at a time keeps cols in cache for the GEMM that reads it
    (10-20% faster than one whole-batch copy here), and one buffer serves every chunk.
    """
    n, c, kh, kw, oh, ow = windows.shape
    step = max(1, _CHUNK_BYTES // (c * kh * kw * oh * ow * windows.itemsize))
    buf = xp.empty((min(step, n), c, kh, kw, oh, ow), dtype=windows.dtype)
    for start in range(0, n, step):
        stop = min(start + step, n)
        cols = buf[: stop - start]
        xp.copyto(cols, windows[start:stop])
        yield slice(start, stop), cols.reshape(stop - start, groups, -1, oh * ow)


def _conv_gemm(xp, windows, w, groups):
    """out (N, O, OH, OW) = w @ im2col(windows), per group."""
    n, oh, ow = windows.shape[0], windows.shape[4], windows.shape[5]
    o = w.shape[0]
    wg = w.reshape(groups, o // groups, -1)
    out = xp.empty((n, groups, o // groups, oh * ow), dtype=w.dtype)
    for batch, cols in _im2col(xp, windows, groups):
        xp.matmul(wg, cols, out=out[batch])
    return out.reshape(n, o, oh, ow)


def _weight_grad(xp, grad, windows, groups, w_shape):
    """d/dw = sum over the batch of grad @ im2col(windows)^T, per group."""
    g = grad.reshape(grad.shape[0], groups, w_shape[0] // groups, -1)
    total = None
    for batch, cols in _im2col(xp, windows, groups):
        part = xp.matmul(g[batch], cols.swapaxes(-1, -2)).sum(0)
        if total is None:
            total = part
        else:
            total += part
    return total.reshape(w_shape)


def _input_grad(xp, grad, w, x_shape, stride, pads, dilation, groups):
    """d/dx of a conv2d with weight w, given grad (N, O, OH, OW) of its output."""
    n, c, h, wd = x_shape
    o, cg, kh, kw = w.shape
    (sh, sw), (dh, dw) = stride, dilation
    (pt, pb), (pl, pr) = pads
    if (sh, sw) == (1, 1):
        # A stride-1 conv's input gradient is itself a conv: of the output gradient, padded by
        # the kernel's reach, with the kernel flipped and its in/out channels swapped. Its GEMM
        # sums over O*kh*kw, which BLAS runs ~3x faster than col2im's GEMM summing over O.
        flipped = w.reshape(groups, o // groups, cg, kh, kw)[..., ::-1, ::-1].swapaxes(1, 2)
        flipped = flipped.reshape(c, o // groups, kh, kw)
        (oh, ow), top, left = grad.shape[2:], dh * (kh - 1) - pt, dw * (kw - 1) - pl
        bottom, right = h + dh * (kh - 1) - oh - top, wd + dw * (kw - 1) - ow - left
        gpad = _pad(xp, grad, ((top, bottom), (left, right)))
        windows = _windows(xp, gpad, (kh, kw), (1, 1), dilation, (h, wd))
        return _conv_gemm(xp, windows, flipped, groups)
    # col2im: w^T @ grad gives each window's share of d/dx; add the windows back one kernel
    # offset at a time.
    oh, ow = grad.shape[2:]
    wt = w.reshape(groups, o // groups, -1).swapaxes(1, 2)  # (groups, Cg*kh*kw, O/groups)
    dcols = xp.matmul(wt, grad.reshape(n, groups, o // groups, oh * ow))
    dcols = dcols.reshape(n, c, kh, kw, oh, ow)
    dxpad = xp.zeros((n, c, h + pt + pb, wd + pl + pr), dtype=grad.dtype)
    for i in range(kh):
        for j in range(kw):
            rows = slice(i * dh, i * dh + sh * (oh - 1) + 1, sh)
            cols = slice(j * dw, j * dw + sw * (ow - 1) + 1, sw)
            dxpad[:, :, rows, cols] += dcols[:, :, i, j]
    return xp.ascontiguousarray(dxpad[:, :, pt : pt + h, pl : pl + wd])


class Convolution(Function):
    """Cross-correlation of x (N, C, [H,] W) with w (O, C/groups, [kh,] kw), plus bias (O,).

    out[n, o] = sum_{c, i, j} w[o, c, i, j] * xpad[n, c, oh*s + i*d, ow*s + j*d] + b[o].
    d/dw = sum_n grad @ cols^T; d/dx = col2im(w^T @ grad); d/db = grad summed over N, H, W.
    ``pads`` is ((top, bottom), (left, right)); stride and dilation are (h, w) pairs. Backward
    rebuilds im2col from the saved padded input instead of keeping it, like PyTorch's memory.
    """

    @staticmethod
    def forward(ctx, x, w, b, stride, pads, dilation, groups):
        xa, wa = _as_2d(x.array, w.array)
        xp = get_array_module(xa)
        kernel = wa.shape[2:]
        xpad = _pad(xp, xa, pads)
        out_hw = tuple(
            (xpad.shape[2 + k] - dilation[k] * (kernel[k] - 1) - 1) // stride[k] + 1
            for k in range(2)
        )
        out = _conv_gemm(xp, _windows(xp, xpad, kernel, stride, dilation, out_hw), wa, groups)
        if b is not None:
            out += b.array.reshape(-1, 1, 1)
        gx, gw = ctx.needs_input_grad[:2]
        ctx.geometry = (xa.shape, x.array.shape, w.array.shape, stride, pads, dilation, groups)
        saved_x = None if not gw else x if xpad is xa else Tensor._wrap(xpad)
        ctx.save_for_backward(saved_x, w if gx else None)
        return out if x.array.ndim == 4 else out.reshape(out.shape[0], out.shape[1], -1)

    @staticmethod
    def backward(ctx, grad):
        xpad, w = ctx.saved_tensors
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
        if xpad is not None:
            xa, _ = _as_2d(xpad.array, g)
            kernel = (1, w_shape[2]) if len(w_shape) == 3 else w_shape[2:]
            windows = _windows(xp, xa, kernel, stride, dilation, g.shape[2:])
            gw = Tensor._wrap(_weight_grad(xp, g, windows, groups, w_shape))
        if ctx.needs_input_grad[2]:
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
        in_hw = x_shape[2:] if len(x_shape) == 4 else (1, x_shape[2])
        windows = _windows(xp, _pad(xp, g, pads), wa.shape[2:], stride, dilation, in_hw)
        gx = gw = gb = None
        if ctx.needs_input_grad[0]:
            gx = Tensor._wrap(_conv_gemm(xp, windows, wa, groups).reshape(x_shape))
        if x is not None:
            xa, _ = _as_2d(x.array, wa)
            gw = Tensor._wrap(_weight_grad(xp, xa, windows, groups, wa.shape).reshape(w_shape))
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
