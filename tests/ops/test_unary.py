"""Elementwise ops on one tensor (minitorch/ops/unary.py) and clamp."""

import numpy as np
import pytest
from hypothesis import given

import minitorch

from .helpers import (
    assert_on,
    broadcast_shapes,
    check_grad,
    check_op,
    check_torch,
    float_dtypes,
    on,
    op_settings,
    randn,
    seeds,
    shapes,
)

# name -> (fn, low, high): inputs drawn uniformly from [low, high), or normal when None
SMOOTH = {
    "exp": (lambda lib, a: a.exp(), None, None),
    "log": (lambda lib, a: lib.log(a), 0.2, 3.0),
    "log2": (lambda lib, a: a.log2(), 0.2, 3.0),
    "log10": (lambda lib, a: a.log10(), 0.2, 3.0),
    "log1p": (lambda lib, a: a.log1p(), -0.7, 3.0),
    "expm1": (lambda lib, a: lib.expm1(a), None, None),
    "sqrt": (lambda lib, a: a.sqrt(), 0.2, 3.0),
    "rsqrt": (lambda lib, a: a.rsqrt(), 0.2, 3.0),
    "sin": (lambda lib, a: lib.sin(a), None, None),
    "cos": (lambda lib, a: a.cos(), None, None),
    "tanh": (lambda lib, a: lib.tanh(a), None, None),
    "sigmoid": (lambda lib, a: a.sigmoid(), None, None),
}
# Kinked at 0 (and the clamp bounds): inputs are kept off the kinks.
KINKED = {
    "relu": lambda lib, a: lib.relu(a),
    "abs": lambda lib, a: a.abs(),
    "clamp": lambda lib, a: a.clamp(-0.5, 0.5),
    "clamp_min": lambda lib, a: lib.clamp(a, min=-0.5),
    "clamp_max": lambda lib, a: a.clamp(max=0.5),
    "clamp_min_gt_max": lambda lib, a: a.clamp(0.5, -0.5),
    "clip": lambda lib, a: a.clip(-0.5, 0.5),
}
STEPS = {
    "floor": lambda lib, a: a.floor(),
    "ceil": lambda lib, a: lib.ceil(a),
    "trunc": lambda lib, a: a.trunc(),
    "round": lambda lib, a: a.round(),
    "round_decimals": lambda lib, a: lib.round(a, decimals=1),
    "sign": lambda lib, a: a.sign(),
}


def _off_kinks(a):
    """Values at least 0.05 away from 0 and +-0.5 (the kinks of relu, abs and the clamps)."""
    for kink in (0.0, 0.5, -0.5):
        a = np.where(np.abs(a - kink) < 0.05, kink + 0.1, a)
    return a


@pytest.mark.parametrize("name", SMOOTH)
@op_settings
@given(shape=shapes, seed=seeds, dtype=float_dtypes)
def test_smooth(device, name, shape, seed, dtype):
    fn, low, high = SMOOTH[name]
    (a,) = randn(seed, shape, low=low, high=high)
    check_op(fn, a, device=device, dtype=dtype)


@pytest.mark.parametrize("name", KINKED)
@op_settings
@given(shape=shapes, seed=seeds, dtype=float_dtypes)
def test_kinked(device, name, shape, seed, dtype):
    (a,) = randn(seed, shape)
    check_op(KINKED[name], _off_kinks(a), device=device, dtype=dtype)


@pytest.mark.parametrize("name", STEPS)
@given(shape=shapes, seed=seeds)
def test_step_functions_have_zero_gradient(device, name, shape, seed):
    (a,) = randn(seed, shape, dtype=np.float32)
    a = np.asarray(np.round(a * 4) / 4 + 0.01, dtype=np.float32)  # no round-half ties
    check_torch(STEPS[name], a, device=device)


@pytest.mark.parametrize("name", list(SMOOTH) + list(KINKED) + list(STEPS))
def test_integer_and_bool_inputs_match_torch(device, name):
    fn = {**{k: v[0] for k, v in SMOOTH.items()}, **KINKED, **STEPS}[name]
    # PyTorch refuses some of these (minitorch computes them): round(decimals) of integers,
    # steps, abs, relu and clamp of bools.
    if name != "round_decimals":
        check_torch(fn, np.array([1, 2, 3]), device=device, grad=False)
    if name in SMOOTH:
        check_torch(fn, np.array([True, False]), device=device, grad=False)


def test_kinks_get_pytorch_subgradients(device):
    a = np.array([-0.5, 0.0, 0.5, 1.0, -1.0])
    for fn in KINKED.values():
        check_torch(fn, a, device=device)


@op_settings
@given(shapes=broadcast_shapes(3), seed=seeds, dtype=float_dtypes)
def test_clamp_with_tensor_bounds(device, shapes, seed, dtype):
    a, lo, hi = randn(seed, *shapes)
    both = lambda lib, x, l, h: x.clamp(l, h)  # noqa: E731
    check_grad(both, a, lo, hi, device=device)
    # PyTorch's backward fails when the bounds broadcast the output beyond the input's shape,
    # so the comparison uses an input of the full shape.
    a = np.broadcast_to(a, np.broadcast_shapes(*shapes)).copy()
    check_op(both, a, lo, hi, device=device, dtype=dtype)
    check_op(lambda lib, x, l: lib.clamp(x, min=l), a, lo, device=device, dtype=dtype)
    check_op(lambda lib, x, h: lib.clamp(x, max=h), a, hi, device=device, dtype=dtype)


def test_clamp_tensor_bounds_ties_and_crossed_bounds(device):
    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 2.5, 1.5, 0.0, 2.0])
    lo = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 3.0, 1.5, 1.0, 3.0])
    hi = np.array([3.0, 3.0, 3.0, 3.0, 3.0, 2.0, 1.5, 1.0, 2.0])
    check_torch(lambda lib, a, l, h: lib.clamp(a, l, h), x, lo, hi, device=device)


def test_clamp_promotes_like_torch(device):
    check_torch(lambda lib, a: a.clamp(min=1.5), np.array([1, 2, 3]), device=device, grad=False)
    check_torch(
        lambda lib, a, l: a.clamp(min=l),
        np.array([1.0, 2.0], dtype=np.float32),
        np.array([1.5]),
        device=device,
    )


def test_clamp_needs_a_bound(device):
    x = minitorch.ones(2, device=device)
    with pytest.raises(RuntimeError, match="At least one of 'min' or 'max'"):
        x.clamp()


def test_clamp_bounds_that_do_not_broadcast(device):
    x, lo = minitorch.ones(2, 3, device=device), minitorch.zeros(4, device=device)
    with pytest.raises(RuntimeError, match=r"tensor a \(3\) .* tensor b \(4\)"):
        x.clamp(min=lo)


def test_large_inputs_are_stable(device):
    big = np.array([-1000.0, -100.0, 0.0, 100.0, 1000.0], dtype=np.float32)
    for name in ("sigmoid", "tanh"):
        out = check_torch(SMOOTH[name][0], big, device=device)
        assert np.isfinite(out[0].cpu().detach().numpy()).all()


def test_float32_stays_float32(device):
    (x,) = on(device, np.linspace(0.1, 2, 5, dtype=np.float32))
    fns = [v[0] for v in SMOOTH.values()] + list(KINKED.values()) + list(STEPS.values())
    total = sum(fn(minitorch, x).sum() for fn in fns)
    assert total.dtype == minitorch.float32
    total.backward()
    assert x.grad.dtype == minitorch.float32
    assert_on(device, x.grad)


def test_top_level_aliases(device):
    a = np.array([0.5, 1.5, 3.0])
    for fn in (
        lambda lib, x: lib.log2(x) + lib.log10(x),
        lambda lib, x: lib.clamp_min(x, 1.0) + lib.clamp_max(x, 1.0),
    ):
        check_op(fn, a, device=device, dtype=np.float32)
