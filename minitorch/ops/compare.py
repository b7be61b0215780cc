"""Comparisons and logic: boolean results, never differentiable."""

from __future__ import annotations

import numpy as np

from ..backend import get_array_module
from ..tensor import Tensor
from ._util import operands

_NUMBERS = (int, float, bool, np.number, np.bool_)


def _compare(name, a, b):
    if not isinstance(b, (Tensor, *_NUMBERS)) or not isinstance(a, (Tensor, *_NUMBERS)):
        return NotImplemented
    x, y = operands(a, b)
    return Tensor._wrap(getattr(get_array_module(x if hasattr(x, "dtype") else y), name)(x, y))


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
    if name.startswith("bitwise") and getattr(x, "dtype", getattr(y, "dtype", None)).kind == "f":
        raise RuntimeError(f"\"{name}_cpu\" not implemented for 'Float'")
    return Tensor._wrap(getattr(get_array_module(x if hasattr(x, "dtype") else y), name)(x, y))


def invert(input):
    x = input.array
    if x.dtype.kind == "f":
        raise RuntimeError("~ (bitwise_not) is only supported for integer and boolean tensors")
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
    x, y = operands(input, other)
    return bool(get_array_module(x).allclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    x, y = operands(input, other)
    return Tensor._wrap(
        get_array_module(x).isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan)
    )
