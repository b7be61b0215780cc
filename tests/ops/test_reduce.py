"""Reductions (minitorch/ops/reduce.py): dims, keepdim, dtypes, ties, corrections, gradients."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minitorch

from .helpers import (
    check_grad,
    check_op,
    check_torch,
    float_dtypes,
    op_settings,
    randn,
    seeds,
    shapes,
)


def _dims_for(shape, single):
    n = max(len(shape), 1)
    one = st.integers(-n, n - 1)
    if single:
        return st.tuples(st.just(shape), one)
    many = st.lists(st.integers(0, n - 1), unique=True, min_size=1, max_size=n).map(tuple)
    return st.tuples(st.just(shape), st.none() | one | many)


def shape_and_dims(single=False):
    """A shape with reduction dims for it: None, one dim (maybe negative) or a tuple."""
    return shapes.flatmap(lambda s: _dims_for(s, single))


def _call(method, dim, keepdim, **kw):
    """``a.method(dim, keepdim)``, or ``a.method()`` for a full reduction."""

    def fn(lib, a):
        f = getattr(a, method)
        return f(**kw) if dim is None else f(dim=dim, keepdim=keepdim, **kw)

    return fn


MULTI_DIM = ["sum", "mean", "amax", "amin", "logsumexp", "norm", "var", "std"]
ONE_DIM = ["prod", "max", "min", "cumsum"]


@pytest.mark.parametrize("method", MULTI_DIM)
@op_settings
@given(shape_dims=shape_and_dims(), keepdim=st.booleans(), seed=seeds, dtype=float_dtypes)
def test_multi_dim_reductions(device, method, shape_dims, keepdim, seed, dtype):
    shape, dim = shape_dims
    if method == "logsumexp" and dim is None:
        dim = tuple(range(len(shape)))
    (a,) = randn(seed, shape)
    kw = {"correction": 0} if method in ("var", "std") else {}  # 1 element: no dof for 1
    kw = {"p": 2} if method == "norm" else kw  # PyTorch's 'fro' takes at most 2 dims
    check_op(_call(method, dim, keepdim, **kw), a, device=device, dtype=dtype)


@pytest.mark.parametrize("method", ONE_DIM)
@op_settings
@given(shape_dim=shape_and_dims(single=True), keepdim=st.booleans(), seed=seeds)
def test_one_dim_reductions(device, method, shape_dim, keepdim, seed):
    shape, dim = shape_dim
    (a,) = randn(seed, shape)
    fn = (lambda lib, x: x.cumsum(dim)) if method == "cumsum" else _call(method, dim, keepdim)
    check_op(fn, a, device=device, dtype=np.float64)


@pytest.mark.parametrize("method", ["sum", "mean", "prod", "max", "min", "std", "var", "norm"])
@op_settings
@given(shape=shapes, seed=seeds, dtype=float_dtypes)
def test_full_reductions(device, method, shape, seed, dtype):
    (a,) = randn(seed, shape)
    fn = lambda lib, x: getattr(lib, method)(x)  # noqa: E731
    if method in ("std", "var") and a.size == 1:  # no degree of freedom: nan, as in PyTorch
        check_torch(fn, a, device=device)
    else:
        check_op(fn, a, device=device, dtype=dtype)


@pytest.mark.parametrize("correction", [0, 1, 2])
@op_settings
@given(shape_dims=shape_and_dims(), seed=seeds)
def test_var_std_correction(device, correction, shape_dims, seed):
    shape, dim = shape_dims
    (a,) = randn(seed, shape)
    n = a.size if dim is None else np.prod([shape[d] for d in np.atleast_1d(dim)] if shape else 1)
    for method in ("var", "std"):
        fn = lambda lib, x, m=method: getattr(x, m)(dim, correction=correction)  # noqa: E731
        if n > correction:
            check_op(fn, a, device=device, dtype=np.float32)
        else:  # no degrees of freedom left: inf or nan, as in PyTorch
            check_torch(fn, a, device=device, grad=False)


def test_var_std_unbiased_forms(device):
    (a,) = randn(0, (3, 4))
    for fn in (
        lambda lib, x: x.var(False),
        lambda lib, x: x.std(True),
        lambda lib, x: x.var(1, unbiased=False),
        lambda lib, x: lib.std(x, dim=0, unbiased=True, keepdim=True),
        lambda lib, x: x.var(dim=(0, 1), correction=0),
    ):
        check_torch(fn, a, device=device)


@pytest.mark.parametrize("p", [1, 3, 0.5, float("inf"), float("-inf"), 0])
@op_settings
@given(shape_dims=shape_and_dims(), seed=seeds)
def test_norm_orders(device, p, shape_dims, seed):
    shape, dim = shape_dims
    (a,) = randn(seed, shape)
    fn = (lambda lib, x: x.norm(p)) if dim is None else (lambda lib, x: x.norm(p, dim))
    check_torch(fn, a, device=device, grad=p != 0)
    if p != 0:
        check_grad(fn, a, device=device, second=p in (1, 3))


def test_norm_gradient_at_zero_is_zero(device):
    check_torch(lambda lib, x: x.norm(), np.zeros(3), device=device)
    check_torch(lambda lib, x: x.norm(dim=1), np.array([[0.0, 0.0], [3.0, 4.0]]), device=device)


@pytest.mark.parametrize(
    "fn",
    [
        lambda lib, x: x.max(),
        lambda lib, x: x.min(),
        lambda lib, x: x.amax(1),
        lambda lib, x: x.amin((0, 1)),
        lambda lib, x: x.max(1),
        lambda lib, x: x.min(0, keepdim=True),
        lambda lib, x: lib.max(x, dim=-1),
    ],
)
def test_ties(device, fn):
    """Full reductions and amax split the gradient evenly; max(dim) sends it to the index."""
    a = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0], [0.0, 0.0, 0.0]])
    check_torch(fn, a, device=device)


def test_max_dim_returns_named_values_and_indices(device):
    x = minitorch.tensor([[1.0, 5.0], [7.0, 2.0]], device=device)
    out = x.max(dim=1)
    assert out.values.tolist() == [5.0, 7.0] and out.indices.tolist() == [1, 0]
    values, indices = x.min(0)
    assert values.tolist() == [1.0, 2.0] and indices.tolist() == [0, 1]
    assert indices.dtype == minitorch.int64 and not indices.requires_grad


def test_max_with_tensor_is_elementwise(device):
    check_torch(
        lambda lib, x, y: lib.max(x, y) + x.min(y),
        np.array([1.0, 5.0, -2.0]),
        np.array([2.0, 4.0, -1.0]),
        device=device,
    )


@pytest.mark.parametrize("method", ["argmax", "argmin"])
@given(shape_dim=shape_and_dims(single=True), keepdim=st.booleans(), seed=seeds)
def test_argmax_argmin(device, method, shape_dim, keepdim, seed):
    shape, dim = shape_dim
    (a,) = randn(seed, shape)
    check_torch(lambda lib, x: getattr(x, method)(), a, device=device, grad=False)
    check_torch(lambda lib, x: getattr(x, method)(dim, keepdim), a, device=device, grad=False)
    check_torch(lambda lib, x: getattr(x, method)(None, True), a, device=device, grad=False)


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8, np.bool_])
def test_integer_reductions_match_torch(device, dtype):
    torch = pytest.importorskip("torch")
    a = np.array([[1, 0, 3], [4, 5, 0]]).astype(dtype)
    for fn in (
        lambda lib, x: x.sum(),
        lambda lib, x: x.sum(1),
        lambda lib, x: x.prod(),
        lambda lib, x: x.prod(0),
        lambda lib, x: x.cumsum(1),
        lambda lib, x: x.max(),
        lambda lib, x: x.amin(0),
        lambda lib, x: x.max(1),
        lambda lib, x: x.argmax(),
        lambda lib, x: x.all(),
        lambda lib, x: x.any(1),
        lambda lib, x: lib.all(x, dim=(0, 1)),
        lambda lib, x: x.sum(dtype=lib.float64),
        lambda lib, x: x.mean(dtype=lib.float32),
        lambda lib, x: x.logsumexp(1),
    ):
        try:
            fn(torch, torch.tensor(a))
        except (RuntimeError, NotImplementedError):
            continue  # PyTorch refuses this dtype here; minitorch computes it
        check_torch(fn, a, device=device, grad=False)


def test_sum_and_mean_of_an_empty_dim_list_reduce_everything(device):
    (a,) = randn(0, (2, 3))
    for fn in (lambda lib, x: x.sum(()), lambda lib, x: x.mean([]), lambda lib, x: x.amax(())):
        check_torch(fn, a, device=device)


@pytest.mark.parametrize(
    "values",
    [[[1.0, 0.0, 3.0], [2.0, 2.0, 5.0]], [[0.0, 0.0, 3.0], [0.0, 1.0, 4.0]], [[0.0, 2.0, 3.0]]],
)
def test_prod_with_zeros(device, values):
    a = np.array(values)
    for fn in (lambda lib, x: x.prod(), lambda lib, x: x.prod(1), lambda lib, x: x.prod(0)):
        check_torch(fn, a, device=device)
        check_grad(fn, a, device=device, second=False)


def test_prod_second_derivative_with_one_zero(device):
    a = np.array([[1.5, 0.0, 3.0], [2.0, -1.0, 0.5]])
    check_grad(lambda lib, x: x.prod(1), a, device=device)
    check_grad(lambda lib, x: x.prod(), np.array([2.0, 0.0, 0.5]), device=device)


def test_logsumexp_with_infinities(device):
    inf = float("inf")
    a = np.array([[-inf, 1.0, 2.0], [-inf, -inf, -inf], [inf, 1.0, 0.0], [1000.0, 1000.0, 0.0]])
    check_torch(lambda lib, x: x.logsumexp(1), a, device=device)
    check_torch(lambda lib, x: lib.logsumexp(x, dim=0, keepdim=True), a[[0, 3]], device=device)


def test_logsumexp_is_stable_in_float32(device):
    a = np.array([[1000.0, 1000.0], [-1000.0, -1000.0]], dtype=np.float32)
    out = check_torch(lambda lib, x: x.logsumexp(1), a, device=device)
    assert np.isfinite(out[0].detach().cpu().numpy()).all()


def test_mean_and_var_of_integers_raise(device):
    x = minitorch.tensor([1, 2, 3], device=device)
    with pytest.raises(RuntimeError, match="mean.*Long|mean.*int64"):
        x.mean()
    with pytest.raises(RuntimeError, match="floating point"):
        x.var()


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: x.sum(2),
        lambda x: x.mean(-3),
        lambda x: x.amax((0, 5)),
        lambda x: x.max(2),
        lambda x: x.argmax(2),
        lambda x: x.cumsum(-3),
        lambda x: x.logsumexp(2),
        lambda x: x.var(2),
        lambda x: x.prod(2),
        lambda x: x.all(2),
    ],
)
def test_dim_out_of_range(device, fn):
    x = minitorch.ones(2, 3, device=device)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of"):
        fn(x)


def test_repeated_dims_raise(device):
    x = minitorch.ones(2, 3, device=device)
    with pytest.raises(RuntimeError, match="dim 0 appears multiple times in the list of dims"):
        x.sum((0, -2))


def test_prod_takes_one_dim(device):
    with pytest.raises(TypeError, match="dim"):
        minitorch.ones(2, 3, device=device).prod((0, 1))


def test_empty_inputs(device):
    (a,) = randn(0, (0, 3))
    for fn in (
        lambda lib, x: x.sum(),
        lambda lib, x: x.sum(0),
        lambda lib, x: x.prod(),
        lambda lib, x: x.mean(),
        lambda lib, x: x.amax(1),
        lambda lib, x: x.max(1),
    ):
        check_torch(fn, a, device=device)
    x = minitorch.zeros(0, 3, device=device)
    with pytest.raises(RuntimeError, match="numel"):
        x.max()
    with pytest.raises(IndexError, match="non-zero size"):
        x.max(0)
    with pytest.raises(IndexError, match="numel"):
        x.argmax()
