"""Arithmetic with broadcasting: each gradient is summed back to its operand's shape."""

from __future__ import annotations

from ..autograd.function import Function
from ..dtypes import get_default_dtype
from ..tensor import Tensor
from ._util import metas, operands, reduce_to


class Add(Function):
    """a + b; d/da = d/db = 1."""

    @staticmethod
    def forward(ctx, a, b):
        x, y = operands(a, b)
        ctx.metas = metas(a, b)
        return x + y

    @staticmethod
    def backward(ctx, grad):
        ga, gb = ctx.needs_input_grad
        ma, mb = ctx.metas
        return (reduce_to(grad, ma) if ga else None, reduce_to(grad, mb) if gb else None)


class Sub(Function):
    """a - b; d/da = 1, d/db = -1."""

    @staticmethod
    def forward(ctx, a, b):
        x, y = operands(a, b)
        ctx.metas = metas(a, b)
        return x - y

    @staticmethod
    def backward(ctx, grad):
        ga, gb = ctx.needs_input_grad
        ma, mb = ctx.metas
        return (reduce_to(grad, ma) if ga else None, reduce_to(-grad, mb) if gb else None)


class Mul(Function):
    """a * b; d/da = b, d/db = a."""

    @staticmethod
    def forward(ctx, a, b):
        x, y = operands(a, b)
        ga, gb = ctx.needs_input_grad
        ctx.save_for_backward(b if ga else None, a if gb else None)
        ctx.metas = metas(a, b)
        return x * y

    @staticmethod
    def backward(ctx, grad):
        b, a = ctx.saved_tensors
        ma, mb = ctx.metas
        return (
            reduce_to(grad * b, ma) if b is not None else None,
            reduce_to(grad * a, mb) if a is not None else None,
        )


class Div(Function):
    """a / b (true division: integers give the default float dtype); d/da = 1/b, d/db = -a/b^2."""

    @staticmethod
    def forward(ctx, a, b):
        x, y = operands(a, b)
        if getattr(x, "dtype", getattr(y, "dtype", None)).kind != "f":
            fdt = get_default_dtype().numpy_dtype
            x = x.astype(fdt) if hasattr(x, "dtype") else x
            y = y.astype(fdt) if hasattr(y, "dtype") else y
        ga, gb = ctx.needs_input_grad
        ctx.save_for_backward(a if gb else None, b if (ga or gb) else None)
        ctx.metas = metas(a, b)
        return x / y

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga, gb = ctx.needs_input_grad
        ma, mb = ctx.metas
        return (
            reduce_to(grad / b, ma) if ga else None,
            reduce_to(-grad * a / (b * b), mb) if gb else None,
        )


class Neg(Function):
    """-a; d/da = -1."""

    @staticmethod
    def forward(ctx, a):
        return -a.array

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Pow(Function):
    """a ** b; d/da = b * a^(b-1), d/db = a^b * log(a) (0 where a == 0, as PyTorch)."""

    @staticmethod
    def forward(ctx, a, b):
        x, y = operands(a, b)
        if hasattr(y, "dtype") and y.dtype.kind in "iu" and (y < 0).any() and x.dtype.kind in "iu":
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        out = Tensor._wrap(x**y)
        ga, gb = ctx.needs_input_grad
        ctx.save_for_backward(a if (ga or gb) else None, b if ga else None, out if gb else None)
        ctx.metas = metas(a, b)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        ga, gb = ctx.needs_input_grad
        ma, mb = ctx.metas
        grad_a = grad_b = None
        if ga:
            if isinstance(b, Tensor):
                grad_a = grad * b * a ** (b - 1)
            elif b == 0:
                grad_a = grad * 0
            else:
                grad_a = grad * b * a ** (b - 1)
            grad_a = reduce_to(grad_a, ma)
        if gb:
            base = a if isinstance(a, Tensor) else out * 0 + a
            safe_log = base.masked_fill(base == 0, 1).log()
            grad_b = reduce_to(grad * out * safe_log, mb)
        return grad_a, grad_b


class Maximum(Function):
    """max(a, b) elementwise; the gradient goes to the larger input, split evenly on ties."""

    @staticmethod
    def forward(ctx, a, b):
        x, y = operands(a, b)
        ctx.save_for_backward(a, b)
        ctx.metas = metas(a, b)
        return _xp(x).maximum(x, y)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _pick_grads(ctx, grad, a > b, a == b)


class Minimum(Function):
    """min(a, b) elementwise; the gradient goes to the smaller input, split evenly on ties."""

    @staticmethod
    def forward(ctx, a, b):
        x, y = operands(a, b)
        ctx.save_for_backward(a, b)
        ctx.metas = metas(a, b)
        return _xp(x).minimum(x, y)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _pick_grads(ctx, grad, a < b, a == b)


def _pick_grads(ctx, grad, a_wins, tie):
    ga, gb = ctx.needs_input_grad
    ma, mb = ctx.metas
    half = grad * 0.5
    grad_a = index.where(a_wins, grad, 0.0).where(~tie, half) if ga else None
    grad_b = index.where(a_wins | tie, 0.0, grad).where(~tie, half) if gb else None
    return (
        reduce_to(grad_a, ma) if ga else None,
        reduce_to(grad_b, mb) if gb else None,
    )


def _xp(x):
    from ..backend import get_array_module

    return get_array_module(x)


def add(input, other, *, alpha=1):
    return Add.apply(input, other if alpha == 1 else other * alpha)


def sub(input, other, *, alpha=1):
    return Sub.apply(input, other if alpha == 1 else other * alpha)


def mul(input, other):
    return Mul.apply(input, other)


def div(input, other, *, rounding_mode=None):
    """True division, or ``rounding_mode`` 'floor' / 'trunc' (those have no gradient)."""
    if rounding_mode is None:
        return Div.apply(input, other)
    x, y = operands(input, other)
    xp = _xp(x if hasattr(x, "dtype") else y)
    if rounding_mode == "floor":
        return Tensor._wrap(xp.floor_divide(x, y))
    if rounding_mode == "trunc":
        q = x / y
        return Tensor._wrap(xp.trunc(q).astype(q.dtype if q.dtype.kind == "f" else x.dtype))
    raise ValueError(
        f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
        f"'{rounding_mode}'"
    )


def floor_divide(input, other):
    return div(input, other, rounding_mode="floor")


def remainder(input, other):
    """Python-style modulus (sign of the divisor); no gradient."""
    x, y = operands(input, other)
    return Tensor._wrap(_xp(x if hasattr(x, "dtype") else y).mod(x, y))


def pow(input, exponent):
    return Pow.apply(input, exponent)


def neg(input):
    return Neg.apply(input)


def maximum(input, other):
    return Maximum.apply(input, other)


def minimum(input, other):
    return Minimum.apply(input, other)


from . import index  # noqa: E402  (index needs the ops above)
