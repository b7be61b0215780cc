"""CIFAR-10: Python 2 pickled batches, the torchvision layout, download and extraction."""

import hashlib
import io
import os
import pickle
import tarfile

import numpy as np
import pytest

from minitorch.vision.datasets import CIFAR10
from minitorch.vision.datasets.cifar import load_batch

from .conftest import py2_pickle, write_cifar, write_cifar_batch
from .test_download import serve


def test_load_batch_reads_python2_pickle(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, (4, 32, 32, 3), dtype=np.uint8)
    write_cifar_batch(tmp_path / "b", images, [3, 1, 4, 1])
    data, labels = load_batch(tmp_path / "b")
    np.testing.assert_array_equal(data, images)
    assert data.flags.c_contiguous and labels == [3, 1, 4, 1]


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_load_batch_reads_python3_repacks(tmp_path, protocol):
    images = np.random.default_rng(1).integers(0, 256, (2, 32, 32, 3), dtype=np.uint8)
    rows = images.transpose(0, 3, 1, 2).reshape(2, -1)
    labels = np.array([7, 9])  # numpy ints, as a re-packed copy may hold
    (tmp_path / "b").write_bytes(pickle.dumps({"data": rows, "labels": list(labels)}, protocol))
    data, out_labels = load_batch(tmp_path / "b")
    np.testing.assert_array_equal(data, images)
    assert out_labels == [7, 9] and all(type(x) is int for x in out_labels)


class Boom:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_load_batch_refuses_code(tmp_path):
    (tmp_path / "b").write_bytes(pickle.dumps({"data": Boom(), "labels": []}, 2))
    with pytest.raises(
        RuntimeError,
        match=r"b: not a readable CIFAR-10 batch .*refusing to load "
        r"(posix|os)\.system",
    ):
        load_batch(tmp_path / "b")


@pytest.mark.parametrize(
    "entry, match",
    [
        ({b"data": np.zeros((2, 3072), np.uint8)}, "expected a dict with 'data' and 'labels'"),
        ([1, 2], "expected a dict"),
        ({b"data": np.zeros((2, 100), np.uint8), b"labels": [1, 2]}, r"shape \(2, 100\)"),
        ({b"data": np.zeros((2, 3072), np.uint8), b"labels": [1]}, "and 1 labels"),
    ],
)
def test_load_batch_rejects_other_content(tmp_path, entry, match):
    (tmp_path / "b").write_bytes(py2_pickle(entry))
    with pytest.raises(RuntimeError, match=match):
        load_batch(tmp_path / "b")


def test_load_batch_rejects_garbage(tmp_path):
    (tmp_path / "b").write_bytes(b"\x80\x02garbage")
    with pytest.raises(RuntimeError, match="not a readable CIFAR-10 batch"):
        load_batch(tmp_path / "b")


def test_cifar10_train_and_test(tmp_path):
    written = write_cifar(tmp_path / "cifar-10-batches-py")
    train = CIFAR10(tmp_path)
    assert len(train) == 15 and train.data.shape == (15, 32, 32, 3)
    assert train.data.dtype == np.uint8 and isinstance(train.targets, list)
    np.testing.assert_array_equal(train.data[3:6], written["data_batch_2"][0])
    assert train.targets[3:6] == written["data_batch_2"][1]
    test = CIFAR10(tmp_path, train=False)
    image, target = test[1]
    np.testing.assert_array_equal(image, written["test_batch"][0][1])
    assert target == written["test_batch"][1][1] and type(target) is int
    assert "Split: Test" in repr(test)


def test_cifar10_missing_files_named(tmp_path, no_network):
    written = write_cifar(tmp_path / "cifar-10-batches-py")
    assert written
    os.remove(tmp_path / "cifar-10-batches-py" / "data_batch_4")
    with pytest.raises(RuntimeError, match="data_batch_4.*download=True"):
        CIFAR10(tmp_path)
    assert len(CIFAR10(tmp_path, train=False)) == 3


def make_archive(tmp_path) -> bytes:
    source = tmp_path / "source"
    write_cifar(source / "cifar-10-batches-py", per_batch=2)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(source / "cifar-10-batches-py", arcname="cifar-10-batches-py")
    return buffer.getvalue()


def test_cifar10_download_and_extract(tmp_path, monkeypatch, capsys):
    archive = make_archive(tmp_path)
    monkeypatch.setattr(CIFAR10, "tgz_md5", hashlib.md5(archive).hexdigest())
    requested = serve(monkeypatch, {CIFAR10.mirrors[0] + CIFAR10.filename: archive})
    root = tmp_path / "root"
    assert len(CIFAR10(root, download=True)) == 10
    assert sorted(os.listdir(root)) == ["cifar-10-batches-py", CIFAR10.filename]
    requested.clear()
    assert len(CIFAR10(root, train=False, download=True)) == 2
    assert requested == []


def test_cifar10_download_reuses_verified_archive(tmp_path, monkeypatch, no_network):
    archive = make_archive(tmp_path)
    monkeypatch.setattr(CIFAR10, "tgz_md5", hashlib.md5(archive).hexdigest())
    (tmp_path / CIFAR10.filename).write_bytes(archive)
    assert len(CIFAR10(tmp_path, download=True)) == 10


def test_cifar10_download_rejects_corrupt_archive(tmp_path, monkeypatch, capsys):
    serve(monkeypatch, {CIFAR10.mirrors[0] + CIFAR10.filename: b"not an archive"})
    with pytest.raises(RuntimeError) as info:
        CIFAR10(tmp_path, download=True)
    assert "md5 mismatch" in str(info.value)
    assert f"place it at {tmp_path / CIFAR10.filename}" in str(info.value)
    assert os.listdir(tmp_path) == []
