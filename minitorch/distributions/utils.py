"""Helpers the distributions share: broadcasting parameters, probs <-> logits, lazy properties."""

from __future__ import annotations

import numbers

import numpy as np

from .. import creation, dtypes
from ..shapes import Size
from ..tensor import Tensor


def broadcast_all(*values) -> tuple[Tensor, ...]:
    """Tensors of one broadcast shape from tensors and numbers (numbers take the tensors' dtype,
    or the default dtype); gradients flow back to the given tensors."""
    tensors = [v for v in values if isinstance(v, Tensor)]
    for v in values:
        if not isinstance(v, (Tensor, numbers.Number)):
            raise ValueError("Input arguments must all be instances of numbers.Number or Tensor.")
    like = tensors[0] if tensors else None
    dtype = like.dtype if like is not None else dtypes.get_default_dtype()
    device = like.device if like is not None else None
    made = [
        v if isinstance(v, Tensor) else creation.tensor(v, dtype=dtype, device=device)
        for v in values
    ]
    shape = Size(np.broadcast_shapes(*(tuple(t.shape) for t in made)))
    return tuple(t if t.shape == shape else t.expand(shape) for t in made)


def clamp_probs(probs: Tensor) -> Tensor:
    """Probabilities kept off 0 and 1 by the dtype's eps, so their logs stay finite."""
    eps = dtypes.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    """Logits of probabilities: log-odds for a binary event, else log-probabilities."""
    p = clamp_probs(probs)
    return p.log() - (-p).log1p() if is_binary else p.log()


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    """Probabilities of logits: the sigmoid for a binary event, else the softmax over the last
    dim."""
    return logits.sigmoid() if is_binary else logits.softmax(-1)


class lazy_property:
    """A property computed on first use and then kept in the instance (``probs`` from
    ``logits`` or the other way round)."""

    def __init__(self, wrapped) -> None:
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__
        self.__name__ = wrapped.__name__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = self.wrapped(instance)
        instance.__dict__[self.__name__] = value
        return value
