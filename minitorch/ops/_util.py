"""Small helpers shared by the op files: operand promotion and PyTorch's error messages."""

from __future__ import annotations

import numpy as np

from .. import backend
from ..dtypes import result_type
from ..tensor import Tensor

_PLAIN_SCALARS = (float, int, bool)

# PyTorch's scalar type names, as its error messages give them.
SCALAR_TYPE_NAMES = {
    "float16": "Half",
    "float32": "Float",
    "float64": "Double",
    "int64": "Long",
    "int32": "Int",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "bool": "Bool",
}


def scalar(x):
    """A Python number as itself; numpy scalars become Python numbers so they promote weakly."""
    if type(x) in _PLAIN_SCALARS:
        return x
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return float(x)
    raise TypeError(f"expected a Tensor or a number, but got {type(x).__name__}")


def operands(a, b):
    """The arrays (or array and number) to compute ``a op b`` with, promoted as PyTorch does."""
    x = a.array if isinstance(a, Tensor) else scalar(a)
    y = b.array if isinstance(b, Tensor) else scalar(b)
    # fast paths: two numpy arrays of one dtype, or a float array and a Python float
    if type(x) is np.ndarray:
        if type(y) is np.ndarray:
            if x.dtype is y.dtype:
                return x, y
        elif type(y) is float and x.dtype.kind == "f":
            return x, y
    xa, ya = hasattr(x, "dtype"), hasattr(y, "dtype")
    if xa and ya:
        if type(x) is not type(y) or not backend.same_device(x, y):
            x, y = _cpu_scalar_to_device(x, y)
        if x.dtype == y.dtype:
            return x, y
    elif not (xa or ya):
        raise TypeError("at least one operand must be a Tensor")
    dt = result_type(x, y)
    if xa and x.dtype != dt:
        x = x.astype(dt)
    if ya and y.dtype != dt:
        y = y.astype(dt)
    return x, y


def _cpu_scalar_to_device(x, y):
    """PyTorch lets a 0-d cpu tensor meet a tensor on another device: it moves along."""
    if x.ndim == 0 and backend.is_cpu(x) and not backend.is_cpu(y):
        return backend.to_device(x, backend.device_of(y)), y
    if y.ndim == 0 and backend.is_cpu(y) and not backend.is_cpu(x):
        return x, backend.to_device(y, backend.device_of(x))
    raise device_mismatch(x, y)


def broadcast_error(*arrays) -> RuntimeError:
    """PyTorch's message for operands that do not broadcast (built only after numpy refused)."""
    return shapes_error(*(getattr(a, "shape", ()) for a in arrays))


def shapes_error(*shapes) -> RuntimeError:
    """PyTorch's message for shapes that do not broadcast: the first clash from the right."""
    ndim = max(len(s) for s in shapes)
    for i in range(ndim - 1, -1, -1):
        sizes = [s[i - ndim + len(s)] for s in shapes if i - ndim + len(s) >= 0]
        big = [n for n in sizes if n != 1]
        if len(set(big)) > 1:
            return RuntimeError(
                f"The size of tensor a ({big[0]}) must match the size of tensor b "
                f"({next(n for n in big if n != big[0])}) at non-singleton dimension {i}"
            )
    return RuntimeError(f"shapes {[list(s) for s in shapes]} cannot be broadcast together")


def device_mismatch(x, y) -> RuntimeError:
    return RuntimeError(
        "Expected all tensors to be on the same device, but found at least two devices, "
        f"{backend.device_of(x)} and {backend.device_of(y)}!"
    )


def meta(x):
    """(shape, dtype) of a tensor operand, the target of its gradient; None for numbers."""
    return (x.array.shape, x.array.dtype) if isinstance(x, Tensor) else None


def metas(a, b):
    """``(meta(a), meta(b))`` in one call (binary ops record both on every forward)."""
    return (
        (a.array.shape, a.array.dtype) if isinstance(a, Tensor) else None,
        (b.array.shape, b.array.dtype) if isinstance(b, Tensor) else None,
    )
