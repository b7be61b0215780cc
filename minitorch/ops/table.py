"""The op table's row: one ``Op`` per public op, declared next to its ``Function``.

An ``Op`` says which names the op gets (a ``minitorch.X`` function, a ``Tensor.X`` method, an
in-place ``X_``, operators, aliases) and how it is tested (its sample inputs and which checks
apply). ``bind.py`` installs the names; the generated tests (``tests/ops/test_table.py``) and
``python -m minitorch.selftest`` run every row's samples. The table is plain data:
``python -m minitorch.ops --list`` prints it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


class Sample:
    """One call of an op: ``fn(*args, **kwargs)``; numpy arrays in ``args`` become tensors."""

    __slots__ = ("args", "kwargs")

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs

    def __repr__(self) -> str:
        parts = [_short(a) for a in self.args]
        parts += [f"{k}={_short(v)}" for k, v in self.kwargs.items()]
        return f"Sample({', '.join(parts)})"


def _short(value) -> str:
    shape = getattr(value, "shape", None)
    if shape is not None:
        return f"array{list(shape)}:{value.dtype}"
    if isinstance(value, (list, tuple)) and any(hasattr(v, "shape") for v in value):
        inner = ", ".join(_short(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    return repr(value)


@dataclass(frozen=True)
class Op:
    """One public op and everything that is known about it, in one place.

    ``fn(input, ...)`` is the op itself, with PyTorch's signature. ``method`` is True when
    ``Tensor.<name>`` calls ``fn`` with the tensor as ``input``, or a callable when the method's
    signature differs (``Tensor.view(*shape)``), or False. ``samples(draw)`` returns the
    ``Sample`` calls the generated tests and the selftest run (``ops/samples.py``); an op
    without samples must say why in ``untested``.
    """

    name: str
    fn: Callable
    namespaces: tuple[str, ...] = ("minitorch",)  # where fn is a function ("nn.functional", ...)
    method: bool | Callable = True
    inplace: str | None = None  # the in-place method: fn's result written into the tensor
    operators: tuple[str, ...] = ()  # dunders calling fn(self, other): "__add__"
    reflected: tuple[str, ...] = ()  # dunders calling fn(other, self): "__radd__"
    inplace_operators: tuple[str, ...] = ()  # dunders calling the in-place method: "__iadd__"
    aliases: tuple[str, ...] = ()  # more names, bound wherever ``name`` is
    is_property: bool = False  # Tensor.<name> is a property (``T``, ``mT``)
    samples: Callable[..., Iterable[Sample]] | None = None
    grad: bool = True  # gradients are checked (finite differences in float64, and PyTorch)
    gradgrad: bool = True  # second derivatives are checked too
    dtypes: tuple[str, ...] = ("float32", "float64")  # float dtypes compared with PyTorch
    random: bool = False  # draws random numbers: only shapes and dtypes are compared with PyTorch
    untested: str = ""  # why the op has no samples

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)
