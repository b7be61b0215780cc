"""Comparisons and logic (minitorch/ops/compare.py): bool results, promotion, broadcasting."""

import numpy as np
import pytest
from hypothesis import given

import minitorch

from .helpers import broadcast_shapes, check_torch, op_settings, randn, seeds

COMPARISONS = {
    "eq": lambda lib, a, b: a == b,
    "ne": lambda lib, a, b: lib.ne(a, b),
    "lt": lambda lib, a, b: a < b,
    "le": lambda lib, a, b: a.le(b),
    "gt": lambda lib, a, b: lib.gt(a, b),
    "ge": lambda lib, a, b: a >= b,
    "scalar_right": lambda lib, a, b: a > 0.5,
    "scalar_left": lambda lib, a, b: 0 < a,
    "int_scalar": lambda lib, a, b: a.eq(1),
    "isclose": lambda lib, a, b: lib.isclose(a, b),
}
LOGIC = {
    "and": lambda lib, a, b: (a > 0) & (b > 0),
    "or": lambda lib, a, b: (a > 0) | (b > 0),
    "xor": lambda lib, a, b: (a > 0) ^ (b > 0),
    "invert": lambda lib, a, b: ~(a > 0),
    "logical_and": lambda lib, a, b: lib.logical_and(a, b),
    "logical_or": lambda lib, a, b: a.logical_or(b),
    "logical_xor": lambda lib, a, b: lib.logical_xor(a, b),
    "logical_not": lambda lib, a, b: lib.logical_not(a),
    "with_python_bool": lambda lib, a, b: (a > 0) & True,
}


@pytest.mark.parametrize("name", list(COMPARISONS) + list(LOGIC))
@op_settings
@given(shapes=broadcast_shapes(), seed=seeds)
def test_matches_torch(device, name, shapes, seed):
    a, b = randn(seed, *shapes)
    a, b = np.asarray(np.round(a)), np.asarray(np.round(b))  # ties happen
    fn = {**COMPARISONS, **LOGIC}[name]
    for dtype in (np.float32, np.int64):
        check_torch(fn, np.asarray(a, dtype), np.asarray(b, dtype), device=device, grad=False)
    if name != "isclose":  # isclose wants one dtype (tested below)
        check_torch(fn, a.astype(np.int32), b.astype(np.float32), device=device, grad=False)


@pytest.mark.parametrize("op", ["and", "or", "xor"])
def test_bitwise_on_integers(device, op):
    a, b = np.array([1, 2, 3, 12]), np.array([3, 3, 1, 10])
    fn = {
        "and": lambda lib, x, y: x & y,
        "or": lambda lib, x, y: x | y,
        "xor": lambda lib, x, y: x ^ y,
    }[op]
    check_torch(fn, a, b, device=device, grad=False)
    check_torch(lambda lib, x: ~x, a, device=device, grad=False)


def test_nan_and_inf_tests(device):
    a = np.array([1.0, float("nan"), float("inf"), -float("inf")])
    for fn in (
        lambda lib, x: x.isnan(),
        lambda lib, x: lib.isinf(x),
        lambda lib, x: x.isfinite(),
        lambda lib, x: x == x,
    ):
        check_torch(fn, a, device=device, grad=False)
    check_torch(lambda lib, x: x.isnan(), np.array([1, 2]), device=device, grad=False)


def test_equal_and_allclose(device):
    x = minitorch.tensor([1.0, 2.0], device=device)
    assert minitorch.equal(x, x.clone()) and x.equal(x * 1)
    assert not x.equal(minitorch.tensor([1.0, 2.0, 3.0], device=device))
    assert not minitorch.equal(x, x + 1)
    assert x.allclose(x + 1e-9) and not minitorch.allclose(x, x + 1e-3)
    nan = minitorch.tensor([float("nan")], device=device)
    assert not nan.allclose(nan) and nan.allclose(nan, equal_nan=True)


def test_comparisons_never_require_grad(device):
    x = minitorch.ones(3, device=device, requires_grad=True)
    assert not (x > 0).requires_grad and not minitorch.isclose(x, x).requires_grad


def test_comparison_with_other_objects(device):
    x = minitorch.ones(2, device=device)
    assert (x == None) is False  # noqa: E711
    assert (x == "a") is False
    assert x != "a"


def test_errors(device):
    x = minitorch.ones(2, 3, device=device)
    with pytest.raises(RuntimeError, match=r"tensor a \(3\) must match the size of tensor b \(4\)"):
        _ = x < minitorch.ones(2, 4, device=device)
    with pytest.raises(NotImplementedError, match="bitwise_and_cpu.*Float"):
        x & x
    with pytest.raises(NotImplementedError, match="bitwise_or_cpu.*Double"):
        x.double() | x
    with pytest.raises(RuntimeError, match="Long did not match Float"):
        minitorch.isclose(x.long(), x)
    with pytest.raises(TypeError, match="only implemented on integer and Boolean"):
        _ = ~x


def test_mixed_devices(sim_cuda):
    with pytest.raises(RuntimeError, match="same device"):
        _ = minitorch.ones(2) < minitorch.ones(2, device=sim_cuda)
