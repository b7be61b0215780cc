"""Samplers: index order, lengths, batching, and reproducible shuffling."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

import minitorch
from minitorch.utils.data import (
    BatchSampler,
    RandomSampler,
    SequentialSampler,
    SubsetRandomSampler,
)


def test_sequential():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    assert len(SequentialSampler(range(4))) == 4


@given(n=st.integers(1, 50))
def test_random_is_a_permutation(n):
    sampler = RandomSampler(range(n))
    indices = list(sampler)
    assert sorted(indices) == list(range(n)) and len(sampler) == n
    assert all(type(i) is int for i in indices)


@given(n=st.integers(1, 20), num_samples=st.integers(1, 70))
def test_random_num_samples_without_replacement_chains_permutations(n, num_samples):
    indices = list(RandomSampler(range(n), num_samples=num_samples))
    assert len(indices) == num_samples
    for start in range(0, num_samples, n):
        chunk = indices[start : start + n]
        assert len(set(chunk)) == len(chunk)


def test_random_with_replacement():
    indices = list(RandomSampler(range(3), replacement=True, num_samples=100))
    assert len(indices) == 100 and set(indices) == {0, 1, 2}


def test_manual_seed_repeats_order_and_epochs_differ():
    sampler = RandomSampler(range(100))
    minitorch.manual_seed(0)
    first, second = list(sampler), list(sampler)
    minitorch.manual_seed(0)
    assert list(sampler) == first and list(sampler) == second
    assert first != second


def test_generator_owns_its_stream():
    g = minitorch.Generator().manual_seed(3)
    first = list(RandomSampler(range(50), generator=g))
    minitorch.manual_seed(1)  # the default stream does not matter
    g.manual_seed(3)
    assert list(RandomSampler(range(50), generator=g)) == first


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"replacement": 1}, TypeError, "replacement should be a boolean value"),
        ({"num_samples": 0}, ValueError, "num_samples should be a positive integer"),
        ({"num_samples": 2.5}, ValueError, "num_samples should be a positive integer"),
    ],
)
def test_random_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        RandomSampler(range(3), **kwargs)


def test_subset_random():
    g = minitorch.Generator().manual_seed(0)
    sampler = SubsetRandomSampler([10, 20, 30, 40], generator=g)
    assert sorted(sampler) == [10, 20, 30, 40] and len(sampler) == 4


@given(n=st.integers(0, 40), batch_size=st.integers(1, 9), drop_last=st.booleans())
def test_batch_sampler_groups_in_order(n, batch_size, drop_last):
    sampler = BatchSampler(range(n), batch_size, drop_last)
    batches = list(sampler)
    flat = [i for b in batches for i in b]
    assert flat == list(range(n - n % batch_size if drop_last else n))
    assert all(len(b) == batch_size for b in batches[:-1])
    assert len(batches) == len(sampler)


@pytest.mark.parametrize(
    "batch_size, drop_last, match",
    [(0, False, "batch_size should be a positive integer"),
     (True, False, "batch_size should be a positive integer"),
     (2, 1, "drop_last should be a boolean value")],
)
def test_batch_sampler_bad_arguments(batch_size, drop_last, match):
    with pytest.raises(ValueError, match=match):
        BatchSampler(range(3), batch_size, drop_last)
