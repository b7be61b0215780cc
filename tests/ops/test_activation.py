"""Softmax and log-softmax (minitorch/ops/activation.py): values, gradients, stability."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minitorch

from .helpers import check_op, check_torch, float_dtypes, op_settings, randn, seeds, shapes

FNS = {
    "softmax": lambda dim: lambda lib, x: x.softmax(dim),
    "log_softmax": lambda dim: lambda lib, x: lib.log_softmax(x, dim=dim),
    "softmax_fn": lambda dim: lambda lib, x: lib.softmax(x, dim),
    "log_softmax_method": lambda dim: lambda lib, x: x.log_softmax(dim),
}


@pytest.mark.parametrize("name", FNS)
@op_settings
@given(shape=shapes, data=st.data(), seed=seeds, dtype=float_dtypes)
def test_softmax(device, name, shape, data, seed, dtype):
    n = max(len(shape), 1)
    dim = data.draw(st.integers(-n, n - 1))
    (a,) = randn(seed, shape)
    check_op(FNS[name](dim), a, device=device, dtype=dtype)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_inputs_are_stable(device, name, dtype):
    a = np.array([[1000.0, 0.0, -1000.0], [1e4, 1e4, 1e4], [-1e4, -1e4 + 1, -1e4 + 2]], dtype=dtype)
    out = check_torch(FNS[name](1), a, device=device)
    assert np.isfinite(out[0].detach().cpu().numpy()).all()


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_minus_infinity(device, name):
    inf = float("inf")
    check_torch(FNS[name](0), np.array([-inf, 0.0, 1.0]), device=device)
    check_torch(FNS[name](1), np.array([[-inf, -inf], [0.0, -inf]]), device=device, grad=False)


def test_dtype_argument(device):
    a = np.array([1.0, 2.0], dtype=np.float32)
    check_torch(lambda lib, x: lib.softmax(x, 0, dtype=lib.float64), a, device=device)
    check_torch(lambda lib, x: lib.log_softmax(x, 0, dtype=lib.float64), a, device=device)


def test_empty_input(device):
    check_torch(FNS["softmax"](0), np.zeros((0, 3)), device=device)
    check_torch(FNS["log_softmax"](1), np.zeros((0, 3)), device=device)


def test_errors(device):
    x = minitorch.ones(2, device=device)
    with pytest.raises(IndexError, match="Dimension out of range"):
        x.softmax(1)
    with pytest.raises(NotImplementedError, match="Long"):
        minitorch.tensor([1, 2], device=device).softmax(0)
    with pytest.raises(TypeError, match="dim"):
        minitorch.softmax(x)
