"""Transform objects, as in ``torchvision.transforms``: callables that compose into a pipeline.

Random transforms draw from minitorch's default generator, so ``minitorch.manual_seed`` repeats
them, and DataLoader workers (which seed it per worker) draw different ones.
"""

from __future__ import annotations

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


class RandomHorizontalFlip:
    """Mirror the image left to right with probability ``p``."""

    def __init__(self, p: float = 0.5) -> None:
        self.p = p

    def __call__(self, img):
        if minitorch.default_generator.rng.random() < self.p:
            return F.hflip(img)
        return img

    def __repr__(self) -> str:
        return f"{type(self).__name__}(p={self.p})"


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
