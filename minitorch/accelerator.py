"""``minitorch.accelerator``: the device-generic API of PyTorch 2.6+; the accelerator is cuda.

Without a GPU, ``is_available()`` is False, ``current_accelerator()`` None and calls that need a
device raise PyTorch's RuntimeError.
"""

from __future__ import annotations

from . import backend, cuda


def _require() -> None:
    if not cuda.is_available():
        raise RuntimeError("Cannot access accelerator device when none is available.")


def is_available() -> bool:
    return cuda.is_available()


def device_count() -> int:
    return cuda.device_count()


def current_accelerator(check_available: bool = False) -> backend.device | None:
    """``device('cuda')`` when a GPU is there, else None."""
    return backend.device("cuda") if cuda.is_available() else None


def current_device_index() -> int:
    _require()
    return cuda.current_device()


def set_device_index(device, /) -> None:
    _require()
    cuda.set_device(device)


class device_index:
    """Context manager: ``device`` is the current accelerator inside the block (None: no-op)."""

    def __init__(self, device, /) -> None:
        self.idx = device
        self._previous = None

    def __enter__(self) -> device_index:
        if self.idx is not None:
            _require()
            self._previous = cuda.current_device()
            cuda.set_device(self.idx)
        return self

    def __exit__(self, *exc_info) -> None:
        if self._previous is not None:
            cuda.set_device(self._previous)


def synchronize(device=None, /) -> None:
    _require()
    cuda.synchronize(device)


def empty_cache() -> None:
    _require()
    cuda.empty_cache()


def memory_allocated(device_index=None, /) -> int:
    _require()
    return cuda.memory_allocated(device_index)


def max_memory_allocated(device_index=None, /) -> int:
    _require()
    return cuda.max_memory_allocated(device_index)
