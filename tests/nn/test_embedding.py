"""Embedding: the op and the layer against PyTorch (padding_idx, max_norm, scale_grad_by_freq)."""

import re

import numpy as np
import pytest

import minitorch
from minitorch import nn
from minitorch.nn import functional as F

from .helpers import assert_close, copy_weights, from_numpy, to_numpy

torch = pytest.importorskip("torch")


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"padding_idx": 2},
        {"padding_idx": -1, "scale_grad_by_freq": True},
        {"max_norm": 1.0},
        {"max_norm": 1.5, "norm_type": 1.0},
    ],
)
def test_embedding_matches_torch(kwargs, device):
    theirs = torch.nn.Embedding(7, 4, **kwargs).double()
    ours = nn.Embedding(7, 4, **kwargs).double().to(device)
    copy_weights(theirs, ours, device)
    idx = np.random.default_rng(0).integers(0, 7, (3, 5))
    out, expected = ours(from_numpy(idx, device)), theirs(torch.tensor(idx))
    assert_close(out, expected)
    g = np.random.default_rng(1).standard_normal(expected.shape)
    out.backward(from_numpy(g, device))
    expected.backward(torch.tensor(g))
    assert_close(ours.weight.grad, theirs.weight.grad, rtol=1e-7, atol=1e-9)
    assert_close(ours.weight, theirs.weight)  # max_norm renormalised the same rows in place
    assert repr(ours) == repr(theirs)


def test_padding_row_starts_at_zero_and_weights_are_standard_normal():
    layer = nn.Embedding(2000, 16, padding_idx=0)
    w = to_numpy(layer.weight)
    assert not w[0].any()
    assert abs(w[1:].mean()) < 0.02 and abs(w[1:].std() - 1) < 0.02


def test_from_pretrained_is_frozen_by_default():
    weights = minitorch.tensor([[1.0, 2.0], [3.0, 4.0]])
    layer = nn.Embedding.from_pretrained(weights)
    assert not layer.weight.requires_grad
    assert layer(minitorch.tensor([1])).tolist() == [[3.0, 4.0]]
    assert nn.Embedding.from_pretrained(weights, freeze=False).weight.requires_grad


def test_many_repeated_indices_accumulate(device):
    idx = np.random.default_rng(2).integers(0, 3, 1000)
    w = minitorch.ones(3, 2, device=device, requires_grad=True)
    F.embedding(from_numpy(idx, device), w).sum().backward()
    np.testing.assert_array_equal(to_numpy(w.grad)[:, 0], np.bincount(idx, minlength=3))


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda w: F.embedding(minitorch.tensor([5]), w), IndexError, "index out of range in self"),
        (lambda w: F.embedding(minitorch.tensor([-1]), w), IndexError, "index out of range"),
        (
            lambda w: F.embedding(minitorch.tensor([1.0]), w),
            RuntimeError,
            "Expected tensor for argument #1 'indices' to have one of the following scalar types",
        ),
    ],
)
def test_errors(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call(minitorch.randn(3, 2))
