"""Transforms that change pixel values rather than positions: color jitter, grayscale, blur and
random erasing, as in ``torchvision.transforms``. Random draws come from minitorch's default
generator."""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Sequence

import minitorch

from . import functional as F
from .transforms import RandomlyApplied, _rng, _uniform


def _jitter_range(value, name: str, center: float = 1.0, bound=(0, math.inf), clip=True):
    """``[center - v, center + v]`` from a number (clipped at 0), or a (min, max) pair; None
    when it changes nothing."""
    if isinstance(value, numbers.Number):
        if value < 0:
            raise ValueError(f"If {name} is a single number, it must be non negative.")
        value = [center - float(value), center + float(value)]
        if clip:
            value[0] = max(value[0], 0.0)
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        value = [float(value[0]), float(value[1])]
    else:
        raise TypeError(f"{name} should be a single number or a list/tuple with length 2.")
    if not bound[0] <= value[0] <= value[1] <= bound[1]:
        raise ValueError(f"{name} values should be between {bound}, but got {value}.")
    return None if value[0] == value[1] == center else value


class ColorJitter:
    """Randomly change brightness, contrast, saturation and hue, in a random order.

    Each factor is drawn uniformly from its range: a number v means ``[max(0, 1 - v), 1 + v]``
    (hue: ``[-v, v]`` with v <= 0.5), or give ``(min, max)``.
    """

    def __init__(self, brightness=0, contrast=0, saturation=0, hue=0) -> None:
        self.brightness = _jitter_range(brightness, "brightness")
        self.contrast = _jitter_range(contrast, "contrast")
        self.saturation = _jitter_range(saturation, "saturation")
        self.hue = _jitter_range(hue, "hue", center=0, bound=(-0.5, 0.5), clip=False)

    @staticmethod
    def get_params(brightness, contrast, saturation, hue):
        """The order of the four adjustments and each factor (None: that one is skipped)."""
        order = [int(i) for i in _rng().permutation(4)]
        ranges = (brightness, contrast, saturation, hue)
        factors = [None if r is None else _uniform(r[0], r[1]) for r in ranges]
        return (order, *factors)

    def __call__(self, img):
        order, *factors = self.get_params(self.brightness, self.contrast, self.saturation, self.hue)
        adjust = (F.adjust_brightness, F.adjust_contrast, F.adjust_saturation, F.adjust_hue)
        for i in order:
            if factors[i] is not None:
                img = adjust[i](img, factors[i])
        return img

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(brightness={self.brightness}, contrast={self.contrast}, "
            f"saturation={self.saturation}, hue={self.hue})"
        )


class Grayscale:
    """The image's luma, as 1 channel or repeated to 3."""

    def __init__(self, num_output_channels: int = 1) -> None:
        self.num_output_channels = num_output_channels

    def __call__(self, img):
        return F.rgb_to_grayscale(img, self.num_output_channels)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(num_output_channels={self.num_output_channels})"


class RandomGrayscale(RandomlyApplied):
    """Grayscale with probability ``p``, keeping the number of channels."""

    def __init__(self, p: float = 0.1) -> None:
        super().__init__(p)

    def __call__(self, img):
        channels = F.get_image_num_channels(img)
        if _rng().random() < self.p:
            return F.rgb_to_grayscale(img, channels)
        return img


class GaussianBlur:
    """Blur with a ``kernel_size`` Gaussian whose sigma is drawn from ``sigma`` (min, max)."""

    def __init__(self, kernel_size, sigma=(0.1, 2.0)) -> None:
        size = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
        if len(size) == 1:
            size = size * 2
        for k in size:
            if k <= 0 or k % 2 == 0:
                raise ValueError("Kernel size value should be an odd and positive number.")
        if isinstance(sigma, numbers.Number):
            if sigma <= 0:
                raise ValueError("If sigma is a single number, it must be positive.")
            sigma = (sigma, sigma)
        elif isinstance(sigma, Sequence) and len(sigma) == 2:
            if not 0.0 < sigma[0] <= sigma[1]:
                raise ValueError("sigma values should be positive and of the form (min, max).")
        else:
            raise ValueError("sigma should be a single number or a list/tuple with length 2.")
        self.kernel_size = size
        self.sigma = tuple(sigma)

    @staticmethod
    def get_params(sigma_min: float, sigma_max: float) -> float:
        return _uniform(sigma_min, sigma_max)

    def __call__(self, img):
        sigma = self.get_params(self.sigma[0], self.sigma[1])
        return F.gaussian_blur(img, list(self.kernel_size), [sigma, sigma])

    def __repr__(self) -> str:
        return f"{type(self).__name__}(kernel_size={self.kernel_size}, sigma={self.sigma})"


class RandomErasing:
    """With probability ``p``, erase a random rectangle of a tensor image (Zhong et al.).

    Its area is a ``scale`` fraction of the image and its aspect ``ratio`` log-uniform; ``value``
    is a number, one per channel, or ``"random"`` (standard normal noise). Tensors only, as in
    torchvision: place it after ``ToTensor``.
    """

    def __init__(
        self,
        p: float = 0.5,
        scale: tuple[float, float] = (0.02, 0.33),
        ratio: tuple[float, float] = (0.3, 3.3),
        value=0,
        inplace: bool = False,
    ) -> None:
        if not isinstance(value, (numbers.Number, str, tuple, list)):
            raise TypeError("Argument value should be either a number or str or a sequence")
        if isinstance(value, str) and value != "random":
            raise ValueError("If value is str, it should be 'random'")
        if not isinstance(scale, Sequence):
            raise TypeError("Scale should be a sequence")
        if not isinstance(ratio, Sequence):
            raise TypeError("Ratio should be a sequence")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            warnings.warn("Scale and ratio should be of kind (min, max)", stacklevel=2)
        if scale[0] < 0 or scale[1] > 1:
            raise ValueError("Scale should be between 0 and 1")
        if p < 0 or p > 1:
            raise ValueError("Random erasing probability should be between 0 and 1")
        self.p = p
        self.scale = scale
        self.ratio = ratio
        self.value = value
        self.inplace = inplace

    @staticmethod
    def get_params(img: minitorch.Tensor, scale, ratio, value=None):
        """``(top, left, h, w, v)``: the rectangle and what fills it (``value`` None: noise);
        the whole image, unchanged, when 10 draws find no rectangle that fits."""
        channels, height, width = img.shape[-3], img.shape[-2], img.shape[-1]
        area = height * width
        log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
        for _ in range(10):
            erase_area = area * _uniform(scale[0], scale[1])
            aspect = math.exp(_uniform(*log_ratio))
            h = int(round(math.sqrt(erase_area * aspect)))
            w = int(round(math.sqrt(erase_area / aspect)))
            if not (h < height and w < width):
                continue
            if value is None:
                v = minitorch.randn(channels, h, w, device=img.device)
            else:
                v = minitorch.tensor(value, dtype=img.dtype, device=img.device)[:, None, None]
            top = int(_rng().integers(0, height - h + 1))
            left = int(_rng().integers(0, width - w + 1))
            return top, left, h, w, v
        return 0, 0, height, width, img

    def __call__(self, img: minitorch.Tensor) -> minitorch.Tensor:
        if not isinstance(img, minitorch.Tensor):
            raise TypeError(f"img should be Tensor Image. Got {type(img)}")
        if _rng().random() >= self.p:
            return img
        if isinstance(self.value, numbers.Number):
            value = [float(self.value)]
        elif isinstance(self.value, str):
            value = None
        else:
            value = [float(v) for v in self.value]
        channels = img.shape[-3]
        if value is not None and len(value) not in (1, channels):
            raise ValueError(
                "If value is a sequence, it should have either a single value or "
                f"{channels} (number of input channels)"
            )
        top, left, h, w, v = self.get_params(img, self.scale, self.ratio, value)
        return F.erase(img, top, left, h, w, v, self.inplace)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(p={self.p}, scale={self.scale}, ratio={self.ratio}, "
            f"value={self.value}, inplace={self.inplace})"
        )
