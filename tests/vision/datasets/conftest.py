"""Writers for small data set files in the real formats, and roots laid out like torchvision's."""

import gzip
import pickle
import struct

import numpy as np
import pytest

IDX_CODES = {
    np.dtype(np.uint8): 0x08,
    np.dtype(np.int8): 0x09,
    np.dtype(">i2"): 0x0B,
    np.dtype(">i4"): 0x0C,
    np.dtype(">f4"): 0x0D,
    np.dtype(">f8"): 0x0E,
}


def idx_bytes(array: np.ndarray) -> bytes:
    """An IDX file: magic (0, 0, type, ndim), big-endian dimensions, big-endian data."""
    big = array.astype(array.dtype.newbyteorder(">"))
    head = bytes([0, 0, IDX_CODES[big.dtype], array.ndim]) + struct.pack(
        f">{array.ndim}I", *array.shape
    )
    return head + big.tobytes()


def write_idx(path, array: np.ndarray, compress: bool = True) -> None:
    data = idx_bytes(array)
    path.write_bytes(gzip.compress(data) if compress else data)


def write_mnist(folder, n_train=7, n_test=5, compress=True, seed=0):
    """The four MNIST files in ``folder``; returns {split: (images, labels)}."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, n, dtype=np.uint8)
        ext = ".gz" if compress else ""
        write_idx(folder / f"{prefix}-images-idx3-ubyte{ext}", images, compress)
        write_idx(folder / f"{prefix}-labels-idx1-ubyte{ext}", labels, compress)
        out[prefix] = (images, labels)
    return out


class Python2Pickler(pickle._Pickler):
    """Pickles bytes and str as Python 2's ``str`` (SHORT_BINSTRING/BINSTRING), as CIFAR's
    files hold them.

    Python 3 writes bytes in protocol 2 as calls to ``_codecs.encode``; Python 2 wrote the
    string opcodes that ``encoding='latin1'`` decodes to ``str``.
    """

    dispatch = pickle._Pickler.dispatch.copy()

    def save_py2_str(self, obj):
        data = obj.encode("latin1") if isinstance(obj, str) else obj
        if len(data) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(data)]) + data)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(data)) + data)
        self.memoize(obj)

    dispatch[bytes] = save_py2_str
    dispatch[str] = save_py2_str


def py2_pickle(obj) -> bytes:
    import io

    buffer = io.BytesIO()
    Python2Pickler(buffer, protocol=2).dump(obj)
    # Python 2's numpy lived in numpy.core
    return buffer.getvalue().replace(b"cnumpy._core.multiarray\n", b"cnumpy.core.multiarray\n")


def write_cifar_batch(path, images_hwc: np.ndarray, labels) -> None:
    """A CIFAR-10 batch as Python 2 wrote it: bytes keys, N x 3072 uint8 rows in CHW order."""
    rows = images_hwc.transpose(0, 3, 1, 2).reshape(len(images_hwc), -1)
    entry = {
        b"batch_label": b"training batch 1 of 5",
        b"labels": [int(label) for label in labels],
        b"data": rows,
        b"filenames": [f"img_{i}.png".encode() for i in range(len(labels))],
    }
    path.write_bytes(py2_pickle(entry))


def write_cifar(folder, per_batch=3, seed=0):
    """The six CIFAR-10 batches in ``folder``; returns {name: (images, labels)}."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        images = rng.integers(0, 256, (per_batch, 32, 32, 3), dtype=np.uint8)
        labels = rng.integers(0, 10, per_batch).tolist()
        write_cifar_batch(folder / name, images, labels)
        out[name] = (images, labels)
    return out


@pytest.fixture
def no_network(monkeypatch):
    """Make any download attempt fail as an unreachable network does."""
    from urllib.error import URLError

    from minitorch.vision.datasets import download

    def refuse(*args, **kwargs):
        raise URLError("network is unreachable (test)")

    monkeypatch.setattr(download, "urlopen", refuse)
