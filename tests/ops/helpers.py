"""Shared checks for the op tests: PyTorch as the oracle, finite differences, device checks.

An op under test is written once as ``fn(lib, *tensors)``, where ``lib`` is ``minitorch`` or
``torch``, so the same expression runs on both libraries.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minitorch
from minitorch import backend
from minitorch.autograd import gradcheck, gradgradcheck

# Small shapes keep finite differences cheap; 0-d and size-1 dims come up often.
shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)
seeds = st.integers(0, 2**32 - 1)

float_dtypes = st.sampled_from([np.float32, np.float64])

TOLERANCE = {np.float32: (1e-5, 1e-5), np.float64: (1e-7, 1e-9)}

# Per-op property tests: fewer examples than the suite's default, as there are many ops.
op_settings = settings(max_examples=12)

# gradgradcheck perturbs inputs and grad outputs: keep it to small problems.
SECOND_ORDER_MAX_NUMEL = 12


def broadcast_shapes(n: int = 2):
    """``n`` shapes that broadcast together (including 0-d and size-1 dims)."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=n, min_dims=0, max_dims=3, min_side=1, max_side=3
    ).map(lambda s: s.input_shapes)


def randn(seed: int, *shapes_, low=None, high=None, dtype=np.float64):
    """Arrays of the given shapes from one seed: normal, or uniform in [low, high)."""
    rng = np.random.default_rng(seed)
    if low is None:
        return [rng.standard_normal(s).astype(dtype) for s in shapes_]
    return [rng.uniform(low, high, s).astype(dtype) for s in shapes_]


def on(device, *arrays, requires_grad=True):
    """minitorch tensors on ``device`` (float ones require grad)."""
    return [
        minitorch.tensor(a, device=device, requires_grad=requires_grad and a.dtype.kind == "f")
        for a in arrays
    ]


def host(t) -> np.ndarray:
    """A minitorch or torch tensor's values as a numpy array."""
    if isinstance(t, minitorch.Tensor):
        return backend.to_host(t.array)
    return t.detach().numpy()


def outputs(out) -> list:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def assert_on(device, *tensors):
    """Each tensor lives on ``device`` (and holds that device's array type)."""
    ref = minitorch.zeros(1, device=device)
    for t in tensors:
        assert t.device == ref.device, f"result on {t.device}, expected {ref.device}"
        assert type(t.array) is type(ref.array)


def assert_matches(mine, theirs, rtol=None, atol=None):
    """Same dtype, shape and values (within the dtype's tolerance)."""
    assert mine.dtype.name == str(theirs.dtype).removeprefix("torch."), (mine.dtype, theirs.dtype)
    assert tuple(mine.shape) == tuple(theirs.shape)
    expected = host(theirs)
    default = TOLERANCE.get(expected.dtype.type, (0, 0))
    np.testing.assert_allclose(
        host(mine),
        expected,
        rtol=default[0] if rtol is None else rtol,
        atol=default[1] if atol is None else atol,
        equal_nan=True,
    )


def check_torch(fn, *arrays, device, grad=True, rtol=None, atol=None, grad_seed=0):
    """``fn`` on minitorch (on ``device``) and on torch: forward and backward must agree.

    Non-array arguments (Python numbers) are passed through unchanged to both libraries.
    """
    torch = pytest.importorskip("torch")
    mine = [
        minitorch.tensor(a, device=device, requires_grad=grad and a.dtype.kind == "f")
        if isinstance(a, np.ndarray)
        else a
        for a in arrays
    ]
    theirs = [
        torch.tensor(a, requires_grad=grad and a.dtype.kind == "f")
        if isinstance(a, np.ndarray)
        else a
        for a in arrays
    ]
    out_m, out_t = outputs(fn(minitorch, *mine)), outputs(fn(torch, *theirs))
    assert len(out_m) == len(out_t)
    for m, t in zip(out_m, out_t):
        assert_matches(m, t, rtol, atol)
        assert_on(device, m)
    if not grad:
        return out_m
    rng = np.random.default_rng(grad_seed)
    loss_m = loss_t = 0
    for m, t in zip(out_m, out_t):
        if t.requires_grad:
            g = rng.standard_normal(t.shape).astype(host(t).dtype)
            loss_m = loss_m + (m * minitorch.tensor(g, device=device)).sum()
            loss_t = loss_t + (t * torch.tensor(g)).sum()
    if isinstance(loss_t, int):
        return out_m
    loss_m.backward()
    loss_t.backward()
    for m, t in zip(mine, theirs):
        if isinstance(t, torch.Tensor) and t.requires_grad:
            if t.grad is None:
                assert m.grad is None or not host(m.grad).any()
                continue
            assert m.grad is not None, "no gradient where torch has one"
            assert_matches(m.grad, t.grad, rtol, atol)
            assert_on(device, m.grad)
    return out_m


def check_grad(fn, *arrays, device, second=True, **tol):
    """Finite-difference check of ``fn``'s first (and second) derivatives in float64."""
    inputs = [
        minitorch.tensor(a, device=device, requires_grad=a.dtype.kind == "f")
        if isinstance(a, np.ndarray)
        else a
        for a in arrays
    ]

    def f(*xs):  # float outputs only: gradgradcheck would make integer grad outputs require grad
        return tuple(o for o in outputs(fn(minitorch, *xs)) if o.is_floating_point())

    assert gradcheck(f, inputs, **tol)
    if (
        second
        and sum(a.size for a in arrays if isinstance(a, np.ndarray)) <= SECOND_ORDER_MAX_NUMEL
    ):
        assert gradgradcheck(f, inputs, **tol)


def check_op(fn, *arrays, device, dtype, second=True, rtol=None, atol=None):
    """The usual op property: matches PyTorch in ``dtype``, and passes finite differences."""
    check_torch(
        fn,
        *[
            a.astype(dtype) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a
            for a in arrays
        ],
        device=device,
        rtol=rtol,
        atol=atol,
    )
    check_grad(fn, *arrays, device=device, second=second)
