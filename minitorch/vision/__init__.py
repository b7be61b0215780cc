"""Data sets and image transforms, as in ``torchvision``."""

from . import datasets, transforms

__all__ = ["datasets", "transforms"]
