"""batch_norm / layer_norm / group_norm against PyTorch, finite differences, errors."""

import re

import numpy as np
import pytest

import minitorch
from minitorch.ops.norm import batch_norm, group_norm, layer_norm

from .helpers import check_grad, check_torch, host, randn

SHAPES = [(4, 3), (4, 3, 5), (2, 3, 4, 5)]


def _bn(training, momentum=0.1, eps=1e-5):
    def fn(lib, x, rm, rv, w=None, b=None):
        f = batch_norm if lib is minitorch else lib.nn.functional.batch_norm
        return f(x, rm, rv, w, b, training, momentum, eps)

    return fn


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_matches_torch(shape, training, affine, device):
    torch = pytest.importorskip("torch")
    c = shape[1]
    x, rm, w, b = randn(len(shape), shape, (c,), (c,), (c,))
    rv = np.linspace(0.5, 2.0, c)
    params = (w, b) if affine else ()
    stats = [minitorch.tensor(a, device=device) for a in (rm, rv)]
    torch_stats = [torch.tensor(a) for a in (rm, rv)]
    fn = _bn(training, 0.3, 1e-3)
    mine = [minitorch.tensor(a, device=device, requires_grad=True) for a in (x, *params)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, *params)]
    out = fn(minitorch, mine[0], *stats, *mine[1:])
    expected = fn(torch, theirs[0], *torch_stats, *theirs[1:])
    g = np.random.default_rng(0).standard_normal(shape)
    out.backward(minitorch.tensor(g, device=device))
    expected.backward(torch.tensor(g))
    np.testing.assert_allclose(host(out), host(expected), rtol=1e-7, atol=1e-9)
    for m, t in zip(mine, theirs):
        np.testing.assert_allclose(host(m.grad), host(t.grad), rtol=1e-7, atol=1e-9)
    for m, t in zip(stats, torch_stats):  # running stats moved the same way
        np.testing.assert_allclose(host(m), host(t), rtol=1e-7, atol=1e-12)


def test_batch_norm_without_running_stats_uses_batch_stats(device):
    (x,) = randn(1, (4, 3, 2))
    check_torch(lambda lib, t: _bn(True)(lib, t, None, None), x, device=device)


def test_batch_norm_float32_stays_float32(device):
    x = minitorch.randn(4, 3, 2, 2, device=device, requires_grad=True)
    rm, rv = minitorch.zeros(3, device=device), minitorch.ones(3, device=device)
    w = minitorch.ones(3, device=device, requires_grad=True)
    out = batch_norm(x, rm, rv, w, None, True)
    out.sum().backward()
    assert out.dtype == x.grad.dtype == w.grad.dtype == rm.dtype == rv.dtype == minitorch.float32


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("k", [1, 2])
@pytest.mark.parametrize("affine", [True, False])
def test_layer_norm_matches_torch(shape, k, affine, device):
    norm_shape = shape[-k:]
    x, w, b = randn(k, shape, norm_shape, norm_shape)

    def fn(lib, x, *wb):
        f = layer_norm if lib is minitorch else lib.nn.functional.layer_norm
        return f(x, norm_shape, *wb, eps=1e-4)

    check_torch(fn, x, *((w, b) if affine else ()), device=device)


@pytest.mark.parametrize("shape", [(2, 6), (2, 6, 5), (3, 6, 2, 3)])
@pytest.mark.parametrize("groups", [1, 2, 3, 6])
@pytest.mark.parametrize("affine", [True, False])
def test_group_norm_matches_torch(shape, groups, affine, device):
    x, w, b = randn(groups, shape, (6,), (6,))

    def fn(lib, x, *wb):
        f = group_norm if lib is minitorch else lib.nn.functional.group_norm
        return f(x, groups, *wb)

    check_torch(fn, x, *((w, b) if affine else ()), device=device)


@pytest.mark.parametrize(
    "fn, shapes",
    [
        (lambda x, w, b: batch_norm(x, None, None, w, b, True), [(3, 2, 2), (2,), (2,)]),
        (
            lambda x, w, b: batch_norm(
                x,
                minitorch.zeros_like(w),
                minitorch.ones_like(w),
                w,
                b,
                False,
            ),
            [(3, 2, 2), (2,), (2,)],
        ),
        (lambda x, w, b: layer_norm(x, (2, 2), w, b), [(3, 2, 2), (2, 2), (2, 2)]),
        (lambda x, w, b: group_norm(x, 2, w, b), [(2, 4, 2), (4,), (4,)]),
    ],
)
def test_norm_gradcheck(fn, shapes, device):
    check_grad(lambda lib, *t: fn(*t), *randn(2, *shapes), device=device, second=False)


ERRORS = [
    (
        lambda: layer_norm(minitorch.randn(2, 3), (4,)),
        RuntimeError,
        "Given normalized_shape=[4], expected input with shape [*, 4], but got input of size[2, 3]",
    ),
    (
        lambda: group_norm(minitorch.randn(2, 3, 4), 2),
        RuntimeError,
        "Expected number of channels in input to be divisible by num_groups",
    ),
    (
        lambda: batch_norm(minitorch.randn(1, 3), None, None, training=True),
        ValueError,
        "Expected more than 1 value per channel when training",
    ),
    (
        lambda: batch_norm(
            minitorch.randn(2, 3), minitorch.zeros(4), minitorch.ones(4), training=True
        ),
        RuntimeError,
        "running_mean should contain 3 elements not 4",
    ),
    (
        lambda: batch_norm(minitorch.randn(2, 3), None, None),
        RuntimeError,
        "running_mean must be defined in evaluation mode",
    ),
    (
        lambda: layer_norm(minitorch.randn(2, 3), (3,), minitorch.ones(4)),
        RuntimeError,
        "Expected weight to be of same shape as normalized_shape",
    ),
    (
        lambda: group_norm(minitorch.randn(2, 4, 3), 2, minitorch.ones(3)),
        RuntimeError,
        "Expected weight to be a vector of size equal to the number of channels",
    ),
]


@pytest.mark.parametrize("call, error, message", ERRORS)
def test_errors_name_the_problem(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()
