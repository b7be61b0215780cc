"""Sample inputs for the op table: small random shapes and values, including 0-d, size-1 and
broadcasting partners.

A samples function takes a ``draw`` and returns ``Sample`` calls. ``RandomDraw`` draws from a
numpy generator (the selftest); the tests draw through hypothesis (``tests/ops/draw.py``), which
shrinks a failing case to a small one. Both offer the same methods:
``integers(low, high)``, ``choice(options)``, ``shape(...)``, ``shapes(n)`` and ``values(shape,
low, high)``; with ``empty=True`` a drawn shape may have a size-0 dim.
"""

from __future__ import annotations

import numpy as np

from .table import Sample


class RandomDraw:
    """Draws from a numpy ``Generator`` (reproducible from its seed)."""

    def __init__(self, rng: np.random.Generator, empty: bool = False):
        self.rng, self.empty = rng, empty

    def integers(self, low: int, high: int) -> int:
        """An int in [low, high]."""
        return int(self.rng.integers(low, high + 1))

    def choice(self, options):
        return options[self.integers(0, len(options) - 1)]

    def shape(self, min_dims: int = 0, max_dims: int = 3, max_side: int = 3) -> tuple:
        ndim = self.integers(min_dims, max_dims)
        sides = [self.integers(1, max_side) for _ in range(ndim)]
        if self.empty and ndim:
            sides[self.integers(0, ndim - 1)] = 0
        return tuple(sides)

    def shapes(self, n: int = 2, min_dims: int = 0, max_dims: int = 3) -> list[tuple]:
        """``n`` shapes that broadcast together: each drops leading dims / sets sizes to 1."""
        full = self.shape(min_dims, max_dims)
        out = []
        for _ in range(n):
            ndim = self.integers(min(min_dims, len(full)), len(full))
            dims = full[len(full) - ndim :]
            out.append(tuple(1 if self.integers(0, 3) == 0 else s for s in dims))
        return out

    def values(self, shape, low: float | None = None, high: float | None = None) -> np.ndarray:
        """float64 values: standard normal, or uniform on [low, high)."""
        if low is None:
            return self.rng.standard_normal(shape)
        return self.rng.uniform(low, high, shape)


def away_from(values: np.ndarray, points: tuple, gap: float = 0.05) -> np.ndarray:
    """``values`` moved off ``points`` (kinks) by at least ``gap``, so finite differences hold."""
    for p in points:
        values = np.where(np.abs(values - p) < gap, p + 2 * gap, values)
    return values


def unary(low: float | None = None, high: float | None = None, kinks: tuple = ()):
    """Samples of ``fn(x)``: x normal, or uniform on [low, high), kept off ``kinks``."""

    def samples(draw):
        return [Sample(away_from(draw.values(draw.shape(), low, high), kinks))]

    return samples


def binary(low: float | None = None, high: float | None = None, scalar: bool = True):
    """Samples of ``fn(a, b)``: two broadcasting tensors, and a tensor with a Python number."""

    def samples(draw):
        sa, sb = draw.shapes(2)
        a, b = draw.values(sa, low, high), draw.values(sb, low, high)
        out = [Sample(a, b)]
        if scalar:
            out.append(Sample(a, float(draw.values((), low, high))))
        return out

    return samples


def reduction(low: float | None = None, high: float | None = None, keepdim: bool = True):
    """Samples of ``fn(x)``, ``fn(x, dim)`` and ``fn(x, dim, keepdim=...)`` over drawn dims."""

    def samples(draw):
        shape = draw.shape()
        x = draw.values(shape, low, high)
        out = [Sample(x)]
        if shape:
            dim = draw.integers(-len(shape), len(shape) - 1)
            out.append(Sample(x, dim))
            if keepdim:
                dims = tuple(sorted({dim % len(shape), draw.integers(0, len(shape) - 1)}))
                out.append(Sample(x, dims, keepdim=True))
        return out

    return samples
