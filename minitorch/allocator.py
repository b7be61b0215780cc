"""Host memory: let glibc's malloc keep freed arrays for reuse instead of returning them.

A training step frees and reallocates the same few dozen MB of arrays every time. By default
glibc serves large arrays with fresh mmap pages and hands freed memory back to the kernel, so
each step pays a page fault per 4 KB it writes (a fifth of the CIFAR CNN's step on the
machines measured). With large arrays served from the heap and up to ``TRIM_BYTES`` of free
heap kept, the next step reuses the same memory. PyTorch's CPU allocator pays the faults.

Applied once at import on glibc systems, unless the user tunes malloc themselves through
glibc's own ``MALLOC_*_`` environment variables or ``GLIBC_TUNABLES``.
"""

from __future__ import annotations

import ctypes
import os

MMAP_BYTES = 32 << 20  # arrays up to this size come from the heap (glibc's own maximum)
TRIM_BYTES = 256 << 20  # free heap kept before any is returned to the kernel
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt parameter numbers from <malloc.h>
_USER_SETTINGS = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "GLIBC_TUNABLES")


def keep_freed_memory() -> bool:
    """Tune malloc as described above; True when it was applied."""
    if any(v in os.environ for v in _USER_SETTINGS):
        return False
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc"):
            return False
        libc = ctypes.CDLL(None)
        mmap_set = libc.mallopt(_M_MMAP_THRESHOLD, MMAP_BYTES)
        return bool(mmap_set and libc.mallopt(_M_TRIM_THRESHOLD, TRIM_BYTES))
    except (ValueError, OSError, AttributeError):  # not glibc
        return False


applied = keep_freed_memory()
