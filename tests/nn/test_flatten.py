"""Flatten and Unflatten (minitorch/nn/flatten.py)."""

import numpy as np
import pytest

import minitorch.nn as nn

from .helpers import compare_with_torch


@pytest.mark.parametrize(
    "args, shape", [((), (2, 3, 4, 5)), ((0, -1), (2, 3, 4)), ((1, 2), (2, 3, 4, 5)), ((), (2,))]
)
def test_flatten_matches_torch(device, args, shape):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    if len(shape) == 1 and not args:
        args = (0,)
    compare_with_torch(nn.Flatten(*args), torch.nn.Flatten(*args), [x], device)
    assert repr(nn.Flatten(*args)) == repr(torch.nn.Flatten(*args))


def test_unflatten_matches_torch(device):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((2, 12, 3)).astype(np.float32)
    for sizes in [(3, 4), (2, -1, 3)]:
        compare_with_torch(nn.Unflatten(1, sizes), torch.nn.Unflatten(1, sizes), [x], device)
        assert repr(nn.Unflatten(1, sizes)) == repr(torch.nn.Unflatten(1, sizes))
    with pytest.raises(TypeError, match="unflattened_size must be tuple"):
        nn.Unflatten(1, 12)
