"""The fully connected layer as one fused op: ``x @ W^T + b`` with one BLAS call each way."""

from __future__ import annotations

from ..autograd.function import Function
from ..autograd.grad_mode import state
from ..parallel import matmul
from ..tensor import Tensor
from ._util import device_mismatch

_DTYPE_NAME = {"float16": "Half", "float32": "Float", "float64": "Double"}


def _check(x, w, b) -> None:
    """PyTorch's errors for mismatched shapes, dtypes and devices, raised at the call."""
    if type(x) is not type(w) or (b is not None and type(b) is not type(x)):
        raise device_mismatch(x, w if type(x) is not type(w) else b)
    if x.ndim == 0:
        raise RuntimeError(
            "both arguments to linear need to be at least 1D, but they are 0D and 2D"
        )
    if x.shape[-1] != w.shape[-1]:
        rows = x.size // x.shape[-1] if x.shape[-1] else 0
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x.shape[-1]} and "
            f"{w.shape[-1]}x{w.shape[0]})"
        )
    for other in (w, b):
        if other is not None and other.dtype != x.dtype:
            raise RuntimeError(
                "mat1 and mat2 must have the same dtype, but got "
                f"{_DTYPE_NAME.get(x.dtype.name, x.dtype.name)} and "
                f"{_DTYPE_NAME.get(other.dtype.name, other.dtype.name)}"
            )


class Linear(Function):
    """y = x @ W^T + b over the last dim of x (any leading dims; x: (..., in), W: (out, in)).

    dx = g @ W, dW = g^T @ x, db = sum of g over the leading dims, computed as arrays in one
    backward. Under ``create_graph=True`` the same formulas are built from tensor ops, so double
    backward works.
    """

    @staticmethod
    def forward(ctx, input, weight, bias):
        x, w = input.array, weight.array
        b = bias.array if bias is not None else None
        _check(x, w, b)
        gx, gw, _ = ctx.needs_input_grad
        ctx.save_for_backward(input if gw else None, weight if gx else None)
        x2 = x if x.ndim == 2 else x.reshape(-1, x.shape[-1])
        out = matmul(x2, w.T)
        if b is not None:
            out += b
        return out if x.ndim == 2 else out.reshape(x.shape[:-1] + (w.shape[0],))

    @staticmethod
    def backward(ctx, grad):
        input, weight = ctx.saved_tensors
        gx, gw, gb = ctx.needs_input_grad
        if state.grad_enabled:
            return _backward_graph(input, weight, grad, gx, gw, gb)
        g = grad.array
        g2 = g if g.ndim == 2 else g.reshape(-1, g.shape[-1])
        dx = dw = db = None
        if gx:
            dx = matmul(g2, weight.array)
            dx = Tensor._wrap(dx if g.ndim == 2 else dx.reshape(g.shape[:-1] + (dx.shape[-1],)))
        if gw:
            x = input.array
            dw = Tensor._wrap(matmul(g2.T, x if x.ndim == 2 else x.reshape(-1, x.shape[-1])))
        if gb:
            db = Tensor._wrap(g2.sum(axis=0))
        return dx, dw, db


def _backward_graph(input, weight, grad, gx, gw, gb):
    """The same gradients as differentiable tensor ops (for ``create_graph=True``)."""
    g2 = grad.reshape(-1, grad.shape[-1])
    dx = grad @ weight if gx else None
    dw = g2.mT @ input.reshape(-1, input.shape[-1]) if gw else None
    db = g2.sum(0) if gb else None
    return dx, dw, db


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias`` (input: (..., in), weight: (out, in), bias: (out,))."""
    return Linear.apply(input, weight, bias)
