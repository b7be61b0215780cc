"""The bases of the vision data sets: ``VisionDataset`` (root, transforms, repr) and
``ArrayDataset``, for in-memory uint8 images with integer class labels.

Samples of an ``ArrayDataset`` are ``(image, target)`` as in torchvision, except that the image
is a numpy array rather than a PIL Image: ``H x W`` for grayscale, ``H x W x C`` for color (what
``PIL.Image.fromarray`` takes and ``np.asarray(pil_image)`` gives), so no Pillow is needed.
Every transform in ``minitorch.vision.transforms`` accepts both arrays and PIL Images.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

import numpy as np

import minitorch
from minitorch.utils.data import Dataset, default_collate


class VisionDataset(Dataset):
    """A data set of images under ``root``; ``transform`` changes each image, ``target_transform``
    each label. Subclasses define ``__len__`` and ``__getitem__``."""

    def __init__(
        self,
        root: str | os.PathLike,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
    ) -> None:
        self.root = os.path.expanduser(os.fspath(root))
        self.transform = transform
        self.target_transform = target_transform

    def _transformed(self, image, target):
        """``(transform(image), target_transform(target))``, each if given."""
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        lines = [f"Number of datapoints: {len(self)}", f"Root location: {self.root}"]
        lines += [line for line in self.extra_repr().splitlines() if line]
        if self.transform is not None:
            lines.append(f"Transform: {self.transform!r}")
        if self.target_transform is not None:
            lines.append(f"Target transform: {self.target_transform!r}")
        return "\n".join([f"Dataset {type(self).__name__}"] + ["    " + line for line in lines])


class ArrayDataset(VisionDataset):
    """Images and labels held in memory; subclasses load them and define ``_arrays``."""

    def _arrays(self) -> tuple[np.ndarray, Sequence[int]]:
        """The images (N x H x W [x C] uint8) and labels, read from ``data`` and ``targets``.

        Read on each access, as torchvision does, so that assigning a slice to ``data`` and
        ``targets`` (a common way to take a subset) takes effect.
        """
        raise NotImplementedError

    @property
    def class_to_idx(self) -> dict[str, int]:
        """Each name in the subclass's ``classes`` mapped to its label."""
        return {name: i for i, name in enumerate(self.classes)}

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int):
        images, labels = self._arrays()
        return self._transformed(images[index].copy(), int(labels[index]))

    def __getbatch__(self, indices: Sequence[int]):
        """``(images, targets)`` tensors for ``indices``; one fancy index when no transforms."""
        if self.transform is not None or self.target_transform is not None:
            return default_collate([self[i] for i in indices])
        images, labels = self._arrays()
        targets = np.array([labels[i] for i in indices], dtype=np.int64)
        return minitorch.from_numpy(images[np.asarray(indices)]), minitorch.from_numpy(targets)
