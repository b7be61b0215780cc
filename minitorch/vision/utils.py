"""``make_grid`` and ``save_image``, as ``torchvision.utils``: a batch of images as one picture.

Host-only code: the grid is assembled with numpy and returned as a tensor on the input's device;
``save_image`` writes PNG/JPEG/... files with Pillow (``pip install pillow``).
"""

from __future__ import annotations

import math
import os

import numpy as np

from .. import backend
from ..tensor import Tensor

try:
    from PIL import Image
except ImportError:  # Pillow is optional: only save_image needs it
    Image = None


def _images(tensor) -> np.ndarray:
    """A ``B x C x H x W`` host array from a tensor (2-, 3- or 4-d) or a list of tensors."""
    if isinstance(tensor, (list, tuple)):
        if not all(isinstance(t, Tensor) for t in tensor):
            raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
        array = np.stack([backend.to_host(t.detach().array) for t in tensor])
    elif isinstance(tensor, Tensor):
        array = backend.to_host(tensor.detach().array)
    else:
        raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    if array.ndim == 2:  # one H x W image
        array = array[None]
    if array.ndim == 3:  # one C x H x W image
        array = array[None]
    if array.ndim != 4:
        raise ValueError(f"expected images of 2 to 4 dims, got shape {array.shape}")
    if array.shape[1] == 1:  # grayscale shown as RGB, as torchvision does
        array = np.concatenate([array, array, array], axis=1)
    return array


def _normalize(images: np.ndarray, value_range, scale_each: bool) -> np.ndarray:
    """Clamp to ``value_range`` (default: the min and max) and map it to [0, 1]."""
    if value_range is not None and not isinstance(value_range, tuple):
        raise TypeError(
            "value_range has to be a tuple (min, max) if specified. min and max are numbers"
        )
    images = images.astype(images.dtype if images.dtype.kind == "f" else np.float32)
    parts = list(images) if scale_each else [images]
    out = []
    for part in parts:
        low, high = value_range if value_range is not None else (part.min(), part.max())
        clipped = np.clip(part, low, high) - low
        out.append(clipped / max(float(high) - float(low), 1e-5))
    result = np.stack(out) if scale_each else out[0]
    return result.astype(images.dtype, copy=False)


def make_grid(
    tensor,
    nrow: int = 8,
    padding: int = 2,
    normalize: bool = False,
    value_range: tuple[float, float] | None = None,
    scale_each: bool = False,
    pad_value: float = 0.0,
) -> Tensor:
    """Lay out ``B x C x H x W`` images (or a list of ``C x H x W`` ones) ``nrow`` per row,
    ``padding`` pixels of ``pad_value`` apart: a ``C x H' x W'`` tensor. One-channel images
    become three-channel; ``normalize`` maps ``value_range`` (default: min to max, per image
    with ``scale_each``) to [0, 1]."""
    device = (tensor[0] if isinstance(tensor, (list, tuple)) else tensor).device
    images = _images(tensor)
    if normalize:
        images = _normalize(images, value_range, scale_each)
    if images.shape[0] == 1:
        return Tensor._wrap(backend.to_device(np.ascontiguousarray(images[0]), device))
    count, channels, height, width = images.shape
    cols = min(nrow, count)
    rows = math.ceil(count / cols)
    cell_h, cell_w = height + padding, width + padding
    grid = np.full((channels, rows * cell_h + padding, cols * cell_w + padding), pad_value)
    grid = grid.astype(images.dtype)
    for k in range(count):
        y, x = divmod(k, cols)
        top, left = y * cell_h + padding, x * cell_w + padding
        grid[:, top : top + height, left : left + width] = images[k]
    return Tensor._wrap(backend.to_device(grid, device))


def save_image(tensor, fp, format: str | None = None, **kwargs) -> None:  # noqa: A002
    """Save images in [0, 1] as one picture file (a grid for a batch; ``kwargs`` go to
    ``make_grid``); ``format`` overrides the one the file name implies."""
    if Image is None:
        raise ImportError("save_image needs Pillow: pip install pillow")
    grid = backend.to_host(make_grid(tensor, **kwargs).array)
    pixels = np.clip(grid * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    if pixels.shape[2] == 1:
        pixels = pixels[:, :, 0]
    Image.fromarray(pixels).save(os.fspath(fp) if isinstance(fp, os.PathLike) else fp, format)
