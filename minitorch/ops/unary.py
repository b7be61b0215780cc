"""Elementwise math on one tensor: each forward sits beside its derivative."""

from __future__ import annotations

from ..autograd.function import Function
from ..autograd.grad_mode import state
from ..backend import get_array_module
from ..dtypes import get_default_dtype
from ..tensor import Tensor
from ._util import broadcast_error, meta, operands
from .reduce import reduce_to
from .samples import away_from as _away
from .samples import unary
from .table import Op, Sample


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
        if state.grad_enabled:  # create_graph: keep the product differentiable
            return grad * (out > 0)
        # on arrays, numpy multiplies by the mask directly (the tensor op would first cast it)
        g = grad.array
        return Tensor._wrap(get_array_module(g).multiply(g, out.array > 0))


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
    """a limited to [min, max] (numbers or tensors, broadcast together).

    The gradient goes to whichever of a, min, max the output is: a where min <= a <= max,
    min where a < min < max, max where a > max or min > max (the output is max then).
    """

    @staticmethod
    def forward(ctx, a, lo, hi):
        x = a.array
        xp = get_array_module(x)
        out = x
        try:
            if lo is not None:
                out, lo_ = operands(a, lo)
                out = xp.maximum(out, lo_)
            if hi is not None:
                out, hi_ = operands(Tensor._wrap(out), hi)
                out = xp.minimum(out, hi_)
        except ValueError:
            raise broadcast_error(
                *(t.array for t in (a, lo, hi) if isinstance(t, Tensor))
            ) from None
        ctx.save_for_backward(a, lo, hi)
        ctx.metas = (meta(a), meta(lo), meta(hi))
        return x.copy() if out is x else out

    @staticmethod
    def backward(ctx, grad):
        a, lo, hi = ctx.saved_tensors
        ga, glo, ghi = ctx.needs_input_grad
        ma, mlo, mhi = ctx.metas
        grad_a = grad_lo = grad_hi = None
        if ga:
            keep = a >= lo if lo is not None else None
            if hi is not None:
                keep = a <= hi if keep is None else keep & (a <= hi)
            grad_a = reduce_to(grad * keep, ma)
        if glo:
            took_lo = a < lo if hi is None else (a < lo) & (lo < hi)
            grad_lo = reduce_to(grad * took_lo, mlo)
        if ghi:
            took_hi = a > hi if lo is None else (a > hi) | (hi < lo)
            grad_hi = reduce_to(grad * took_hi, mhi)
        return grad_a, grad_lo, grad_hi


class _PiecewiseConstant(Function):
    """Base of floor, ceil, trunc and sign: constant between jumps, so d/da = 0."""

    fn = ""  # the array module's function of the same name

    @staticmethod
    def forward(ctx, a):
        x = a.array
        if x.dtype.kind != "f" and ctx.fn != "sign":
            return x.copy()  # integers are already whole (numpy would return floats)
        return getattr(get_array_module(x), ctx.fn)(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


class Floor(_PiecewiseConstant):
    fn = "floor"


class Ceil(_PiecewiseConstant):
    fn = "ceil"


class Trunc(_PiecewiseConstant):
    fn = "trunc"


class Sign(_PiecewiseConstant):
    fn = "sign"


class Round(Function):
    """Round half to even, to ``decimals`` places; piecewise constant, so d/da = 0."""

    @staticmethod
    def forward(ctx, a, decimals):
        x = a.array
        return get_array_module(x).round(x, decimals)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0, None


def exp(input):
    """e ** input, elementwise."""
    return Exp.apply(input)


def log(input):
    """Natural logarithm, elementwise."""
    return Log.apply(input)


def log2(input):
    """Base-2 logarithm: log(input) / ln 2."""
    return Log.apply(input) / 0.6931471805599453


def log10(input):
    """Base-10 logarithm: log(input) / ln 10."""
    return Log.apply(input) / 2.302585092994046


def log1p(input):
    """log(1 + input), accurate for small input."""
    return Log1p.apply(input)


def expm1(input):
    """exp(input) - 1, accurate for small input."""
    return Expm1.apply(input)


def sqrt(input):
    """Square root, elementwise."""
    return Sqrt.apply(input)


def rsqrt(input):
    """1 / sqrt(input)."""
    return input**-0.5


def sin(input):
    """Sine, elementwise (radians)."""
    return Sin.apply(input)


def cos(input):
    """Cosine, elementwise (radians)."""
    return Cos.apply(input)


def tanh(input):
    """Hyperbolic tangent, elementwise."""
    return Tanh.apply(input)


def sigmoid(input):
    """1 / (1 + exp(-input)), elementwise."""
    return Sigmoid.apply(input)


def relu(input):
    """max(input, 0), elementwise."""
    return Relu.apply(input)


def abs(input):
    """|input|, elementwise."""
    return Abs.apply(input)


def clamp(input, min=None, max=None):
    """``input`` limited to [min, max] (numbers or tensors; either may be None)."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return Clamp.apply(input, min, max)


def clamp_min(input, min):
    """max(input, min)."""
    return Clamp.apply(input, min, None)


def clamp_max(input, max):
    """min(input, max)."""
    return Clamp.apply(input, None, max)


def sign(input):
    """-1, 0 or 1 by the sign of each element."""
    return Sign.apply(input)


def floor(input):
    """The largest whole number <= each element."""
    return Floor.apply(input)


def ceil(input):
    """The smallest whole number >= each element."""
    return Ceil.apply(input)


def trunc(input):
    """Each element rounded toward zero."""
    return Trunc.apply(input)


def round(input, decimals: int = 0):
    """Each element rounded to ``decimals`` places, halves to even."""
    return Round.apply(input, decimals)


def _clamp_samples(draw):
    x = draw.values(draw.shape())
    return [
        Sample(away(x), -0.5, 0.5),
        Sample(away(x), min=-0.5),
        Sample(away(x), max=0.5),
        Sample(away(x), 0.5, -0.5),
        Sample(away(x), draw.values(x.shape[-1:]) - 1, draw.values(()) + 1),
    ]


def _steps(draw):
    """Values kept away from the jumps of floor/ceil/round (whole and half numbers)."""
    x = draw.values(draw.shape()) * 3
    return [Sample(x - (x % 0.5) + 0.2)]


def away(x):
    return _away(x, (0.0, 0.5, -0.5))


OPS = [
    Op("exp", exp, inplace="exp_", samples=unary()),
    Op("log", log, inplace="log_", samples=unary(0.2, 3.0)),
    Op("log2", log2, inplace="log2_", samples=unary(0.2, 3.0)),
    Op("log10", log10, inplace="log10_", samples=unary(0.2, 3.0)),
    Op("log1p", log1p, inplace="log1p_", samples=unary(-0.7, 3.0)),
    Op("expm1", expm1, inplace="expm1_", samples=unary()),
    Op("sqrt", sqrt, inplace="sqrt_", samples=unary(0.2, 3.0)),
    Op("rsqrt", rsqrt, inplace="rsqrt_", samples=unary(0.2, 3.0)),
    Op("sin", sin, inplace="sin_", samples=unary()),
    Op("cos", cos, inplace="cos_", samples=unary()),
    Op("tanh", tanh, inplace="tanh_", samples=unary()),
    Op("sigmoid", sigmoid, inplace="sigmoid_", samples=unary()),
    Op("relu", relu, inplace="relu_", samples=unary(kinks=(0.0,))),
    Op(
        "abs",
        abs,
        inplace="abs_",
        operators=("__abs__",),
        aliases=("absolute",),
        samples=unary(kinks=(0.0,)),
    ),
    Op("clamp", clamp, inplace="clamp_", aliases=("clip",), samples=_clamp_samples),
    Op("clamp_min", clamp_min, inplace="clamp_min_", samples=lambda d: _clamp_samples(d)[1:2]),
    Op("clamp_max", clamp_max, inplace="clamp_max_", samples=lambda d: _clamp_samples(d)[2:3]),
    Op("sign", sign, inplace="sign_", samples=unary(kinks=(0.0,))),
    Op("floor", floor, inplace="floor_", samples=_steps),
    Op("ceil", ceil, inplace="ceil_", samples=_steps),
    Op("trunc", trunc, inplace="trunc_", aliases=("fix",), samples=_steps),
    Op("round", round, inplace="round_", samples=_steps),
]
