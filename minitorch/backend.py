"""Devices and their array modules: numpy for ``cpu``, cupy for ``cuda``.

This is the only module that knows cupy exists. Op code asks ``get_array_module(array)`` for the
module of its inputs, so the same code runs on both.
"""

from __future__ import annotations

import numpy as np

_cupy = None  # the cupy module once imported (tests may put a simulated one here)
_cuda_count: int | None = None  # cached device count; computed once, never raises


def cupy():
    """The cupy module, or None when it is not installed."""
    global _cupy
    if _cupy is None:
        try:
            import cupy as cp
        except Exception:
            return None
        _cupy = cp
    return _cupy


def cuda_device_count() -> int:
    """How many CUDA devices cupy can use here (0 without cupy or a GPU); computed once."""
    global _cuda_count
    if _cuda_count is None:
        cp = cupy()
        try:
            _cuda_count = int(cp.cuda.runtime.getDeviceCount()) if cp is not None else 0
        except Exception:
            _cuda_count = 0
    return _cuda_count


class device:
    """Where a tensor's data lives: ``device('cpu')``, ``device('cuda')``, ``device('cuda', 1)``."""

    __slots__ = ("type", "index")

    def __init__(self, type, index: int | None = None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, str) and ":" in type:
            type, _, idx = type.partition(":")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = int(idx)
        if type not in ("cpu", "cuda"):
            raise RuntimeError(
                f"Expected one of cpu, cuda device type at start of device string: {type}"
            )
        if type == "cpu" and index not in (None, 0):
            raise RuntimeError(f"CPU device index must be -1 or zero, got {index}")
        self.type = type
        self.index = index

    def __repr__(self) -> str:
        return f"device(type='{self.type}'{'' if self.index is None else f', index={self.index}'})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            other = device(other)
        if not isinstance(other, device):
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))


CPU = device("cpu")


def get_array_module(array):
    """numpy or cupy, whichever owns ``array``."""
    if type(array) is np.ndarray or _cupy is None or not isinstance(array, _cupy.ndarray):
        return np
    return _cupy


def device_of(array) -> device:
    """The device an array lives on (cuda arrays carry their GPU index)."""
    if type(array) is np.ndarray or _cupy is None or not isinstance(array, _cupy.ndarray):
        return CPU
    return device("cuda", array.device.id)


def is_cpu(array) -> bool:
    return type(array) is np.ndarray or _cupy is None or not isinstance(array, _cupy.ndarray)


def same_device(a, b) -> bool:
    """True when two arrays can meet in one op without a transfer."""
    if type(a) is np.ndarray and type(b) is np.ndarray:
        return True
    return device_of(a) == device_of(b)


def to_device(array, dev: device):
    """Copy an array to ``dev`` (no copy when it is already there)."""
    if dev.type == "cpu":
        if is_cpu(array):
            return array
        return _cupy.asnumpy(array)
    cp = _require_cuda(dev)
    index = dev.index or 0
    if not is_cpu(array) and array.device.id == index:
        return array
    with cp.cuda.Device(index):
        return cp.asarray(array)


def module_for(dev: device):
    """The array module of a device (checks that a cuda device really exists)."""
    if dev.type == "cpu":
        return np
    return _require_cuda(dev)


def _require_cuda(dev: device):
    cp = cupy()
    count = cuda_device_count()
    if count == 0:
        raise RuntimeError(
            f"Cannot use device '{dev}': no CUDA GPU is available "
            + (
                "(cupy is not installed: pip install 'minitorch[cuda]')"
                if cp is None
                else "(cupy is installed but found no GPU)"
            )
        )
    if (dev.index or 0) >= count:
        raise RuntimeError(f"CUDA error: invalid device ordinal {dev.index} (found {count} GPUs)")
    return cp


def to_host(array) -> np.ndarray:
    """A numpy array with the same values (for printing, ``numpy()`` and saving)."""
    return array if is_cpu(array) else _cupy.asnumpy(array)
