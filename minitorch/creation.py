"""Factory functions: ``tensor``, ``zeros``, ``arange``, ``randn``, ... taking dtype and device."""

from __future__ import annotations

import builtins

import numpy as np

from . import backend, dtypes
from .random import rng
from .tensor import Tensor

_default_device = backend.CPU


def _device(device) -> backend.device:
    return _default_device if device is None else backend.device(device)


def set_default_device(device) -> None:
    """The device factories use when given no ``device=`` (``None`` puts cpu back)."""
    global _default_device
    _default_device = backend.CPU if device is None else backend.device(device)
    if _default_device.type == "cuda" and _default_device.index is None:
        _default_device = backend.device("cuda", 0)


def get_default_device() -> backend.device:
    """Where factories put new tensors: cpu unless ``set_default_device`` said otherwise."""
    return _default_device


def _size_arg(args: tuple, size) -> tuple:
    """The sizes given as ``zeros(2, 3)``, ``zeros((2, 3))`` or ``zeros(size=(2, 3))``."""
    if size is None:
        return args
    if args:
        raise TypeError("pass the sizes either positionally or as size=, not both")
    return (size,)


def _sizes(size) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    return tuple(builtins.int(s) for s in size)


def _finish(array, device, requires_grad):
    """Move a host array to ``device`` and wrap it (checking requires_grad is allowed)."""
    t = Tensor._wrap(backend.to_device(array, _device(device)))
    if requires_grad:
        t.requires_grad_(True)
    return t


_UNKNOWN = object()  # a leaf _inferred_dtype has no PyTorch dtype for


def _inferred_dtype(data):
    """PyTorch's dtype for nested data: each leaf's own (a Python float: the default dtype; a
    numpy scalar or array: its dtype), promoted across the leaves; None when there are none."""
    if isinstance(data, (list, tuple)):
        types = set(map(type, data))
        if any(issubclass(t, (list, tuple, np.ndarray)) for t in types):
            leaves = data
        elif len(types) == 1:  # a flat list's leaves of one type share their dtype
            leaves = data[:1]
        else:
            leaves = list({type(d): d for d in data}.values())
        found = None
        for item in leaves:
            dt = _inferred_dtype(item)
            if dt is _UNKNOWN:
                return _UNKNOWN
            if dt is not None:
                found = dt if found is None else dtypes.promote_types(found, dt)
        return found
    if isinstance(data, (np.ndarray, np.generic)):
        return data.dtype if data.dtype.kind in "biuf" else _UNKNOWN
    if isinstance(data, builtins.bool):
        return np.dtype(np.bool_)
    if isinstance(data, builtins.int):
        return np.dtype(np.int64)
    if isinstance(data, builtins.float):
        return dtypes.get_default_dtype().numpy_dtype
    return _UNKNOWN


def _infer_numpy(data, dtype):
    """Python data -> numpy array with PyTorch's dtype inference (floats -> default dtype)."""
    if dtype is not None:
        return np.asarray(data, dtype=dtypes.to_numpy_dtype(dtype))
    dt = _inferred_dtype(data)
    if dt is _UNKNOWN:
        raise TypeError(f"Could not infer dtype of {type(data).__name__}")
    return np.asarray(data, dtype=dt if dt is not None else dtypes.get_default_dtype().numpy_dtype)


def _unwrap_nested(data):
    """Replace tensors inside nested lists by their values (``tensor([t1, t2])``)."""
    if isinstance(data, Tensor):
        return backend.to_host(data.array)
    if isinstance(data, (list, tuple)):
        if not any(issubclass(t, (Tensor, list, tuple)) for t in set(map(type, data))):
            return data  # numbers only: nothing to unwrap
        return [_unwrap_nested(d) for d in data]
    return data


def tensor(data, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A new tensor holding a copy of ``data`` (nested lists, numbers, ndarrays, tensors)."""
    if isinstance(data, Tensor):
        arr = data.array.copy()
        if dtype is not None:
            arr = arr.astype(dtypes.to_numpy_dtype(dtype))
        dev = device if device is not None else backend.device_of(arr)
        return _finish(arr, dev, requires_grad)
    if isinstance(data, np.generic):  # a numpy scalar keeps its dtype, as in PyTorch
        data = np.asarray(data)
    if isinstance(data, np.ndarray) or (backend._cupy and isinstance(data, backend._cupy.ndarray)):
        dtypes.from_numpy_dtype(data.dtype)  # TypeError for unsupported dtypes
        arr = data.astype(dtypes.to_numpy_dtype(dtype)) if dtype is not None else data.copy()
        dev = device if device is not None else backend.device_of(arr)
        return _finish(arr, dev, requires_grad)
    return _finish(_infer_numpy(_unwrap_nested(data), dtype), device, requires_grad)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Like ``tensor`` but shares memory when ``data`` already fits (a tensor or an ndarray)."""
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype) if (device or dtype) else data
    if isinstance(data, np.ndarray) and dtype is None and device in (None, "cpu"):
        dtypes.from_numpy_dtype(data.dtype)
        return Tensor._wrap(data)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A cpu tensor sharing memory with ``ndarray`` (changes show in both)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    dtypes.from_numpy_dtype(ndarray.dtype)
    return Tensor._wrap(ndarray)


def _np_dtype(dtype, default=None):
    if dtype is None:
        return (default or dtypes.get_default_dtype()).numpy_dtype
    return dtypes.to_numpy_dtype(dtype)


def _filled(size, fill, dtype, device, requires_grad):
    dev = _device(device)
    xp = backend.module_for(dev)
    shape = _sizes(size)
    if any(s < 0 for s in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension: {list(shape)}")
    if dev.type == "cuda":
        with xp.cuda.Device(dev.index or 0):
            arr = xp.full(shape, fill, dtype=dtype)
    else:
        arr = np.full(shape, fill, dtype=dtype)
    t = Tensor._wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def zeros(*args, size=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _filled(_size_arg(args, size), 0, _np_dtype(dtype), device, requires_grad)


def ones(*args, size=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _filled(_size_arg(args, size), 1, _np_dtype(dtype), device, requires_grad)


def empty(*args, size=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _filled(_size_arg(args, size), 0, _np_dtype(dtype), device, requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad=False) -> Tensor:
    if dtype is None:
        dtype = _infer_numpy(fill_value, None).dtype
    return _filled(
        (size,) if isinstance(size, int) else size,
        fill_value,
        dtypes.to_numpy_dtype(dtype),
        device,
        requires_grad,
    )


def _like(input, dtype, device):
    return (input.array.shape, dtype or input.dtype, device or input.device)


def zeros_like(input, dtype=None, device=None, requires_grad=False) -> Tensor:
    shape, dt, dev = _like(input, dtype, device)
    return zeros(shape, dtype=dt, device=dev, requires_grad=requires_grad)


def ones_like(input, dtype=None, device=None, requires_grad=False) -> Tensor:
    shape, dt, dev = _like(input, dtype, device)
    return ones(shape, dtype=dt, device=dev, requires_grad=requires_grad)


def empty_like(input, dtype=None, device=None, requires_grad=False) -> Tensor:
    shape, dt, dev = _like(input, dtype, device)
    return empty(shape, dtype=dt, device=dev, requires_grad=requires_grad)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False) -> Tensor:
    shape, dt, dev = _like(input, dtype, device)
    return full(shape, fill_value, dtype=dt, device=dev, requires_grad=requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False) -> Tensor:
    """Values from ``start`` to ``end`` (exclusive); int64 unless an argument is a float."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    is_float = any(isinstance(v, float) for v in (start, end, step))
    np_dtype = _np_dtype(dtype, None if is_float else dtypes.int64)
    return _finish(np.arange(start, end, step).astype(np_dtype), device, requires_grad)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _finish(np.linspace(start, end, steps).astype(_np_dtype(dtype)), device, requires_grad)


def eye(n, m=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _finish(np.eye(n, m, dtype=_np_dtype(dtype)), device, requires_grad)


def _float_dtype(dtype, fn: str) -> np.dtype:
    """The numpy dtype for a float-only sampler (PyTorch refuses integer dtypes there too)."""
    dt = _np_dtype(dtype)
    if dt.kind != "f":
        raise NotImplementedError(
            f"{fn}() is only implemented for floating point dtypes, got {dtype}"
        )
    return dt


def rand(*args, size=None, generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """Uniform on [0, 1)."""
    dt = _float_dtype(dtype, "rand")
    arr = rng(generator).random(
        _sizes(_size_arg(args, size)), dtype=np.float64 if dt != np.float32 else dt
    )
    return _finish(arr.astype(dt, copy=False), device, requires_grad)


def randn(*args, size=None, generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """Standard normal."""
    dt = _float_dtype(dtype, "randn")
    arr = rng(generator).standard_normal(
        _sizes(_size_arg(args, size)), dtype=np.float64 if dt != np.float32 else dt
    )
    return _finish(arr.astype(dt, copy=False), device, requires_grad)


def randint(
    low, high=None, size=None, *, generator=None, dtype=None, device=None, requires_grad=False
) -> Tensor:
    """Integers in [low, high); ``randint(high, size)`` also works, as in PyTorch."""
    if size is None:
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    arr = rng(generator).integers(low, high, size=_sizes((size,)))
    return _finish(arr.astype(_np_dtype(dtype, dtypes.int64)), device, requires_grad)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A random permutation of 0..n-1."""
    arr = rng(generator).permutation(n)
    return _finish(arr.astype(_np_dtype(dtype, dtypes.int64)), device, requires_grad)


def normal(mean, std, size=None, *, generator=None, dtype=None, device=None) -> Tensor:
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        m = mean.array if isinstance(mean, Tensor) else mean
        s = std.array if isinstance(std, Tensor) else std
        arr = rng(generator).normal(backend.to_host(m), backend.to_host(s))
        ref = mean if isinstance(mean, Tensor) else std
        return _finish(arr.astype(ref.array.dtype), ref.device, False)
    arr = rng(generator).normal(mean, std, _sizes((size,)))
    return _finish(arr.astype(_np_dtype(dtype)), device, False)


def bernoulli(input, *, generator=None) -> Tensor:
    p = backend.to_host(input.array)
    arr = (rng(generator).random(p.shape) < p).astype(p.dtype)
    return _finish(arr, input.device, False)


def multinomial(input, num_samples, replacement=False, *, generator=None) -> Tensor:
    p = backend.to_host(input.array).astype(np.float64)
    g = rng(generator)
    rows = p.reshape(-1, p.shape[-1])
    out = np.stack(
        [g.choice(len(r), size=num_samples, replace=replacement, p=r / r.sum()) for r in rows]
    )
    return _finish(out.reshape(p.shape[:-1] + (num_samples,)).astype(np.int64), input.device, False)
