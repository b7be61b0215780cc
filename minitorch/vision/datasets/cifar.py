"""CIFAR-10, read from the python version's pickled batches in ``root/cifar-10-batches-py``."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable

import numpy as np

from .download import check_integrity, download_from_mirrors, extract_tar
from .vision import ArrayDataset


def _allowed_globals() -> dict[tuple[str, str], object]:
    """The only callables a CIFAR batch may name: numpy's array and scalar rebuilders.

    Python 2 wrote ``numpy.core``; numpy 2 writes ``numpy._core``; both spellings are accepted.
    ``_codecs.encode`` appears in protocol-2 pickles of bytes written by Python 3.
    """
    import codecs

    sample = np.zeros(1, np.uint8)
    found = {
        "multiarray._reconstruct": sample.__reduce__()[0],
        "multiarray.scalar": sample[0].__reduce__()[0],
        "numeric._frombuffer": sample.__reduce_ex__(5)[0],
    }
    allowed = {
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
        ("_codecs", "encode"): codecs.encode,
    }
    for dotted, function in found.items():
        module, name = dotted.split(".")
        for package in ("numpy.core", "numpy._core"):
            allowed[(f"{package}.{module}", name)] = function
    return allowed


class BatchUnpickler(pickle.Unpickler):
    """Loads dicts, lists, strings and numpy arrays, and refuses anything else.

    A pickle can name any callable and so run any code on load; a data set file has no reason
    to, so a file that tries is refused rather than trusted.
    """

    allowed = _allowed_globals()

    def find_class(self, module: str, name: str):
        try:
            return self.allowed[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"refusing to load {module}.{name}: a CIFAR batch holds only arrays, lists and "
                "strings"
            ) from None


def load_batch(path: str | os.PathLike) -> tuple[np.ndarray, list[int]]:
    """Read one CIFAR-10 batch: N x 32 x 32 x 3 uint8 images (HWC) and N int labels.

    Raises:
        RuntimeError: the file is not a CIFAR-10 batch (the message names it).
    """
    path = os.fspath(path)
    with open(path, "rb") as f:
        try:
            # written by Python 2: its str objects (keys, and the array bytes) come in as latin1
            entry = BatchUnpickler(f, encoding="latin1").load()
        except (pickle.UnpicklingError, EOFError, ValueError) as error:
            raise RuntimeError(f"{path}: not a readable CIFAR-10 batch ({error})") from error
    if isinstance(entry, dict):
        entry = {k.decode("latin1") if isinstance(k, bytes) else k: v for k, v in entry.items()}
    if not isinstance(entry, dict) or "data" not in entry or "labels" not in entry:
        raise RuntimeError(
            f"{path}: not a CIFAR-10 batch (expected a dict with 'data' and 'labels')"
        )
    data = np.asarray(entry["data"], dtype=np.uint8)
    labels = [int(label) for label in entry["labels"]]
    if data.ndim != 2 or data.shape[1] != 3 * 32 * 32 or len(data) != len(labels):
        raise RuntimeError(
            f"{path}: expected N x 3072 data and N labels, got data of shape "
            f"{data.shape} and {len(labels)} labels"
        )
    # rows are stored channel-major (CHW); samples are HWC like every image here
    return np.ascontiguousarray(data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)), labels


class CIFAR10(ArrayDataset):
    """CIFAR-10: 32 x 32 color images (``H x W x 3`` uint8 arrays) in 10 classes.

    Reads ``root/cifar-10-batches-py/data_batch_1..5`` (train) or ``test_batch``. Existing files
    are used as they are (no md5 check); ``download=True`` fetches and verifies the archive and
    extracts it. As in torchvision, ``data`` is the N x 32 x 32 x 3 uint8 numpy array of all
    images and ``targets`` the list of labels.
    """

    base_folder = "cifar-10-batches-py"
    mirrors = ["https://www.cs.toronto.edu/~kriz/"]
    filename = "cifar-10-python.tar.gz"
    tgz_md5 = "c58f30108f718f92721af3b95e74349a"
    train_list = [
        ["data_batch_1", "c99cafc152244af753f735de768cd75f"],
        ["data_batch_2", "d4bba439e000b95fd0a9bffe97cbabec"],
        ["data_batch_3", "54ebc095f3ab1f0389bbae665268c751"],
        ["data_batch_4", "634d18415352ddfa80567beed471001a"],
        ["data_batch_5", "482c414d41f54cd18b22e5b47cb7c3cb"],
    ]
    test_list = [["test_batch", "40351d587109b95175f43aff81a1287e"]]
    classes = [
        "airplane",
        "automobile",
        "bird",
        "cat",
        "deer",
        "dog",
        "frog",
        "horse",
        "ship",
        "truck",
    ]

    def __init__(
        self,
        root: str | os.PathLike,
        train: bool = True,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
        download: bool = False,
    ) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        paths = [os.path.join(self.root, self.base_folder, name) for name, _ in self._files()]
        missing = [path for path in paths if not os.path.isfile(path)]
        if missing:
            raise RuntimeError(
                f"Dataset not found: missing {', '.join(missing)}. "
                "You can use download=True to download it"
            )
        batches = [load_batch(path) for path in paths]
        self.data = np.concatenate([images for images, _ in batches])
        self.targets = [label for _, labels in batches for label in labels]

    def _files(self) -> list[list[str]]:
        return self.train_list if self.train else self.test_list

    def download(self) -> None:
        """Download and extract the archive unless every batch file is already there."""
        folder = os.path.join(self.root, self.base_folder)
        if all(
            os.path.isfile(os.path.join(folder, name))
            for name, _ in self.train_list + self.test_list
        ):
            return
        archive = os.path.join(self.root, self.filename)
        if not check_integrity(archive, self.tgz_md5):
            download_from_mirrors(self.mirrors, self.filename, archive, self.tgz_md5)
        extract_tar(archive, self.base_folder, self.root)

    def _arrays(self):
        return self.data, self.targets

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train else 'Test'}"
