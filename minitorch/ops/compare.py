"""Comparisons and logic: boolean results, never differentiable."""

from __future__ import annotations

import numpy as np

from ..backend import get_array_module
from ..tensor import Tensor
from ._util import SCALAR_TYPE_NAMES, broadcast_error, operands

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
    return _compare("equal", input, other)


def ne(input, other):
    return _compare("not_equal", input, other)


def lt(input, other):
    return _compare("less", input, other)


def le(input, other):
    return _compare("less_equal", input, other)


def gt(input, other):
    return _compare("greater", input, other)


def ge(input, other):
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
    return logical_op("logical_and", input, other)


def logical_or(input, other):
    return logical_op("logical_or", input, other)


def logical_xor(input, other):
    return logical_op("logical_xor", input, other)


def invert(input):
    x = input.array
    if x.dtype.kind == "f":
        raise TypeError(
            "~ (operator.invert) is only implemented on integer and Boolean-type tensors"
        )
    return Tensor._wrap(get_array_module(x).invert(x))


def logical_not(input):
    x = input.array
    return Tensor._wrap(get_array_module(x).logical_not(x))


def isnan(input):
    x = input.array
    return Tensor._wrap(get_array_module(x).isnan(x))


def isinf(input):
    x = input.array
    return Tensor._wrap(get_array_module(x).isinf(x))


def isfinite(input):
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
