"""A simulated cupy module, so minitorch's real ``cuda`` code path runs on a machine without a GPU.

Tests put this module where the backend expects ``cupy``. Arrays are :class:`SimArray`, a numpy
subclass that lives in host memory but behaves like a ``cupy.ndarray`` where it matters for
finding bugs: every op result stays a device array (0-d arrays, never numpy scalars), and an op
that mixes a host ``numpy.ndarray`` (or, for ufuncs, a list) with device arrays raises
``TypeError``, as cupy does on a GPU machine. The module namespace forwards to numpy, wrapping
functions so they accept only device arrays and return device arrays.

What it cannot catch: ``numpy.asarray(sim)`` / ``numpy.array(sim)`` silently give a host array
(an ndarray subclass cannot refuse), and ``isinstance(sim, numpy.ndarray)`` is True, which a real
``cupy.ndarray`` is not, so code must test for ``cupy.ndarray`` first. Tests should check the
device of results.
"""

from __future__ import annotations

import functools
import sys
import types

import numpy as np

_current_device_id = 0  # like cupy's current device (thread-local there, global here)

# Numpy names that cupy 14 does not export: op code that uses one would break on a GPU machine.
_NUMPY_ONLY = frozenset(
    "False_ ScalarType True_ asmatrix block bmat busday_count busday_offset busdaycalendar bytes_ "
    "char character clongdouble complex256 core ctypeslib datetime64 datetime_as_string "
    "datetime_data dtypes einsum_path emath errstate f2py flexible float128 frompyfunc fromregex "
    "geomspace get_include getbufsize geterr geterrcall histogram_bin_edges info insert is_busday "
    "isnat little_endian longdouble ma matrix matvec memmap nanpercentile nanquantile ndenumerate "
    "nditer nested_iters object_ polyder polydiv polyint rec recarray record sctypeDict setbufsize "
    "seterr seterrcall show_runtime spacing str_ strings test timedelta64 typecodes unstack vecdot "
    "vecmat void".split()
)

# cupy's ufunc methods exist only for some ufuncs (`cupy_maximum.reduce` is not supported yet).
_UFUNC_METHODS = {
    "at": {"add", "subtract", "maximum", "minimum"},
    "reduce": {"add", "multiply"},
    "accumulate": {"add", "multiply"},
    "reduceat": {"add"},
}
# dtypes cupy's scatter kernels (CUDA atomics) accept: `add.at` on int64 fails on a GPU.
_SCATTER_DTYPES = {
    "add": (np.float16, np.float32, np.float64, np.int32, np.uint32, np.uint64),
    "maximum": (np.float32, np.float64, np.int32, np.uint32, np.uint64),
    "minimum": (np.float32, np.float64, np.int32, np.uint32, np.uint64),
}
# numpy's random generators draw host arrays: they are wrapped so their draws land on the device.
_RANDOM_STATES = (np.random.Generator, np.random.RandomState)


class CUDARuntimeError(RuntimeError):
    """Stands for ``cupy.cuda.runtime.CUDARuntimeError`` (a RuntimeError, as in cupy)."""


class SimArray(np.ndarray):
    """A ``cupy.ndarray`` on GPU ``device.id``, simulated by an ndarray subclass in host memory."""

    _device_id: int

    def __array_finalize__(self, obj):
        # Views and copies stay on their source's device; new arrays go to the current one.
        self._device_id = getattr(obj, "_device_id", _current_device_id)

    @property
    def device(self) -> Device:
        """The GPU holding the array, like ``cupy.ndarray.device``."""
        return Device(self._device_id)

    def get(self, stream=None, order="C", out=None, blocking=True) -> np.ndarray:
        """Device -> host copy: a plain ``numpy.ndarray``."""
        host = np.array(self.view(np.ndarray), order=order, copy=True)
        if out is None:
            return host
        out[...] = host
        return out

    def set(self, arr, stream=None) -> None:
        """Host -> device copy into this array; shapes and dtypes must match, as in cupy."""
        if arr.shape != self.shape:
            raise ValueError(f"Shape mismatch. Old shape: {self.shape}, new shape: {arr.shape}")
        if arr.dtype != self.dtype:
            raise TypeError(f"dtype mismatch: (old dtype: {self.dtype}, new dtype: {arr.dtype})")
        self.view(np.ndarray)[...] = arr

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """Elementwise and reduction kernels: device operands only, on the current device."""
        if method == "at":
            a, indices, *values = inputs  # host index arrays are fine: cupy copies them over
            _check_current(_device_of([a, values]))
            seen = {}
            ufunc.at(_unwrap(a, seen), _unwrap(indices, seen), *_unwrap(values, seen))
            return None
        _reject_sequences(inputs)
        return _on_device(getattr(ufunc, method), inputs, kwargs, kernel=True)

    def __array_function__(self, func, types, args, kwargs):
        """``numpy.f(sim, ...)`` gives device arrays, as cupy's own __array_function__ does."""
        return _on_device(func, args, kwargs)

    def __getitem__(self, key):
        """Picking one element gives a 0-d array, as in cupy, not a numpy scalar."""
        return _wrap(super().__getitem__(key), self._device_id, {})

    def __setitem__(self, key, value):
        """Assigning a host array is refused (cupy's ``a[:] = host`` fails too)."""
        host_scalar = type(value) is np.ndarray and value.ndim == 0  # cupy's fill() takes it
        _device_of(self if host_scalar else [self, value])
        super().__setitem__(key, value)

    # ndarray's C methods below skip __array_ufunc__/__array_function__ and would hand back
    # numpy scalars or host arrays; they are routed like any other op.
    def argmax(self, *args, **kwargs):
        """Index of the maximum (0-d for a full reduction)."""
        return _on_device(np.ndarray.argmax, (self, *args), kwargs)

    def argmin(self, *args, **kwargs):
        """Index of the minimum (0-d for a full reduction)."""
        return _on_device(np.ndarray.argmin, (self, *args), kwargs)

    def dot(self, *args, **kwargs):
        """Matrix product (0-d for two vectors)."""
        return _on_device(np.ndarray.dot, (self, *args), kwargs)

    def take(self, *args, **kwargs):
        """Elements at indices (0-d for a scalar index)."""
        return _on_device(np.ndarray.take, (self, *args), kwargs)

    def trace(self, *args, **kwargs):
        """Sum of a diagonal (0-d for a matrix)."""
        return _on_device(np.ndarray.trace, (self, *args), kwargs)

    def searchsorted(self, *args, **kwargs):
        """Insertion indices (0-d for a scalar value)."""
        return _on_device(np.ndarray.searchsorted, (self, *args), kwargs)

    def nonzero(self):
        """Indices of non-zero elements, as device arrays."""
        return _on_device(np.ndarray.nonzero, (self,), {})


class Device:
    """``cupy.cuda.Device``: an id, usable as a context manager that makes it current."""

    def __init__(self, device: int | None = None):
        self.id = _current_device_id if device is None else int(device)
        self._previous: list[int] = []

    def use(self) -> None:
        """Make this device the current one."""
        global _current_device_id
        if not 0 <= self.id < runtime.getDeviceCount():
            raise CUDARuntimeError("cudaErrorInvalidDevice: invalid device ordinal")
        _current_device_id = self.id

    def synchronize(self) -> None:
        """Nothing to wait for: every simulated kernel has finished when it returns."""

    @property
    def compute_capability(self) -> str:
        """An Ampere-class GPU, for code that asks."""
        return "80"

    def __enter__(self) -> Device:
        self._previous.append(_current_device_id)
        self.use()
        return self

    def __exit__(self, *exc_info) -> None:
        global _current_device_id
        _current_device_id = self._previous.pop()

    def __eq__(self, other) -> bool:
        return isinstance(other, Device) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"<CUDA Device {self.id}>"


class _Runtime:
    """``cupy.cuda.runtime``; set ``device_count`` to pretend the machine has more GPUs."""

    CUDARuntimeError = CUDARuntimeError
    device_count = 1

    def getDeviceCount(self) -> int:
        return self.device_count

    def getDevice(self) -> int:
        return _current_device_id

    def setDevice(self, device: int) -> None:
        Device(device).use()

    def getDeviceProperties(self, device: int) -> dict:
        return {"name": b"Simulated GPU", "totalGlobalMem": 16 << 30, "major": 8, "minor": 0}

    def deviceSynchronize(self) -> None:
        pass


class _MemoryPool:
    """``cupy.get_default_memory_pool()``: host memory belongs to numpy, so nothing is pooled."""

    def used_bytes(self) -> int:
        return 0

    def total_bytes(self) -> int:
        return 0

    def free_all_blocks(self) -> None:
        pass


runtime = _Runtime()
_memory_pool = _MemoryPool()


def is_available() -> bool:
    """A simulated GPU is always there."""
    return True


cuda = types.SimpleNamespace(
    Device=Device,
    runtime=runtime,
    is_available=is_available,
    get_device_id=lambda: _current_device_id,
    get_current_stream=lambda: types.SimpleNamespace(synchronize=lambda: None),
)
ndarray = SimArray


def get_default_memory_pool() -> _MemoryPool:
    return _memory_pool


def get_array_module(*args):
    """This module if any argument is a device array, else numpy (as ``cupy.get_array_module``)."""
    if any(isinstance(a, SimArray) for a in args):
        return sys.modules[__name__]
    return np


def asarray(a, dtype=None, order=None, **kwargs) -> SimArray:
    """Host data -> new device array; a device array of the right dtype is returned as is."""
    return array(a, dtype=dtype, copy=False, order=order)


asanyarray = asarray


def array(obj, dtype=None, copy=True, order=None, ndmin=0, **kwargs) -> SimArray:
    """Host or device data -> device array. Host data is always copied (it has to cross to the
    GPU); device data only when ``copy`` is true or the dtype or layout asks for it."""
    if isinstance(obj, SimArray):
        device, copy = obj._device_id, (True if copy else None)
    else:
        device, copy = _current_device_id, True
    seen = {}
    host = np.array(_unwrap(obj, seen), dtype=dtype, copy=copy, order=order or "K", ndmin=ndmin)
    return _wrap(host, device, seen)


def asnumpy(a, stream=None, order="C", out=None, blocking=True) -> np.ndarray:
    """Device -> host copy; host input comes back as a numpy array, as in cupy."""
    if isinstance(a, SimArray):
        return a.get(order=order, out=out)
    return np.asarray(a, order=order)


class _Ufunc:
    """A numpy ufunc seen as a cupy ufunc: device operands only, and only cupy's methods."""

    def __init__(self, ufunc: np.ufunc):
        self._ufunc = ufunc
        self.__name__ = ufunc.__name__

    def __call__(self, *args, **kwargs):
        _reject_sequences(args)
        return _on_device(self._ufunc, args, kwargs, kernel=True)

    def at(self, a, indices, b=None) -> None:
        """cupy's scatter op: ``a[indices] op= b`` with repeated indices accumulating."""
        self._check_method("at")
        if not isinstance(a, SimArray):
            raise TypeError(f"Unsupported type {type(a)}")
        allowed = _SCATTER_DTYPES.get(self.__name__)
        if allowed is not None and a.dtype.type not in allowed:
            raise TypeError(f"scatter_{self.__name__} does not support {a.dtype} as data type")
        self._ufunc.at(a, indices, *(() if b is None else (b,)))

    def _check_method(self, name: str) -> None:
        if self.__name__ not in _UFUNC_METHODS.get(name, (self.__name__,)):
            raise NotImplementedError(f"`cupy_{self.__name__}.{name}` is not supported yet")

    def __getattr__(self, name: str):
        if name.startswith("_"):  # also keeps copy/pickle from recursing before __init__
            raise AttributeError(name)
        self._check_method(name)
        return _device_attr(self._ufunc, name)

    def __repr__(self) -> str:
        return f"<simulated cupy ufunc '{self.__name__}'>"


class _DeviceNamespace:
    """A numpy namespace (``linalg``, ``random``, ``lib.stride_tricks``, a random generator)
    whose functions take and return device arrays."""

    def __init__(self, target):
        self._target = target

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        value = _device_attr(self._target, name)
        setattr(self, name, value)  # cache: later look-ups skip __getattr__
        return value

    def __repr__(self) -> str:
        return f"<simulated cupy view of {self._target!r}>"


def __getattr__(name: str):
    """Any other cupy name: numpy's, made to run on device arrays (PEP 562 module getattr)."""
    if name.startswith("_") or name in _NUMPY_ONLY:
        raise AttributeError(f"module 'cupy' has no attribute {name!r}")
    value = _device_attr(np, name)
    globals()[name] = value  # cache: later look-ups skip __getattr__
    return value


def _device_attr(target, name: str):
    """``target.name`` adapted to device arrays (types such as ``float32`` pass as they are)."""
    attr = getattr(target, name)
    if isinstance(attr, np.ufunc):
        return _Ufunc(attr)
    if isinstance(attr, types.ModuleType):
        return _DeviceNamespace(attr)
    if isinstance(attr, type) and not issubclass(attr, _RANDOM_STATES):
        return attr
    if callable(attr):
        return _device_function(attr)
    return attr


def _device_function(fn):
    """``fn`` made to take and return device arrays."""

    @functools.wraps(fn)
    def call(*args, **kwargs):
        return _on_device(fn, args, kwargs)

    return call


def _on_device(fn, args: tuple, kwargs: dict, kernel: bool = False):
    """Run numpy's ``fn`` on device operands: check, strip to plain arrays, call, wrap back.

    A ``kernel`` (elementwise or reduction) must also run with its operands' device current.
    """
    device = _device_of([args, kwargs])
    if kernel:
        _check_current(device)
    seen = {}
    result = fn(*_unwrap(args, seen), **_unwrap(kwargs, seen))
    return _wrap(result, _current_device_id if device is None else device, seen)


def _device_of(tree) -> int | None:
    """The one device of the arrays in ``tree`` (None if none), refusing host arrays."""
    devices = set()
    stack = [tree]
    while stack:
        x = stack.pop()
        if isinstance(x, SimArray):
            devices.add(x._device_id)
        elif isinstance(x, np.ndarray):
            raise TypeError(
                f"Unsupported type {type(x)}: a host array (shape {x.shape}) cannot be mixed "
                "with device arrays; move it with asarray() first"
            )
        elif isinstance(x, (list, tuple)):
            stack.extend(x)
        elif isinstance(x, dict):
            stack.extend(x.values())
    if len(devices) > 1:
        raise ValueError(f"arrays on different devices {sorted(devices)} in one op")
    return devices.pop() if devices else None


def _check_current(device: int | None) -> None:
    """A kernel runs on the current device, which must hold its operands (cupy without peer
    access raises; with it, the result would silently land on the current device)."""
    if device is not None and device != _current_device_id:
        raise ValueError(
            f"The device where the array resides ({device}) is different from the current "
            f"device ({_current_device_id})."
        )


def _reject_sequences(operands) -> None:
    """cupy ufuncs take arrays and scalars, not lists (``cupy.add(a, [1, 2])`` fails)."""
    for x in operands:
        if isinstance(x, (list, tuple)):
            raise TypeError(f"Unsupported type {type(x)}")


def _unwrap(x, seen: dict):
    """Device arrays in ``x`` -> plain ndarray views, remembered in ``seen`` for :func:`_wrap`."""
    if isinstance(x, SimArray):
        plain = x.view(np.ndarray)
        seen[id(plain)] = (plain, x)
        return plain
    if isinstance(x, list):
        return [_unwrap(i, seen) for i in x]
    if isinstance(x, tuple):
        return tuple(_unwrap(i, seen) for i in x)
    if isinstance(x, dict):
        return {k: _unwrap(v, seen) for k, v in x.items()}
    return x


def _wrap(x, device: int, seen: dict):
    """numpy results -> device arrays: ndarrays and numpy scalars (as 0-d) land on ``device``;
    an argument handed back (``out=``) is returned as the caller's own array."""
    if isinstance(x, np.ndarray):
        plain, original = seen.get(id(x), (None, None))
        if plain is x:
            return original
        result = x.view(SimArray)
        result._device_id = device
        return result
    if isinstance(x, np.generic):
        return _wrap(np.asarray(x), device, seen)
    if isinstance(x, tuple) and hasattr(x, "_fields"):  # named results, e.g. linalg.eigh
        return type(x)(*(_wrap(i, device, seen) for i in x))
    if isinstance(x, (list, tuple)):
        return type(x)(_wrap(i, device, seen) for i in x)
    if isinstance(x, _RANDOM_STATES):
        return _DeviceNamespace(x)
    return x
