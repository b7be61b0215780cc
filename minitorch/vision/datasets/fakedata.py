"""``FakeData``: random images with random labels, for trying a pipeline without a data set."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .vision import VisionDataset


class FakeData(VisionDataset):
    """``size`` random ``image_size`` (C, H, W) images, with labels below ``num_classes``.

    Sample ``i`` is the same every time (drawn from a generator seeded with ``i +
    random_offset``); images are uint8 ``H x W x C`` arrays (``H x W`` for one channel), as the
    other minitorch data sets give, where torchvision gives PIL Images.
    """

    def __init__(
        self,
        size: int = 1000,
        image_size: tuple[int, int, int] = (3, 224, 224),
        num_classes: int = 10,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
        random_offset: int = 0,
    ) -> None:
        super().__init__("", transform=transform, target_transform=target_transform)
        self.size = size
        self.num_classes = num_classes
        self.image_size = tuple(image_size)
        self.random_offset = random_offset

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: int):
        if index >= len(self):
            raise IndexError(f"{type(self).__name__} index out of range")
        rng = np.random.default_rng(index + self.random_offset)
        channels, height, width = self.image_size
        image = rng.integers(0, 256, (height, width, channels), dtype=np.uint8)
        if channels == 1:
            image = image[:, :, 0]
        target = int(rng.integers(0, self.num_classes))
        return self._transformed(image, target)
