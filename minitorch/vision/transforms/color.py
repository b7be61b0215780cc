"""Color operations: grayscale, brightness, contrast, saturation and hue, as torchvision's.

Each blends the image with a "degenerate" one (black, its mean gray, its grayscale) by a factor:
0 gives the degenerate image, 1 the original, more than 1 extrapolates. uint8 arrays give
exactly Pillow's result (integer luma, float32 blend truncated), since an array stands for a
PIL image here; tensors and float arrays follow torchvision's tensor formulas (float blend,
0.2989/0.587/0.114 luma). Hue shifts go through HSV with torchvision's formulas for every kind
but PIL Images, which use Pillow's HSV.
"""

from __future__ import annotations

import numpy as np

import minitorch

from ._image import _apply, _is_pil

try:
    from PIL import Image, ImageEnhance
except ImportError:  # Pillow is optional: arrays need none of it
    Image = ImageEnhance = None


def _pil_like(a: np.ndarray, tensor: bool) -> bool:
    """Whether an array gets Pillow's arithmetic (uint8, not a tensor's pixels)."""
    return a.dtype == np.uint8 and not tensor


def _bound(a: np.ndarray) -> float:
    return 1.0 if a.dtype.kind == "f" else 255.0


def _blend(img: np.ndarray, other, factor: float, pil: bool) -> np.ndarray:
    """``other + factor * (img - other)``, clipped to the pixel range."""
    if pil:  # Pillow: float32 arithmetic, truncated
        base = np.asarray(other, np.float32)
        out = base + np.float32(factor) * (img.astype(np.float32) - base)
        return np.clip(np.trunc(out), 0, 255).astype(np.uint8)
    out = factor * img.astype(np.float32) + (1.0 - factor) * np.asarray(other, np.float32)
    return np.clip(out, 0, _bound(img)).astype(img.dtype)


def _gray(a: np.ndarray, pil: bool) -> np.ndarray:
    """Luma of an ``H x W x ... x 3`` array (channels last), in its dtype."""
    if pil:  # Pillow's fixed-point ITU-R 601-2 luma, rounded
        rgb = a.astype(np.int64)
        luma = (rgb[..., 0] * 19595 + rgb[..., 1] * 38470 + rgb[..., 2] * 7471 + 0x8000) >> 16
        return luma.astype(np.uint8)
    luma = 0.2989 * a[..., 0] + 0.587 * a[..., 1] + 0.114 * a[..., 2]
    return luma.astype(a.dtype)


def _channels(a: np.ndarray) -> int:
    return 1 if a.ndim == 2 else a.shape[-1]


def _check_factor(name: str, value: float) -> None:
    if value < 0:
        raise ValueError(f"{name} ({value}) is not non-negative.")


def _on_image(img, fn):
    """``fn(array, tensor)`` on an image's pixels, channels last; PIL Images as uint8 arrays."""
    tensor = isinstance(img, minitorch.Tensor)
    return _apply(img, lambda a: fn(a, tensor))


def rgb_to_grayscale(img, num_output_channels: int = 1):
    """Luma of an RGB image, as 1 channel or repeated to 3."""
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if _is_pil(img):
        gray = img.convert("L")
        if num_output_channels == 3:
            return Image.merge("RGB", (gray, gray, gray))
        return gray

    def fn(a, tensor):
        if _channels(a) == 1:
            luma = a if a.ndim == 2 else a[..., 0]
        elif _channels(a) == 3:
            luma = _gray(a, _pil_like(a, tensor))
        else:
            raise TypeError(f"Input image should have 1 or 3 channels, got {_channels(a)}")
        if num_output_channels == 3:
            return np.repeat(luma[..., None], 3, axis=-1)
        return luma[..., None] if tensor else luma

    return _on_image(img, fn)


def adjust_brightness(img, brightness_factor: float):
    """Blend with black: 0 gives a black image, 1 the original."""
    _check_factor("brightness_factor", brightness_factor)
    if _is_pil(img):
        return ImageEnhance.Brightness(img).enhance(brightness_factor)
    return _on_image(img, lambda a, t: _blend(a, 0.0, brightness_factor, _pil_like(a, t)))


def adjust_contrast(img, contrast_factor: float):
    """Blend with the image's mean gray: 0 gives a solid gray image, 1 the original."""
    _check_factor("contrast_factor", contrast_factor)
    if _is_pil(img):
        return ImageEnhance.Contrast(img).enhance(contrast_factor)

    def fn(a, tensor):
        pil = _pil_like(a, tensor)
        if pil:
            gray = a if _channels(a) == 1 else _gray(a, pil)
            return _blend(a, int(gray.mean() + 0.5), contrast_factor, pil)
        # torchvision: one mean per image, of its (truncated) grayscale
        if _channels(a) == 1:
            mean = a.astype(np.float32).mean(axis=(0, 1), keepdims=True)
        else:
            gray = _gray(a, pil).astype(np.float32)
            mean = gray.mean(axis=(0, 1), keepdims=True)[..., None]
        return _blend(a, mean, contrast_factor, pil)

    return _on_image(img, fn)


def adjust_saturation(img, saturation_factor: float):
    """Blend with the grayscale image: 0 gives gray, 1 the original, 2 doubles saturation."""
    _check_factor("saturation_factor", saturation_factor)
    if _is_pil(img):
        return ImageEnhance.Color(img).enhance(saturation_factor)

    def fn(a, tensor):
        if _channels(a) == 1:
            return a.copy()
        pil = _pil_like(a, tensor)
        return _blend(a, _gray(a, pil)[..., None], saturation_factor, pil)

    return _on_image(img, fn)


def adjust_hue(img, hue_factor: float):
    """Rotate the hue by ``hue_factor`` of a full turn (-0.5 to 0.5)."""
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    if _is_pil(img):
        if img.mode in ("L", "1", "I", "F"):
            return img
        h, s, v = img.convert("HSV").split()
        shifted = np.array(h, dtype=np.uint8)
        with np.errstate(over="ignore"):
            shifted += np.int8(hue_factor * 255).astype(np.uint8)
        return Image.merge("HSV", (Image.fromarray(shifted, "L"), s, v)).convert(img.mode)

    def fn(a, tensor):
        if _channels(a) == 1:
            return a.copy()
        x = a.astype(np.float32) / 255 if a.dtype == np.uint8 else a.astype(np.float32)
        h, s, v = _rgb_to_hsv(x)
        rgb = _hsv_to_rgb((h + hue_factor) % 1.0, s, v)
        if a.dtype == np.uint8:  # torchvision's float -> uint8: scale by 255.999, floor
            return (rgb * np.float32(255 + 1 - 1e-3)).astype(np.uint8)
        return rgb.astype(a.dtype)

    return _on_image(img, fn)


def _rgb_to_hsv(x: np.ndarray):
    """Hue, saturation and value in [0, 1] of RGB in [0, 1] (channels last)."""
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    maxc, minc = x[..., :3].max(-1), x[..., :3].min(-1)
    eqc = maxc == minc
    cr = maxc - minc
    ones = np.ones_like(maxc)
    s = cr / np.where(eqc, ones, maxc)
    cr_divisor = np.where(eqc, ones, cr)
    rc, gc, bc = (maxc - r) / cr_divisor, (maxc - g) / cr_divisor, (maxc - b) / cr_divisor
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = ((hr + hg + hb) / 6.0 + 1.0) % 1.0
    return h, s, maxc


def _hsv_to_rgb(h: np.ndarray, s: np.ndarray, v: np.ndarray) -> np.ndarray:
    i = np.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.astype(np.int64) % 6
    p = np.clip(v * (1.0 - s), 0.0, 1.0)
    q = np.clip(v * (1.0 - s * f), 0.0, 1.0)
    t = np.clip(v * (1.0 - s * (1.0 - f)), 0.0, 1.0)
    choices = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)]
    rgb = [np.choose(i, [c[k] for c in choices]) for k in range(3)]
    return np.stack(rgb, axis=-1).astype(np.float32)
