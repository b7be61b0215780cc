"""nn.init (minitorch/nn/init.py): gains, fans, and the statistics of each initialiser."""

import math

import numpy as np
import pytest

import minitorch
import minitorch.nn as nn
from minitorch.nn import init

from .helpers import on, to_numpy


def test_calculate_gain_matches_torch():
    torch = pytest.importorskip("torch")
    for name, param in [
        ("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
        ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", math.sqrt(5)), ("selu", None),
    ]:  # fmt: skip
        assert init.calculate_gain(name, param) == pytest.approx(
            torch.nn.init.calculate_gain(name, param)
        )
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("swish")


def test_fans_match_torch():
    torch = pytest.importorskip("torch")
    for shape in [(3, 5), (8, 4, 3, 3), (2, 6, 5)]:
        ours = init._calculate_fan_in_and_fan_out(minitorch.empty(*shape))
        assert ours == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(minitorch.empty(3))


SHAPE = (256, 128, 3)  # fan_in 384, fan_out 768


@pytest.mark.parametrize(
    "fn, kwargs, kind, expected_std",
    [
        (init.uniform_, {"a": -2.0, "b": 2.0}, "uniform", 2 / math.sqrt(3)),
        (init.normal_, {"mean": 0.0, "std": 0.3}, "normal", 0.3),
        (init.xavier_uniform_, {"gain": 2.0}, "uniform", 2 * math.sqrt(2 / (384 + 768))),
        (init.xavier_normal_, {}, "normal", math.sqrt(2 / (384 + 768))),
        (init.kaiming_uniform_, {"nonlinearity": "relu"}, "uniform", math.sqrt(2 / 384)),
        (init.kaiming_uniform_, {"a": math.sqrt(5)}, "uniform", 1 / math.sqrt(3 * 384)),
        (init.kaiming_normal_, {"mode": "fan_out", "nonlinearity": "relu"}, "normal",
         math.sqrt(2 / 768)),
        (init.trunc_normal_, {"std": 0.02, "a": -0.04, "b": 0.04}, "trunc", 0.02 * 0.8796),
    ],
)  # fmt: skip
def test_initialiser_statistics(device, fn, kwargs, kind, expected_std):
    torch = pytest.importorskip("torch")
    t = minitorch.empty(*SHAPE, device=device)
    assert fn(t, **kwargs) is t
    values = to_numpy(t)
    assert on(t, device) and values.dtype == np.float32
    assert values.std() == pytest.approx(expected_std, rel=0.02)
    reference = getattr(torch.nn.init, fn.__name__)(torch.empty(*SHAPE), **kwargs).numpy()
    assert values.std() == pytest.approx(reference.std(), rel=0.03)
    if kind == "uniform":
        assert abs(values).max() <= math.sqrt(3) * expected_std * (1 + 1e-6)
    if kind == "trunc":
        assert values.min() >= -0.04 and values.max() <= 0.04


def test_initialisers_follow_manual_seed_and_generator():
    a, b = minitorch.empty(10, 10), minitorch.empty(10, 10)
    minitorch.manual_seed(5)
    init.kaiming_uniform_(a)
    minitorch.manual_seed(5)
    init.kaiming_uniform_(b)
    assert a.equal(b)
    init.normal_(a, generator=minitorch.Generator().manual_seed(1))
    init.normal_(b, generator=minitorch.Generator().manual_seed(1))
    assert a.equal(b)


def test_constant_initialisers_and_parameters():
    p = nn.Parameter(minitorch.empty(3, 4))
    init.constant_(p, 0.25)
    assert p.requires_grad and (to_numpy(p) == 0.25).all() and p.grad_fn is None
    assert (to_numpy(init.ones_(p)) == 1).all() and not to_numpy(init.zeros_(p)).any()
    np.testing.assert_array_equal(to_numpy(init.eye_(p)), np.eye(3, 4))


def test_orthogonal():
    w = init.orthogonal_(minitorch.empty(6, 4), gain=2.0)
    m = to_numpy(w)
    np.testing.assert_allclose(m.T @ m, 4 * np.eye(4), atol=1e-5)
    wide = to_numpy(init.orthogonal_(minitorch.empty(3, 2, 4)).reshape(3, 8))
    np.testing.assert_allclose(wide @ wide.T, np.eye(3), atol=1e-5)


def test_empty_tensor_warns():
    with pytest.warns(UserWarning, match="no-op"):
        init.kaiming_uniform_(minitorch.empty(0, 3))


def test_fresh_model_has_torch_parameter_statistics():
    torch = pytest.importorskip("torch")
    minitorch.manual_seed(0)
    torch.manual_seed(0)
    ours = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    theirs = torch.nn.Sequential(
        torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)
    )
    fan_in = {"0": 784, "2": 128}
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        a, b = to_numpy(p), q.detach().numpy()
        assert a.shape == b.shape and a.dtype == b.dtype, name
        bound = 1 / math.sqrt(fan_in[name[0]])  # U(-bound, bound) in both libraries
        assert abs(a).max() <= bound and abs(b).max() <= bound, name
        if a.size >= 10000:  # the sample std is then within 0.5% of the true one
            assert a.std() == pytest.approx(b.std(), rel=0.01), name
            assert a.std() == pytest.approx(bound / math.sqrt(3), rel=0.01), name
