"""``minitorch.backends``: PyTorch's switches for its compute libraries, as on a CPU-only build.

minitorch runs on numpy and cupy, not cuDNN or Metal, so the switches can be set and read (code
sets ``cudnn.benchmark = True`` and moves on) but change nothing, and the availability queries
answer as a CPU-only PyTorch does.
"""

import warnings

from . import cuda, cudnn, mps

__all__ = [
    "cuda",
    "cudnn",
    "get_float32_matmul_precision",
    "mps",
    "set_float32_matmul_precision",
]

_float32_matmul_precision = "highest"


def get_float32_matmul_precision() -> str:
    return _float32_matmul_precision


def set_float32_matmul_precision(precision: str) -> None:
    """Record 'highest', 'high' or 'medium' (minitorch's float32 matmuls are always full)."""
    global _float32_matmul_precision
    if precision not in ("highest", "high", "medium"):
        warnings.warn(
            f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
            "set_float32_matmul_precision call has no effect.",
            UserWarning,
            stacklevel=2,
        )
        return
    _float32_matmul_precision = precision
