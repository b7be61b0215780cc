"""Image operations behind the transforms, as in ``torchvision.transforms.functional``.

Images are ``H x W`` or ``H x W x C`` numpy arrays (uint8 for pixels in 0-255), PIL Images when
Pillow is installed, or tensors ``... x C x H x W``; each operation returns the kind it was given.
Host-only code: it uses numpy directly. A tensor's pixels are worked on as a host array and put
back on its device, without autograd (these are data-pipeline operations).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence

import numpy as np

import minitorch
from minitorch import backend

from ._image import (
    Image,
    ImageOps,
    _apply,
    _is_pil,
    get_dimensions,
    get_image_num_channels,
    get_image_size,
)
from .color import (
    adjust_brightness,
    adjust_contrast,
    adjust_hue,
    adjust_saturation,
    rgb_to_grayscale,
)

__all__ = [
    "InterpolationMode",
    "adjust_brightness",
    "adjust_contrast",
    "adjust_hue",
    "adjust_saturation",
    "center_crop",
    "crop",
    "erase",
    "gaussian_blur",
    "get_dimensions",
    "get_image_num_channels",
    "get_image_size",
    "hflip",
    "normalize",
    "pad",
    "pil_to_tensor",
    "resize",
    "resized_crop",
    "rgb_to_grayscale",
    "rotate",
    "to_pil_image",
    "to_tensor",
    "vflip",
]


class InterpolationMode(enum.Enum):
    """How ``resize`` and ``rotate`` sample the image; the values are torchvision's."""

    NEAREST = "nearest"
    BILINEAR = "bilinear"


def to_tensor(pic) -> minitorch.Tensor:
    """A C x H x W tensor from an image: uint8 becomes float32 in [0, 1], other dtypes stay.

    An H x W image gives 1 x H x W. As in torchvision, only uint8 (and PIL) pixels are scaled.
    """
    if _is_pil(pic):
        array = np.asarray(pic)
        if pic.mode == "1":
            array = array.astype(np.uint8) * 255
    elif isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        array = pic
    else:
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if array.ndim == 2:
        array = array[:, :, None]
    chw = array.transpose(2, 0, 1)
    if chw.dtype != np.uint8:
        return minitorch.from_numpy(np.ascontiguousarray(chw))
    out = np.empty(chw.shape, np.float32)
    # float32 division, as torch does it: dividing in float64 first could round differently
    np.divide(chw, np.float32(255), out=out, dtype=np.float32)
    return minitorch.from_numpy(out)


def normalize(
    tensor: minitorch.Tensor, mean: Sequence[float], std: Sequence[float], inplace: bool = False
) -> minitorch.Tensor:
    """``(tensor - mean) / std`` per channel of a ``... x C x H x W`` float tensor."""
    if not isinstance(tensor, minitorch.Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if not tensor.dtype.is_floating_point:
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError(
            "Expected tensor to be a tensor image of size (..., C, H, W). Got "
            f"tensor.size() = {tuple(tensor.shape)}"
        )
    np_dtype = tensor.dtype.numpy_dtype
    mean = np.asarray(mean, dtype=np_dtype).reshape(-1, 1, 1)
    std = np.asarray(std, dtype=np_dtype).reshape(-1, 1, 1)
    if (std == 0).any():
        raise ValueError(
            f"std evaluated to zero after conversion to {tensor.dtype}, leading to "
            "division by zero."
        )
    if not inplace and not tensor.requires_grad:
        # one sample at a time in a data pipeline: plain array arithmetic, no autograd nodes
        xp = backend.get_array_module(tensor.array)
        return minitorch.as_tensor((tensor.array - xp.asarray(mean)) / xp.asarray(std))
    mean_t = minitorch.tensor(mean, device=tensor.device)
    std_t = minitorch.tensor(std, device=tensor.device)
    if inplace:
        return tensor.sub_(mean_t).div_(std_t)
    return (tensor - mean_t) / std_t


def hflip(img):
    """Mirror the image left to right."""
    return _apply(
        img,
        lambda a: np.ascontiguousarray(a[:, ::-1]),
        lambda im: im.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
    )


def vflip(img):
    """Mirror the image top to bottom."""
    return _apply(
        img,
        lambda a: np.ascontiguousarray(a[::-1]),
        lambda im: im.transpose(Image.Transpose.FLIP_TOP_BOTTOM),
    )


def _padding_ltrb(padding) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) from torchvision's padding forms: p, (lr, tb) or (l, t, r, b)."""
    if isinstance(padding, int):
        return padding, padding, padding, padding
    padding = tuple(padding)
    if len(padding) == 1:
        return padding * 4
    if len(padding) == 2:
        return padding[0], padding[1], padding[0], padding[1]
    if len(padding) == 4:
        return padding
    raise ValueError(
        f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple"
    )


PADDING_MODES = ("constant", "edge", "reflect", "symmetric")


def pad(img, padding, fill=0, padding_mode: str = "constant"):
    """Pad the borders: ``padding`` is p, (left/right, top/bottom) or (left, top, right, bottom).

    ``padding_mode`` is ``"constant"`` (with ``fill``), ``"edge"``, ``"reflect"`` or
    ``"symmetric"``, as in torchvision.
    """
    if padding_mode not in PADDING_MODES:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    ltrb = _padding_ltrb(padding)

    def on_pil(im):
        if padding_mode == "constant":
            return ImageOps.expand(im, border=ltrb, fill=fill)
        return Image.fromarray(_pad_array(np.asarray(im), ltrb, fill, padding_mode))

    return _apply(img, lambda a: _pad_array(a, ltrb, fill, padding_mode), on_pil)


def _pad_array(img: np.ndarray, ltrb, fill, padding_mode: str) -> np.ndarray:
    left, top, right, bottom = ltrb
    h, w = img.shape[:2]
    if padding_mode == "constant":
        # a filled canvas and one copy: several times faster than np.pad on small images
        out = np.empty((top + h + bottom, left + w + right, *img.shape[2:]), img.dtype)
        out[...] = fill
        out[top : top + h, left : left + w] = img
        return out
    return np.pad(img, [(top, bottom), (left, right)] + [(0, 0)] * (img.ndim - 2), padding_mode)


def crop(img, top: int, left: int, height: int, width: int):
    """The ``height x width`` region at (top, left); parts outside the image are zeros."""

    def on_array(a):
        h, w = a.shape[:2]
        outside = (max(0, -left), max(0, -top), max(0, left + width - w), max(0, top + height - h))
        t, l_ = top, left
        if any(outside):
            a = _pad_array(a, outside, 0, "constant")
            t, l_ = top + outside[1], left + outside[0]
        return a[t : t + height, l_ : l_ + width].copy()

    return _apply(img, on_array, lambda im: im.crop((left, top, left + width, top + height)))


def center_crop(img, output_size):
    """The central ``output_size`` (h, w) region (an int: square); an image smaller than that
    is padded with zeros first, as in torchvision."""
    crop_h, crop_w = (output_size, output_size) if isinstance(output_size, int) else output_size
    if not isinstance(output_size, int) and len(output_size) == 1:
        crop_h = crop_w = output_size[0]
    width, height = get_image_size(img)
    if crop_w > width or crop_h > height:
        img = pad(
            img,
            [
                (crop_w - width) // 2 if crop_w > width else 0,
                (crop_h - height) // 2 if crop_h > height else 0,
                (crop_w - width + 1) // 2 if crop_w > width else 0,
                (crop_h - height + 1) // 2 if crop_h > height else 0,
            ],
        )
        width, height = get_image_size(img)
        if crop_w == width and crop_h == height:
            return img
    # Python's round (half to even), as torchvision
    top, left = int(round((height - crop_h) / 2.0)), int(round((width - crop_w) / 2.0))
    return crop(img, top, left, crop_h, crop_w)


def resized_crop(img, top: int, left: int, height: int, width: int, size, interpolation=None):
    """``crop`` then ``resize`` to ``size`` (what RandomResizedCrop does)."""
    interpolation = InterpolationMode.BILINEAR if interpolation is None else interpolation
    return resize(crop(img, top, left, height, width), size, interpolation)


def _output_size(height: int, width: int, size) -> tuple[int, int]:
    """torchvision's rule: an int (or 1-sequence) is the new length of the shorter edge."""
    if isinstance(size, int) or len(size) == 1:
        short_new = size if isinstance(size, int) else size[0]
        short, long = (width, height) if width <= height else (height, width)
        long_new = int(short_new * long / short)
        return (long_new, short_new) if width <= height else (short_new, long_new)
    return int(size[0]), int(size[1])


def _bilinear_weights(in_size: int, out_size: int) -> np.ndarray:
    """``out_size x in_size`` weights of a triangle filter between pixel centers.

    When shrinking, the filter widens by the scale (antialiasing), as in Pillow and torchvision's
    ``antialias=True``; when growing it is plain bilinear with half-pixel centers.
    """
    scale = in_size / out_size
    support = max(scale, 1.0)
    centers = (np.arange(out_size) + 0.5) * scale
    distance = np.abs(np.arange(in_size)[None, :] + 0.5 - centers[:, None])
    weights = np.maximum(0.0, 1.0 - distance / support)
    return (weights / weights.sum(axis=1, keepdims=True)).astype(np.float32)


def _nearest_indices(in_size: int, out_size: int) -> np.ndarray:
    """Source pixel of each output pixel: the one under its center (torch's "nearest-exact").

    Integer arithmetic, ``floor((i + 0.5) * in / out)`` exactly: float versions (torch's, and
    Pillow's accumulated coordinates) may round down at exact ties instead.
    """
    return (2 * np.arange(out_size) + 1) * in_size // (2 * out_size)


def resize(img, size, interpolation=InterpolationMode.BILINEAR):
    """Resize to ``size``: (h, w), or an int giving the shorter edge (aspect ratio kept)."""
    interpolation = InterpolationMode(interpolation)
    width, height = get_image_size(img)
    new_h, new_w = _output_size(height, width, size)

    def on_pil(im):
        resample = (
            Image.Resampling.NEAREST
            if interpolation is InterpolationMode.NEAREST
            else Image.Resampling.BILINEAR
        )
        return im.resize((new_w, new_h), resample)

    def on_array(a):
        if interpolation is InterpolationMode.NEAREST:
            rows, cols = _nearest_indices(height, new_h), _nearest_indices(width, new_w)
            return a[rows[:, None], cols]
        rows, cols = _bilinear_weights(height, new_h), _bilinear_weights(width, new_w)
        # separable filter: one matrix product along the rows, one along the columns
        out = np.tensordot(rows, a.astype(np.float32), axes=(1, 0))
        out = np.moveaxis(np.tensordot(cols, out, axes=(1, 1)), 0, 1)
        if a.dtype == np.uint8:
            out = np.clip(np.rint(out), 0, 255)
        return np.ascontiguousarray(out, dtype=a.dtype)

    return _apply(img, on_array, on_pil)


def rotate(
    img,
    angle: float,
    interpolation=InterpolationMode.NEAREST,
    expand: bool = False,
    center: list[float] | None = None,
    fill=None,
):
    """Rotate by ``angle`` degrees counter-clockwise about ``center`` (default: the middle).

    ``expand`` grows the output to hold the whole rotated image; uncovered pixels get ``fill``
    (a number or one per channel; default 0). Arrays and tensors are sampled as Pillow does:
    each output pixel center is mapped back into the input and read by nearest neighbour or
    bilinear interpolation.
    """
    interpolation = InterpolationMode(interpolation)
    if _is_pil(img):
        resample = (
            Image.Resampling.NEAREST
            if interpolation is InterpolationMode.NEAREST
            else Image.Resampling.BILINEAR
        )
        return img.rotate(
            angle,
            resample,
            expand,
            None if center is None else tuple(center),
            fillcolor=_pil_fill(img, fill),
        )
    return _apply(img, lambda a: _rotate_array(a, angle, interpolation, expand, center, fill))


def _pil_fill(img, fill):
    """``fill`` as Pillow takes it: ints (one per band) unless the image holds floats."""
    if fill is None:
        return None
    bands = len(img.getbands())
    values = list(fill) if isinstance(fill, (list, tuple)) else [fill] * bands
    if len(values) == 1:
        values = values * bands
    if img.mode != "F":
        values = [int(v) for v in values]
    return values[0] if bands == 1 else tuple(values)


def _rotate_array(a: np.ndarray, angle: float, interpolation, expand, center, fill) -> np.ndarray:
    angle = angle % 360.0
    height, width = a.shape[:2]
    if center is None:
        if angle == 0:
            return a.copy()
        if angle == 180:
            return np.ascontiguousarray(a[::-1, ::-1])
        if angle in (90, 270) and (expand or width == height):
            return np.ascontiguousarray(np.rot90(a, 1 if angle == 90 else 3))
    cx, cy = (width / 2, height / 2) if center is None else center
    # the inverse map, output -> input, as Pillow's rotate builds it
    theta = -math.radians(angle)
    cos_t, sin_t = round(math.cos(theta), 15), round(math.sin(theta), 15)
    m = [cos_t, sin_t, 0.0, -sin_t, cos_t, 0.0]
    m[2] = m[0] * -cx + m[1] * -cy + cx
    m[5] = m[3] * -cx + m[4] * -cy + cy
    out_w, out_h = width, height
    if expand:
        corners = [(0, 0), (width, 0), (width, height), (0, height)]
        xs = [m[0] * x + m[1] * y + m[2] for x, y in corners]
        ys = [m[3] * x + m[4] * y + m[5] for x, y in corners]
        out_w = math.ceil(max(xs)) - math.floor(min(xs))
        out_h = math.ceil(max(ys)) - math.floor(min(ys))
        dx, dy = -(out_w - width) / 2.0, -(out_h - height) / 2.0
        m[2], m[5] = m[0] * dx + m[1] * dy + m[2], m[3] * dx + m[4] * dy + m[5]
    nearest = interpolation is InterpolationMode.NEAREST
    sx, sy = _affine_source(m, out_h, out_w, fixed=nearest)
    inside = (sx >= 0) & (sx < width) & (sy >= 0) & (sy < height)
    if nearest:
        out = a[np.clip(sy, 0, height - 1), np.clip(sx, 0, width - 1)]
    else:
        fx, fy = sx - 0.5, sy - 0.5
        x0, y0 = np.floor(fx).astype(np.int64), np.floor(fy).astype(np.int64)
        wx, wy = fx - x0, fy - y0
        extra = (None,) * (a.ndim - 2)
        wx, wy = wx[(...,) + extra], wy[(...,) + extra]
        x0c, x1c = np.clip(x0, 0, width - 1), np.clip(x0 + 1, 0, width - 1)
        y0c, y1c = np.clip(y0, 0, height - 1), np.clip(y0 + 1, 0, height - 1)
        af = a.astype(np.float32)
        top = af[y0c, x0c] * (1 - wx) + af[y0c, x1c] * wx
        bottom = af[y1c, x0c] * (1 - wx) + af[y1c, x1c] * wx
        out = top * (1 - wy) + bottom * wy
        if a.dtype == np.uint8:
            out = np.clip(np.rint(out), 0, 255)
        out = out.astype(a.dtype)
    out = np.array(out, dtype=a.dtype)
    out[~inside] = 0 if fill is None else np.asarray(fill, dtype=a.dtype)
    return out


def _affine_source(m: list[float], out_h: int, out_w: int, fixed: bool):
    """Where each output pixel center falls in the input: ``m`` applied to ``(x + 0.5, y + 0.5)``.

    ``fixed`` gives Pillow's nearest-neighbour arithmetic (16.16 fixed point, floored), so
    that ties break as in Pillow; otherwise float64 coordinates.
    """
    y, x = np.mgrid[0:out_h, 0:out_w]
    if not fixed:
        xs, ys = x + 0.5, y + 0.5
        return m[0] * xs + m[1] * ys + m[2], m[3] * xs + m[4] * ys + m[5]

    def fix(v: float) -> int:
        return math.floor(v * 65536.0 + 0.5)

    coords = []
    for a, b, c in ((m[0], m[1], m[2]), (m[3], m[4], m[5])):
        start = fix(c + a * 0.5 + b * 0.5)
        coords.append((start + y * fix(b) + x * fix(a)) >> 16)
    return coords[0], coords[1]


def erase(
    img: minitorch.Tensor, i: int, j: int, h: int, w: int, v, inplace: bool = False
) -> minitorch.Tensor:
    """Set the ``h x w`` region at row ``i``, column ``j`` of a tensor image to ``v``."""
    if not isinstance(img, minitorch.Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    if not inplace:
        img = img.clone()
    img[..., i : i + h, j : j + w] = v
    return img


_PIL_MODES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}


def to_pil_image(pic, mode: str | None = None):
    """A PIL Image from a ``C x H x W`` tensor or an ``H x W x C`` array (2-d: one channel).

    Float tensors are taken as [0, 1] and scaled to 0-255, as in torchvision.
    """
    if Image is None:
        raise ImportError("to_pil_image needs Pillow: pip install pillow")
    if isinstance(pic, minitorch.Tensor):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        array = backend.to_host(pic.detach().array)
        array = array[None] if array.ndim == 2 else array
        if array.dtype.kind == "f":
            array = np.clip(array * 255, 0, 255).astype(np.uint8)
        array = array.transpose(1, 2, 0)
    elif isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        array = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    channels = array.shape[2]
    if channels > 4:
        raise ValueError(f"pic should not have > 4 channels. Got {channels} channels.")
    if channels == 1:
        array = array[:, :, 0]
    if mode is None and array.dtype != np.uint8 and channels > 1:
        raise TypeError(f"Input type {array.dtype} is not supported")
    image = Image.fromarray(np.ascontiguousarray(array))
    return image if mode is None or image.mode == mode else image.convert(mode)


def pil_to_tensor(pic) -> minitorch.Tensor:
    """A ``C x H x W`` tensor of a PIL Image's pixels, unscaled (uint8 stays uint8)."""
    if not _is_pil(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    array = np.asarray(pic)
    array = array[:, :, None] if array.ndim == 2 else array
    return minitorch.from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))


def _gaussian_kernel1d(size: int, sigma: float) -> np.ndarray:
    half = (size - 1) * 0.5
    pdf = np.exp(-0.5 * (np.linspace(-half, half, size, dtype=np.float32) / sigma) ** 2)
    return (pdf / pdf.sum()).astype(np.float32)


def gaussian_blur(img, kernel_size: list[int], sigma: list[float] | None = None):
    """Blur with a Gaussian kernel of ``kernel_size`` (x, y), odd and positive, and standard
    deviations ``sigma`` (x, y; default ``0.15 * k + 0.35``); borders reflect.

    Computed in float32 (uint8 results rounded), on the pixels of every kind of image, as
    torchvision does for PIL Images too.
    """
    ksize = [kernel_size, kernel_size] if isinstance(kernel_size, int) else list(kernel_size)
    if len(ksize) == 1:
        ksize = ksize * 2
    if len(ksize) != 2:
        raise ValueError(f"If kernel_size is a sequence its length should be 2. Got {len(ksize)}")
    for k in ksize:
        if k % 2 == 0 or k < 0:
            raise ValueError(f"kernel_size should have odd and positive integers. Got {ksize}")
    if sigma is None:
        sigma = [k * 0.15 + 0.35 for k in ksize]
    sigmas = [sigma, sigma] if isinstance(sigma, (int, float)) else list(sigma)
    if len(sigmas) == 1:
        sigmas = sigmas * 2
    if len(sigmas) != 2:
        raise ValueError(f"If sigma is a sequence, its length should be 2. Got {len(sigmas)}")
    for s in sigmas:
        if s <= 0.0:
            raise ValueError(f"sigma should have positive values. Got {sigmas}")
    kx, ky = _gaussian_kernel1d(ksize[0], sigmas[0]), _gaussian_kernel1d(ksize[1], sigmas[1])

    def on_array(a):
        h, w = a.shape[:2]
        padded = _pad_array(a.astype(np.float32), (ksize[0] // 2, ksize[1] // 2) * 2, 0, "reflect")
        rows = sum(
            ky[i] * padded[i : i + h] for i in range(ksize[1])
        )  # separable: down, then across
        out = sum(kx[j] * rows[:, j : j + w] for j in range(ksize[0]))
        if a.dtype.kind != "f":
            out = np.rint(out)
        return out.astype(a.dtype)

    return _apply(img, on_array)
