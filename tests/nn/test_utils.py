"""nn.utils (minitorch/nn/utils/): gradient clipping and parameter vectors, against PyTorch."""

import math

import numpy as np
import pytest

import minitorch
import minitorch.nn as nn
from minitorch.nn.utils import (
    clip_grad_norm_,
    clip_grad_value_,
    parameters_to_vector,
    vector_to_parameters,
)

from .helpers import assert_close, copy_weights, from_numpy, on


def _twins(device):
    torch = pytest.importorskip("torch")
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Linear(3, 2))
    ours = nn.Sequential(nn.Linear(4, 3), nn.Linear(3, 2)).to(device)
    copy_weights(theirs, ours, device)
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32) * 3
    (ours(from_numpy(x, device)) ** 2).sum().backward()
    (theirs(torch.tensor(x)) ** 2).sum().backward()
    return ours, theirs, torch


@pytest.mark.parametrize("max_norm, norm_type", [(1.0, 2.0), (0.5, 1), (2.0, math.inf), (1e6, 2)])
def test_clip_grad_norm_matches_torch(device, max_norm, norm_type):
    ours, theirs, torch = _twins(device)
    total = clip_grad_norm_(ours.parameters(), max_norm, norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs.parameters(), max_norm, norm_type)
    assert isinstance(total, minitorch.Tensor) and on(total, device)
    assert_close(total, expected, rtol=1e-5)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert p.grad.dtype == minitorch.float32
        assert_close(p.grad, q.grad, rtol=1e-5)


def test_clip_grad_norm_edge_cases():
    p = nn.Parameter(minitorch.ones(2))
    assert clip_grad_norm_([p], 1.0).item() == 0.0  # no gradients
    p.grad = minitorch.tensor([float("nan"), 1.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_(p, 1.0, error_if_nonfinite=True)


def test_clip_grad_value_matches_torch(device):
    ours, theirs, torch = _twins(device)
    clip_grad_value_(ours.parameters(), 0.5)
    torch.nn.utils.clip_grad_value_(theirs.parameters(), 0.5)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert_close(p.grad, q.grad)


def test_parameters_to_vector_and_back(device):
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1)).to(device)
    vec = parameters_to_vector(model.parameters())
    assert vec.shape == (11,) and on(vec, device) and vec.requires_grad
    vec.sum().backward()  # differentiable, like PyTorch's
    assert all(p.grad is not None for p in model.parameters())
    new = minitorch.arange(11.0, device=device)
    vector_to_parameters(new, model.parameters())
    assert model[0].weight.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert model[1].bias.tolist() == [10.0]
    assert isinstance(model[0].weight, nn.Parameter)
    with pytest.raises(TypeError, match="expected minitorch.Tensor"):
        vector_to_parameters([1.0], model.parameters())
