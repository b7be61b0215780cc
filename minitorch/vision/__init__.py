"""Data sets, image transforms, model architectures and image utilities, as in ``torchvision``."""

from . import datasets, models, transforms, utils

__all__ = ["datasets", "models", "transforms", "utils"]
