"""``minitorch.cuda``: the GPU, through cupy; without one, what a CPU-only PyTorch answers.

Queries never raise (``is_available()`` is False, memory counters are 0, seeding is a no-op);
calls that need a GPU (``current_device``, ``synchronize``, ``get_device_name``, ...) raise
RuntimeError saying why there is none. The cupy module comes from ``backend``, which alone
imports it.
"""

from __future__ import annotations

from . import backend, dtypes
from .tensortype import legacy_type


def is_available() -> bool:
    return backend.cuda_device_count() > 0


def device_count() -> int:
    return backend.cuda_device_count()


def is_initialized() -> bool:
    """True when a GPU is there (cupy needs no separate initialization step)."""
    return is_available()


def init() -> None:
    """Check that a GPU is usable (RuntimeError if not)."""
    _cupy(None)


def is_bf16_supported(including_emulation: bool = True) -> bool:
    """False: minitorch has no bfloat16 dtype."""
    return False


def _index(device) -> int:
    """The GPU index of ``device`` (an int, 'cuda:1', a device, or None for the current one)."""
    if device is None:
        return current_device() if is_available() else 0
    if isinstance(device, int):
        return device
    dev = backend.device(device)
    if dev.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {dev}")
    return dev.index if dev.index is not None else current_device()


def _cupy(device):
    """cupy, after checking that the GPU ``device`` exists (RuntimeError saying why not)."""
    index = 0 if device is None or not is_available() else _index(device)
    return backend.module_for(backend.device("cuda", index))


def current_device() -> int:
    """The index of the GPU cupy is using."""
    return int(_cupy(0).cuda.runtime.getDevice())


def set_device(device) -> None:
    """Make ``device`` the current GPU; a negative index does nothing, as in PyTorch."""
    index = _index(device)
    if index >= 0:
        _cupy(index).cuda.runtime.setDevice(index)


class device:
    """Context manager that makes ``device`` the current GPU inside the ``with`` block."""

    def __init__(self, device) -> None:
        self.idx = -1 if device is None else _index(device)
        self._previous = -1

    def __enter__(self) -> device:
        if self.idx >= 0:
            self._previous = current_device()
            set_device(self.idx)
        return self

    def __exit__(self, *exc_info) -> None:
        if self.idx >= 0:
            set_device(self._previous)


def synchronize(device=None) -> None:
    """Wait for every kernel queued on ``device`` to finish."""
    cp = _cupy(device)
    with cp.cuda.Device(_index(device)):
        cp.cuda.runtime.deviceSynchronize()


class _DeviceProperties:
    """What ``get_device_properties`` returns: name, total_memory, major, minor."""

    def __init__(self, props: dict) -> None:
        name = props["name"]
        self.name = name.decode() if isinstance(name, bytes) else str(name)
        self.total_memory = int(props["totalGlobalMem"])
        self.major = int(props["major"])
        self.minor = int(props["minor"])
        self.multi_processor_count = int(props.get("multiProcessorCount", 0))

    def __repr__(self) -> str:
        return (
            f"_CudaDeviceProperties(name='{self.name}', major={self.major}, minor={self.minor}, "
            f"total_memory={self.total_memory // (1 << 20)}MB, "
            f"multi_processor_count={self.multi_processor_count})"
        )


def get_device_properties(device=None) -> _DeviceProperties:
    index = _index(device)
    return _DeviceProperties(_cupy(index).cuda.runtime.getDeviceProperties(index))


def get_device_name(device=None) -> str:
    return get_device_properties(device).name


def get_device_capability(device=None) -> tuple[int, int]:
    props = get_device_properties(device)
    return props.major, props.minor


# --- memory: cupy's default pool holds every minitorch cuda array --------------------------------
# The pool keeps no peak figure; it grows to the peak and keeps its blocks until empty_cache(), so
# its size is what the max_* functions report.


def memory_allocated(device=None) -> int:
    """Bytes held by live cuda tensors (0 without a GPU)."""
    return int(backend.cupy().get_default_memory_pool().used_bytes()) if is_available() else 0


def memory_reserved(device=None) -> int:
    """Bytes cupy's pool has taken from the GPU (0 without a GPU)."""
    return int(backend.cupy().get_default_memory_pool().total_bytes()) if is_available() else 0


max_memory_allocated = max_memory_reserved = memory_reserved


def reset_peak_memory_stats(device=None) -> None:
    """Nothing to reset: the pool keeps no peak figure."""


def empty_cache() -> None:
    """Give the pool's unused blocks back to the GPU (nothing to do without one)."""
    if is_available():
        backend.cupy().get_default_memory_pool().free_all_blocks()


# --- random numbers: cuda draws come from the default generator, seeded by minitorch.manual_seed --


def manual_seed(seed: int) -> None:
    """No-op: minitorch draws cuda random numbers on the host from the default generator."""


def manual_seed_all(seed: int) -> None:
    """No-op, as ``manual_seed``."""


def seed() -> None:
    """No-op, as ``manual_seed``."""


def seed_all() -> None:
    """No-op, as ``manual_seed``."""


class OutOfMemoryError(RuntimeError):
    """PyTorch's exception for a failed GPU allocation, for code that catches it."""


FloatTensor = legacy_type("FloatTensor", dtypes.float32, is_cuda=True)
DoubleTensor = legacy_type("DoubleTensor", dtypes.float64, is_cuda=True)
HalfTensor = legacy_type("HalfTensor", dtypes.float16, is_cuda=True)
ByteTensor = legacy_type("ByteTensor", dtypes.uint8, is_cuda=True)
CharTensor = legacy_type("CharTensor", dtypes.int8, is_cuda=True)
ShortTensor = legacy_type("ShortTensor", dtypes.int16, is_cuda=True)
IntTensor = legacy_type("IntTensor", dtypes.int32, is_cuda=True)
LongTensor = legacy_type("LongTensor", dtypes.int64, is_cuda=True)
BoolTensor = legacy_type("BoolTensor", dtypes.bool, is_cuda=True)
