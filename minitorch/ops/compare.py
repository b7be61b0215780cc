"""Comparisons and logic: boolean results, never differentiable."""

from __future__ import annotations

import numpy as np

from ..backend import get_array_module
from ..tensor import Tensor
from ._util import SCALAR_TYPE_NAMES, broadcast_error, operands
from .samples import binary, unary
from .table import Op, Sample

_NUMBERS = (int, float, bool, np.number, np.bool_)


def _compare(name, a, b):
    if not isinstance(b, (Tensor, *_NUMBERS)) or not isinstance(a, (Tensor, *_NUMBERS)):
        return NotImplemented
    x, y = operands(a, b)
    try:
        return Tensor._wrap(getattr(get_array_module(x if hasattr(x, "dtype") else y), name)(x, y))
    except ValueError:
        raise broadcast_error(x, y) from None


def eq(input, other):
    """input == other, elementwise (a bool tensor)."""
    return _compare("equal", input, other)


def ne(input, other):
    """input != other, elementwise (a bool tensor)."""
    return _compare("not_equal", input, other)


def lt(input, other):
    """input < other, elementwise (a bool tensor)."""
    return _compare("less", input, other)


def le(input, other):
    """input <= other, elementwise (a bool tensor)."""
    return _compare("less_equal", input, other)


def gt(input, other):
    """input > other, elementwise (a bool tensor)."""
    return _compare("greater", input, other)


def ge(input, other):
    """input >= other, elementwise (a bool tensor)."""
    return _compare("greater_equal", input, other)


def logical_op(name, input, other):
    """``&``, ``|``, ``^`` (bitwise on integers, logical on bools) and logical_and/or."""
    x, y = operands(input, other)
    dtype = getattr(x, "dtype", getattr(y, "dtype", None))
    if name.startswith("bitwise") and dtype.kind == "f":
        raise NotImplementedError(
            f"\"{name}_cpu\" not implemented for '{SCALAR_TYPE_NAMES[dtype.name]}'"
        )
    try:
        return Tensor._wrap(getattr(get_array_module(x if hasattr(x, "dtype") else y), name)(x, y))
    except ValueError:
        raise broadcast_error(x, y) from None


def logical_and(input, other):
    """Both nonzero, elementwise (bool)."""
    return logical_op("logical_and", input, other)


def logical_or(input, other):
    """Either nonzero, elementwise (bool)."""
    return logical_op("logical_or", input, other)


def logical_xor(input, other):
    """Exactly one nonzero, elementwise (bool)."""
    return logical_op("logical_xor", input, other)


def bitwise_and(input, other):
    """``&``: bitwise on integers, logical on bools."""
    return logical_op("bitwise_and", input, other)


def bitwise_or(input, other):
    """``|``: bitwise on integers, logical on bools."""
    return logical_op("bitwise_or", input, other)


def bitwise_xor(input, other):
    """``^``: bitwise on integers, logical on bools."""
    return logical_op("bitwise_xor", input, other)


def bitwise_not(input):
    """``~``: bitwise not on integers, logical not on bools."""
    x = input.array
    if x.dtype.kind == "f":
        raise TypeError(
            "~ (operator.invert) is only implemented on integer and Boolean-type tensors"
        )
    return Tensor._wrap(get_array_module(x).invert(x))


def logical_not(input):
    """True where ``input`` is zero (bool)."""
    x = input.array
    return Tensor._wrap(get_array_module(x).logical_not(x))


def isnan(input):
    """True where the value is NaN."""
    x = input.array
    return Tensor._wrap(get_array_module(x).isnan(x))


def isinf(input):
    """True where the value is +inf or -inf."""
    x = input.array
    return Tensor._wrap(get_array_module(x).isinf(x))


def isfinite(input):
    """True where the value is neither infinite nor NaN."""
    x = input.array
    return Tensor._wrap(get_array_module(x).isfinite(x))


def equal(input, other) -> bool:
    """True if both tensors have the same shape and values."""
    return input.array.shape == other.array.shape and bool((input == other).array.all())


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    """True when every element of ``input`` is close to ``other``'s (see ``isclose``)."""
    return bool(isclose(input, other, rtol, atol, equal_nan).array.all())


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol * |other|, elementwise (both of one dtype, as PyTorch)."""
    if isinstance(other, Tensor) and input.array.dtype != other.array.dtype:
        names = SCALAR_TYPE_NAMES[input.dtype.name], SCALAR_TYPE_NAMES[other.dtype.name]
        raise RuntimeError(f"{names[0]} did not match {names[1]}")
    x, y = operands(input, other)
    try:
        close = get_array_module(x).isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan)
    except ValueError:
        raise broadcast_error(x, y) from None
    return Tensor._wrap(close)


def _bools(draw):
    sa, sb = draw.shapes(2)
    return [Sample(draw.values(sa) > 0, draw.values(sb) > 0)]


def _ints(draw):
    sa, sb = draw.shapes(2)
    a, b = (draw.values(sa) * 50).astype("int64"), (draw.values(sb) * 50).astype("int64")
    return [Sample(a, b), Sample(a, 6)] + _bools(draw)


def _special(draw):
    x = draw.values(draw.shape())
    return [Sample(x.ravel()[:0] if x.ndim else x), Sample(_with_specials(x))]


def _with_specials(x):
    flat = x.reshape(-1).copy()
    for i, v in enumerate((float("nan"), float("inf"), -float("inf"))[: flat.size]):
        flat[i] = v
    return flat.reshape(x.shape)


def _close_samples(draw):
    sa, sb = draw.shapes(2)
    a = draw.values(sa)
    b = a + draw.values(sa) * 1e-6 if draw.integers(0, 1) else draw.values(sb)
    return [Sample(a, b), Sample(a, b, rtol=0.1, atol=0.5)]


def _equal_samples(draw):
    a = draw.values(draw.shape())
    return [Sample(a, a.copy()), Sample(a, a + 1)]


def _compare_op(name, fn, op):
    """``2 < t`` needs no reflected operator: Python asks ``t.__gt__(2)``."""
    return Op(name, fn, operators=(op,), grad=False, samples=binary())


OPS = [
    _compare_op("eq", eq, "__eq__"),
    Op("ne", ne, operators=("__ne__",), aliases=("not_equal",), grad=False, samples=binary()),
    _compare_op("lt", lt, "__lt__"),
    _compare_op("le", le, "__le__"),
    _compare_op("gt", gt, "__gt__"),
    _compare_op("ge", ge, "__ge__"),
    Op("logical_and", logical_and, inplace="logical_and_", grad=False, samples=_bools),
    Op("logical_or", logical_or, inplace="logical_or_", grad=False, samples=_bools),
    Op("logical_xor", logical_xor, inplace="logical_xor_", grad=False, samples=_bools),
    Op("logical_not", logical_not, inplace="logical_not_", grad=False, samples=unary()),
    Op(
        "bitwise_and",
        bitwise_and,
        inplace="bitwise_and_",
        operators=("__and__",),
        reflected=("__rand__",),
        inplace_operators=("__iand__",),
        grad=False,
        samples=_ints,
    ),
    Op(
        "bitwise_or",
        bitwise_or,
        inplace="bitwise_or_",
        operators=("__or__",),
        reflected=("__ror__",),
        inplace_operators=("__ior__",),
        grad=False,
        samples=_ints,
    ),
    Op(
        "bitwise_xor",
        bitwise_xor,
        inplace="bitwise_xor_",
        operators=("__xor__",),
        reflected=("__rxor__",),
        inplace_operators=("__ixor__",),
        grad=False,
        samples=_ints,
    ),
    Op(
        "bitwise_not",
        bitwise_not,
        inplace="bitwise_not_",
        operators=("__invert__",),
        grad=False,
        samples=lambda draw: [Sample(s.args[0]) for s in _ints(draw)[::2]],
    ),
    Op("isnan", isnan, grad=False, samples=_special),
    Op("isinf", isinf, grad=False, samples=_special),
    Op("isfinite", isfinite, grad=False, samples=_special),
    Op("equal", equal, grad=False, samples=_equal_samples),
    Op("allclose", allclose, grad=False, samples=_close_samples),
    Op("isclose", isclose, grad=False, samples=_close_samples),
]
