"""The binding step: the op table's names installed on ``Tensor`` and in the namespaces.

``minitorch/__init__.py`` runs ``install(TABLE, Tensor)`` once and takes its functions from
``functions(TABLE, "minitorch")`` (``nn.functional`` from ``functions(TABLE, "nn.functional")``).
Every name comes from an ``Op`` row, written out there in full, so searching for a name finds
its row and the ``Function`` beside it.
"""

from __future__ import annotations

from ..autograd import engine
from ..autograd.inplace import check_inplace, commit
from .table import Op


def install(table: list[Op], cls) -> None:
    """Put each op's method, operators and in-place variant on the tensor class ``cls``."""
    cls.backward = engine.backward  # ``t.backward(...)`` is ``autograd.backward(t, ...)``
    for op in table:
        if op.method:
            method = op.fn if op.method is True else op.method
            for name in op.names():
                setattr(cls, name, property(method) if op.is_property else method)
        for name in op.operators:
            setattr(cls, name, op.fn)
        for name in op.reflected:
            setattr(cls, name, _reflected(op.fn, name))
        if op.inplace:
            inplace = _inplace(op.fn, op.inplace)
            setattr(cls, op.inplace, inplace)
            for name in op.inplace_operators:
                setattr(cls, name, inplace)


def functions(table: list[Op], namespace: str) -> dict:
    """``{name: fn}`` for every op (and alias) that is a function in ``namespace``."""
    return {name: op.fn for op in table if namespace in op.namespaces for name in op.names()}


def _reflected(fn, name: str):
    """``other <op> self``: Python calls ``self.__rop__(other)``."""

    def method(self, other):
        return fn(other, self)

    method.__name__ = name
    return method


def _inplace(fn, name: str):
    """``t.<op>_(...)``: compute ``fn(t, ...)`` and write the result into ``t``."""

    def method(self, *args, **kwargs):
        check_inplace(self)
        return commit(self, fn(self, *args, **kwargs))

    method.__name__ = name
    method.__doc__ = f"In-place version of ``{fn.__name__}``: the result is written into self."
    return method
