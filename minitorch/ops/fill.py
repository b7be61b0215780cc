"""Writes that fill a tensor in place: ``fill_``, ``zero_``, ``copy_`` and the random fills.

Recorded on the tape when a gradient must flow (``fill_`` with a tensor that requires grad,
``copy_`` from one): the old values then get a zero gradient, the source gets the gradient.
"""

from __future__ import annotations

from ..autograd.inplace import check_inplace, commit, recording
from ..backend import device_of, to_device
from ..random import rng
from ..tensor import Tensor
from .index import Where
from .table import Op, Sample


def fill_(input: Tensor, value) -> Tensor:
    """Set every element to ``value`` (a number or a 0-d tensor, cast to the tensor's dtype)."""
    check_inplace(input)
    if isinstance(value, Tensor) and value.array.ndim != 0:
        raise RuntimeError(
            "fill_ only supports 0-dimension value tensor but got tensor with "
            f"{value.array.ndim} dimensions."
        )
    if recording(input, value):
        return commit(input, _overwrite(input, value))
    input.array[...] = value.item() if isinstance(value, Tensor) else value
    input._version_counter[0] += 1
    return input


def zero_(input: Tensor) -> Tensor:
    """Set every element to 0."""
    return fill_(input, 0)


def copy_(input: Tensor, src, non_blocking=False) -> Tensor:
    """Copy ``src`` (broadcast, cast and moved as needed) into ``input``; gradient flows to src."""
    check_inplace(input)
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'src' must be Tensor, not {type(src).__name__}")
    src = src.to(device=device_of(input.array), dtype=input.dtype)
    if src.array.shape != input.array.shape:
        src = src.expand(input.array.shape)
    if recording(input, src):
        return commit(input, _overwrite(input, src))
    input.array[...] = src.array
    input._version_counter[0] += 1
    return input


def _overwrite(t: Tensor, value):
    """``value`` everywhere, recorded so that ``t``'s old values get a zero gradient."""
    everywhere = Tensor._wrap(t._xp().ones(t.array.shape, dtype=bool))
    if not isinstance(value, Tensor):
        value = t.array.dtype.type(value).item()
    elif value.array.dtype != t.array.dtype:
        value = value.to(t.dtype)
    return Where.apply(everywhere, value, t)


def _random_fill(t: Tensor, draw) -> Tensor:
    check_inplace(t)
    values = draw(t.array.shape).astype(t.array.dtype, copy=False)
    t.array[...] = to_device(values, device_of(t.array))
    t._version_counter[0] += 1
    return t


def uniform_(input: Tensor, a=0.0, b=1.0, *, generator=None) -> Tensor:
    """Fill with numbers drawn uniformly from [a, b)."""
    return _random_fill(input, lambda shape: rng(generator).uniform(a, b, shape))


def normal_(input: Tensor, mean=0.0, std=1.0, *, generator=None) -> Tensor:
    """Fill with numbers drawn from N(mean, std^2)."""
    return _random_fill(input, lambda shape: rng(generator).normal(mean, std, shape))


def bernoulli_(input: Tensor, p=0.5, *, generator=None) -> Tensor:
    """Fill with 1 (probability ``p``) or 0."""
    return _random_fill(input, lambda shape: rng(generator).random(shape) < p)


def _values(draw):
    return [Sample(draw.values(draw.shape()))]


OPS = [
    Op("fill_", fill_, namespaces=(), samples=lambda d: [Sample(d.values(d.shape()), 2.5)]),
    Op("zero_", zero_, namespaces=(), samples=_values),
    Op("copy_", copy_, namespaces=(), samples=lambda d: [Sample(*[d.values((2, 3))] * 2)]),
    Op("uniform_", uniform_, namespaces=(), random=True, grad=False, samples=_values),
    Op("normal_", normal_, namespaces=(), random=True, grad=False, samples=_values),
    Op("bernoulli_", bernoulli_, namespaces=(), random=True, grad=False, samples=_values),
]
