"""Arithmetic ops (minitorch/ops/arith.py): broadcasting, promotion, gradients, errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minitorch

from .helpers import (
    assert_on,
    broadcast_shapes,
    check_op,
    check_torch,
    float_dtypes,
    on,
    op_settings,
    randn,
    seeds,
    shapes,
)

BINARY = {
    "add": lambda lib, a, b: a + b,
    "sub": lambda lib, a, b: a - b,
    "mul": lambda lib, a, b: a * b,
    "div": lambda lib, a, b: a / b,
    "pow": lambda lib, a, b: a.abs() ** b,
    "maximum": lambda lib, a, b: lib.maximum(a, b),
    "minimum": lambda lib, a, b: lib.minimum(a, b),
    "add_alpha": lambda lib, a, b: lib.add(a, b, alpha=2.5),
    "sub_alpha": lambda lib, a, b: a.sub(b, alpha=-0.5),
}
SCALAR = {
    "radd": lambda lib, a: 2.5 + a,
    "rsub": lambda lib, a: 2.5 - a,
    "rmul": lambda lib, a: 2 * a,
    "rdiv": lambda lib, a: 2.5 / a,
    "rpow": lambda lib, a: 1.7**a,
    "pow_scalar": lambda lib, a: a.abs() ** 2.5,
    "pow_int": lambda lib, a: a**3,
    "pow_zero": lambda lib, a: a**0,
    "pow_neg": lambda lib, a: a.abs() ** -1.5,
    "neg": lambda lib, a: -a,
    "square": lambda lib, a: a.square(),
    "reciprocal": lambda lib, a: a.reciprocal(),
    "maximum_scalar": lambda lib, a: lib.maximum(a, lib.tensor(0.3, dtype=a.dtype)),
}


def _away_from_zero(*arrays):
    """Denominators and bases kept away from 0 (and |x| away from its kink)."""
    return [np.where(np.abs(a) < 0.3, a + np.sign(a + 1e-9) * 0.5, a) for a in arrays]


@pytest.mark.parametrize("name", BINARY)
@op_settings
@given(shapes=broadcast_shapes(), seed=seeds, dtype=float_dtypes)
def test_binary(device, name, shapes, seed, dtype):
    a, b = _away_from_zero(*randn(seed, *shapes))
    check_op(BINARY[name], a, b, device=device, dtype=dtype)


@pytest.mark.parametrize("name", SCALAR)
@op_settings
@given(shape=shapes, seed=seeds, dtype=float_dtypes)
def test_with_scalar(device, name, shape, seed, dtype):
    (a,) = _away_from_zero(*randn(seed, shape))
    check_op(SCALAR[name], a, device=device, dtype=dtype)


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_ties_split_gradient(device, name):
    a = np.array([1.0, 2.0, 3.0])
    b = np.array([1.0, 5.0, 3.0])
    check_torch(BINARY[name], a, b, device=device)


def test_pow_zero_base_gradients(device):
    a = np.array([0.0, 0.0, 2.0])
    b = np.array([2.0, 0.0, 0.5])
    check_torch(lambda lib, x, y: x**y, a, b, device=device)


DTYPES = ["bool", "uint8", "int32", "int64", "float16", "float32", "float64"]
OPERATORS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "truediv": lambda a, b: a / b,
    "floordiv": lambda a, b: a // b,
    "mod": lambda a, b: a % b,
    "pow": lambda a, b: a**b,
    "maximum": lambda a, b: a.maximum(b) if hasattr(a, "maximum") else b.maximum(a),
}


def _make(lib, dtype_name, values, device=None):
    if dtype_name == "bool":
        values = [v > 1 for v in values]
    kw = {"device": device} if device is not None else {}
    return lib.tensor(values, dtype=getattr(lib, dtype_name), **kw)


def _permissive(op, a, b):
    """Cases where minitorch computes what PyTorch rejects or types differently (checking them
    would slow every op): subtraction involving bools, and bool ** bool (int8, not bool)."""
    kinds = [x[0] if isinstance(x, tuple) else type(x).__name__ for x in (a, b)]
    return (op == "sub" and "bool" in kinds) or (op == "pow" and kinds == ["bool", "bool"])


def _both(torch, device, fn, a, b):
    """fn on both libraries; returns (mine, theirs) or the exception each raised."""
    results = []
    for lib, dev in ((minitorch, device), (torch, None)):
        x = _make(lib, *a, dev) if isinstance(a, tuple) else a
        y = _make(lib, *b, dev) if isinstance(b, tuple) else b
        try:
            results.append(fn(x, y))
        except Exception as e:  # noqa: BLE001 - the exception type is what is compared
            results.append(e)
    return results


def _assert_same_result(op, a, b, mine, theirs):
    if _permissive(op, a, b):
        return
    if isinstance(theirs, Exception):
        assert isinstance(mine, type(theirs)), (op, a, b, mine, theirs)
        return
    assert not isinstance(mine, Exception), (op, a, b, mine)
    assert mine.dtype.name == str(theirs.dtype).removeprefix("torch."), (op, a, b)
    np.testing.assert_allclose(
        mine.cpu().numpy().astype(float), theirs.numpy().astype(float), rtol=1e-3
    )


@pytest.mark.parametrize("op", OPERATORS)
def test_tensor_promotion_matches_torch(device, op):
    torch = pytest.importorskip("torch")
    for da in DTYPES:
        for db in DTYPES:
            a, b = (da, [1, 2, 3]), (db, [2, 2, 1])
            mine, theirs = _both(torch, device, OPERATORS[op], a, b)
            _assert_same_result(op, a, b, mine, theirs)
            if not isinstance(mine, Exception):
                assert_on(device, mine)


@pytest.mark.parametrize("op", [op for op in OPERATORS if op != "maximum"])
def test_scalar_promotion_matches_torch(device, op):
    torch = pytest.importorskip("torch")
    for da in DTYPES:
        for scalar in (True, 2, 2.5):
            for a, b in (((da, [1, 2, 3]), scalar), (scalar, (da, [1, 2, 3]))):
                mine, theirs = _both(torch, device, OPERATORS[op], a, b)
                _assert_same_result(op, a, b, mine, theirs)


def test_zero_dim_tensor_promotes_like_a_scalar(device):
    torch = pytest.importorskip("torch")
    for da, db in [("float32", "float64"), ("int32", "int64"), ("uint8", "int64")]:
        mine, theirs = _both(torch, device, lambda x, y: x + y[0], (da, [1, 2]), (db, [[3]]))
        assert mine.dtype.name == str(theirs.dtype).removeprefix("torch.")


@pytest.mark.parametrize("mode", [None, "floor", "trunc"])
@pytest.mark.parametrize("dtype", ["int64", "float32", "float64"])
def test_div_rounding_modes(device, mode, dtype):
    torch = pytest.importorskip("torch")
    a, b = [7, -7, 5, -5], [2, 2, -3, -3]
    for lib, dev in ((minitorch, device), (torch, None)):
        kw = {"device": dev} if dev is not None else {}
        x = lib.tensor(a, dtype=getattr(lib, dtype), **kw)
        y = lib.tensor(b, dtype=getattr(lib, dtype), **kw)
        out = x.div(y, rounding_mode=mode)
        if lib is minitorch:
            mine = out
        else:
            theirs = out
    assert mine.dtype.name == str(theirs.dtype).removeprefix("torch.")
    assert_on(device, mine)
    np.testing.assert_allclose(mine.cpu().numpy(), theirs.numpy(), rtol=1e-6)


def test_div_bad_rounding_mode(device):
    x = minitorch.ones(2, device=device)
    with pytest.raises(ValueError, match="rounding_mode"):
        x.div(x, rounding_mode="round")


def test_remainder_and_floor_divide_have_python_signs(device):
    x = minitorch.tensor([5.0, -5.0, 5.0, -5.0], device=device)
    y = minitorch.tensor([3.0, 3.0, -3.0, -3.0], device=device)
    assert (x % y).tolist() == [2.0, 1.0, -1.0, -2.0]
    assert (x // y).tolist() == [1.0, -2.0, -2.0, 1.0]
    assert minitorch.remainder(x, 3).tolist() == [2.0, 1.0, 2.0, 1.0]


def test_float32_stays_float32_with_numpy_scalars(device):
    x = minitorch.ones(3, device=device, requires_grad=True)
    y = x * np.float64(2.0) + np.float32(1.0) - np.sqrt(2.0) / np.int64(3)
    assert y.dtype == minitorch.float32
    y.sum().backward()
    assert x.grad.dtype == minitorch.float32


def test_integer_to_negative_power_raises(device):
    x = minitorch.tensor([1, 2], device=device)
    with pytest.raises(RuntimeError, match="negative integer powers"):
        x ** minitorch.tensor([-1, 1], device=device)


def test_bool_pow_is_not_implemented_as_in_torch(device):
    x = minitorch.tensor([True, False], device=device)
    for call in (lambda: x**x, lambda: True**x, lambda: minitorch.tensor(True) ** x):
        with pytest.raises(NotImplementedError, match="\"pow\" not implemented for 'Bool'"):
            call()
    for exponent, expected in ((True, [True, False]), (False, [True, True])):
        y = x**exponent
        assert y.dtype == minitorch.bool and y.tolist() == expected


@pytest.mark.parametrize("op", ["add", "sub", "mul", "truediv", "pow", "maximum"])
def test_broadcast_mismatch_names_both_sizes(device, op):
    a, b = minitorch.ones(2, 3, device=device), minitorch.ones(2, 4, device=device)
    with pytest.raises(RuntimeError) as info:
        OPERATORS[op](a, b)
    assert str(info.value) == (
        "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"
    )


@pytest.mark.parametrize(
    "sa, sb, message",
    [
        ((5, 1, 3), (2, 3, 3), r"tensor a \(5\) .* tensor b \(2\) .* dimension 0$"),
        ((3,), (4, 2), r"tensor a \(3\) .* tensor b \(2\) .* dimension 1$"),
    ],
)
def test_broadcast_mismatch_counts_dims_of_the_result(device, sa, sb, message):
    a, b = minitorch.ones(*sa, device=device), minitorch.ones(*sb, device=device)
    with pytest.raises(RuntimeError, match=message):
        a * b


def test_zero_dim_cpu_tensor_meets_cuda_tensor(sim_cuda):
    x = minitorch.ones(2, device=sim_cuda)
    y = x * minitorch.tensor(3.0) + minitorch.tensor(1.0)
    assert_on(sim_cuda, y)
    assert y.tolist() == [4.0, 4.0]


def test_mixed_devices_raise(sim_cuda):
    a, b = minitorch.ones(2), minitorch.ones(2, device=sim_cuda)
    with pytest.raises(RuntimeError, match="same device.*cpu.*cuda|same device.*cuda.*cpu"):
        a + b
    with pytest.raises(RuntimeError, match="same device"):
        b * a


def test_non_number_operand_raises_type_error(device):
    x = minitorch.ones(2, device=device)
    with pytest.raises(TypeError):
        x + "a"
    with pytest.raises(TypeError):
        x * [1, 2]


@given(seed=seeds, shapes=broadcast_shapes())
def test_gradients_reduce_to_operand_shape_and_device(device, seed, shapes):
    a, b = on(device, *randn(seed, *shapes, dtype=np.float32))
    (a * b + a / (b.abs() + 1)).sum().backward()
    assert a.grad.shape == a.shape and b.grad.shape == b.shape
    assert a.grad.dtype == b.grad.dtype == minitorch.float32
    assert_on(device, a.grad, b.grad)


def test_gradient_to_float_operand_of_int_tensor_op(device):
    torch = pytest.importorskip("torch")
    check_torch(
        lambda lib, x: x * lib.tensor([1, 2, 3]).to(x.device if lib is minitorch else "cpu"),
        np.array([0.5, 1.5, -2.0]),
        device=device,
    )
    assert torch


@pytest.mark.parametrize("op", ["add", "sub", "mul", "truediv"])
@op_settings
@given(st.sampled_from([np.float32, np.float64]), seeds)
def test_operators_with_python_scalars_on_either_side(device, op, dtype, seed):
    (a,) = randn(seed, (2, 3), dtype=dtype)
    a = _away_from_zero(a)[0]
    fn = OPERATORS[op]
    check_torch(lambda lib, x: fn(x, 1.5) + fn(2, x), a, device=device)


def test_reciprocal_and_lerp(device):
    a, b = np.array([0.5, 2.0, -4.0]), np.array([1.0, -1.0, 3.0])
    check_op(
        lambda lib, x, y: lib.reciprocal(x) + lib.lerp(x, y, 0.25),
        a,
        b,
        device=device,
        dtype=np.float32,
    )
    check_op(lambda lib, x, y: lib.lerp(x, y, y), a, b, device=device, dtype=np.float32)
