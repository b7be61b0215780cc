"""In-place ops (minitorch/ops/inplace.py and the Tensor methods ending in ``_``)."""

import numpy as np
import pytest
from hypothesis import given

import minitorch

from .helpers import assert_on, check_torch, float_dtypes, on, op_settings, randn, seeds

# fn(lib, y, w) modifies y (a non-leaf) in place, possibly with w, and returns it.
INPLACE = {
    "add_": lambda lib, y, w: y.add_(w),
    "add_alpha": lambda lib, y, w: y.add_(w, alpha=-2),
    "add_scalar": lambda lib, y, w: y.add_(1.5),
    "sub_": lambda lib, y, w: y.sub_(w),
    "sub_alpha": lambda lib, y, w: y.sub_(w, alpha=0.5),
    "mul_": lambda lib, y, w: y.mul_(w),
    "mul_scalar": lambda lib, y, w: y.mul_(3),
    "div_": lambda lib, y, w: y.div_(w.abs() + 1),
    "div_scalar": lambda lib, y, w: y.div_(4.0),
    "iadd": lambda lib, y, w: _iadd(y, w),
    "imul": lambda lib, y, w: _imul(y, w),
    "isub": lambda lib, y, w: _isub(y, w),
    "itruediv": lambda lib, y, w: _idiv(y, w),
    "pow_": lambda lib, y, w: y.pow_(2),
    "neg_": lambda lib, y, w: y.neg_(),
    "zero_": lambda lib, y, w: y.zero_(),
    "fill_": lambda lib, y, w: y.fill_(2.5),
    "fill_tensor": lambda lib, y, w: y.fill_(w.sum()),
    "copy_": lambda lib, y, w: y.copy_(w),
    "copy_broadcast": lambda lib, y, w: y.copy_(w[0]),
    "clamp_": lambda lib, y, w: y.clamp_(-0.5, 0.5),
    "clamp_min": lambda lib, y, w: y.clamp_(min=0.1),
    "clamp_tensor": lambda lib, y, w: y.clamp_(max=w),
    "relu_": lambda lib, y, w: y.relu_(),
    "exp_": lambda lib, y, w: y.exp_(),
    "masked_fill_": lambda lib, y, w: y.masked_fill_(w > 0, -1.0),
    "chain": lambda lib, y, w: y.mul_(w).add_(1).clamp_(max=1.5).mul_(w),
}


def _iadd(y, w):
    y += w
    return y


def _imul(y, w):
    y *= w
    return y


def _isub(y, w):
    y -= 2
    return y


def _idiv(y, w):
    y /= 2
    return y


@pytest.mark.parametrize("name", INPLACE)
@op_settings
@given(seed=seeds, dtype=float_dtypes)
def test_inplace_on_non_leaf_matches_torch(device, name, seed, dtype):
    """Recorded like the out-of-place op: gradients reach the inputs, values and dtype match."""
    a, b = randn(seed, (2, 3), (2, 3), dtype=dtype)
    a = np.where(np.abs(a) < 0.1, 0.3, a)  # away from relu's and clamp's kinks

    def fn(lib, x, w):
        y = x * 1
        out = INPLACE[name](lib, y, w)
        assert out is y
        return y * x

    check_torch(fn, a, b, device=device)


@pytest.mark.parametrize("name", INPLACE)
def test_inplace_without_grad_matches_torch(device, name):
    torch = pytest.importorskip("torch")
    a, b = randn(1, (2, 3), (2, 3), dtype=np.float32)
    (x, w) = on(device, a, b, requires_grad=False)
    out = INPLACE[name](minitorch, x, w)
    expected = INPLACE[name](torch, torch.tensor(a), torch.tensor(b))
    assert out is x and x._version > 0
    np.testing.assert_allclose(x.cpu().numpy(), expected.numpy(), rtol=1e-6)
    assert_on(device, x)


def test_leaf_requiring_grad_raises_outside_no_grad(device):
    (p,) = on(device, np.ones(3))
    for fn in (
        lambda: p.add_(1),
        lambda: p.mul_(2),
        lambda: p.zero_(),
        lambda: p.fill_(1.0),
        lambda: p.copy_(minitorch.zeros(3, device=device)),
        lambda: p.clamp_(0, 1),
        lambda: p.sub_(1),
        lambda: p.div_(2),
    ):
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            fn()


def test_sgd_step_under_no_grad(device):
    (p,) = on(device, np.array([1.0, 2.0]))
    (p * p).sum().backward()
    version = p._version
    with minitorch.no_grad():
        p -= 0.1 * p.grad
        p.add_(p.grad, alpha=-0.1)
    assert p.is_leaf and p.requires_grad and p.grad_fn is None
    assert p._version == version + 2
    np.testing.assert_allclose(p.detach().cpu().numpy(), [0.6, 1.2])


def test_modifying_a_saved_tensor_fails_backward(device):
    (x,) = on(device, np.ones(3))
    y = x * 2
    z = y * y
    y.add_(1)
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation.*MulBackward0"):
        z.sum().backward()


def test_writing_through_a_view_updates_the_base(device):
    check_torch(
        lambda lib, x: _through_view(x),
        np.array([1.0, 2.0, 3.0, 4.0]),
        device=device,
    )


def _through_view(x):
    b = x * 1
    b[1:].mul_(2)
    b.view(2, 2)[0].add_(1)
    return b * b


def test_broadcast_shape_mismatch(device):
    row = minitorch.ones(3, device=device)
    with pytest.raises(
        RuntimeError, match=r"output with shape \[3\] doesn't match the broadcast shape \[2, 3\]"
    ):
        row.add_(minitorch.ones(2, 3, device=device))


def test_fill_and_copy_cast_and_broadcast(device):
    torch = pytest.importorskip("torch")
    for lib, dev in ((minitorch, device), (torch, "cpu")):
        i = lib.zeros(2, 3, dtype=lib.int64, device=dev)
        i.fill_(1.7)
        f = lib.zeros(2, 3, device=dev)
        f.copy_(lib.tensor([1, 2, 3], device=dev))
        f[0].copy_(lib.tensor([0.5, 0.5, 0.5], dtype=lib.float64, device=dev))
        results = [i, f]
        if lib is minitorch:
            mine = results
    for m, t in zip(mine, results):
        assert m.dtype.name == str(t.dtype).removeprefix("torch.")
        np.testing.assert_array_equal(m.cpu().numpy(), t.numpy())


def test_fill_over_infinite_values(device):
    def fn(lib, x):
        y = x * float("inf")
        y.fill_(3.0)
        return y * x

    check_torch(fn, np.array([1.0, 2.0]), device=device)


def test_fill_needs_a_zero_dim_value(device):
    x = minitorch.zeros(3, device=device)
    with pytest.raises(RuntimeError, match="0-dimension value tensor"):
        x.fill_(minitorch.ones(2, device=device))


def test_copy_from_another_device(sim_cuda):
    (src,) = on(minitorch.device("cpu"), np.array([1.0, 2.0]))
    dst = minitorch.zeros(2, device=sim_cuda)
    dst.copy_(src)
    assert_on(sim_cuda, dst)
    (dst * 3).sum().backward()
    assert src.grad.tolist() == [3.0, 3.0]
    assert_on(minitorch.device("cpu"), src.grad)


def test_fill_with_a_cpu_scalar_tensor(sim_cuda):
    x = minitorch.zeros(2, device=sim_cuda)
    x.fill_(minitorch.tensor(4.0))
    assert x.tolist() == [4.0, 4.0]
    assert_on(sim_cuda, x)


def test_random_fills_stay_on_device_and_dtype(device):
    x = minitorch.empty(1000, device=device)
    x.uniform_(2.0, 3.0)
    assert 2.0 <= float(x.min()) and float(x.max()) < 3.0
    x.normal_(1.0, 0.5)
    assert abs(float(x.mean()) - 1.0) < 0.1 and abs(float(x.std()) - 0.5) < 0.1
    x.bernoulli_(0.25)
    assert set(np.unique(x.cpu().numpy())) <= {0.0, 1.0}
    assert x.dtype == minitorch.float32
    assert_on(device, x)
    g = minitorch.Generator().manual_seed(3)
    a = minitorch.empty(5, device=device).normal_(generator=g)
    g.manual_seed(3)
    b = minitorch.empty(5, device=device).normal_(generator=g)
    assert a.tolist() == b.tolist()
