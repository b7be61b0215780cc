"""Shapes and dims: ``Size`` and the dim checks shared by the Tensor and the ops."""

from __future__ import annotations

import numpy as np


class Size(tuple):
    """A shape: a tuple that prints like PyTorch's ``torch.Size``."""

    def __repr__(self) -> str:
        return f"minitorch.Size({list(self)})"

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n


def normalize_dim(dim: int, ndim: int) -> int:
    """A dim in [-ndim, ndim) as a non-negative index; IndexError like PyTorch otherwise."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    return dim % n


def normalize_dims(dim, ndim: int):
    """None -> None (all dims); int or sequence -> tuple of non-negative dims, each once.

    A 0-d tensor accepts dim 0 or -1 (as PyTorch) and has no axis to reduce: that gives ().
    """
    if dim is None:
        return None
    if isinstance(dim, (int, np.integer)):
        dims = (normalize_dim(int(dim), ndim),)
    else:
        dims = tuple(normalize_dim(int(d), ndim) for d in dim)
        if len(set(dims)) != len(dims):
            d = next(d for d in dims if dims.count(d) > 1)
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return dims if ndim else ()
