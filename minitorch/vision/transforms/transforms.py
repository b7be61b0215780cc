"""Transform objects, as in ``torchvision.transforms``: callables that compose into a pipeline.

Random transforms draw from minitorch's default generator, so ``minitorch.manual_seed`` repeats
them, and DataLoader workers (which seed it per worker) draw different ones.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence

import minitorch

from . import functional as F
from .functional import InterpolationMode


def _pair(size, name: str) -> tuple[int, int]:
    """(h, w) from an int or a 1- or 2-sequence."""
    if isinstance(size, int):
        return size, size
    if isinstance(size, Sequence) and len(size) in (1, 2):
        return (size[0], size[0]) if len(size) == 1 else (size[0], size[1])
    raise ValueError(f"Please provide only two dimensions (h, w) for {name}.")


class Compose:
    """Apply ``transforms`` one after the other."""

    def __init__(self, transforms: Sequence[Callable]) -> None:
        self.transforms = list(transforms)

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self) -> str:
        body = "".join(f"\n    {t}" for t in self.transforms)
        return f"{type(self).__name__}({body}\n)"


class ToTensor:
    """H x W x C uint8 image -> C x H x W float32 tensor in [0, 1] (H x W -> 1 x H x W)."""

    def __call__(self, pic) -> minitorch.Tensor:
        return F.to_tensor(pic)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Normalize:
    """Per channel ``(x - mean) / std`` on a C x H x W float tensor."""

    def __init__(self, mean: Sequence[float], std: Sequence[float], inplace: bool = False) -> None:
        self.mean = mean
        self.std = std
        self.inplace = inplace

    def __call__(self, tensor: minitorch.Tensor) -> minitorch.Tensor:
        return F.normalize(tensor, self.mean, self.std, self.inplace)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(mean={self.mean}, std={self.std})"


class RandomCrop:
    """A random ``size`` crop, after optional padding (``padding=4`` is the CIFAR recipe)."""

    def __init__(
        self,
        size,
        padding=None,
        pad_if_needed: bool = False,
        fill=0,
        padding_mode: str = "constant",
    ) -> None:
        self.size = _pair(size, "size")
        self.padding = padding
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self.padding_mode = padding_mode

    @staticmethod
    def get_params(img, output_size: tuple[int, int]) -> tuple[int, int, int, int]:
        """A random crop ``(top, left, height, width)`` of ``output_size`` inside ``img``."""
        width, height = F.get_image_size(img)
        th, tw = output_size
        if height < th or width < tw:
            raise ValueError(
                f"Required crop size {(th, tw)} is larger than input image size {(height, width)}"
            )
        rng = minitorch.default_generator.rng
        return int(rng.integers(0, height - th + 1)), int(rng.integers(0, width - tw + 1)), th, tw

    def __call__(self, img):
        if self.padding is not None:
            img = F.pad(img, self.padding, self.fill, self.padding_mode)
        width, height = F.get_image_size(img)
        if self.pad_if_needed and width < self.size[1]:
            img = F.pad(img, [self.size[1] - width, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and height < self.size[0]:
            img = F.pad(img, [0, self.size[0] - height], self.fill, self.padding_mode)
        return F.crop(img, *self.get_params(img, self.size))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(size={self.size}, padding={self.padding})"


class RandomlyApplied:
    """Base of the transforms that act with probability ``p``."""

    def __init__(self, p: float = 0.5) -> None:
        self.p = p

    def __repr__(self) -> str:
        return f"{type(self).__name__}(p={self.p})"


class RandomHorizontalFlip(RandomlyApplied):
    """Mirror the image left to right with probability ``p``."""

    def __call__(self, img):
        if minitorch.default_generator.rng.random() < self.p:
            return F.hflip(img)
        return img


class Lambda:
    """Wrap any function as a transform."""

    def __init__(self, lambd: Callable) -> None:
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {type(lambd).__name__!r}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Resize:
    """Resize to ``size``: (h, w), or an int for the shorter edge (aspect ratio kept)."""

    def __init__(self, size, interpolation=InterpolationMode.BILINEAR) -> None:
        if not isinstance(size, int) and not (isinstance(size, Sequence) and len(size) in (1, 2)):
            raise TypeError(f"Size should be int or sequence of length 1 or 2. Got {size}")
        self.size = size
        self.interpolation = InterpolationMode(interpolation)

    def __call__(self, img):
        return F.resize(img, self.size, self.interpolation)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(size={self.size}, interpolation={self.interpolation.value})"


def _rng():
    return minitorch.default_generator.rng


def _uniform(low: float, high: float) -> float:
    return float(low + (high - low) * _rng().random())


class CenterCrop:
    """The central ``size`` crop (an int: square), padding with zeros if the image is smaller."""

    def __init__(self, size) -> None:
        self.size = _pair(size, "size")

    def __call__(self, img):
        return F.center_crop(img, self.size)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(size={self.size})"


class Pad:
    """Pad the borders (see ``functional.pad`` for the forms of ``padding`` and the modes)."""

    def __init__(self, padding, fill=0, padding_mode: str = "constant") -> None:
        if not isinstance(padding, (int, Sequence)):
            raise TypeError("Got inappropriate padding arg")
        if isinstance(padding, Sequence) and len(padding) not in (1, 2, 4):
            raise ValueError(
                f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} "
                "element tuple"
            )
        if padding_mode not in F.PADDING_MODES:
            raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
        self.padding = padding
        self.fill = fill
        self.padding_mode = padding_mode

    def __call__(self, img):
        return F.pad(img, self.padding, self.fill, self.padding_mode)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(padding={self.padding}, fill={self.fill}, "
            f"padding_mode={self.padding_mode})"
        )


class RandomVerticalFlip(RandomlyApplied):
    """Mirror the image top to bottom with probability ``p``."""

    def __call__(self, img):
        if _rng().random() < self.p:
            return F.vflip(img)
        return img


class RandomResizedCrop:
    """A random crop of ``scale`` (fraction of the area) and aspect ``ratio``, resized to
    ``size``: the ImageNet training recipe. After 10 draws that do not fit, a central crop."""

    def __init__(
        self,
        size,
        scale: tuple[float, float] = (0.08, 1.0),
        ratio: tuple[float, float] = (3.0 / 4.0, 4.0 / 3.0),
        interpolation=InterpolationMode.BILINEAR,
        antialias: bool | None = True,
    ) -> None:
        self.size = _pair(size, "size")
        if not isinstance(scale, Sequence):
            raise TypeError("Scale should be a sequence")
        if not isinstance(ratio, Sequence):
            raise TypeError("Ratio should be a sequence")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            warnings.warn("Scale and ratio should be of kind (min, max)", stacklevel=2)
        self.scale = scale
        self.ratio = ratio
        self.interpolation = InterpolationMode(interpolation)
        self.antialias = antialias

    @staticmethod
    def get_params(img, scale, ratio) -> tuple[int, int, int, int]:
        """``(top, left, height, width)`` of a random crop of ``img``."""
        width, height = F.get_image_size(img)
        area = height * width
        log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
        for _ in range(10):
            target_area = area * _uniform(scale[0], scale[1])
            aspect = math.exp(_uniform(*log_ratio))
            w = int(round(math.sqrt(target_area * aspect)))
            h = int(round(math.sqrt(target_area / aspect)))
            if 0 < w <= width and 0 < h <= height:
                top = int(_rng().integers(0, height - h + 1))
                left = int(_rng().integers(0, width - w + 1))
                return top, left, h, w
        in_ratio = width / height
        if in_ratio < min(ratio):
            w, h = width, int(round(width / min(ratio)))
        elif in_ratio > max(ratio):
            w, h = int(round(height * max(ratio))), height
        else:
            w, h = width, height
        return (height - h) // 2, (width - w) // 2, h, w

    def __call__(self, img):
        top, left, h, w = self.get_params(img, self.scale, self.ratio)
        return F.resized_crop(img, top, left, h, w, self.size, self.interpolation)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(size={self.size}, "
            f"scale={tuple(round(s, 4) for s in self.scale)}, "
            f"ratio={tuple(round(r, 4) for r in self.ratio)}, "
            f"interpolation={self.interpolation.value}, antialias={self.antialias})"
        )


class RandomRotation:
    """Rotate by an angle drawn uniformly from ``degrees`` (a number d: from -d to d)."""

    def __init__(
        self,
        degrees,
        interpolation=InterpolationMode.NEAREST,
        expand: bool = False,
        center: Sequence[float] | None = None,
        fill=0,
    ) -> None:
        if isinstance(degrees, (int, float)):
            if degrees < 0:
                raise ValueError("If degrees is a single number, it must be positive.")
            degrees = (-degrees, degrees)
        elif not (isinstance(degrees, Sequence) and len(degrees) == 2):
            raise ValueError("If degrees is a sequence, it must be of len 2.")
        if center is not None and not (isinstance(center, Sequence) and len(center) == 2):
            raise ValueError("If center is a sequence, it must be of len 2.")
        self.degrees = [float(d) for d in degrees]
        self.interpolation = InterpolationMode(interpolation)
        self.expand = expand
        self.center = center
        self.fill = fill

    @staticmethod
    def get_params(degrees: list[float]) -> float:
        return _uniform(degrees[0], degrees[1])

    def __call__(self, img):
        fill = self.fill
        channels = F.get_image_num_channels(img)
        if isinstance(fill, (int, float)):
            fill = [float(fill)] * channels
        angle = self.get_params(self.degrees)
        return F.rotate(img, angle, self.interpolation, self.expand, self.center, fill)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(degrees={self.degrees}, "
            f"interpolation={self.interpolation.value}, expand={self.expand}, fill={self.fill})"
        )


class ToPILImage:
    """A tensor (``C x H x W``) or an array (``H x W x C``) as a PIL Image."""

    def __init__(self, mode: str | None = None) -> None:
        self.mode = mode

    def __call__(self, pic):
        return F.to_pil_image(pic, self.mode)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(mode={self.mode})" if self.mode else f"{type(self).__name__}()"
        )


class PILToTensor:
    """A PIL Image as a ``C x H x W`` tensor of its unscaled pixels."""

    def __call__(self, pic) -> minitorch.Tensor:
        return F.pil_to_tensor(pic)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class RandomApply:
    """Apply all of ``transforms`` (in order) with probability ``p``, else none."""

    def __init__(self, transforms: Sequence[Callable], p: float = 0.5) -> None:
        self.transforms = transforms
        self.p = p

    def __call__(self, img):
        if self.p < _rng().random():
            return img
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self) -> str:
        body = "".join(f"\n    {t}" for t in self.transforms)
        return f"{type(self).__name__}(\n    p={self.p}{body}\n)"


class RandomChoice:
    """Apply one of ``transforms``, picked with probabilities ``p`` (default: equal)."""

    def __init__(self, transforms: Sequence[Callable], p: Sequence[float] | None = None) -> None:
        if p is not None and len(p) != len(transforms):
            raise ValueError(
                f"Length of p doesn't match the number of transforms: {len(p)} != {len(transforms)}"
            )
        self.transforms = transforms
        total = sum(p) if p is not None else None
        self.p = (
            [w / total for w in p] if p is not None else [1 / len(transforms)] * len(transforms)
        )

    def __call__(self, *args):
        index = int(_rng().choice(len(self.transforms), p=self.p))
        return self.transforms[index](*args)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(transforms={self.transforms}, p={self.p})"


class RandomOrder:
    """Apply ``transforms`` in a random order."""

    def __init__(self, transforms: Sequence[Callable]) -> None:
        self.transforms = transforms

    def __call__(self, img):
        for i in _rng().permutation(len(self.transforms)):
            img = self.transforms[int(i)](img)
        return img

    def __repr__(self) -> str:
        body = "".join(f"\n    {t}" for t in self.transforms)
        return f"{type(self).__name__}({body}\n)"
