"""Matrix products (minitorch/ops/linalg.py): every matmul shape case, gradients, errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minitorch

from .helpers import assert_on, check_op, check_torch, float_dtypes, on, op_settings, randn, seeds

# (shape of a, shape of b): 1-d operands, matrices, batches that broadcast
SHAPES = {
    "vec_vec": ((3,), (3,)),
    "vec_mat": ((3,), (3, 2)),
    "mat_vec": ((2, 3), (3,)),
    "mat_mat": ((2, 3), (3, 4)),
    "batch_mat": ((2, 2, 3), (3, 4)),
    "mat_batch": ((2, 3), (2, 3, 4)),
    "vec_batch": ((3,), (2, 3, 4)),
    "batch_vec": ((2, 2, 3), (3,)),
    "batch_batch": ((2, 2, 3), (2, 3, 1)),
    "broadcast_batches": ((2, 1, 2, 3), (3, 3, 2)),
    "size_one": ((1, 1), (1, 1)),
}


@pytest.mark.parametrize("case", SHAPES)
@op_settings
@given(seed=seeds, dtype=float_dtypes)
def test_matmul(device, case, seed, dtype):
    a, b = randn(seed, *SHAPES[case])
    check_op(lambda lib, x, y: x @ y, a, b, device=device, dtype=dtype, rtol=1e-5, atol=1e-5)
    check_op(lambda lib, x, y: lib.matmul(x, y), a, b, device=device, dtype=dtype, atol=1e-5)


@op_settings
@given(n=st.integers(1, 3), k=st.integers(1, 3), m=st.integers(1, 3), seed=seeds)
def test_mm_bmm_dot(device, n, k, m, seed):
    a, b, c, d, u, v = randn(seed, (n, k), (k, m), (2, n, k), (2, k, m), (k,), (k,))
    check_op(lambda lib, x, y: lib.mm(x, y), a, b, device=device, dtype=np.float32)
    check_op(lambda lib, x, y: x.bmm(y), c, d, device=device, dtype=np.float32)
    check_op(lambda lib, x, y: lib.dot(x, y), u, v, device=device, dtype=np.float32)
    check_op(lambda lib, x, y: x.mm(y.t()), a, b.T.copy(), device=device, dtype=np.float32)


def test_integer_matmul(device):
    check_torch(lambda lib, x, y: x @ y, np.arange(6).reshape(2, 3), np.arange(3), device=device)


def test_float32_stays_float32(device):
    a, b = on(device, *randn(0, (2, 3), (3, 4), dtype=np.float32))
    out = a @ b
    out.sum().backward()
    assert out.dtype == a.grad.dtype == b.grad.dtype == minitorch.float32
    assert_on(device, out, a.grad, b.grad)


ERRORS = [
    (
        lambda lib: lib.ones(2, 3) @ lib.ones(4, 5),
        "mat1 and mat2 shapes cannot be multiplied \\(2x3 and 4x5\\)",
    ),
    (
        lambda lib: lib.ones(2, 2, 3) @ lib.ones(4, 5),
        "mat1 and mat2 shapes cannot be multiplied \\(4x3 and 4x5\\)",
    ),
    (lambda lib: lib.ones(3) @ lib.ones(4, 5), "\\(1x3 and 4x5\\)"),
    (
        lambda lib: lib.ones(2, 3) @ lib.ones(4),
        "size mismatch, got input \\(2\\), mat \\(2x3\\), vec \\(4\\)",
    ),
    (lambda lib: lib.ones(2, 3, 4) @ lib.ones(5), "got input \\(6\\), mat \\(6x4\\), vec \\(5\\)"),
    (
        lambda lib: lib.ones(3) @ lib.ones(4),
        "inconsistent tensor size, expected tensor \\[3\\] and src \\[4\\]",
    ),
    (
        lambda lib: lib.ones(2, 2, 3) @ lib.ones(2, 4, 5),
        "batch2 tensor to be: \\[2, 3\\] but got: \\[2, 4\\]",
    ),
    (
        lambda lib: lib.ones(2, 3) @ lib.ones(2, 4, 5),
        "batch2 tensor to be: \\[2, 3\\] but got: \\[2, 4\\]",
    ),
    (
        lambda lib: lib.ones(2, 2, 3) @ lib.ones(3, 3, 5),
        "tensor a \\(2\\) must match the size of tensor b \\(3\\)",
    ),
    (lambda lib: lib.tensor(1.0) @ lib.ones(3), "at least 1D, but they are 0D and 1D"),
    (lambda lib: lib.ones(2, 3).double() @ lib.ones(3, 2), "same dtype, but got: double != float"),
    (lambda lib: lib.ones(2, 3).long() @ lib.ones(3, 2), "same dtype, but got: long int != float"),
    (lambda lib: lib.mm(lib.ones(3), lib.ones(3, 5)), "self must be a matrix"),
    (lambda lib: lib.mm(lib.ones(2, 3), lib.ones(4, 5)), "\\(2x3 and 4x5\\)"),
    (lambda lib: lib.bmm(lib.ones(2, 3), lib.ones(2, 4, 5)), "batch1 must be a 3D tensor"),
    (
        lambda lib: lib.bmm(lib.ones(2, 2, 3), lib.ones(3, 3, 5)),
        "to be: \\[2, 3\\] but got: \\[3, 3\\]",
    ),
    (lambda lib: lib.dot(lib.ones(3), lib.ones(4)), "inconsistent tensor size"),
    (lambda lib: lib.dot(lib.ones(3, 1), lib.ones(3)), "1D tensors expected, but got 2D and 1D"),
    (lambda lib: lib.dot(lib.ones(3).double(), lib.ones(3)), "found Double and Float"),
]


@pytest.mark.parametrize("fn, message", ERRORS)
def test_errors_match_torch(device, fn, message):
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError, match=message):
        fn(torch)

    class OnDevice:
        def __getattr__(self, name):
            f = getattr(minitorch, name)
            return (lambda *a: f(*a, device=device)) if name in ("ones", "tensor") else f

    with pytest.raises(RuntimeError, match=message):
        fn(OnDevice())


def test_mixed_devices(sim_cuda):
    with pytest.raises(RuntimeError, match="same device"):
        minitorch.ones(2, 3) @ minitorch.ones(3, 2, device=sim_cuda)


def test_matmul_with_a_number_raises_type_error(device):
    with pytest.raises(TypeError):
        minitorch.ones(2, device=device) @ 2.0


@op_settings
@given(seed=seeds, dtype=float_dtypes)
def test_outer(device, seed, dtype):
    u, v = randn(seed, (3,), (2,))
    check_op(lambda lib, x, y: lib.outer(x, y), u, v, device=device, dtype=dtype)
