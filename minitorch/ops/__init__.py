"""The differentiable ops, one family per file: each op is a ``Function`` with forward and
backward side by side, declared in its file's ``OPS`` table (``table.Op``). ``TABLE`` is all of
them; importing this package installs their names on ``Tensor`` (``bind.py``), once;
``python -m minitorch.ops --list`` prints them."""

from ..tensor import Tensor
from . import activation, arith, bind, compare, convert, fill, index, linalg, reduce, shape, unary

TABLE = [
    *arith.OPS,
    *unary.OPS,
    *compare.OPS,
    *reduce.OPS,
    *linalg.OPS,
    *activation.OPS,
    *shape.OPS,
    *index.OPS,
    *convert.OPS,
    *fill.OPS,
]

bind.install(TABLE, Tensor)
