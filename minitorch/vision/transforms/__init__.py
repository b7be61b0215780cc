"""Image transforms, as in ``torchvision.transforms``."""

from . import functional
from .functional import InterpolationMode
from .transforms import (
    Compose,
    Lambda,
    Normalize,
    RandomCrop,
    RandomHorizontalFlip,
    Resize,
    ToTensor,
)

__all__ = [
    "Compose",
    "InterpolationMode",
    "Lambda",
    "Normalize",
    "RandomCrop",
    "RandomHorizontalFlip",
    "Resize",
    "ToTensor",
    "functional",
]
