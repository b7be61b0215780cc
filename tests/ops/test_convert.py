"""Copies and conversions (minitorch/ops/convert.py): clone, dtype casts, device transfers."""

import numpy as np
import pytest
from hypothesis import given

import minitorch

from .helpers import (
    assert_on,
    check_op,
    check_torch,
    float_dtypes,
    on,
    op_settings,
    randn,
    seeds,
    shapes,
)

CASTS = {
    "clone": lambda lib, x: x.clone(),
    "contiguous_of_t": lambda lib, x: x.mT.contiguous() if x.ndim >= 2 else x.contiguous(),
    "double": lambda lib, x: x.double() * 2,
    "float": lambda lib, x: x.float() * 2,
    "to_dtype": lambda lib, x: x.to(lib.float64) + x.to(dtype=lib.float32),
    "type_as": lambda lib, x: x.type_as(lib.zeros(1, dtype=lib.float64)),
    "to_other": lambda lib, x: x.to(lib.zeros(1, dtype=lib.float32, device=x.device)),
    "half_and_back": lambda lib, x: x.half().float(),
}


@pytest.mark.parametrize("name", CASTS)
@op_settings
@given(shape=shapes, seed=seeds, dtype=float_dtypes)
def test_float_casts_carry_gradients(device, name, shape, seed, dtype):
    (a,) = randn(seed, shape)
    if name in ("clone", "contiguous_of_t", "double", "type_as"):
        check_op(CASTS[name], a, device=device, dtype=dtype)
    else:  # through float32 or float16: finite differences are too coarse, torch decides
        tol = 1e-3 if name == "half_and_back" else None
        check_torch(CASTS[name], a.astype(dtype), device=device, rtol=tol, atol=tol)


@pytest.mark.parametrize(
    "method", ["long", "int", "short", "byte", "bool", "float", "double", "half"]
)
def test_dtype_methods_match_torch(device, method):
    a = np.array([1.7, -1.2, 0.0, 3.0], dtype=np.float32)
    out = check_torch(lambda lib, x: getattr(x, method)(), a, device=device)
    assert out[0].requires_grad == (method in ("float", "double", "half"))
    check_torch(lambda lib, x: getattr(x, method)(), np.array([0, 1, 2]), device=device, grad=False)


def test_cast_to_same_dtype_is_no_copy(device):
    x = minitorch.ones(2, device=device)
    assert x.to(minitorch.float32) is x and x.float() is x
    y = x.to(minitorch.float32, copy=True)
    assert y is not x and y.array is not x.array


def test_device_round_trip_carries_gradient(sim_cuda):
    (x,) = on(minitorch.device("cpu"), np.array([1.0, 2.0, 3.0], dtype=np.float32))
    y = x.to(sim_cuda)
    assert_on(sim_cuda, y)
    z = (y * y).cuda().cpu().to("cuda")
    assert y.grad_fn is not None and z.device == minitorch.device("cuda", 0)
    z.sum().backward()
    assert_on(minitorch.device("cpu"), x.grad)
    assert x.grad.tolist() == [2.0, 4.0, 6.0]


def test_device_and_dtype_in_one_call(sim_cuda):
    (x,) = on(minitorch.device("cpu"), np.array([1.0, 2.0]))
    y = x.to(sim_cuda, minitorch.float32)
    assert y.dtype == minitorch.float32
    assert_on(sim_cuda, y)
    y.sum().backward()
    assert x.grad.dtype == minitorch.float64
    assert_on(minitorch.device("cpu"), x.grad)


def test_no_cuda_raises_clearly():
    with pytest.raises(RuntimeError, match="cuda"):
        minitorch.ones(2).cuda()


def test_invalid_conversions(device):
    x = minitorch.ones(2, device=device)
    with pytest.raises(RuntimeError, match="float32"):
        x.to("float32")
    with pytest.raises(TypeError):
        x.to(5)
    with pytest.raises(
        RuntimeError, match="result type Float can't be cast to the desired output type Long"
    ):
        minitorch.tensor([1, 2], device=device).add_(1.5)
    with pytest.raises(
        RuntimeError, match="result type Long can't be cast to the desired output type Bool"
    ):
        minitorch.tensor([True], device=device).add_(1)


def test_requires_grad_only_for_floats(device):
    with pytest.raises(RuntimeError, match="floating point"):
        minitorch.tensor([1, 2], device=device).requires_grad_()
