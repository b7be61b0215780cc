"""DataLoader in the main process: batching, sampling options, the batched fast path, errors."""

import numpy as np
import pytest

import minitorch
from minitorch.utils.data import (
    BatchSampler,
    DataLoader,
    Dataset,
    IterableDataset,
    SequentialSampler,
    Subset,
    TensorDataset,
    default_collate,
)


class Counting(Dataset):
    """Samples (float32 array, int label); counts ``__getitem__`` calls."""

    def __init__(self, n=10):
        self.n = n
        self.calls = 0

    def __getitem__(self, index):
        self.calls += 1
        return np.full(2, index, np.float32), index

    def __len__(self):
        return self.n


class Stream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


def labels(loader):
    return [batch[1].tolist() for batch in loader]


def test_batches_in_order_with_short_last():
    batches = list(DataLoader(Counting(10), batch_size=4))
    assert [b[1].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    x, y = batches[0]
    assert x.shape == (4, 2) and x.dtype == minitorch.float32 and y.dtype == minitorch.int64


def test_drop_last_and_len():
    loader = DataLoader(Counting(10), batch_size=4, drop_last=True)
    assert labels(loader) == [[0, 1, 2, 3], [4, 5, 6, 7]] and len(loader) == 2
    assert len(DataLoader(Counting(10), batch_size=4)) == 3


def test_batch_size_none_converts_single_samples():
    out = list(DataLoader(Counting(3), batch_size=None))
    assert len(out) == 3
    x, y = out[2]
    assert isinstance(x, minitorch.Tensor) and x.tolist() == [2.0, 2.0] and y == 2


def test_shuffle_reproducible_with_manual_seed():
    loader = DataLoader(Counting(20), batch_size=5, shuffle=True)
    minitorch.manual_seed(0)
    first = labels(loader)
    minitorch.manual_seed(0)
    assert labels(loader) == first
    assert sorted(i for b in first for i in b) == list(range(20)) and first != labels(loader)


def test_shuffle_with_generator():
    def run():
        g = minitorch.Generator().manual_seed(5)
        return labels(DataLoader(Counting(20), batch_size=5, shuffle=True, generator=g))

    first = run()
    minitorch.manual_seed(123)
    assert run() == first


def test_sampler_and_batch_sampler():
    assert labels(DataLoader(Counting(6), batch_size=2, sampler=[5, 3, 1])) == [[5, 3], [1]]
    batch_sampler = BatchSampler(SequentialSampler(range(5)), 3, drop_last=False)
    loader = DataLoader(Counting(5), batch_sampler=batch_sampler)
    assert labels(loader) == [[0, 1, 2], [3, 4]] and len(loader) == 2
    assert labels(DataLoader(Counting(6), batch_sampler=[[4, 0], [2]])) == [[4, 0], [2]]


def test_custom_collate_fn():
    loader = DataLoader(Counting(5), batch_size=2, collate_fn=lambda batch: len(batch))
    assert list(loader) == [2, 2, 1]


def test_fast_path_gives_default_collate_result_in_one_call():
    x, y = minitorch.randn(10, 3), minitorch.arange(10)
    ds = TensorDataset(x, y)
    minitorch.manual_seed(0)
    fast = list(DataLoader(ds, batch_size=4, shuffle=True))
    minitorch.manual_seed(0)
    slow = list(DataLoader(ds, batch_size=4, shuffle=True, collate_fn=lambda b: default_collate(b)))
    assert len(fast) == len(slow) == 3
    for (fx, fy), (sx, sy) in zip(fast, slow):
        assert fx.dtype == sx.dtype and fy.dtype == sy.dtype
        np.testing.assert_array_equal(fx.numpy(), sx.numpy())
        np.testing.assert_array_equal(fy.numpy(), sy.numpy())


class Batched(Counting):
    def __getbatch__(self, indices):
        return "batched", list(indices)


def test_fast_path_only_with_default_collate():
    ds = Batched(5)
    assert list(DataLoader(ds, batch_size=2))[0] == ("batched", [0, 1]) and ds.calls == 0
    assert list(DataLoader(ds, batch_size=2, collate_fn=len)) == [2, 2, 1] and ds.calls == 5
    assert DataLoader(Subset(ds, [4, 3]), batch_size=2).__iter__().__next__() == (
        "batched", [4, 3]
    )


def test_getitems_protocol():
    class Many(Counting):
        def __getitems__(self, indices):
            return [(np.float32(i), -i) for i in indices]

    assert labels(DataLoader(Many(4), batch_size=3)) == [[0, -1, -2], [-3]]


def test_iterable_dataset_batches():
    assert [b.tolist() for b in DataLoader(Stream(5), batch_size=2)] == [[0, 1], [2, 3], [4]]
    loader = DataLoader(Stream(5), batch_size=2, drop_last=True)
    assert [b.tolist() for b in loader] == [[0, 1], [2, 3]] and len(loader) == 2
    assert len(DataLoader(Stream(5), batch_size=2)) == 3
    assert list(DataLoader(Stream(3), batch_size=None)) == [0, 1, 2]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"num_workers": -1}, "num_workers option should be non-negative"),
        ({"timeout": -1}, "timeout option should be non-negative"),
        ({"prefetch_factor": 2}, "prefetch_factor option could only be specified in multipro"),
        ({"num_workers": 1, "prefetch_factor": 0}, "prefetch_factor option should be a positive"),
        ({"persistent_workers": True}, "persistent_workers option needs num_workers > 0"),
        ({"sampler": [0], "shuffle": True}, "sampler option is mutually exclusive with shuffle"),
        ({"batch_sampler": [[0]], "batch_size": 2}, "batch_sampler option is mutually exclusive"),
        ({"batch_sampler": [[0]], "drop_last": True}, "batch_sampler option is mutually exclusive"),
        ({"batch_size": None, "drop_last": True}, "batch_size=None option disables auto-batching"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        DataLoader(Counting(3), **kwargs)


@pytest.mark.parametrize("name", ["shuffle", "sampler", "batch_sampler"])
def test_iterable_dataset_refuses_sampling_options(name):
    value = {"shuffle": True, "sampler": [0], "batch_sampler": [[0]]}[name]
    with pytest.raises(ValueError, match=f"expected unspecified {name} option"):
        DataLoader(Stream(3), **{name: value})


def test_pin_memory_is_accepted():
    assert labels(DataLoader(Counting(2), batch_size=2, pin_memory=True)) == [[0, 1]]
