"""The legacy typed constructors: ``FloatTensor``, ``LongTensor``, ... and ``cuda.FloatTensor``.

Old PyTorch code builds tensors with them (``LongTensor([1, 2])``, ``FloatTensor(3, 4)``) and
tests types with them (``isinstance(x, FloatTensor)``). Each is a class whose instances are never
made: calling it returns an ordinary ``Tensor`` of its dtype and device, and ``isinstance`` asks
the tensor's dtype and device, as PyTorch's ``torch.tensortype`` does.
"""

from __future__ import annotations

import builtins

import numpy as np

from . import backend, creation, dtypes
from .shapes import Size
from .tensor import Tensor


class tensortype(type):
    """The metaclass of the legacy types: calling one makes a tensor; isinstance checks dtype."""

    dtype: dtypes.dtype
    is_cuda: builtins.bool

    def __call__(cls, *args, device=None) -> Tensor:
        """``T()``, ``T(*sizes)``, ``T(Size)``, ``T(data)`` or ``T(tensor)`` (shares its data)."""
        if device is None:
            device = "cuda" if cls.is_cuda else "cpu"
        if (backend.device(device).type == "cuda") != cls.is_cuda:
            raise RuntimeError(
                f"legacy constructor expects device type: {'cuda' if cls.is_cuda else 'cpu'} but "
                f"device type: {backend.device(device).type} was passed"
            )
        if cls.is_cuda and backend.cuda_device_count() == 0:
            raise TypeError(f"type {cls.__module__}.{cls.__name__} not available: no CUDA GPU")
        if not args:
            return creation.empty(0, dtype=cls.dtype, device=device)
        data = args[0]
        if len(args) == 1 and isinstance(data, Tensor):
            if data.dtype is not cls.dtype or data.is_cuda != cls.is_cuda:
                raise TypeError(
                    f"expected {cls.dtype} on {'cuda' if cls.is_cuda else 'cpu'} (got "
                    f"{data.dtype} on {data.device.type})"
                )
            return data.detach()
        if builtins.all(isinstance(a, (builtins.int, np.integer)) for a in args):
            return creation.empty(*args, dtype=cls.dtype, device=device)
        if len(args) == 1 and isinstance(data, Size):
            return creation.empty(data, dtype=cls.dtype, device=device)
        if len(args) > 1:
            raise TypeError(
                f"{cls.__name__}() takes sizes as integers or one data argument, got "
                f"{', '.join(type(a).__name__ for a in args)}"
            )
        return creation.tensor(data, dtype=cls.dtype, device=device)

    def __instancecheck__(cls, obj) -> builtins.bool:
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj.is_cuda == cls.is_cuda

    def __repr__(cls) -> str:
        return f"<class '{cls.__module__}.{cls.__name__}'>"


def legacy_type(name: str, dtype: dtypes.dtype, is_cuda: builtins.bool = False) -> tensortype:
    """A legacy type ``name`` for tensors of ``dtype`` on cpu (or on cuda)."""
    module = "minitorch.cuda" if is_cuda else "minitorch"
    return tensortype(name, (), {"dtype": dtype, "is_cuda": is_cuda, "__module__": module})


FloatTensor = legacy_type("FloatTensor", dtypes.float32)
DoubleTensor = legacy_type("DoubleTensor", dtypes.float64)
HalfTensor = legacy_type("HalfTensor", dtypes.float16)
ByteTensor = legacy_type("ByteTensor", dtypes.uint8)
CharTensor = legacy_type("CharTensor", dtypes.int8)
ShortTensor = legacy_type("ShortTensor", dtypes.int16)
IntTensor = legacy_type("IntTensor", dtypes.int32)
LongTensor = legacy_type("LongTensor", dtypes.int64)
BoolTensor = legacy_type("BoolTensor", dtypes.bool)
