"""max_pool2d / avg_pool2d / adaptive_avg_pool2d against PyTorch, finite differences, errors."""

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minitorch
from minitorch.ops.pool import adaptive_avg_pool2d, avg_pool2d, max_pool2d

from .helpers import check_grad, check_torch, op_settings, randn


def _pool(name, mine):
    def fn(lib, x, *args, **kw):
        if lib is minitorch:
            return mine(x, *args, **kw)
        return getattr(lib.nn.functional, name)(x, *args, **kw)

    return fn


MAX, AVG, ADAPTIVE = (
    _pool("max_pool2d", max_pool2d),
    _pool("avg_pool2d", avg_pool2d),
    _pool("adaptive_avg_pool2d", adaptive_avg_pool2d),
)

MAX_CASES = [
    # kernel == stride tiling exactly (the direct-write backward), kernel == stride with a
    # remainder, overlapping windows, padding, ceil_mode, dilation, rectangular, unbatched
    ((2, 3, 8, 8), (2,), {}),
    ((2, 3, 9, 7), (2,), {}),
    ((2, 3, 9, 7), (3, 2, 1), {}),
    ((2, 3, 9, 7), (3, 2, 1), {"ceil_mode": True}),
    ((2, 3, 9, 10), ((3, 2), (1, 2), (1, 0)), {"dilation": (2, 3)}),
    ((2, 3, 6, 6), (2, 1), {}),
    ((3, 9, 10), ((3, 2),), {}),
]


@pytest.mark.parametrize("shape, args, kw", MAX_CASES)
@pytest.mark.parametrize("ties", [False, True])
def test_max_pool2d_matches_torch(shape, args, kw, ties, device):
    (x,) = randn(len(shape) + len(args), shape)
    if ties:  # integer values: many windows hold their maximum twice; the first one wins
        x = np.round(x)
    check_torch(lambda lib, t: MAX(lib, t, *args, **kw), x, device=device)


@pytest.mark.parametrize("shape, args, kw", MAX_CASES)
def test_max_pool2d_indices_match_torch(shape, args, kw, device):
    (x,) = randn(1, shape)
    x = np.round(x * 2)
    check_torch(lambda lib, t: MAX(lib, t, *args, **kw, return_indices=True), x, device=device)


@pytest.mark.filterwarnings("ignore:invalid value encountered")  # inf * 0 in the test's loss
def test_max_pool2d_float32_and_infinite_values(device):
    x = np.array([[[[-np.inf, -np.inf, 0.0], [-np.inf, -np.inf, 2.0], [1.0, np.inf, 3.0]]]])
    check_torch(lambda lib, t: MAX(lib, t, 2, 1), x.astype(np.float32), device=device)


AVG_CASES = [
    ((2, 3, 8, 8), (2,), {}),
    ((2, 3, 9, 7), (3, 2, 1), {"ceil_mode": True}),
    ((2, 3, 9, 7), (3, 2, 1), {"ceil_mode": True, "count_include_pad": False}),
    ((2, 3, 9, 7), ((3, 2), (1, 3), (1, 1)), {"divisor_override": 5}),
    ((2, 3, 7, 7), (3, 1), {}),
    ((3, 9, 7), ((3, 2),), {}),
]


@pytest.mark.parametrize("shape, args, kw", AVG_CASES)
def test_avg_pool2d_matches_torch(shape, args, kw, device):
    (x,) = randn(3, shape)
    check_torch(lambda lib, t: AVG(lib, t, *args, **kw), x, device=device)


@pytest.mark.parametrize("out", [1, (1, 1), 2, (3, 4), (5, None), (9, 7), (4, 4), (2, 5)])
@pytest.mark.parametrize("shape", [(2, 3, 9, 7), (3, 8, 8)])
def test_adaptive_avg_pool2d_matches_torch(shape, out, device):
    (x,) = randn(4, shape)
    check_torch(lambda lib, t: ADAPTIVE(lib, t, out), x, device=device)


@op_settings
@given(
    seed=st.integers(0, 2**32 - 1),
    kernel=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    stride=st.integers(1, 3),
    padding=st.integers(0, 1),
    dilation=st.integers(1, 2),
    ceil_mode=st.booleans(),
)
def test_pool_geometry_property(seed, kernel, stride, padding, dilation, ceil_mode):
    torch = pytest.importorskip("torch")
    (x,) = randn(seed, (1, 2, 6, 7))
    x = np.round(x * 2)
    args = (kernel, stride, padding)
    for fn, kw in (
        (MAX, {"dilation": dilation, "return_indices": True}),
        (AVG, {"count_include_pad": bool(seed % 2)}),
    ):
        try:
            fn(torch, torch.tensor(x), *args, ceil_mode=ceil_mode, **kw)
        except RuntimeError:
            with pytest.raises(RuntimeError):
                fn(minitorch, minitorch.tensor(x), *args, ceil_mode=ceil_mode, **kw)
            continue
        check_torch(
            lambda lib, t, fn=fn, kw=kw: fn(lib, t, *args, ceil_mode=ceil_mode, **kw),
            x,
            device="cpu",
        )


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: max_pool2d(x, 2, 1, 1),
        lambda x: max_pool2d(x, (3, 2), 2, dilation=(1, 2), ceil_mode=True),
        lambda x: avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
        lambda x: adaptive_avg_pool2d(x, (2, 3)),
    ],
)
def test_pool_gradcheck(fn, device):
    (x,) = randn(8, (1, 2, 5, 4))
    check_grad(lambda lib, t: fn(t), x, device=device, second=False)


ERRORS = [
    (lambda x: max_pool2d(x, 3, padding=2), "pad should be at most half of effective kernel size"),
    (lambda x: max_pool2d(x[:, :, :2, :2], 3), "Given input size: (3x2x2). Calculated output size"),
    (lambda x: avg_pool2d(x[:, :, :2, :2], 3), "Output size is too small"),
    (lambda x: max_pool2d(x, 2, stride=0), "stride should not be zero"),
    (lambda x: max_pool2d(x, 2, dilation=0), "dilation should be greater than zero"),
    (lambda x: max_pool2d(x[0, 0], 2), "non-empty 3D or 4D (batch mode) tensor expected"),
    (lambda x: adaptive_avg_pool2d(x[0, 0], 2), "adaptive_avg_pool2d(): Expected 3D or 4D tensor"),
    (lambda x: avg_pool2d(x[:, :0], 2), "with optional 0 dim batch size for input, but got:[2, 0,"),
    (lambda x: max_pool2d(x[0, :0], 2), "with optional 0 dim batch size for input, but got:[0, 5,"),
]


@pytest.mark.parametrize("call, message", ERRORS)
def test_errors_name_the_problem(call, message):
    with pytest.raises(RuntimeError, match=re.escape(message)):
        call(minitorch.randn(2, 3, 5, 5))


@pytest.mark.parametrize("pool", [MAX, AVG])
@pytest.mark.parametrize("kernel, stride, padding", [(2, 2, 0), (3, 2, 1)])
def test_empty_batch(pool, kernel, stride, padding, device):
    """A batch of 0 samples pools to an empty batch, and backward gives an empty gradient."""
    (x,) = randn(12, (0, 3, 6, 6))
    check_torch(lambda lib, t: pool(lib, t, kernel, stride, padding), x, device=device)


def test_max_pool2d_without_grad_skips_the_argmax(device):
    torch = pytest.importorskip("torch")
    (x,) = randn(11, (2, 3, 6, 6))
    with minitorch.no_grad():
        out = max_pool2d(minitorch.tensor(x, device=device, requires_grad=True), 3, 2, 1)
    expected = torch.nn.functional.max_pool2d(torch.tensor(x), 3, 2, 1)
    np.testing.assert_array_equal(minitorch.backend.to_host(out.array), expected.numpy())
    assert out.grad_fn is None
