"""Datasets: the map-style and iterable protocols, and ways to combine and split them.

A map-style dataset may also define ``__getbatch__(indices)``, returning exactly what
``default_collate([self[i] for i in indices])`` would; the DataLoader then fetches a whole batch
with one indexing operation instead of one Python call per sample.
"""

from __future__ import annotations

import bisect
import math
import warnings
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

import minitorch

from .collate import default_collate


class Dataset:
    """A map-style dataset: ``__getitem__(index)`` returns one sample, ``__len__`` the count."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A dataset that is a stream of samples: subclasses implement ``__iter__``.

    With worker processes every worker iterates its own copy; use ``get_worker_info()`` inside
    ``__iter__`` to give each worker a different shard.
    """

    def __iter__(self) -> Iterator:
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__")


class TensorDataset(Dataset):
    """Samples are the ``index``-th rows of tensors that share their first dimension."""

    def __init__(self, *tensors: minitorch.Tensor) -> None:
        if any(t.shape[0] != tensors[0].shape[0] for t in tensors):
            raise ValueError(f"Size mismatch between tensors: {[t.shape for t in tensors]}")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __getbatch__(self, indices: Sequence[int]) -> tuple:
        index = minitorch.as_tensor(np.asarray(indices, dtype=np.int64))
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order."""

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, index):
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __getbatch__(self, indices: Sequence[int]):
        mapped = [self.indices[i] for i in indices]
        getbatch = getattr(self.dataset, "__getbatch__", None)
        if getbatch is None:
            return default_collate([self.dataset[i] for i in mapped])
        return getbatch(mapped)

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset):
    """The samples of several map-style datasets, one after the other."""

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise TypeError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = np.cumsum([len(d) for d in self.datasets]).tolist()

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int):
        if index < 0:
            if -index > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            index += len(self)
        which = bisect.bisect_right(self.cumulative_sizes, index)
        offset = self.cumulative_sizes[which - 1] if which > 0 else 0
        return self.datasets[which][index - offset]


def random_split(
    dataset: Dataset,
    lengths: Sequence[int | float],
    generator: minitorch.Generator | None = None,
) -> list[Subset]:
    """Split ``dataset`` at random into non-overlapping ``Subset``s of the given lengths.

    ``lengths`` are counts that sum to ``len(dataset)``, or fractions that sum to 1; the counts
    ``floor(n * fraction)`` then get the remainder one by one, round-robin, as in PyTorch.
    """
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        for i, frac in enumerate(lengths):
            if not 0 <= frac <= 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
        counts = [int(math.floor(n * frac)) for frac in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        for i, count in enumerate(counts):
            if count == 0:
                warnings.warn(
                    f"Length of split at index {i} is 0. This might result in an empty dataset.",
                    stacklevel=2,
                )
        lengths = counts
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    rng = (generator or minitorch.default_generator).rng
    indices = rng.permutation(n).tolist()
    splits, start = [], 0
    for length in lengths:
        splits.append(Subset(dataset, indices[start : start + length]))
        start += length
    return splits
