"""Datasets: TensorDataset, Subset, ConcatDataset, random_split and the batched getter."""

import numpy as np
import pytest

import minitorch
from minitorch.utils.data import (
    ConcatDataset,
    Dataset,
    IterableDataset,
    Subset,
    TensorDataset,
    default_collate,
    random_split,
)


class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __getitem__(self, index):
        return index * index

    def __len__(self):
        return self.n


def test_tensor_dataset_rows():
    x, y = minitorch.arange(12).reshape(4, 3), minitorch.tensor([5, 6, 7, 8])
    ds = TensorDataset(x, y)
    assert len(ds) == 4
    row, label = ds[2]
    assert row.tolist() == [6, 7, 8] and label.item() == 7


def test_tensor_dataset_batch_equals_collated_items():
    x = minitorch.randn(10, 2, 3)
    y = minitorch.arange(10)
    ds = TensorDataset(x, y)
    indices = [7, 0, 3, 3]
    fast = ds.__getbatch__(indices)
    slow = default_collate([ds[i] for i in indices])
    for a, b in zip(fast, slow):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_tensor_dataset_size_mismatch():
    with pytest.raises(ValueError, match="Size mismatch between tensors"):
        TensorDataset(minitorch.zeros(3), minitorch.zeros(4))


def test_subset_and_its_batches():
    ds = TensorDataset(minitorch.arange(10))
    sub = Subset(ds, [9, 2, 4])
    assert len(sub) == 3 and sub[1][0].item() == 2
    assert sub.__getbatch__([2, 0])[0].tolist() == [4, 9]
    plain = Subset(Squares(10), [3, 5])
    assert plain.__getbatch__([1, 0]).tolist() == [25, 9]


def test_concat_dataset():
    ds = ConcatDataset([Squares(2), Squares(3)])
    assert len(ds) == 5 and [ds[i] for i in range(5)] == [0, 1, 0, 1, 4]
    assert ds[-1] == 4 and ds.cumulative_sizes == [2, 5]
    assert len(Squares(2) + Squares(4)) == 6
    with pytest.raises(ValueError, match="absolute value of index"):
        ds[-6]
    with pytest.raises(ValueError, match="should not be an empty iterable"):
        ConcatDataset([])
    with pytest.raises(TypeError, match="does not support IterableDataset"):
        ConcatDataset([IterableDataset()])


def test_random_split_counts_disjoint_and_reproducible():
    parts = random_split(Squares(10), [3, 7], generator=minitorch.Generator().manual_seed(0))
    assert [len(p) for p in parts] == [3, 7]
    assert sorted(parts[0].indices + parts[1].indices) == list(range(10))
    again = random_split(Squares(10), [3, 7], generator=minitorch.Generator().manual_seed(0))
    assert again[0].indices == parts[0].indices


@pytest.mark.parametrize("n, fractions", [(10, [0.3, 0.7]), (11, [0.5, 0.5]), (7, [0.1, 0.2, 0.7]),
                                          (5, [1 / 3] * 3)])
def test_random_split_fractions_match_torch(n, fractions):
    torch_data = pytest.importorskip("torch.utils.data")
    theirs = [len(p) for p in torch_data.random_split(range(n), fractions)]
    assert [len(p) for p in random_split(Squares(n), fractions)] == theirs


def test_random_split_wrong_sum():
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        random_split(Squares(10), [3, 3])


def test_random_split_warns_on_empty_split():
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        random_split(Squares(2), [0.9, 0.1 - 1e-12, 1e-12])
