"""MNIST / Fashion-MNIST: IDX parsing, both layouts, download, and errors naming the file."""

import gzip
import hashlib
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minitorch
from minitorch.vision.datasets import MNIST, FashionMNIST
from minitorch.vision.datasets.mnist import read_idx

from .conftest import idx_bytes, write_idx, write_mnist

DEBIAN_FASHION = "/usr/share/datasets/fashion-mnist"


@settings(max_examples=40, deadline=None)
@given(
    array=hnp.arrays(
        dtype=st.sampled_from([np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]),
        shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=5),
    ),
    compress=st.booleans(),
)
def test_read_idx_round_trips(tmp_path_factory, array, compress):
    path = tmp_path_factory.mktemp("idx") / "a"
    write_idx(path, array, compress)
    out = read_idx(path)
    assert out.dtype == array.dtype.newbyteorder("=") and out.dtype.isnative
    np.testing.assert_array_equal(out, array)
    assert out.flags.writeable


def test_read_idx_rejects_wrong_magic_naming_file(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte"
    write_idx(path, np.zeros(3, np.uint8), compress=False)  # a labels file: magic 2049
    with pytest.raises(
        RuntimeError,
        match=r"train-images-idx3-ubyte: bad IDX magic number 2049 "
        r"\(0x00000801\), expected 2051",
    ):
        read_idx(path, 2051)


def test_read_idx_rejects_non_idx(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"hello world")
    with pytest.raises(RuntimeError, match="notes.txt: bad IDX magic number 1751477356"):
        read_idx(path)


@pytest.mark.parametrize("cut", [-1, 18])
def test_read_idx_rejects_truncated(tmp_path, cut):
    path = tmp_path / "a.gz"
    path.write_bytes(gzip.compress(idx_bytes(np.zeros((2, 3, 4), np.uint8))[:cut]))
    with pytest.raises(RuntimeError, match=r"a.gz: IDX header announces shape \(2, 3, 4\)"):
        read_idx(path)


def test_read_idx_rejects_trailing_data(tmp_path):
    path = tmp_path / "a"
    path.write_bytes(idx_bytes(np.zeros(4, np.uint8)) + b"\0")
    with pytest.raises(RuntimeError, match="holds more"):
        read_idx(path)


def test_read_idx_rejects_corrupt_gzip(tmp_path):
    path = tmp_path / "a.gz"
    path.write_bytes(gzip.compress(idx_bytes(np.zeros(400, np.uint8)))[:-12])
    with pytest.raises(RuntimeError, match="a.gz"):
        read_idx(path)


@pytest.mark.parametrize("compress", [True, False])
def test_mnist_loads_torchvision_layout(tmp_path, compress):
    written = write_mnist(tmp_path / "MNIST" / "raw", compress=compress)
    for train, prefix in ((True, "train"), (False, "t10k")):
        ds = MNIST(tmp_path, train=train)
        images, labels = written[prefix]
        assert len(ds) == len(images)
        np.testing.assert_array_equal(ds.data.numpy(), images)
        np.testing.assert_array_equal(ds.targets.numpy(), labels)
        assert ds.targets.dtype == minitorch.int64
        image, target = ds[2]
        assert isinstance(image, np.ndarray) and image.shape == (28, 28)
        assert image.dtype == np.uint8 and type(target) is int
        np.testing.assert_array_equal(image, images[2])
        assert target == labels[2]


def test_mnist_loads_root_holding_the_files(tmp_path):
    written = write_mnist(tmp_path)
    ds = FashionMNIST(tmp_path, train=False)
    np.testing.assert_array_equal(ds.data.numpy(), written["t10k"][0])


def test_getitem_returns_a_copy(tmp_path):
    write_mnist(tmp_path)
    ds = MNIST(tmp_path)
    image, _ = ds[0]
    image[:] = 0
    assert ds.data.numpy()[0].any()


def test_transforms_are_applied(tmp_path):
    written = write_mnist(tmp_path)
    ds = MNIST(tmp_path, transform=lambda im: im.sum(), target_transform=lambda t: -t)
    image, target = ds[1]
    assert image == written["train"][0][1].sum() and target == -int(written["train"][1][1])


def test_missing_data_says_where_it_looked(tmp_path, no_network):
    with pytest.raises(RuntimeError) as info:
        MNIST(tmp_path)
    message = str(info.value)
    assert "Dataset not found" in message and "download=True" in message
    assert os.path.join(str(tmp_path), "MNIST", "raw") in message


def test_download_fetches_verifies_and_loads(tmp_path, monkeypatch, capsys):
    from .test_download import serve

    source = write_mnist(tmp_path / "source")
    pages, md5s = {}, []
    for name in (
        "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    ):
        data = (tmp_path / "source" / name).read_bytes()
        pages["http://mirror/" + name] = data
        md5s.append((name, hashlib.md5(data).hexdigest()))
    monkeypatch.setattr(MNIST, "mirrors", ["http://down/", "http://mirror/"])
    monkeypatch.setattr(MNIST, "resources", md5s)
    requested = serve(monkeypatch, pages)
    ds = MNIST(tmp_path / "root", download=True)
    np.testing.assert_array_equal(ds.data.numpy(), source["train"][0])
    assert sorted(os.listdir(tmp_path / "root" / "MNIST" / "raw")) == sorted(n for n, _ in md5s)
    # a second run finds the files: no network
    requested.clear()
    MNIST(tmp_path / "root", train=False, download=True)
    assert requested == []


def test_download_skips_existing_files_without_md5(tmp_path, no_network):
    write_mnist(tmp_path)  # not the official files: their md5s differ
    assert len(MNIST(tmp_path, download=True)) == 7


def test_download_unreachable_network_error(tmp_path, no_network, capsys):
    with pytest.raises(RuntimeError) as info:
        FashionMNIST(tmp_path, download=True)
    message = str(info.value)
    assert FashionMNIST.mirrors[0] + "train-images-idx3-ubyte.gz" in message
    assert (
        os.path.join(str(tmp_path), "FashionMNIST", "raw", "train-images-idx3-ubyte.gz") in message
    )


def test_md5s_are_torchvisions():
    assert dict(MNIST.resources)["train-images-idx3-ubyte.gz"] == "f68b3c2dcbeaaa9fbdd348bbdeb94873"
    assert dict(FashionMNIST.resources)["t10k-labels-idx1-ubyte.gz"] == (
        "bb300cfdad3c16e7a12a480ee83cd310"
    )


@pytest.mark.skipif(not os.path.isdir(DEBIAN_FASHION), reason="dataset-fashion-mnist not installed")
def test_debian_fashion_mnist(no_network):
    train = FashionMNIST(DEBIAN_FASHION)
    test = FashionMNIST(DEBIAN_FASHION, train=False)
    assert train.data.shape == (60000, 28, 28) and len(test) == 10000
    pixels = train.data.numpy().reshape(-1)
    # exact integer sums, without a float copy of 47M pixels
    total, squares = pixels.sum(dtype=np.int64), np.einsum("i,i->", pixels, pixels, dtype=np.int64)
    mean = total / pixels.size / 255
    std = np.sqrt(squares / pixels.size / 255**2 - mean**2)
    assert abs(mean - 0.2860) < 1e-3 and abs(std - 0.3530) < 1e-3
    assert sorted(np.unique(train.targets.numpy()).tolist()) == list(range(10))
