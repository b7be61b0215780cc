"""Linear and Identity (minitorch/nn/linear.py) and the fused op (minitorch/ops/linear.py)."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minitorch
import minitorch.nn as nn
import minitorch.nn.functional as F
from minitorch.autograd import gradcheck, gradgradcheck

from .helpers import compare_with_torch, copy_weights


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4), (4,)])
def test_linear_matches_torch(device, bias, shape):
    torch = pytest.importorskip("torch")
    theirs = torch.nn.Linear(4, 3, bias=bias)
    ours = nn.Linear(4, 3, bias=bias).to(device)
    copy_weights(theirs, ours, device)
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    compare_with_torch(ours, theirs, [x], device)


@given(
    batch=st.lists(st.integers(0, 3), min_size=0, max_size=2),
    n_in=st.integers(1, 5),
    n_out=st.integers(1, 5),
)
def test_linear_shapes_and_frozen_weights(batch, n_in, n_out):
    torch = pytest.importorskip("torch")
    theirs = torch.nn.Linear(n_in, n_out)
    ours = nn.Linear(n_in, n_out)
    copy_weights(theirs, ours)
    ours.weight.requires_grad_(False)
    theirs.weight.requires_grad_(False)
    x = np.random.default_rng(0).standard_normal(tuple(batch) + (n_in,)).astype(np.float32)
    compare_with_torch(ours, theirs, [x], "cpu")


def test_linear_gradcheck_and_double_backward():
    rng = np.random.default_rng(2)
    x = minitorch.tensor(rng.standard_normal((3, 2, 4)), requires_grad=True)
    w = minitorch.tensor(rng.standard_normal((5, 4)), requires_grad=True)
    b = minitorch.tensor(rng.standard_normal(5), requires_grad=True)
    assert gradcheck(F.linear, (x, w, b))
    assert gradgradcheck(F.linear, (x, w, b))
    assert gradcheck(lambda x, w: F.linear(x, w), (x, w))


def test_linear_errors():
    lin = nn.Linear(4, 3)
    with pytest.raises(
        RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x5 and 4x3\)"
    ):
        lin(minitorch.randn(2, 5))
    with pytest.raises(RuntimeError, match="must have the same dtype"):
        lin(minitorch.randn(2, 4, dtype=minitorch.float64))


def test_linear_device_mismatch(sim_cuda):
    lin = nn.Linear(4, 3)
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        lin(minitorch.randn(2, 4, device="cuda"))


def test_linear_default_init_statistics():
    """PyTorch's init: weight and bias uniform in +-1/sqrt(fan_in)."""
    minitorch.manual_seed(0)
    lin = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    w, b = lin.weight.numpy(force=True), lin.bias.numpy(force=True)
    assert w.dtype == np.float32 and abs(w).max() <= bound and abs(b).max() <= bound
    assert abs(w.mean()) < 0.01 * bound
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.01)  # std of U(-a, a)
    assert abs(w).max() > 0.99 * bound
    minitorch.manual_seed(0)
    assert (nn.Linear(400, 300).weight.numpy(force=True) == w).all()


def test_linear_factory_kwargs(device):
    lin = nn.Linear(3, 2, device=device, dtype=minitorch.float64)
    assert lin.weight.dtype == minitorch.float64 and lin.bias.device.type == device.type
    out = lin(minitorch.randn(4, 3, dtype=minitorch.float64, device=device))
    assert out.dtype == minitorch.float64


def test_linear_stays_float32():
    lin = nn.Linear(3, 2)
    x = minitorch.randn(4, 3, requires_grad=True)
    out = lin(x)
    out.sum().backward()
    assert out.dtype == x.grad.dtype == lin.weight.grad.dtype == minitorch.float32


def test_identity_passes_input_through():
    x = minitorch.randn(2, 2)
    assert nn.Identity(54, unused="arg")(x) is x
