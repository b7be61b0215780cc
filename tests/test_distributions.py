"""minitorch.distributions against torch.distributions: values, gradients, shapes, samples and
error messages."""

import math
import re

import numpy as np
import pytest

import minitorch
from minitorch import backend
from minitorch.distributions import (
    Bernoulli,
    Categorical,
    Distribution,
    Independent,
    Normal,
    Uniform,
    kl_divergence,
    register_kl,
)

torch = pytest.importorskip("torch")

rng = np.random.default_rng(0)


def _params(name):
    """float64 parameters (batch shape (2, 3)) and valid values for each distribution."""
    loc, scale = rng.standard_normal((2, 3)), rng.uniform(0.5, 2.0, (2, 3))
    probs = rng.uniform(0.05, 0.95, (2, 3))
    logits = rng.standard_normal((2, 3, 4))
    value = rng.standard_normal((2, 3))
    table = {
        "Normal": ({"loc": loc, "scale": scale}, value),
        "Laplace": ({"loc": loc, "scale": scale}, value),
        "Exponential": ({"rate": scale}, np.abs(value)),
        "Uniform": ({"low": loc - scale, "high": loc + scale}, loc + 0.5 * scale),
        "Bernoulli": ({"probs": probs}, (value > 0).astype(np.float64)),
        "Bernoulli-logits": ({"logits": loc}, (value > 0).astype(np.float64)),
        "Categorical": ({"logits": logits}, rng.integers(0, 4, (2, 3))),
        "Categorical-probs": ({"probs": np.exp(logits)}, rng.integers(0, 4, (5, 2, 3))),
        "OneHotCategorical": ({"probs": np.exp(logits)}, np.eye(4)[rng.integers(0, 4, (2, 3))]),
    }
    return table[name]


NAMES = [
    "Normal",
    "Laplace",
    "Exponential",
    "Uniform",
    "Bernoulli",
    "Bernoulli-logits",
    "Categorical",
    "Categorical-probs",
    "OneHotCategorical",
]
METHODS = {"Exponential": ("cdf", "icdf"), "Laplace": ("cdf", "icdf"), "Uniform": ("cdf", "icdf")}


def build(lib, name, params):
    """The distribution in ``lib`` with leaf parameters that require grad."""
    leaves = {k: lib.tensor(v, requires_grad=True) for k, v in params.items()}
    cls = getattr(lib.distributions, name.split("-")[0])
    return cls(**leaves), leaves


def host(t):
    return backend.to_host(t.detach().array) if isinstance(t, minitorch.Tensor) else t


def grad_of(leaf):
    """A leaf's gradient as an array (zeros when the output did not depend on it)."""
    if leaf.grad is None:
        return np.zeros(tuple(leaf.shape))
    return host(leaf.grad) if isinstance(leaf, minitorch.Tensor) else leaf.grad.numpy()


@pytest.mark.parametrize("name", NAMES)
def test_values_and_gradients_match_torch(name):
    params, value = _params(name)
    ours, our_leaves = build(minitorch, name, params)
    theirs, their_leaves = build(torch, name, params)
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape)
    assert tuple(ours.event_shape) == tuple(theirs.event_shape)
    assert repr(ours).replace("minitorch.", "torch.") == repr(theirs)
    for attr in ("mean", "variance", "stddev", "mode"):
        np.testing.assert_allclose(
            host(getattr(ours, attr)), getattr(theirs, attr).detach().numpy(), err_msg=attr
        )
    int_value = name.startswith("Categorical")
    v_ours = minitorch.tensor(value) if not int_value else minitorch.tensor(value).long()
    v_theirs = torch.tensor(value) if not int_value else torch.tensor(value).long()
    outputs = [("log_prob", (v_ours,), (v_theirs,)), ("entropy", (), ())]
    if name in METHODS:
        u = rng.uniform(0.05, 0.95, (2, 3))
        outputs += [("cdf", (v_ours,), (v_theirs,))]
        outputs += [("icdf", (minitorch.tensor(u),), (torch.tensor(u),))]
    for method, args_ours, args_theirs in outputs:
        # fresh distributions: a backward frees the graph of their derived parameters
        ours, our_leaves = build(minitorch, name, params)
        theirs, their_leaves = build(torch, name, params)
        out, ref = getattr(ours, method)(*args_ours), getattr(theirs, method)(*args_theirs)
        assert tuple(out.shape) == tuple(ref.shape), method
        np.testing.assert_allclose(host(out), ref.detach().numpy(), rtol=1e-10, err_msg=method)
        weights = rng.standard_normal(tuple(ref.shape))
        (out * minitorch.tensor(weights)).sum().backward()
        (ref * torch.tensor(weights)).sum().backward()
        for key in params:
            np.testing.assert_allclose(
                grad_of(our_leaves[key]),
                grad_of(their_leaves[key]),
                rtol=1e-8,
                atol=1e-12,
                err_msg=f"{method} d/d{key}",
            )


@pytest.mark.parametrize("name", NAMES)
def test_sample_shapes_and_moments(name, device):
    params, _ = _params(name)
    dist = getattr(minitorch.distributions, name.split("-")[0])(
        **{k: minitorch.tensor(v, device=device) for k, v in params.items()}
    )
    minitorch.manual_seed(0)
    samples = dist.sample((20000,))
    assert tuple(samples.shape) == (20000, *dist.batch_shape, *dist.event_shape)
    assert samples.device.type == device.type
    assert not samples.requires_grad
    if name.startswith("Categorical"):
        freq = np.stack([(host(samples) == k).mean(0) for k in range(4)], -1)
        np.testing.assert_allclose(freq, host(dist.probs), atol=0.02)
        return
    np.testing.assert_allclose(host(samples).mean(0), host(dist.mean), atol=0.06, rtol=0.05)
    np.testing.assert_allclose(host(samples).var(0), host(dist.variance), atol=0.03, rtol=0.1)


@pytest.mark.parametrize("name", ["Normal", "Laplace", "Exponential", "Uniform"])
def test_rsample_carries_gradients_to_the_parameters(name):
    params, _ = _params(name)
    dist, leaves = build(minitorch, name, params)
    assert dist.has_rsample
    minitorch.manual_seed(1)
    draws = dist.rsample((4000,))
    assert draws.requires_grad
    draws.mean().backward()
    # d mean(draws) / d params, against the analytic derivative of the distribution's mean
    dist_ref, leaves_ref = build(torch, name, params)
    dist_ref.mean.mean().backward()
    for key in params:
        np.testing.assert_allclose(
            grad_of(leaves[key]), grad_of(leaves_ref[key]), atol=0.02, err_msg=key
        )


KL_PAIRS = [
    ("Normal", "Normal"),
    ("Laplace", "Laplace"),
    ("Exponential", "Exponential"),
    ("Bernoulli", "Bernoulli"),
    ("Bernoulli-logits", "Bernoulli"),
    ("Categorical", "Categorical-probs"),
    ("OneHotCategorical", "OneHotCategorical"),
]


@pytest.mark.parametrize("p_name, q_name", KL_PAIRS)
def test_kl_divergence_matches_torch(p_name, q_name):
    p_params, _ = _params(p_name)
    q_params, _ = _params(q_name)
    p, p_leaves = build(minitorch, p_name, p_params)
    q, q_leaves = build(minitorch, q_name, q_params)
    p_ref, p_leaves_ref = build(torch, p_name, p_params)
    q_ref, q_leaves_ref = build(torch, q_name, q_params)
    out = kl_divergence(p, q)
    ref = torch.distributions.kl_divergence(p_ref, q_ref)
    np.testing.assert_allclose(host(out), ref.detach().numpy(), rtol=1e-10)
    out.sum().backward()
    ref.sum().backward()
    for ours, theirs in ((p_leaves, p_leaves_ref), (q_leaves, q_leaves_ref)):
        for key in ours:
            np.testing.assert_allclose(grad_of(ours[key]), grad_of(theirs[key]), rtol=1e-8)


def test_kl_edge_values_match_torch():
    def cases(lib):
        t = lib.tensor
        return [
            (lib.distributions.Uniform(t([0.0, 0.0]), t([1.0, 1.0])),
             lib.distributions.Uniform(t([-1.0, 0.5]), t([2.0, 2.0]))),
            (lib.distributions.Bernoulli(t([0.0, 1.0, 0.5])),
             lib.distributions.Bernoulli(t([0.0, 0.5, 1.0]))),
            (lib.distributions.Categorical(t([[0.0, 1.0], [0.5, 0.5]])),
             lib.distributions.Categorical(t([[0.5, 0.5], [1.0, 0.0]]))),
            (lib.distributions.Independent(lib.distributions.Normal(t([[0.0, 1.0]]), 1.0), 1),
             lib.distributions.Independent(lib.distributions.Normal(t([[1.0, 1.0]]), 2.0), 1)),
        ]  # fmt: skip

    for (p, q), (p_ref, q_ref) in zip(cases(minitorch), cases(torch)):
        ref = torch.distributions.kl_divergence(p_ref, q_ref).numpy()
        np.testing.assert_allclose(host(kl_divergence(p, q)), ref, rtol=1e-6)


def test_kl_dispatch_and_registration():
    with pytest.raises(NotImplementedError, match="No KL"):
        kl_divergence(Normal(0.0, 1.0), Bernoulli(0.3))

    class Wide(Normal):
        pass

    assert float(kl_divergence(Wide(0.0, 1.0), Normal(0.0, 1.0))) == 0.0  # inherits Normal's

    @register_kl(Wide, Normal)
    def _kl_wide(p, q):
        return p.loc * 0 + 7

    assert float(kl_divergence(Wide(0.0, 1.0), Normal(0.0, 1.0))) == 7
    with pytest.raises(TypeError, match="Distribution subclass"):
        register_kl(int, Normal)


ERRORS = [
    lambda d, t: d.Normal(t([0.0, 1.0]), t([1.0, -1.0])),
    lambda d, t: d.Bernoulli(probs=t([0.3, 0.5])).log_prob(t([0.5, 1.0])),
    lambda d, t: d.Bernoulli(probs=t([0.3, 0.5])).log_prob(t([[0.0, 1.0, 1.0]])),
    lambda d, t: d.Bernoulli(probs=0.3, logits=0.2),
    lambda d, t: d.Categorical(probs=t(0.3)),
    lambda d, t: d.Categorical(probs=t([0.2, 0.8])).log_prob(t(2)),
    lambda d, t: d.Uniform(1.0, 0.0),
    lambda d, t: d.Uniform(0.0, 1.0).log_prob(t(2.0)),
    lambda d, t: d.Normal(0.0, 1.0).log_prob(1.0),
    lambda d, t: d.Exponential(t([1.0, 0.0])),
    lambda d, t: d.Independent(d.Normal(t([0.0]), 1.0), 2),
]


@pytest.mark.parametrize("make", ERRORS)
def test_errors_match_torch(make):
    with pytest.raises(Exception) as ours:
        make(minitorch.distributions, minitorch.tensor)
    with pytest.raises(Exception) as theirs:
        make(torch.distributions, torch.tensor)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == re.sub(r"\btorch\.", "minitorch.", str(theirs.value))


def test_validation_can_be_turned_off():
    assert (
        float(Uniform(0.0, 1.0, validate_args=False).log_prob(minitorch.tensor(2.0))) == -math.inf
    )
    Distribution.set_default_validate_args(False)
    try:
        Normal(0.0, -1.0)
    finally:
        Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        Normal(0.0, -1.0)


def test_expand_enumerate_support_and_independent():
    d = Categorical(logits=minitorch.zeros(3))
    e = d.expand((2, 5))
    assert tuple(e.batch_shape) == (2, 5) and tuple(e.sample((4,)).shape) == (4, 2, 5)
    assert tuple(e.log_prob(minitorch.zeros(2, 5).long()).shape) == (2, 5)
    ref = torch.distributions.Categorical(logits=torch.zeros(2, 3)).enumerate_support()
    ours = Categorical(logits=minitorch.zeros(2, 3)).enumerate_support()
    np.testing.assert_array_equal(host(ours), ref.numpy())
    b = Bernoulli(minitorch.tensor([0.2, 0.7]))
    np.testing.assert_array_equal(
        host(b.enumerate_support()),
        torch.distributions.Bernoulli(torch.tensor([0.2, 0.7])).enumerate_support().numpy(),
    )
    normal = Normal(minitorch.zeros(4, 3), minitorch.ones(4, 3))
    diag = Independent(normal, 1)
    assert tuple(diag.batch_shape) == (4,) and tuple(diag.event_shape) == (3,)
    value = minitorch.randn(4, 3)
    np.testing.assert_allclose(host(diag.log_prob(value)), host(normal.log_prob(value).sum(-1)))
    assert tuple(diag.expand((2, 4)).sample().shape) == (2, 4, 3)
    assert repr(diag) == (
        "Independent(Normal(loc: minitorch.Size([4, 3]), scale: minitorch.Size([4, 3])), 1)"
    )


def test_float32_parameters_stay_float32_and_numbers_broadcast():
    d = Normal(minitorch.zeros(3), 2.0)
    assert d.scale.dtype is minitorch.float32 and tuple(d.scale.shape) == (3,)
    assert d.sample().dtype is minitorch.float32
    assert Normal(0, 1).mean.dtype is minitorch.float32
    assert Bernoulli(0.3).sample().dtype is minitorch.float32
    assert Categorical(logits=minitorch.zeros(3)).sample().dtype is minitorch.int64
