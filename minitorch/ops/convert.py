"""Copies and conversions: clone, dtype casts and device transfers, each differentiable."""

from __future__ import annotations

import builtins

import numpy as np

from .. import backend, dtypes
from ..autograd.function import Function
from ..backend import device_of, to_device
from ..creation import empty, full, ones, tensor, zeros
from ..tensor import Tensor
from .samples import unary
from .table import Op, Sample


class Clone(Function):
    """A copy with its own memory; d/da = grad."""

    @staticmethod
    def forward(ctx, a):
        return a.array.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


class Cast(Function):
    """The values as another dtype; the gradient is cast back to the input's dtype."""

    @staticmethod
    def forward(ctx, a, numpy_dtype):
        ctx.in_dtype = a.array.dtype
        return a.array.astype(numpy_dtype)

    @staticmethod
    def backward(ctx, grad):
        if ctx.in_dtype.kind != "f":
            return None, None
        return Cast.apply(grad, ctx.in_dtype), None


class ToDevice(Function):
    """The values on another device; the gradient travels back to the input's device."""

    @staticmethod
    def forward(ctx, a, device):
        ctx.in_device = device_of(a.array)
        return to_device(a.array, device)

    @staticmethod
    def backward(ctx, grad):
        return ToDevice.apply(grad, ctx.in_device), None


def clone(input, *, memory_format=None):
    """A copy of ``input`` with its own memory; gradients flow back unchanged."""
    return Clone.apply(input)


def contiguous(input, memory_format=None):
    """``input`` itself when its memory is already row-major, else a row-major copy."""
    return input if input.array.flags.c_contiguous else Clone.apply(input)


def parse_to(args, kwargs) -> tuple:
    """(device, dtype, copy) from the call forms of ``to``: ``to(dtype)``, ``to(device)``,
    ``to(device, dtype)``, ``to(other)``, keywords, and Python's float / int / bool as dtypes."""
    dev = kwargs.pop("device", None)
    dt = kwargs.pop("dtype", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
    for a in args:
        if isinstance(a, Tensor):
            dev, dt = a.device, a.dtype
        elif isinstance(a, dtypes.dtype):
            dt = a
        elif isinstance(a, (str, backend.device)):
            dev = a
        elif a is None:
            continue
        elif a in (builtins.float, builtins.int, builtins.bool):
            dt = a
        elif isinstance(a, builtins.bool):
            copy = copy or a
        else:
            raise TypeError(f"to() received an invalid argument {a!r}")
    if dev is not None:
        dev = backend.device(dev)
    if dt is not None and not isinstance(dt, dtypes.dtype):
        # Python's float / int / bool mean float64 / int64 / bool here, as in PyTorch
        python_types = {
            builtins.float: dtypes.float64,
            builtins.int: dtypes.int64,
            builtins.bool: dtypes.bool,
        }
        dt = python_types.get(dt) or dtypes.from_numpy_dtype(dtypes.to_numpy_dtype(dt))
    return dev, dt, copy


def to(input, *args, **kwargs):
    """``input`` on another device and/or as another dtype (itself when nothing changes)."""
    dev, dt, copy = parse_to(args, kwargs)
    out = input
    if dev is not None and backend.device_of(input.array) != dev:
        out = ToDevice.apply(out, dev)
    if dt is not None and out.array.dtype != dt.numpy_dtype:
        out = Cast.apply(out, dt.numpy_dtype)
    if copy and out is input:
        out = Clone.apply(input)
    return out


def cpu(input):
    """``input`` on the CPU."""
    return to(input, backend.CPU)


def cuda(input, device=None, non_blocking=False):
    """``input`` on a GPU (``cuda``, or ``cuda:N`` for an int or device ``N``)."""
    if isinstance(device, (builtins.int, np.integer)):
        device = backend.device("cuda", builtins.int(device))
    return to(input, backend.device(device or "cuda"))


_LEGACY_NAMES = {
    "float32": "FloatTensor",
    "float64": "DoubleTensor",
    "float16": "HalfTensor",
    "int64": "LongTensor",
    "int32": "IntTensor",
    "int16": "ShortTensor",
    "int8": "CharTensor",
    "uint8": "ByteTensor",
    "bool": "BoolTensor",
}


def type(input, dtype=None, non_blocking=False):
    """Without ``dtype``, the legacy type name (``'minitorch.FloatTensor'``); else ``to(dtype)``."""
    if dtype is None:
        where = "" if backend.is_cpu(input.array) else "cuda."
        return f"minitorch.{where}{_LEGACY_NAMES[input.dtype.name]}"
    return to(input, dtype)


def type_as(input, other):
    """``input`` as ``other``'s dtype."""
    return to(input, other.dtype)


def _as(dtype):
    def convert(input, memory_format=None):
        return to(input, dtype)

    convert.__doc__ = f"``input`` as {dtype.name} (``to({dtype!r})``)."
    return convert


def new_tensor(input, data, dtype=None, device=None, requires_grad=False) -> Tensor:
    """``tensor(data)`` with ``input``'s dtype and device unless given."""
    return tensor(
        data, dtype=dtype or input.dtype, device=device or input.device, requires_grad=requires_grad
    )


def new_zeros(input, *size, dtype=None, device=None, requires_grad=False) -> Tensor:
    """``zeros(size)`` with ``input``'s dtype and device unless given."""
    dt, dev = dtype or input.dtype, device or input.device
    return zeros(*size, dtype=dt, device=dev, requires_grad=requires_grad)


def new_ones(input, *size, dtype=None, device=None, requires_grad=False) -> Tensor:
    """``ones(size)`` with ``input``'s dtype and device unless given."""
    dt, dev = dtype or input.dtype, device or input.device
    return ones(*size, dtype=dt, device=dev, requires_grad=requires_grad)


def new_empty(input, *size, dtype=None, device=None, requires_grad=False) -> Tensor:
    """``empty(size)`` with ``input``'s dtype and device unless given."""
    dt, dev = dtype or input.dtype, device or input.device
    return empty(*size, dtype=dt, device=dev, requires_grad=requires_grad)


def new_full(input, size, fill_value, dtype=None, device=None, requires_grad=False) -> Tensor:
    """``full(size, fill_value)`` with ``input``'s dtype and device unless given."""
    dt, dev = dtype or input.dtype, device or input.device
    return full(size, fill_value, dtype=dt, device=dev, requires_grad=requires_grad)


def _new_samples(draw):
    return [Sample(draw.values((2,)), (2, 3))]


OPS = [
    Op("clone", clone, samples=unary()),
    Op("contiguous", contiguous, namespaces=(), samples=unary()),
    Op(
        "to",
        to,
        namespaces=(),
        samples=lambda draw: [Sample(draw.values(draw.shape()), dtypes.float64)],
    ),
    Op("cpu", cpu, namespaces=(), samples=unary()),
    Op("cuda", cuda, namespaces=(), untested="needs a GPU; the device tests cover it"),
    Op("type", type, namespaces=(), grad=False, samples=lambda draw: [Sample(draw.values((2,)))]),
    Op(
        "type_as",
        type_as,
        namespaces=(),
        samples=lambda draw: [Sample(draw.values((2, 3)), draw.values((1,)).astype(np.int64))],
    ),
    Op("float", _as(dtypes.float32), namespaces=(), samples=unary()),
    Op("double", _as(dtypes.float64), namespaces=(), samples=unary()),
    Op("half", _as(dtypes.float16), namespaces=(), grad=False, samples=unary()),
    Op("long", _as(dtypes.int64), namespaces=(), grad=False, samples=unary()),
    Op("int", _as(dtypes.int32), namespaces=(), grad=False, samples=unary()),
    Op("short", _as(dtypes.int16), namespaces=(), grad=False, samples=unary()),
    Op("byte", _as(dtypes.uint8), namespaces=(), grad=False, samples=unary(0.0, 200.0)),
    Op("char", _as(dtypes.int8), namespaces=(), grad=False, samples=unary(-100.0, 100.0)),
    Op("bool", _as(dtypes.bool), namespaces=(), grad=False, samples=unary()),
    Op(
        "new_tensor",
        new_tensor,
        namespaces=(),
        grad=False,
        samples=lambda d: [Sample(d.values((2,)), [[1.0, 2.0]])],
    ),
    Op("new_zeros", new_zeros, namespaces=(), grad=False, samples=_new_samples),
    Op("new_ones", new_ones, namespaces=(), grad=False, samples=_new_samples),
    Op("new_empty", new_empty, namespaces=(), grad=False, untested="uninitialized values"),
    Op(
        "new_full",
        new_full,
        namespaces=(),
        grad=False,
        samples=lambda d: [Sample(d.values((2,)), (2, 3), 1.5)],
    ),
]
