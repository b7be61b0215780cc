"""minitorch's dtypes: thin names over numpy dtypes, with PyTorch's promotion rules."""

from __future__ import annotations

import builtins

import numpy as np


class dtype:
    """An element type such as ``minitorch.float32``; ``numpy_dtype`` is what the array holds."""

    __slots__ = ("name", "numpy_dtype", "is_floating_point", "is_signed", "itemsize")

    def __init__(self, name: str, numpy_dtype):
        self.name = name
        self.numpy_dtype = np.dtype(numpy_dtype)
        self.is_floating_point = self.numpy_dtype.kind == "f"
        self.is_signed = self.numpy_dtype.kind in "fi"
        self.itemsize = self.numpy_dtype.itemsize

    def __repr__(self) -> str:
        return f"minitorch.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))


float16 = half = dtype("float16", np.float16)
float32 = float = dtype("float32", np.float32)
float64 = double = dtype("float64", np.float64)
uint8 = dtype("uint8", np.uint8)
int8 = dtype("int8", np.int8)
int16 = short = dtype("int16", np.int16)
int32 = int = dtype("int32", np.int32)
int64 = long = dtype("int64", np.int64)
bool = dtype("bool", np.bool_)  # noqa: A001  (PyTorch's name)

ALL = (float16, float32, float64, uint8, int8, int16, int32, int64, bool)
_BY_NUMPY = {d.numpy_dtype: d for d in ALL}
_BY_NAME = {d.name: d for d in ALL}


def _by_name(name: str) -> dtype:
    return _BY_NAME[name]


_default_float = float32


def get_default_dtype() -> dtype:
    return _default_float


def set_default_dtype(d: dtype) -> None:
    """Set the dtype of float tensors made from Python floats (float32 unless changed)."""
    global _default_float
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default_float = d


def from_numpy_dtype(np_dtype) -> dtype:
    """The minitorch dtype of a numpy dtype; TypeError for ones PyTorch has no name for here."""
    found = _BY_NUMPY.get(np_dtype)
    if found is None:
        found = _BY_NUMPY.get(np.dtype(np_dtype))
        if found is None:
            raise TypeError(
                f"can't convert np.ndarray of type {np.dtype(np_dtype)}. The only supported types "
                "are: float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
            )
    return found


def to_numpy_dtype(d) -> np.dtype:
    """Accept a minitorch dtype (or a numpy dtype / Python type, for convenience)."""
    if isinstance(d, dtype):
        return d.numpy_dtype
    if d is builtins.float:
        return _default_float.numpy_dtype
    if d is builtins.int:
        return np.dtype(np.int64)
    if d is builtins.bool:
        return np.dtype(np.bool_)
    return from_numpy_dtype(np.dtype(d)).numpy_dtype


# Category order used by PyTorch's promotion: bool < integer < floating point.
_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}


def _scalar_category(x) -> int:
    if isinstance(x, builtins.bool):
        return 0
    if isinstance(x, builtins.int):
        return 1
    return 2


def promote_types(da: np.dtype, db: np.dtype) -> np.dtype:
    """The dtype two tensors of these dtypes combine to: the higher category wins."""
    if da == db:
        return da
    ca, cb = _CATEGORY[da.kind], _CATEGORY[db.kind]
    if ca != cb:
        return da if ca > cb else db
    return np.promote_types(da, db)


def result_type(a, b) -> np.dtype:
    """PyTorch's promotion for two operands, each an ndarray (tensor) or a Python scalar.

    Differs from numpy where categories differ: int64 tensor + float32 tensor is float32 (numpy
    says float64), int tensor + Python float is the default float dtype. 0-d tensors take part
    only when no dimensioned tensor of their category is present, as in PyTorch.
    """
    a_arr = hasattr(a, "dtype")
    b_arr = hasattr(b, "dtype")
    if a_arr and b_arr:
        da, db = a.dtype, b.dtype
        if da == db:
            return da
        ca, cb = _CATEGORY[da.kind], _CATEGORY[db.kind]
        if ca != cb:
            return da if ca > cb else db
        if a.ndim == 0 and b.ndim != 0:
            return db
        if b.ndim == 0 and a.ndim != 0:
            return da
        return promote_types(da, db)
    arr, scalar = (a, b) if a_arr else (b, a)
    cs = _scalar_category(scalar)
    if cs > _CATEGORY[arr.dtype.kind]:
        return _default_float.numpy_dtype if cs == 2 else np.dtype(np.int64)
    return arr.dtype


class _TypeInfo:
    """What finfo and iinfo share: two are equal when they describe the same dtype."""

    dtype: str

    def __eq__(self, other) -> builtins.bool:
        return type(other) is type(self) and self.dtype == other.dtype

    def __hash__(self) -> builtins.int:
        return hash(self.dtype)


class finfo(_TypeInfo):
    """Limits of a floating-point dtype (default: the default dtype), as ``torch.finfo``.

    ``eps`` is the gap above 1.0, ``tiny`` (= ``smallest_normal``) the smallest positive normal
    number, ``resolution`` ``10 ** -precision``; all are Python floats, ``dtype`` is a name.
    """

    def __init__(self, type: dtype | None = None):  # noqa: A002  (PyTorch's argument name)
        if type is None or type is builtins.float:
            type = _default_float
        if not isinstance(type, dtype):
            raise TypeError(
                f"finfo(): argument 'type' (position 1) must be minitorch.dtype, not "
                f"{builtins.type(type).__name__}"
            )
        if not type.is_floating_point:
            raise TypeError(
                "minitorch.finfo() requires a floating point input type. Use minitorch.iinfo to "
                f"handle '{type}'"
            )
        info = np.finfo(type.numpy_dtype)
        self.bits = info.bits
        self.eps = builtins.float(info.eps)
        self.max = builtins.float(info.max)
        self.min = builtins.float(info.min)
        self.tiny = self.smallest_normal = builtins.float(info.smallest_normal)
        self.resolution = 10.0**-info.precision  # numpy's float16 value is rounded (0.0010004)
        self.dtype = type.name

    def __repr__(self) -> str:
        return (
            f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
            f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, "
            f"dtype={self.dtype})"
        )


class iinfo(_TypeInfo):
    """Limits of an integer dtype, as ``torch.iinfo``: ``bits``, ``min``, ``max`` (Python ints)."""

    def __init__(self, type: dtype):  # noqa: A002  (PyTorch's argument name)
        if not isinstance(type, dtype):
            raise TypeError(
                f"iinfo(): argument 'type' (position 1) must be minitorch.dtype, not "
                f"{builtins.type(type).__name__}"
            )
        if type is bool:
            raise TypeError(f"{type} is not supported by minitorch.iinfo")
        if type.is_floating_point:
            raise TypeError(
                "minitorch.iinfo() requires an integer input type. Use minitorch.finfo to "
                f"handle '{type}'"
            )
        info = np.iinfo(type.numpy_dtype)
        self.bits = info.bits
        self.min = builtins.int(info.min)
        self.max = builtins.int(info.max)
        self.dtype = type.name

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"
