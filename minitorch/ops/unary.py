"""Elementwise math on one tensor: each forward sits beside its derivative."""

from __future__ import annotations

from ..autograd.function import Function
from ..backend import get_array_module
from ..dtypes import get_default_dtype
from ..tensor import Tensor
from ._util import operands


def _float(x):
    """Integer inputs to transcendental functions give the default float dtype, as in PyTorch."""
    return x if x.dtype.kind == "f" else x.astype(get_default_dtype().numpy_dtype)


class Exp(Function):
    """exp(a); d/da = exp(a) (the saved output)."""

    @staticmethod
    def forward(ctx, a):
        x = a.array
        out = Tensor._wrap(get_array_module(x).exp(_float(x)))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out


class Log(Function):
    """log(a); d/da = 1 / a."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        x = a.array
        return get_array_module(x).log(_float(x))

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad / a


class Log1p(Function):
    """log(1 + a); d/da = 1 / (1 + a)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        x = a.array
        return get_array_module(x).log1p(_float(x))

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad / (a + 1)


class Expm1(Function):
    """exp(a) - 1; d/da = exp(a) = out + 1."""

    @staticmethod
    def forward(ctx, a):
        x = a.array
        out = Tensor._wrap(get_array_module(x).expm1(_float(x)))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (out + 1)


class Sqrt(Function):
    """sqrt(a); d/da = 1 / (2 sqrt(a))."""

    @staticmethod
    def forward(ctx, a):
        x = a.array
        out = Tensor._wrap(get_array_module(x).sqrt(_float(x)))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad / (out * 2)


class Sin(Function):
    """sin(a); d/da = cos(a)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        x = a.array
        return get_array_module(x).sin(_float(x))

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * a.cos()


class Cos(Function):
    """cos(a); d/da = -sin(a)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        x = a.array
        return get_array_module(x).cos(_float(x))

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return -grad * a.sin()


class Tanh(Function):
    """tanh(a); d/da = 1 - tanh(a)^2."""

    @staticmethod
    def forward(ctx, a):
        x = a.array
        out = Tensor._wrap(get_array_module(x).tanh(_float(x)))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)


class Sigmoid(Function):
    """1 / (1 + exp(-a)), computed without overflow; d/da = s (1 - s)."""

    @staticmethod
    def forward(ctx, a):
        x = _float(a.array)
        xp = get_array_module(x)
        # exp of a non-positive number never overflows: use exp(-|x|) on both sides.
        e = xp.exp(-xp.abs(x))
        out = Tensor._wrap(xp.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * (1 - out)


class Relu(Function):
    """max(a, 0); d/da = 1 where a > 0, else 0."""

    @staticmethod
    def forward(ctx, a):
        x = a.array
        out = Tensor._wrap(get_array_module(x).maximum(x, 0))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (out > 0)


class Abs(Function):
    """|a|; d/da = sign(a) (0 at 0)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        x = a.array
        return get_array_module(x).abs(x)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * a.sign()


class Clamp(Function):
    """a limited to [min, max]; the gradient passes where min <= a <= max (bounds may be tensors)."""

    @staticmethod
    def forward(ctx, a, lo, hi):
        x = a.array
        xp = get_array_module(x)
        out = x
        if lo is not None:
            x_, lo_ = operands(a, lo)
            out = xp.maximum(x_, lo_)
        if hi is not None:
            out_, hi_ = operands(Tensor._wrap(out), hi)
            out = xp.minimum(out_, hi_)
        if out is x:
            out = x.copy()
        ctx.save_for_backward(a, lo, hi)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, lo, hi = ctx.saved_tensors
        keep = None
        if lo is not None:
            keep = a >= lo
        if hi is not None:
            keep = (a <= hi) if keep is None else keep & (a <= hi)
        return (grad if keep is None else grad * keep), None, None


def clamp(input, min=None, max=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return Clamp.apply(input, min, max)


def _no_grad_map(name):
    """An op whose gradient is zero almost everywhere: computed without recording."""

    def op(input):
        x = input.array
        return Tensor._wrap(getattr(get_array_module(x), name)(x))

    op.__name__ = name
    op.__doc__ = f"Elementwise {name} (its gradient is zero almost everywhere: not recorded)."
    return op


sign = _no_grad_map("sign")
floor = _no_grad_map("floor")
ceil = _no_grad_map("ceil")
trunc = _no_grad_map("trunc")


def round(input, decimals: int = 0):
    x = input.array
    return Tensor._wrap(get_array_module(x).round(x, decimals))


def exp(input):
    return Exp.apply(input)


def log(input):
    return Log.apply(input)


def log1p(input):
    return Log1p.apply(input)


def expm1(input):
    return Expm1.apply(input)


def sqrt(input):
    return Sqrt.apply(input)


def sin(input):
    return Sin.apply(input)


def cos(input):
    return Cos.apply(input)


def tanh(input):
    return Tanh.apply(input)


def sigmoid(input):
    return Sigmoid.apply(input)


def relu(input):
    return Relu.apply(input)


def abs(input):
    return Abs.apply(input)
