"""``minitorch.backends.cuda``: is cuda support installed (cupy), and the cuBLAS precision flags."""

from .. import backend


def is_built() -> bool:
    """True when cupy is installed, whether or not a GPU is there."""
    return backend.cupy() is not None


class _MatmulFlags:
    """``matmul.allow_tf32`` and friends: settable, no effect (cupy's GEMMs use full float32)."""

    def __init__(self) -> None:
        self.allow_tf32 = False
        self.allow_fp16_reduced_precision_reduction = True
        self.allow_bf16_reduced_precision_reduction = True


matmul = _MatmulFlags()
