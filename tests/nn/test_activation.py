"""Activation layers (minitorch/nn/activation.py) and their ops (minitorch/ops/nnact.py)."""

import math

import numpy as np
import pytest

import minitorch
import minitorch.nn as nn
from minitorch.autograd import gradcheck, gradgradcheck
from minitorch.ops.nnact import normal_cdf

from .helpers import compare_with_torch, from_numpy, to_numpy

# name -> constructor arguments (the same for both libraries)
LAYERS = {
    "ReLU": (),
    "ReLU6": (),
    "Hardtanh": (-0.5, 0.7),
    "LeakyReLU": (0.2,),
    "GELU": (),
    "GELU_tanh": ("tanh",),
    "SiLU": (),
    "Mish": (),
    "ELU": (0.7,),
    "CELU": (1.3,),
    "SELU": (),
    "Softplus": (2.0, 3.0),
    "Tanh": (),
    "Sigmoid": (),
    "LogSigmoid": (),
    "Softsign": (),
    "Hardsigmoid": (),
    "Hardswish": (),
    "GLU": (1,),
    "Softmax": (1,),
    "Softmin": (0,),
    "LogSoftmax": (-1,),
}


def _build(lib, name):
    return getattr(lib.nn, name.split("_")[0])(*LAYERS[name])


def _input(dtype=np.float32, shape=(3, 4)):
    # spread values over the interesting ranges but keep them off the kinks at 0 and +-3
    x = np.random.default_rng(3).uniform(-5, 5, shape)
    x[np.abs(x) < 0.05] += 0.1
    x[np.abs(np.abs(x) - 3) < 0.05] += 0.1
    return x.astype(dtype)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_activation_matches_torch(device, name):
    torch = pytest.importorskip("torch")
    compare_with_torch(_build(minitorch, name), _build(torch, name), [_input()], device)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_activation_float64_gradcheck(name):
    layer = _build(minitorch, name)
    x = from_numpy(_input(np.float64, (2, 4)), requires_grad=True)
    assert gradcheck(layer, (x,))
    assert gradgradcheck(layer, (x,))


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_activation_repr_matches_torch(name):
    torch = pytest.importorskip("torch")
    assert repr(_build(minitorch, name)) == repr(_build(torch, name))


@pytest.mark.parametrize("name", ["ReLU", "LeakyReLU", "SiLU", "ELU", "Hardtanh", "SELU"])
def test_inplace_flag(name):
    torch = pytest.importorskip("torch")
    x = _input()
    ours = from_numpy(x)
    out = getattr(nn, name)(inplace=True)(ours)
    assert out is ours
    expected = getattr(torch.nn, name)()(torch.tensor(x))
    np.testing.assert_allclose(to_numpy(ours), expected.numpy(), rtol=1e-6)
    assert repr(getattr(nn, name)(inplace=True)) == repr(getattr(torch.nn, name)(inplace=True))


def test_activations_keep_float32():
    x = minitorch.randn(4, 4, requires_grad=True)
    for name in LAYERS:
        out = _build(minitorch, name)(x)
        assert out.dtype == minitorch.float32, name
        out.sum().backward()
        assert x.grad.dtype == minitorch.float32, name


def test_extreme_inputs_stay_finite():
    x = minitorch.tensor([-1000.0, -50.0, 0.0, 50.0, 1000.0], requires_grad=True)
    for layer in (nn.SiLU(), nn.Softplus(), nn.GELU(), nn.ELU(), nn.Mish(), nn.LogSigmoid()):
        out = layer(x)
        out.sum().backward()
        assert np.isfinite(to_numpy(out)).all() and np.isfinite(to_numpy(x.grad)).all()
        x.grad = None


def test_normal_cdf_precision():
    x = np.linspace(-30, 12, 4001)
    expected = np.array([0.5 * math.erfc(-v / math.sqrt(2)) for v in x])
    np.testing.assert_allclose(normal_cdf(x), expected, rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(normal_cdf(x.astype(np.float32)), expected, rtol=1e-4, atol=2e-7)


def test_gelu_rejects_unknown_approximation():
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh"):
        nn.GELU("fast")(minitorch.ones(1))


def test_softmax_without_dim_warns():
    with pytest.warns(UserWarning, match="Implicit dimension choice"):
        out = nn.Softmax()(minitorch.zeros(2, 4))
    np.testing.assert_allclose(to_numpy(out), 0.25)
