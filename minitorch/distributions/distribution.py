"""``Distribution``: the interface every distribution implements, as ``torch.distributions``.

Shapes: ``sample(sample_shape)`` is ``sample_shape + batch_shape + event_shape``. A batch holds
independent distributions (one per element of ``batch_shape``); an event is one draw (a vector
for a categorical one-hot, a scalar for a normal). ``rsample`` draws with the reparameterization
trick, so gradients flow from the sample to the parameters; ``sample`` draws without gradients.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.grad_mode import no_grad
from ..creation import full
from ..shapes import Size
from ..tensor import Tensor
from . import constraints

_validate_default = True


def _size(shape) -> Size:
    return Size(int(s) for s in shape)


class Distribution:
    """Base class: subclasses set ``arg_constraints``, ``support`` and the methods they have."""

    has_rsample = False
    has_enumerate_support = False
    arg_constraints: dict[str, constraints.Constraint] = {}
    support: constraints.Constraint | None = None

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Whether new distributions check their arguments (on by default, as in PyTorch)."""
        global _validate_default
        if value not in (True, False):
            raise ValueError
        _validate_default = value

    def __init__(
        self,
        batch_shape=(),
        event_shape=(),
        validate_args: bool | None = None,
    ) -> None:
        self._batch_shape = _size(batch_shape)
        self._event_shape = _size(event_shape)
        self._validate_args = _validate_default if validate_args is None else validate_args
        if self._validate_args:
            for param, constraint in self.arg_constraints.items():
                if isinstance(constraint, constraints._Dependent):
                    continue  # checked by the distribution
                if param not in self.__dict__:
                    continue  # the lazily computed form of a parameter (probs from logits)
                value = getattr(self, param)
                if not bool(constraint.check(value).all()):
                    raise ValueError(
                        f"Expected parameter {param} ({type(value).__name__} of shape "
                        f"{tuple(value.shape)}) of distribution {self!r} to satisfy the "
                        f"constraint {constraint!r}, but found invalid values:\n{value}"
                    )

    @property
    def batch_shape(self) -> Size:
        return self._batch_shape

    @property
    def event_shape(self) -> Size:
        return self._event_shape

    @property
    def mean(self) -> Tensor:
        raise NotImplementedError

    @property
    def mode(self) -> Tensor:
        raise NotImplementedError(f"{type(self)} does not implement mode")

    @property
    def variance(self) -> Tensor:
        raise NotImplementedError

    @property
    def stddev(self) -> Tensor:
        return self.variance.sqrt()

    def sample(self, sample_shape=()) -> Tensor:
        """A draw of shape ``sample_shape + batch_shape + event_shape``, without gradients."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=()) -> Tensor:
        """A reparameterized draw: gradients flow back to the parameters."""
        raise NotImplementedError

    def sample_n(self, n: int) -> Tensor:
        return self.sample(Size((n,)))

    def log_prob(self, value: Tensor) -> Tensor:
        """Log of the density (or mass) at ``value``; shape ``batch_shape`` broadcast with it."""
        raise NotImplementedError

    def cdf(self, value: Tensor) -> Tensor:
        raise NotImplementedError

    def icdf(self, value: Tensor) -> Tensor:
        raise NotImplementedError

    def enumerate_support(self, expand: bool = True) -> Tensor:
        raise NotImplementedError

    def entropy(self) -> Tensor:
        raise NotImplementedError

    def perplexity(self) -> Tensor:
        return self.entropy().exp()

    def expand(self, batch_shape, _instance=None) -> Distribution:
        """The same distribution repeated over a larger ``batch_shape`` (parameters expanded)."""
        batch_shape = _size(batch_shape)
        new = _instance if _instance is not None else type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        for name in self._expanded_params():
            param = self.__dict__[name]
            new.__dict__[name] = param.expand(batch_shape + param.shape[len(self.batch_shape) :])
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _expanded_params(self) -> list[str]:
        """The parameter tensors ``expand`` broadcasts: those given (or computed) so far."""
        return [name for name in self.arg_constraints if name in self.__dict__]

    def _extended_shape(self, sample_shape=()) -> Size:
        return _size(sample_shape) + self._batch_shape + self._event_shape

    def _validate_sample(self, value: Tensor) -> None:
        """PyTorch's checks of a ``log_prob`` argument: a tensor, a broadcastable shape, and
        values inside the support."""
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        event_dim_start = len(value.shape) - len(self._event_shape)
        if tuple(value.shape[event_dim_start:]) != tuple(self._event_shape):
            raise ValueError(
                f"The right-most size of value must match event_shape: {value.shape} vs "
                f"{self._event_shape}."
            )
        actual_shape = tuple(value.shape)
        expected_shape = tuple(self._batch_shape + self._event_shape)
        for i, j in zip(reversed(actual_shape), reversed(expected_shape)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(
                    f"Value is not broadcastable with batch_shape+event_shape: "
                    f"{value.shape} vs {Size(expected_shape)}."
                )
        support = self.support
        if not bool(support.check(value).all()):
            raise ValueError(
                f"Expected value argument ({type(value).__name__} of shape "
                f"{tuple(value.shape)}) to be within the support ({support!r}) of the "
                f"distribution {self!r}, but found invalid values:\n{value}"
            )

    def __repr__(self) -> str:
        names = [k for k in self.arg_constraints if k in self.__dict__]
        args = ", ".join(
            f"{p}: {self.__dict__[p] if self.__dict__[p].numel() == 1 else self.__dict__[p].size()}"
            for p in names
        )
        return f"{type(self).__name__}({args})"


def nan_like(t: Tensor, shape: Any = None) -> Tensor:
    """A tensor of nan with ``t``'s dtype and device (``shape`` defaults to ``t``'s)."""
    return full(tuple(t.shape if shape is None else shape), np.nan, dtype=t.dtype, device=t.device)
