"""Data sets read from a folder per class (``root/dog/xxx.png``, ``root/cat/123.png``), as
``torchvision.datasets.DatasetFolder`` and ``ImageFolder``.

Classes are the sub-folder names in sorted order; files are found by walking each class folder
(symlinks followed), keeping those with an allowed extension or that ``is_valid_file`` accepts.
``ImageFolder`` opens images with Pillow and gives RGB ``PIL.Image``\\ s, as torchvision does.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from .vision import VisionDataset

IMG_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")


def has_file_allowed_extension(filename: str, extensions: str | tuple[str, ...]) -> bool:
    """True if ``filename`` ends with one of ``extensions`` (case does not matter)."""
    return filename.lower().endswith(
        extensions if isinstance(extensions, str) else tuple(extensions)
    )


def find_classes(directory: str | os.PathLike) -> tuple[list[str], dict[str, int]]:
    """The class names (the sub-folders, sorted) and each one's index."""
    classes = sorted(entry.name for entry in os.scandir(directory) if entry.is_dir())
    if not classes:
        raise FileNotFoundError(f"Couldn't find any class folder in {directory}.")
    return classes, {name: i for i, name in enumerate(classes)}


def make_dataset(
    directory: str | os.PathLike,
    class_to_idx: dict[str, int] | None = None,
    extensions: str | tuple[str, ...] | None = None,
    is_valid_file: Callable[[str], bool] | None = None,
    allow_empty: bool = False,
) -> list[tuple[str, int]]:
    """``(path, class_index)`` for every valid file under each class folder, in sorted order."""
    directory = os.path.expanduser(os.fspath(directory))
    if class_to_idx is None:
        _, class_to_idx = find_classes(directory)
    if (extensions is None) == (is_valid_file is None):
        raise ValueError(
            "Both extensions and is_valid_file cannot be None or not None at the same time"
        )
    if is_valid_file is None:

        def is_valid_file(path: str) -> bool:
            return has_file_allowed_extension(path, extensions)

    samples, found = [], set()
    for name in sorted(class_to_idx):
        class_dir = os.path.join(directory, name)
        if not os.path.isdir(class_dir):
            continue
        for folder, _, files in sorted(os.walk(class_dir, followlinks=True)):
            for file in sorted(files):
                path = os.path.join(folder, file)
                if is_valid_file(path):
                    samples.append((path, class_to_idx[name]))
                    found.add(name)
    empty = set(class_to_idx) - found
    if empty and not allow_empty:
        message = f"Found no valid file for the classes {', '.join(sorted(empty))}. "
        if extensions is not None:
            listed = extensions if isinstance(extensions, str) else ", ".join(extensions)
            message += f"Supported extensions are: {listed}"
        raise FileNotFoundError(message)
    return samples


def pil_loader(path: str):
    """The image at ``path`` as an RGB ``PIL.Image``."""
    try:
        from PIL import Image
    except ImportError as e:  # Pillow is optional: only image files need it
        raise ImportError("reading image files needs Pillow: pip install pillow") from e
    with open(path, "rb") as f:
        return Image.open(f).convert("RGB")


def default_loader(path: str):
    return pil_loader(path)


class DatasetFolder(VisionDataset):
    """Samples ``(loader(path), class_index)`` from a folder per class.

    Attributes as torchvision's: ``classes``, ``class_to_idx``, ``samples`` (path, index) and
    ``targets``.
    """

    def __init__(
        self,
        root: str | os.PathLike,
        loader: Callable[[str], object],
        extensions: tuple[str, ...] | None = None,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
        is_valid_file: Callable[[str], bool] | None = None,
        allow_empty: bool = False,
    ) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        classes, class_to_idx = self.find_classes(self.root)
        self.samples = self.make_dataset(
            self.root, class_to_idx, extensions, is_valid_file, allow_empty=allow_empty
        )
        self.loader = loader
        self.extensions = extensions
        self.classes = classes
        self.class_to_idx = class_to_idx
        self.targets = [target for _, target in self.samples]

    @staticmethod
    def make_dataset(
        directory, class_to_idx, extensions=None, is_valid_file=None, allow_empty=False
    ):
        """The samples; override to find files another way."""
        return make_dataset(directory, class_to_idx, extensions, is_valid_file, allow_empty)

    def find_classes(self, directory) -> tuple[list[str], dict[str, int]]:
        """The classes; override for another folder layout."""
        return find_classes(directory)

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, index: int):
        path, target = self.samples[index]
        return self._transformed(self.loader(path), target)


class ImageFolder(DatasetFolder):
    """A ``DatasetFolder`` of image files, opened as RGB ``PIL.Image``\\ s; ``imgs`` is
    ``samples``."""

    def __init__(
        self,
        root: str | os.PathLike,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
        loader: Callable[[str], object] = default_loader,
        is_valid_file: Callable[[str], bool] | None = None,
        allow_empty: bool = False,
    ) -> None:
        super().__init__(
            root,
            loader,
            IMG_EXTENSIONS if is_valid_file is None else None,
            transform=transform,
            target_transform=target_transform,
            is_valid_file=is_valid_file,
            allow_empty=allow_empty,
        )
        self.imgs = self.samples
