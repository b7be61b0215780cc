"""The shared in-memory base: samples, the batched getter, subsets by slicing, repr."""

import numpy as np
import pytest

import minitorch
from minitorch.utils.data import DataLoader, default_collate
from minitorch.vision import transforms as T
from minitorch.vision.datasets import CIFAR10, MNIST

from .conftest import write_cifar, write_mnist


@pytest.fixture(params=["mnist", "cifar"])
def dataset(request, tmp_path):
    if request.param == "mnist":
        write_mnist(tmp_path, n_train=9)
        return MNIST(tmp_path)
    write_cifar(tmp_path / "cifar-10-batches-py")
    return CIFAR10(tmp_path)


def assert_same_batch(a, b):
    for x, y in zip(a, b):
        assert x.dtype == y.dtype and x.shape == y.shape
        np.testing.assert_array_equal(x.numpy(), y.numpy())


def test_getbatch_equals_collated_samples(dataset):
    indices = [4, 0, 4, 8]
    batch = dataset.__getbatch__(indices)
    assert batch[0].dtype == minitorch.uint8 and batch[1].dtype == minitorch.int64
    assert_same_batch(batch, default_collate([dataset[i] for i in indices]))


def test_getbatch_with_transforms_applies_them(dataset):
    dataset.transform = T.ToTensor()
    batch = dataset.__getbatch__([1, 2])
    assert batch[0].dtype == minitorch.float32 and batch[0].shape[0] == 2 and batch[0].ndim == 4
    assert_same_batch(batch, default_collate([dataset[1], dataset[2]]))


def test_loader_over_dataset(dataset):
    batches = list(DataLoader(dataset, batch_size=4, shuffle=True))
    assert sum(len(t) for _, t in batches) == len(dataset)


def test_slicing_data_and_targets_takes_a_subset(dataset):
    dataset.data, dataset.targets = dataset.data[:3], dataset.targets[:3]
    assert len(dataset) == 3
    assert len(list(DataLoader(dataset, batch_size=2))) == 2
    with pytest.raises(IndexError):
        dataset[3]


def test_repr(dataset):
    dataset.transform = T.ToTensor()
    text = repr(dataset)
    assert text.startswith(f"Dataset {type(dataset).__name__}\n    Number of datapoints: ")
    assert "Split: Train" in text and "Transform: ToTensor()" in text


def test_classes(dataset):
    assert len(dataset.classes) == 10 and dataset.class_to_idx[dataset.classes[3]] == 3
