"""MNIST and Fashion-MNIST, read from IDX files (plain or gzipped) in torchvision's layout."""

from __future__ import annotations

import gzip
import os
import struct
from collections.abc import Callable

import numpy as np

import minitorch

from .download import download_from_mirrors
from .vision import ArrayDataset

IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions (count, rows, cols)
LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension (count)
# the third byte of an IDX magic number gives the element type, stored big-endian
IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
GZIP_MAGIC = b"\x1f\x8b"


def read_idx(path: str | os.PathLike, magic: int | None = None) -> np.ndarray:
    """Read an IDX file (gzipped or not) into a native-endian numpy array.

    Raises:
        RuntimeError: the magic number is not an IDX one (or not ``magic``), or the data are
            shorter or longer than the header announces. The message names the file.
    """
    path = os.fspath(path)
    with open(path, "rb") as f:
        compressed = f.read(2) == GZIP_MAGIC
    try:
        with (gzip.open if compressed else open)(path, "rb") as f:
            return _read_idx_stream(f, path, magic)
    except (gzip.BadGzipFile, EOFError) as error:
        raise RuntimeError(f"{path}: corrupt gzip data ({error})") from error


def _read_idx_stream(f, path: str, magic: int | None) -> np.ndarray:
    """Parse an open IDX stream: header, then the data read straight into the array."""
    head = f.read(4)
    found = int.from_bytes(head, "big")
    if (
        len(head) < 4
        or head[:2] != b"\0\0"
        or head[2] not in IDX_DTYPES
        or head[3] == 0
        or (magic is not None and found != magic)
    ):
        expected = f"{magic}" if magic is not None else "an IDX magic number"
        raise RuntimeError(
            f"{path}: bad IDX magic number {found} (0x{found:08x}), "
            f"expected {expected}; is this an IDX file?"
        )
    ndim = head[3]
    dims_bytes = f.read(4 * ndim)
    if len(dims_bytes) < 4 * ndim:
        raise RuntimeError(f"{path}: IDX header is truncated")
    shape = struct.unpack(f">{ndim}I", dims_bytes)
    dtype = np.dtype(IDX_DTYPES[head[2]])
    array = np.empty(shape, dtype)
    view, got = memoryview(array.reshape(-1).view(np.uint8)), 0
    while got < array.nbytes:
        n = f.readinto(view[got:])
        if not n:
            break
        got += n
    if got < array.nbytes or f.read(1):
        raise RuntimeError(
            f"{path}: IDX header announces shape {shape} ({array.nbytes} bytes of "
            f"data) but the file holds {'fewer' if got < array.nbytes else 'more'}; "
            "the file is truncated or corrupt"
        )
    return array.astype(dtype.newbyteorder("="), copy=False)


class MNIST(ArrayDataset):
    """The MNIST digits: 28 x 28 grayscale images (``H x W`` uint8 arrays), labels 0-9.

    Reads ``root/MNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]``, or the same
    files directly in ``root``. Existing files are used as they are (no md5 check, so re-packed
    copies work); ``download=True`` fetches missing ones, verified against torchvision's md5s.
    ``data`` is the N x 28 x 28 uint8 tensor of all images and ``targets`` the int64 labels.
    """

    mirrors = [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ]
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    classes = [
        "0 - zero",
        "1 - one",
        "2 - two",
        "3 - three",
        "4 - four",
        "5 - five",
        "6 - six",
        "7 - seven",
        "8 - eight",
        "9 - nine",
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
        prefix = "train" if train else "t10k"
        images = read_idx(self._find(f"{prefix}-images-idx3-ubyte"), IMAGES_MAGIC)
        labels = read_idx(self._find(f"{prefix}-labels-idx1-ubyte"), LABELS_MAGIC)
        if len(images) != len(labels):
            raise RuntimeError(f"{len(images)} images but {len(labels)} labels in {self.root}")
        self.data = minitorch.from_numpy(images)
        self.targets = minitorch.from_numpy(labels.astype(np.int64))

    @property
    def raw_folder(self) -> str:
        return os.path.join(self.root, type(self).__name__, "raw")

    def _candidates(self, name: str) -> list[str]:
        """Where ``name`` may be, best first: torchvision's raw folder, then ``root`` itself."""
        return [
            os.path.join(folder, name + ext)
            for folder in (self.raw_folder, self.root)
            for ext in ("", ".gz")
        ]

    def _find(self, name: str) -> str:
        for path in self._candidates(name):
            if os.path.isfile(path):
                return path
        raise RuntimeError(
            f"Dataset not found: no {name}[.gz] in {self.raw_folder} or "
            f"{self.root}. You can use download=True to download it"
        )

    def download(self) -> None:
        """Download the missing files into ``raw_folder``, keeping them gzipped."""
        for filename, md5 in self.resources:
            name = filename.removesuffix(".gz")
            if not any(os.path.isfile(path) for path in self._candidates(name)):
                path = os.path.join(self.raw_folder, filename)
                download_from_mirrors(self.mirrors, filename, path, md5)

    def _arrays(self):
        return self.data.numpy(), self.targets.numpy()

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train else 'Test'}"


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: MNIST's format and layout (``root/FashionMNIST/raw``)."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes = [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ]
