"""``minitorch.multiprocessing``: Python's ``multiprocessing``, plus ``spawn`` for N workers.

As ``torch.multiprocessing``, it re-exports the whole standard module (``Process``, ``Queue``,
``set_start_method``, ...). Tensors sent through a queue are pickled copies: minitorch has no
shared-memory tensors (``Tensor.share_memory_``), so Hogwild-style training, where workers update
one model in place, does not share updates here.
"""

import multiprocessing
from multiprocessing import *  # noqa: F403  (the standard module's names, as PyTorch re-exports)

from .spawn import (
    ProcessContext,
    ProcessExitedException,
    ProcessRaisedException,
    spawn,
    start_processes,
)

__all__ = [
    "ProcessContext",
    "ProcessExitedException",
    "ProcessRaisedException",
    "get_all_sharing_strategies",
    "get_sharing_strategy",
    "set_sharing_strategy",
    "spawn",
    "start_processes",
    *multiprocessing.__all__,
]

_sharing_strategy = "file_descriptor"
_ALL_SHARING_STRATEGIES = frozenset({"file_descriptor", "file_system"})


def get_all_sharing_strategies() -> set[str]:
    """The strategies PyTorch offers on Linux (they make no difference here)."""
    return set(_ALL_SHARING_STRATEGIES)


def get_sharing_strategy() -> str:
    return _sharing_strategy


def set_sharing_strategy(new_strategy: str) -> None:
    """Record the strategy (tensors are copied between processes whichever is set)."""
    global _sharing_strategy
    if new_strategy not in _ALL_SHARING_STRATEGIES:
        raise AssertionError(f"unknown sharing strategy {new_strategy!r}")
    _sharing_strategy = new_strategy
