"""Matrix products."""

from __future__ import annotations

from ..autograd.function import Function
from ..backend import get_array_module
from ..tensor import Tensor
from ._util import device_mismatch, metas, operands, reduce_to


def _shape_error(x, y) -> RuntimeError:
    if x.ndim == 2 and y.ndim == 2:
        return RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({x.shape[0]}x{x.shape[1]} and "
            f"{y.shape[0]}x{y.shape[1]})"
        )
    if x.ndim == 1 and y.ndim == 1:
        return RuntimeError(
            f"inconsistent tensor size, expected tensor [{x.shape[0]}] and src [{y.shape[0]}] to "
            f"have the same number of elements, but got {x.shape[0]} and {y.shape[0]} elements "
            "respectively"
        )
    return RuntimeError(
        f"Expected size for first two dimensions of batch2 tensor to be: "
        f"matmul of shapes {list(x.shape)} and {list(y.shape)} cannot be performed "
        f"(inner sizes {x.shape[-1]} and {y.shape[-2] if y.ndim > 1 else y.shape[0]} differ)"
    )


class MatMul(Function):
    """``a @ b`` with numpy's matmul rules (1-d operands, broadcast batch dims).

    d/da = grad @ b^T, d/db = a^T @ grad, each summed back over broadcast batch dims.
    """

    @staticmethod
    def forward(ctx, a, b):
        if not (isinstance(a, Tensor) and isinstance(b, Tensor)):
            raise TypeError("matmul expects two tensors")
        x, y = operands(a, b)
        if x.ndim == 0 or y.ndim == 0:
            raise RuntimeError(
                "both arguments to matmul need to be at least 1D, but they are "
                f"{x.ndim}D and {y.ndim}D"
            )
        if x.shape[-1] != y.shape[-2 if y.ndim > 1 else 0]:
            raise _shape_error(x, y)
        if type(x) is not type(y):
            raise device_mismatch(x, y)
        ga, gb = ctx.needs_input_grad
        ctx.save_for_backward(a if gb else None, b if ga else None)
        ctx.metas = metas(a, b)
        return get_array_module(x).matmul(x, y)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ma, mb = ctx.metas
        a_1d, b_1d = len(ma[0]) == 1, len(mb[0]) == 1
        g = grad
        if a_1d:
            g = g.unsqueeze(-2 if g.ndim else 0)  # vector @ vector: the gradient is 0-d
        if b_1d:
            g = g.unsqueeze(-1)
        grad_a = grad_b = None
        if b is not None:
            bm = b.unsqueeze(-1) if b_1d else b
            grad_a = g @ bm.mT
            grad_a = reduce_to(grad_a.squeeze(-2) if a_1d else grad_a, ma)
        if a is not None:
            am = a.unsqueeze(-2) if a_1d else a
            grad_b = am.mT @ g
            grad_b = reduce_to(grad_b.squeeze(-1) if b_1d else grad_b, mb)
        return grad_a, grad_b


def matmul(input, other):
    return MatMul.apply(input, other)


def mm(input, mat2):
    if input.array.ndim != 2 or mat2.array.ndim != 2:
        raise RuntimeError(
            f"self must be a matrix (got {input.array.ndim}-D and {mat2.array.ndim}-D)"
        )
    return MatMul.apply(input, mat2)


def bmm(input, mat2):
    if input.array.ndim != 3 or mat2.array.ndim != 3:
        raise RuntimeError("batch1 and batch2 must be 3D tensors")
    if input.array.shape[0] != mat2.array.shape[0]:
        raise RuntimeError(
            f"batch1 and batch2 must have same number of batches, got {input.array.shape[0]} "
            f"and {mat2.array.shape[0]}"
        )
    return MatMul.apply(input, mat2)


def dot(input, other):
    if input.array.ndim != 1 or other.array.ndim != 1:
        raise RuntimeError(
            f"1D tensors expected, but got {input.array.ndim}D and {other.array.ndim}D tensors"
        )
    return MatMul.apply(input, other)
