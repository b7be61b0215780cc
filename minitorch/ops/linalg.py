"""Matrix products."""

from __future__ import annotations

from ..autograd.function import Function
from ..backend import get_array_module
from ..tensor import Tensor
from ._util import SCALAR_TYPE_NAMES, device_mismatch, metas, shapes_error
from .reduce import reduce_to
from .table import Op, Sample

# How PyTorch's messages name dtypes (its C++ type names).
_C_NAMES = {
    "float16": "c10::Half",
    "float32": "float",
    "float64": "double",
    "int64": "long int",
    "int32": "int",
    "int16": "short int",
    "int8": "signed char",
    "uint8": "unsigned char",
    "bool": "bool",
}


def _check(x, y):
    """PyTorch's errors for operands that matmul cannot take (raised before numpy sees them)."""
    if x.ndim == 0 or y.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {x.ndim}D and {y.ndim}D"
        )
    if x.shape[-1] != y.shape[-2 if y.ndim > 1 else 0]:
        raise _shape_error(x, y)
    if x.dtype != y.dtype:
        raise RuntimeError(
            "expected m1 and m2 to have the same dtype, but got: "
            f"{_C_NAMES[x.dtype.name]} != {_C_NAMES[y.dtype.name]}"
        )
    if type(x) is not type(y):
        raise device_mismatch(x, y)


def _shape_error(x, y) -> RuntimeError:
    """The message PyTorch gives for this pair, naming the shapes as its kernels see them."""
    k = x.shape[-1]
    if x.ndim == 1 and y.ndim == 1:
        return RuntimeError(
            f"inconsistent tensor size, expected tensor [{k}] and src [{y.shape[0]}] to "
            f"have the same number of elements, but got {k} and {y.shape[0]} elements "
            "respectively"
        )
    rows = x.size // k  # x folded to a matrix
    if y.ndim == 1:
        return RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{k}), vec ({y.size})")
    if y.ndim == 2:
        return RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k} and {y.shape[0]}x{y.shape[1]})"
        )
    batch = 1
    for n in _batch_shape(x.shape[:-2], y.shape[:-2]):
        batch *= n
    return RuntimeError(
        "Expected size for first two dimensions of batch2 tensor to be: "
        f"[{batch}, {k}] but got: [{batch}, {y.shape[-2]}]."
    )


def _batch_shape(sa, sb):
    """Broadcast batch dims (PyTorch's broadcast error when they do not match)."""
    out = []
    for i in range(1, max(len(sa), len(sb)) + 1):
        a = sa[-i] if i <= len(sa) else 1
        b = sb[-i] if i <= len(sb) else 1
        if a != b and 1 not in (a, b):
            raise shapes_error(sa, sb)
        out.append(max(a, b))
    return out[::-1]


class MatMul(Function):
    """``a @ b`` with numpy's matmul rules (1-d operands, broadcast batch dims).

    d/da = grad @ b^T, d/db = a^T @ grad, each summed back over broadcast batch dims.
    """

    @staticmethod
    def forward(ctx, a, b):
        if not (isinstance(a, Tensor) and isinstance(b, Tensor)):
            raise TypeError(
                f"matmul(): expected two tensors, got {type(a).__name__} and {type(b).__name__}"
            )
        x, y = a.array, b.array
        if x.dtype is not y.dtype:
            _check(x, y)
        ga, gb = ctx.needs_input_grad
        ctx.save_for_backward(a if gb else None, b if ga else None)
        ctx.metas = metas(a, b)
        try:
            return get_array_module(x).matmul(x, y)
        except (ValueError, TypeError):
            _check(x, y)
            _batch_shape(x.shape[:-2], y.shape[:-2])
            raise

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ma, mb = ctx.metas
        a_1d, b_1d = len(ma[0]) == 1, len(mb[0]) == 1
        g = grad
        if a_1d:
            g = g.unsqueeze(-2 if g.ndim else 0)  # vector @ vector: the gradient is 0-d
        if b_1d:
            g = g.unsqueeze(-1)
        grad_a = grad_b = None
        if b is not None:
            bm = b.unsqueeze(-1) if b_1d else b
            grad_a = g @ bm.mT
            grad_a = reduce_to(grad_a.squeeze(-2) if a_1d else grad_a, ma)
        if a is not None:
            am = a.unsqueeze(-2) if a_1d else a
            grad_b = am.mT @ g
            grad_b = reduce_to(grad_b.squeeze(-1) if b_1d else grad_b, mb)
        return grad_a, grad_b


def matmul(input, other):
    """Matrix product with NumPy's rules: vectors, matrices, and batches broadcast together."""
    return MatMul.apply(input, other)


def mm(input, mat2):
    """(n, m) @ (m, p) -> (n, p): matrices only."""
    if input.array.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.array.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    return MatMul.apply(input, mat2)


def bmm(input, mat2):
    """(b, n, m) @ (b, m, p) -> (b, n, p): a batch of matrix products, no broadcasting."""
    if input.array.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.array.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    (b, _, k), (b2, k2, _) = input.array.shape, mat2.array.shape
    if (b, k) != (b2, k2):
        raise RuntimeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{b}, {k}] but got: [{b2}, {k2}]."
        )
    return MatMul.apply(input, mat2)


def dot(input, other):
    """The inner product of two vectors (a 0-d tensor)."""
    x, y = input.array, other.array
    if x.ndim != 1 or y.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {x.ndim}D and {y.ndim}D tensors")
    if x.dtype != y.dtype:
        raise RuntimeError(
            "dot : expected both vectors to have same dtype, but found "
            f"{SCALAR_TYPE_NAMES[x.dtype.name]} and {SCALAR_TYPE_NAMES[y.dtype.name]}"
        )
    return MatMul.apply(input, other)


def outer(input, vec2):
    """The outer product of two vectors: ``input[:, None] * vec2[None, :]``."""
    if input.array.ndim != 1 or vec2.array.ndim != 1:
        raise RuntimeError(
            f"outer: expected 1D tensors, but got {input.array.ndim}D and {vec2.array.ndim}D"
        )
    return input.unsqueeze(1) * vec2


def _matmul_samples(draw):
    n, k, m, b = (draw.integers(1, 3) for _ in range(4))
    v = draw.values
    return [
        Sample(v((n, k)), v((k, m))),
        Sample(v((b, n, k)), v((k, m))),
        Sample(v((k,)), v((b, k, m))),
        Sample(v((n, k)), v((k,))),
        Sample(v((k,)), v((k,))),
    ]


def _vectors(draw):
    n = draw.integers(1, 4)
    return [Sample(draw.values((n,)), draw.values((n,)))]


OPS = [
    Op(
        "matmul",
        matmul,
        operators=("__matmul__",),
        reflected=("__rmatmul__",),
        samples=_matmul_samples,
    ),
    Op("mm", mm, samples=lambda draw: _matmul_samples(draw)[:1]),
    Op(
        "bmm",
        bmm,
        samples=lambda draw: [
            Sample(draw.values((2, 3, 4)), draw.values((2, 4, draw.integers(1, 3))))
        ],
    ),
    Op("dot", dot, samples=_vectors),
    Op("outer", outer, aliases=("ger",), samples=_vectors),
]
