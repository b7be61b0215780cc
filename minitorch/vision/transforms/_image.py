"""What every image operation needs: telling PIL Images, arrays and tensors apart, and running
an array function on any of them. Host-only code (numpy)."""

from __future__ import annotations

import numpy as np

import minitorch
from minitorch import backend

try:
    from PIL import Image, ImageOps
except ImportError:  # Pillow is optional: arrays need none of it
    Image = ImageOps = None


def _is_pil(img) -> bool:
    return Image is not None and isinstance(img, Image.Image)


def _check_array(img) -> np.ndarray:
    """``img`` if it is an H x W or H x W x C array; TypeError / ValueError otherwise."""
    if not isinstance(img, np.ndarray):
        raise TypeError(f"img should be a numpy array, PIL Image or Tensor. Got {type(img)}")
    if img.ndim not in (2, 3):
        raise ValueError(
            f"img should be 2/3 dimensional (H x W or H x W x C). Got {img.ndim} dimensions."
        )
    return img


def _hw_first(t: minitorch.Tensor) -> np.ndarray:
    """A tensor image's pixels on the host, H and W first: ``(..., C, H, W) -> (H, W, ..., C)``."""
    if t.ndim < 2:
        raise TypeError(f"Tensor is not a torch image: expected >= 2 dims, got shape {t.shape}")
    return np.moveaxis(backend.to_host(t.detach().array), (-2, -1), (0, 1))


def _apply(img, on_array, on_pil=None):
    """``on_array`` of an H x W [x ...] array (a tensor's pixels, moved H/W first and back), or
    ``on_pil`` of a PIL Image (default: ``on_array`` of its pixels)."""
    if _is_pil(img):
        if on_pil is not None:
            return on_pil(img)
        return Image.fromarray(np.ascontiguousarray(on_array(np.asarray(img))))
    if isinstance(img, minitorch.Tensor):
        out = np.ascontiguousarray(np.moveaxis(on_array(_hw_first(img)), (0, 1), (-2, -1)))
        return minitorch.Tensor._wrap(backend.to_device(out, img.device))
    return on_array(_check_array(img))


def get_image_size(img) -> list[int]:
    """``[width, height]`` of an image, in torchvision's order."""
    if _is_pil(img):
        return list(img.size)
    if isinstance(img, minitorch.Tensor):
        return [int(img.shape[-1]), int(img.shape[-2])]
    height, width = _check_array(img).shape[:2]
    return [width, height]


def get_image_num_channels(img) -> int:
    """Channels of an image: C of a ``... x C x H x W`` tensor or an H x W x C array; 1 for
    H x W."""
    if _is_pil(img):
        return len(img.getbands())
    if isinstance(img, minitorch.Tensor):
        return 1 if img.ndim == 2 else int(img.shape[-3])
    img = _check_array(img)
    return 1 if img.ndim == 2 else img.shape[2]


def get_dimensions(img) -> list[int]:
    """``[channels, height, width]``."""
    width, height = get_image_size(img)
    return [get_image_num_channels(img), height, width]
