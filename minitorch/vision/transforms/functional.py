"""Image operations behind the transforms, as in ``torchvision.transforms.functional``.

Images are ``H x W`` or ``H x W x C`` numpy arrays (uint8 for pixels in 0-255), or PIL Images
when Pillow is installed; each operation returns the kind it was given. Host-only code: it uses
numpy directly, and ``to_tensor`` is where an image becomes a minitorch tensor.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

import numpy as np

import minitorch
from minitorch import backend

try:
    from PIL import Image, ImageOps
except ImportError:  # Pillow is optional: arrays need none of it
    Image = ImageOps = None


class InterpolationMode(enum.Enum):
    """How ``resize`` samples the image; the values are torchvision's."""

    NEAREST = "nearest"
    BILINEAR = "bilinear"


def _is_pil(img) -> bool:
    return Image is not None and isinstance(img, Image.Image)


def _check_array(img) -> np.ndarray:
    """``img`` if it is an H x W or H x W x C array; TypeError / ValueError otherwise."""
    if not isinstance(img, np.ndarray):
        raise TypeError(f"img should be a numpy array or PIL Image. Got {type(img)}")
    if img.ndim not in (2, 3):
        raise ValueError(
            f"img should be 2/3 dimensional (H x W or H x W x C). Got {img.ndim} dimensions."
        )
    return img


def get_image_size(img) -> list[int]:
    """``[width, height]`` of an image, in torchvision's order."""
    if _is_pil(img):
        return list(img.size)
    height, width = _check_array(img).shape[:2]
    return [width, height]


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
    if _is_pil(img):
        return img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return np.ascontiguousarray(_check_array(img)[:, ::-1])


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
    left, top, right, bottom = _padding_ltrb(padding)
    if _is_pil(img):
        if padding_mode == "constant":
            return ImageOps.expand(img, border=(left, top, right, bottom), fill=fill)
        return Image.fromarray(pad(np.asarray(img), padding, fill, padding_mode))
    img = _check_array(img)
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
    if _is_pil(img):
        return img.crop((left, top, left + width, top + height))
    img = _check_array(img)
    h, w = img.shape[:2]
    outside = (max(0, -left), max(0, -top), max(0, left + width - w), max(0, top + height - h))
    if any(outside):
        img = pad(img, outside)
        top, left = top + outside[1], left + outside[0]
    return img[top : top + height, left : left + width].copy()


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
    if _is_pil(img):
        resample = (
            Image.Resampling.NEAREST
            if interpolation is InterpolationMode.NEAREST
            else Image.Resampling.BILINEAR
        )
        return img.resize((new_w, new_h), resample)
    if interpolation is InterpolationMode.NEAREST:
        rows, cols = _nearest_indices(height, new_h), _nearest_indices(width, new_w)
        return img[rows[:, None], cols]
    rows, cols = _bilinear_weights(height, new_h), _bilinear_weights(width, new_w)
    # separable filter: one matrix product along the rows, one along the columns
    out = np.tensordot(rows, img.astype(np.float32), axes=(1, 0))
    out = np.moveaxis(np.tensordot(cols, out, axes=(1, 1)), 0, 1)
    if img.dtype == np.uint8:
        out = np.clip(np.rint(out), 0, 255)
    return np.ascontiguousarray(out, dtype=img.dtype)
