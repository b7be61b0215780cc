"""``minitorch.cuda``: is a GPU usable here? Never raises, whatever is (not) installed."""

from . import backend


def is_available() -> bool:
    return backend.cuda_device_count() > 0


def device_count() -> int:
    return backend.cuda_device_count()
