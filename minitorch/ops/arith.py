"""Arithmetic with broadcasting: each gradient is summed back to its operand's shape."""

from __future__ import annotations

from ..autograd.function import Function
from ..backend import get_array_module as _xp
from ..dtypes import get_default_dtype
from ..tensor import Tensor
from ._util import broadcast_error, metas, operands
from .reduce import reduce_to
from .samples import binary, unary
from .table import Op, Sample


class Add(Function):
    """a + b; d/da = d/db = 1."""

    @staticmethod
    def forward(ctx, a, b):
        x, y = operands(a, b)
        ctx.metas = metas(a, b)
        try:
            return x + y
        except ValueError:
            raise broadcast_error(x, y) from None

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
        try:
            return x - y
        except ValueError:
            raise broadcast_error(x, y) from None
        except TypeError:
            raise RuntimeError(
                "Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
                "`^` or `logical_xor()` operator instead."
            ) from None

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
        try:
            return x * y
        except ValueError:
            raise broadcast_error(x, y) from None

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
        try:
            return x / y
        except ValueError:
            raise broadcast_error(x, y) from None

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
        try:
            return -a.array
        except TypeError:  # numpy refuses to negate bools, as PyTorch does
            raise RuntimeError(
                "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
                "to invert a mask, use the `~` or `logical_not()` operator instead."
            ) from None

    @staticmethod
    def backward(ctx, grad):
        return -grad


def _is_bool(v) -> bool:
    return v.dtype == bool if hasattr(v, "dtype") else isinstance(v, bool)


class Pow(Function):
    """a ** b; d/da = b * a^(b-1), d/db = a^b * log(a) (0 where a == 0, as PyTorch)."""

    @staticmethod
    def forward(ctx, a, b):
        x, y = operands(a, b)
        if _is_bool(x) and _is_bool(y):
            # PyTorch has no bool pow, except a bool tensor to a Python bool (x**1, x**0)
            if not (isinstance(a, Tensor) and isinstance(b, bool)):
                raise NotImplementedError("\"pow\" not implemented for 'Bool'")
            return Tensor._wrap((x**y).astype(bool))
        try:
            out = Tensor._wrap(x**y)
        except ValueError as e:
            if "negative integer powers" in str(e):
                raise RuntimeError("Integers to negative integer powers are not allowed.") from None
            raise broadcast_error(x, y) from None
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
            if isinstance(b, Tensor):  # 0 where b == 0, even at a == 0 (not 0 * inf)
                grad_a = (grad * b * a ** (b - 1)).masked_fill(b == 0, 0)
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
        try:
            return _xp(x).maximum(x, y)
        except ValueError:
            raise broadcast_error(x, y) from None

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
        try:
            return _xp(x).minimum(x, y)
        except ValueError:
            raise broadcast_error(x, y) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _pick_grads(ctx, grad, a < b, a == b)


def _pick_grads(ctx, grad, a_wins, tie):
    ga, gb = ctx.needs_input_grad
    ma, mb = ctx.metas
    half = grad * 0.5
    grad_a = grad.where(a_wins, 0.0).where(~tie, half) if ga else None
    grad_b = grad.where(~(a_wins | tie), 0.0).where(~tie, half) if gb else None
    return (
        reduce_to(grad_a, ma) if ga else None,
        reduce_to(grad_b, mb) if gb else None,
    )


def add(input, other, *, alpha=1):
    """input + alpha * other, broadcast together, with PyTorch's type promotion."""
    return Add.apply(input, other if alpha == 1 else other * alpha)


def sub(input, other, *, alpha=1):
    """input - alpha * other, broadcast together."""
    return Sub.apply(input, other if alpha == 1 else other * alpha)


def mul(input, other):
    """input * other elementwise, broadcast together."""
    return Mul.apply(input, other)


def div(input, other, *, rounding_mode=None):
    """True division, or ``rounding_mode`` 'floor' / 'trunc' (their gradient is zero)."""
    if rounding_mode is None:
        return Div.apply(input, other)
    if rounding_mode not in ("floor", "trunc"):
        raise ValueError(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"'{rounding_mode}'"
        )
    return RoundedDiv.apply(input, other, rounding_mode)


def floor_divide(input, other):
    """input / other rounded down (``//``)."""
    return div(input, other, rounding_mode="floor")


def remainder(input, other):
    """input - floor(input / other) * other: Python's ``%``, with the sign of ``other``."""
    return Remainder.apply(input, other)


class RoundedDiv(Function):
    """a / b rounded down ('floor') or toward zero ('trunc'); piecewise constant, so d/da = 0."""

    @staticmethod
    def forward(ctx, a, b, rounding_mode):
        x, y = _integer_safe(a, b, "div_floor" if rounding_mode == "floor" else "div_trunc")
        xp = _xp(x if hasattr(x, "dtype") else y)
        ctx.metas = metas(a, b)
        try:
            if rounding_mode == "floor":
                return xp.floor_divide(x, y)
            q = xp.trunc(x / y)
        except ValueError:
            raise broadcast_error(x, y) from None
        dtype = x.dtype if hasattr(x, "dtype") else y.dtype
        return q if q.dtype == dtype else q.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return _zero_grads(ctx, grad) + (None,)


class Remainder(Function):
    """a - floor(a / b) * b (Python's %, sign of the divisor); d/da = 1, d/db = -floor(a / b)."""

    @staticmethod
    def forward(ctx, a, b):
        x, y = _integer_safe(a, b, "remainder")
        ctx.save_for_backward(a, b)
        ctx.metas = metas(a, b)
        try:
            return _xp(x if hasattr(x, "dtype") else y).mod(x, y)
        except ValueError:
            raise broadcast_error(x, y) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga, gb = ctx.needs_input_grad
        ma, mb = ctx.metas
        return (
            reduce_to(grad, ma) if ga else None,
            reduce_to(-grad * RoundedDiv.apply(a, b, "floor"), mb) if gb else None,
        )


def _integer_safe(a, b, name):
    """Operands of an integer-capable division; PyTorch's errors for bools and division by 0."""
    x, y = operands(a, b)
    dtype = x.dtype if hasattr(x, "dtype") else y.dtype
    if dtype.kind == "b":
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for 'Bool'")
    if dtype.kind in "iu" and not (y if hasattr(y, "dtype") else _xp(x).asarray(y)).all():
        raise RuntimeError("ZeroDivisionError")
    return x, y


def _zero_grads(ctx, grad):
    """Zero gradients shaped like the operands (for piecewise-constant ops)."""
    zero = grad * 0
    return tuple(
        reduce_to(zero, m) if need else None for m, need in zip(ctx.metas, ctx.needs_input_grad)
    )


def pow(input, exponent):
    """input ** exponent elementwise (either may be a number)."""
    return Pow.apply(input, exponent)


def neg(input):
    """-input."""
    return Neg.apply(input)


def positive(input):
    """``input`` itself (unary ``+``)."""
    return input


def maximum(input, other):
    """The larger of the two, elementwise (the gradient is split on ties)."""
    return Maximum.apply(input, other)


def minimum(input, other):
    """The smaller of the two, elementwise (the gradient is split on ties)."""
    return Minimum.apply(input, other)


def reciprocal(input):
    """1 / input."""
    return Div.apply(1.0, input)


def square(input):
    """input * input."""
    return Mul.apply(input, input)


def lerp(input, end, weight):
    """input + weight * (end - input)."""
    return input + (end - input) * weight


def _lerp_samples(draw):
    sa, sb, sw = draw.shapes(3)
    a, b = draw.values(sa), draw.values(sb)
    return [Sample(a, b, 0.3), Sample(a, b, draw.values(sw))]


def _rounding_samples(draw):
    """Operands away from the jumps of floor/trunc division (exact multiples of the divisor)."""
    sa, sb = draw.shapes(2)
    a, b = draw.values(sa, 0.5, 1.5), draw.values(sb, 0.5, 1.5)
    a = a * 4 - 3 + 0.25  # quotients stay clear of integers
    return [Sample(a, b), Sample(a, 0.7)]


def _int_samples(draw):
    sa, sb = draw.shapes(2)
    a = (draw.values(sa) * 10).astype("int64")
    b = (draw.values(sb, 1, 5)).astype("int64") * draw.choice((1, -1))
    return [Sample(a, b), Sample(a, 3)]


OPS = [
    Op(
        "add",
        add,
        inplace="add_",
        operators=("__add__",),
        reflected=("__radd__",),
        inplace_operators=("__iadd__",),
        samples=binary(),
    ),
    Op(
        "sub",
        sub,
        inplace="sub_",
        operators=("__sub__",),
        reflected=("__rsub__",),
        inplace_operators=("__isub__",),
        aliases=("subtract",),
        samples=binary(),
    ),
    Op(
        "mul",
        mul,
        inplace="mul_",
        operators=("__mul__",),
        reflected=("__rmul__",),
        inplace_operators=("__imul__",),
        aliases=("multiply",),
        samples=binary(),
    ),
    Op(
        "div",
        div,
        inplace="div_",
        operators=("__truediv__",),
        reflected=("__rtruediv__",),
        inplace_operators=("__itruediv__",),
        aliases=("divide", "true_divide"),
        samples=binary(0.5, 2.0),
    ),
    Op(
        "floor_divide",
        floor_divide,
        inplace="floor_divide_",
        operators=("__floordiv__",),
        reflected=("__rfloordiv__",),
        inplace_operators=("__ifloordiv__",),
        grad=False,
        samples=_int_samples,
    ),
    Op(
        "remainder",
        remainder,
        inplace="remainder_",
        operators=("__mod__",),
        reflected=("__rmod__",),
        inplace_operators=("__imod__",),
        samples=_rounding_samples,
    ),
    Op(
        "pow",
        pow,
        inplace="pow_",
        operators=("__pow__",),
        reflected=("__rpow__",),
        inplace_operators=("__ipow__",),
        samples=binary(0.5, 2.0),
    ),
    Op("neg", neg, inplace="neg_", operators=("__neg__",), aliases=("negative",), samples=unary()),
    Op("positive", positive, operators=("__pos__",), samples=unary()),
    Op("maximum", maximum, samples=binary(scalar=False)),
    Op("minimum", minimum, samples=binary(scalar=False)),
    Op("reciprocal", reciprocal, inplace="reciprocal_", samples=unary(0.5, 2.0)),
    Op("square", square, inplace="square_", samples=unary()),
    Op("lerp", lerp, inplace="lerp_", samples=_lerp_samples),
]
