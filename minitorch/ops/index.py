"""Selecting elements: ``t[key]``, ``t[key] = v``, ``where``, gather/scatter, sort, tril/triu."""

from __future__ import annotations

from collections import namedtuple

from ..autograd.function import Function
from ..autograd.inplace import check_inplace, commit, recording
from ..backend import device_of, get_array_module, to_device
from ..dtypes import get_default_dtype
from ..shapes import normalize_dim
from ..tensor import Tensor
from ._util import broadcast_error, device_mismatch, meta, metas, operands
from .reduce import reduce_to
from .table import Op, Sample


def _key(x, key):
    """The key as the array module understands it: tensors and lists become index arrays.

    Returns (key, kind): kind is "basic" (ints, slices, None, Ellipsis: the result is a view),
    "mask" (bool arrays, no repeats) or "advanced" (integer arrays, which may repeat positions,
    so a gradient must be scattered with add, not assigned).
    """
    parts = key if type(key) is tuple else (key,)
    xp = get_array_module(x)
    out, kind = [], "basic"
    for k in parts:
        if isinstance(k, Tensor):
            arr = k.array
            if device_of(arr) != device_of(x):
                arr = to_device(arr, device_of(x))
        elif isinstance(k, (list, bool)):
            arr = xp.asarray(k)
        elif isinstance(k, slice):
            if k.step is not None and k.step <= 0:
                raise ValueError("step must be greater than zero")
            out.append(k)
            continue
        else:
            out.append(k)
            continue
        if arr.dtype.kind not in "biu":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if arr.dtype.kind == "b":
            kind = "mask" if kind == "basic" else kind
        else:
            kind = "advanced"
        out.append(arr)
    _check_bounds(x.shape, out)
    if kind == "basic" and Ellipsis not in out:
        out.append(Ellipsis)  # so integer indexing gives a 0-d view, not a numpy scalar copy
    return (tuple(out) if len(out) != 1 else out[0]), kind


def _check_bounds(shape, parts):
    """IndexError with PyTorch's wording for an integer index out of range."""
    dim = 0
    for k in parts:
        if k is None:
            continue
        if k is Ellipsis:
            dim = len(shape) - sum(1 for p in parts if p is not None and p is not Ellipsis) + dim
            continue
        if isinstance(k, int) and not isinstance(k, bool):
            if dim >= len(shape):
                raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
            if not -shape[dim] <= k < shape[dim]:
                raise IndexError(
                    f"index {k} is out of bounds for dimension {dim} with size {shape[dim]}"
                )
        is_mask = getattr(k, "dtype", None) is not None and k.dtype.kind == "b"
        dim += k.ndim if is_mask else 1


class Index(Function):
    """``a[key]``; d/da = zeros with the gradient put (added, for repeated indices) at ``key``.

    Basic keys (ints, slices, None, Ellipsis) give a view sharing ``a``'s memory, as in PyTorch.
    """

    @staticmethod
    def forward(ctx, a, key, kind):
        x = a.array
        ctx.in_shape, ctx.key, ctx.kind = x.shape, key, kind
        ctx.is_view = kind == "basic"
        return x[key]

    @staticmethod
    def backward(ctx, grad):
        return IndexBackward.apply(grad, ctx.in_shape, ctx.key, ctx.kind), None, None

    def replay(self, base):
        return Index.apply(base, self.key, self.kind)

    def write_back(self, base, value):
        return IndexPut.apply(base, self.key, value)


class IndexBackward(Function):
    """Scatter ``grad`` into zeros of ``shape`` at ``key`` (the backward of indexing)."""

    @staticmethod
    def forward(ctx, grad, shape, key, kind):
        g = grad.array
        xp = get_array_module(g)
        out = xp.zeros(shape, dtype=g.dtype)
        if kind == "advanced":
            xp.add.at(out, key, g)
        else:
            out[key] = g
        ctx.key, ctx.kind = key, kind
        return out

    @staticmethod
    def backward(ctx, grad):
        return Index.apply(grad, ctx.key, ctx.kind), None, None, None


class IndexPut(Function):
    """``a`` with ``a[key] = v`` (out of place); d/da = grad zeroed at key, d/dv = grad[key]."""

    @staticmethod
    def forward(ctx, a, key, v):
        x = a.array
        out = x.copy()
        _put(out, key, v.array if isinstance(v, Tensor) else v)
        ctx.key, ctx.v_meta = key, meta(v)
        return out

    @staticmethod
    def backward(ctx, grad):
        ga, _, gv = ctx.needs_input_grad
        grad_a = IndexPut.apply(grad, ctx.key, 0.0) if ga else None
        grad_v = None
        if gv:
            grad_v = Index.apply(grad, ctx.key, "mask")  # a copy: it is reduced below
            shape = ctx.v_meta[0]
            if grad_v.array.ndim < len(shape):
                lead = (1,) * (len(shape) - grad_v.array.ndim)
                grad_v = grad_v.reshape(lead + grad_v.array.shape)
            grad_v = reduce_to(grad_v, ctx.v_meta)
        return grad_a, None, grad_v


class Where(Function):
    """``cond ? a : b`` elementwise with broadcasting; each side gets the gradient where chosen."""

    @staticmethod
    def forward(ctx, cond, a, b):
        c = cond.array
        if not (isinstance(a, Tensor) or isinstance(b, Tensor)):
            a = Tensor._wrap(get_array_module(c).asarray(a, dtype=_scalar_dtype(a, b)))
        x, y = operands(a, b)
        if c.dtype.kind != "b":
            raise RuntimeError(
                "where expected condition to be a boolean tensor, but got a tensor with dtype "
                f"{cond.dtype}"
            )
        ctx.save_for_backward(cond)
        ctx.metas = metas(a, b)
        try:
            return get_array_module(c).where(c, x, y)
        except ValueError:
            raise broadcast_error(c, x, y) from None
        except TypeError:  # the condition lives on another device than the values
            raise device_mismatch(c, x if hasattr(x, "dtype") else y) from None

    @staticmethod
    def backward(ctx, grad):
        (cond,) = ctx.saved_tensors
        _, ga, gb = ctx.needs_input_grad
        ma, mb = ctx.metas
        return (
            None,
            reduce_to(Where.apply(cond, grad, 0.0), ma) if ga else None,
            reduce_to(Where.apply(cond, 0.0, grad), mb) if gb else None,
        )


class Gather(Function):
    """``out[i][j] = a[i][index[i][j]]`` along ``dim``; d/da scatters the gradient back (added)."""

    @staticmethod
    def forward(ctx, a, dim, index):
        x, idx = a.array, index.array
        xp = get_array_module(x)
        # PyTorch lets index be smaller than input in the other dims: cut input to match.
        src = x[tuple(slice(None) if d == dim else slice(0, n) for d, n in enumerate(idx.shape))]
        ctx.in_shape, ctx.dim, ctx.index = x.shape, dim, index
        return xp.take_along_axis(src, idx, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return ScatterAdd.apply(grad, ctx.in_shape, ctx.dim, ctx.index), None, None


class ScatterAdd(Function):
    """Zeros of ``shape`` with ``grad`` added at ``index`` along ``dim`` (gather's backward)."""

    @staticmethod
    def forward(ctx, grad, shape, dim, index):
        g, idx = grad.array, index.array
        xp = get_array_module(g)
        out = xp.zeros(shape, dtype=g.dtype)
        xp.add.at(out, _along(xp, idx, dim), g)
        ctx.dim, ctx.index = dim, index
        return out

    @staticmethod
    def backward(ctx, grad):
        return Gather.apply(grad, ctx.dim, ctx.index), None, None, None


def _put(out, key, v):
    """``out[key] = v`` with PyTorch's error when ``v`` does not broadcast to the indexed shape."""
    try:
        out[key] = v
    except ValueError:
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(getattr(v, 'shape', ()))} cannot be "
            f"broadcast to indexing result of shape {list(out[key].shape)}"
        ) from None


def _scalar_dtype(a, b):
    """The dtype ``where`` gives two Python scalars: bool, int64 or the default float dtype."""
    if isinstance(a, float) or isinstance(b, float):
        return get_default_dtype().numpy_dtype
    return "bool" if isinstance(a, bool) and isinstance(b, bool) else "int64"


def getitem(input, key):
    """``input[key]``: ints, slices, None, Ellipsis, bool masks and integer tensors/lists."""
    k, kind = _key(input.array, key)
    return Index.apply(input, k, kind)


def setitem(input, key, value):
    """``input[key] = value`` in place; with grad recording the tensor takes IndexPut's history."""
    check_inplace(input)
    k, _ = _key(input.array, key)
    if isinstance(value, Tensor) and device_of(value.array) != device_of(input.array):
        if value.array.ndim != 0:
            raise RuntimeError(
                f"expected device {device_of(input.array)} but got device {device_of(value.array)}"
            )
        value = Tensor._wrap(to_device(value.array, device_of(input.array)))
    if recording(input, value):
        commit(input, IndexPut.apply(input, k, value))
        return
    _put(input.array, k, value.array if isinstance(value, Tensor) else value)
    input._version_counter[0] += 1


def where(condition, input=None, other=None):
    """``input`` where ``condition`` else ``other``; with only a condition, its nonzero indices."""
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    return Where.apply(condition, input, other)


def masked_fill(input, mask, value):
    """``input`` with ``value`` where ``mask`` is True (value cast to input's dtype)."""
    if mask.array.dtype.kind != "b":
        raise RuntimeError(
            f"masked_fill_ only supports boolean masks, but got mask with dtype {mask.dtype}"
        )
    if isinstance(value, Tensor):
        if value.array.ndim != 0:
            raise RuntimeError(
                "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value.array.ndim} dimension(s)."
            )
        value = value.to(input.dtype)
    else:
        value = input.array.dtype.type(value).item()
    out = Where.apply(mask, value, input)
    if out.array.shape != input.array.shape:
        raise RuntimeError(
            f"The expanded size of the mask {list(mask.shape)} must match the existing size "
            f"{list(input.shape)} of the tensor"
        )
    return out


def gather(input, dim, index):
    """``out[i][j] = input[i][index[i][j]]`` for dim 1 (likewise for other dims)."""
    shape, ishape = input.array.shape, index.array.shape
    d = normalize_dim(dim, len(shape))
    if index.array.dtype.kind not in "iu":
        raise RuntimeError(f"gather(): Expected dtype int64 for index, got {index.dtype}")
    if len(ishape) != len(shape):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    for k, (n, m) in enumerate(zip(ishape, shape)):
        if k != d and n > m:
            raise RuntimeError(
                f"Size does not match at dimension {k} expected index {list(ishape)} to be no "
                f"larger than self {list(shape)} apart from dimension {d}"
            )
    try:
        return Gather.apply(input, d, index)
    except IndexError as e:
        raise RuntimeError(f"gather(): {e}") from None
    except TypeError:  # index on another device
        raise device_mismatch(input.array, index.array) from None


def index_select(input, dim, index):
    """The slices of ``input`` at positions ``index`` (a vector) along ``dim``."""
    d = normalize_dim(dim, input.array.ndim)
    if index.array.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    return input[(slice(None),) * d + (index.reshape(-1),)]


def nonzero(input, *, as_tuple=False):
    """The indices of nonzero elements: an (n, ndim) int64 tensor, or one tensor per dim."""
    x = input.array
    idx = get_array_module(x).nonzero(x)
    if as_tuple:
        return tuple(Tensor._wrap(i) for i in idx)
    return Tensor._wrap(get_array_module(x).stack(idx, axis=1).astype("int64"))


class Triangle(Function):
    """The lower (tril) or upper (triu) triangle of the last two dims, zeros elsewhere.

    ``diagonal`` shifts the border (0 keeps the main diagonal); d/da keeps the same triangle.
    """

    @staticmethod
    def forward(ctx, a, diagonal, upper):
        x = a.array
        xp = get_array_module(x)
        n, m = x.shape[-2:]
        lower = xp.tri(n, m, diagonal - 1 if upper else diagonal, dtype=bool)
        ctx.diagonal, ctx.upper = diagonal, upper
        return xp.where(~lower if upper else lower, x, xp.zeros((), dtype=x.dtype))

    @staticmethod
    def backward(ctx, grad):
        return Triangle.apply(grad, ctx.diagonal, ctx.upper), None, None


def tril(input, diagonal=0):
    """The lower triangle of the last two dims (below ``diagonal``), zeros above."""
    _check_matrix("tril", input)
    return Triangle.apply(input, diagonal, False)


def triu(input, diagonal=0):
    """The upper triangle of the last two dims (above ``diagonal``), zeros below."""
    _check_matrix("triu", input)
    return Triangle.apply(input, diagonal, True)


def _check_matrix(name, input):
    if input.array.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")


sort_result = namedtuple("sort", ["values", "indices"])
topk_result = namedtuple("topk", ["values", "indices"])


def _argsort(x, dim, descending):
    """Indices that sort ``x`` along ``dim``; ties keep their order (a stable sort)."""
    xp = get_array_module(x)
    if descending:
        x = -(x if x.dtype.kind in "fi" else x.astype("int64"))
    return xp.argsort(x, axis=dim, kind="stable").astype("int64", copy=False)


def argsort(input, dim=-1, descending=False, stable=False):
    """The indices that sort ``input`` along ``dim``."""
    x = input.array
    if x.ndim == 0:
        return Tensor._wrap(get_array_module(x).zeros((), dtype="int64"))
    return Tensor._wrap(_argsort(x, normalize_dim(dim, x.ndim), descending))


def sort(input, dim=-1, descending=False, stable=False):
    """(values, indices) sorted along ``dim``; values are a gather, so gradients flow back."""
    x = input.array
    if x.ndim == 0:
        return sort_result(input.clone(), argsort(input))
    d = normalize_dim(dim, x.ndim)
    indices = Tensor._wrap(_argsort(x, d, descending))
    return sort_result(Gather.apply(input, d, indices), indices)


def topk(input, k, dim=-1, largest=True, sorted=True):
    """The ``k`` largest (or smallest) values along ``dim`` and their indices, largest first."""
    x = input.array
    d = normalize_dim(dim, x.ndim)
    size = x.shape[d] if x.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    if x.ndim == 0:
        return topk_result(input.clone(), argsort(input))
    order = _argsort(x, d, largest)
    indices = Tensor._wrap(order[(slice(None),) * d + (slice(0, k),)])
    return topk_result(Gather.apply(input, d, indices), indices)


class Scatter(Function):
    """``a`` with ``src`` (a tensor or a number) written at ``index`` along ``dim``.

    d/da = the gradient with the written places zeroed; d/dsrc = the gradient gathered at index.
    """

    @staticmethod
    def forward(ctx, a, dim, index, src):
        x, idx = a.array, index.array
        out = x.copy()
        value = src.array[_leading(idx.shape)] if isinstance(src, Tensor) else src
        out[_along(get_array_module(x), idx, dim)] = value
        ctx.dim, ctx.index, ctx.src_meta = dim, index, meta(src)
        return out

    @staticmethod
    def backward(ctx, grad):
        ga, _, _, gs = ctx.needs_input_grad
        grad_a = Scatter.apply(grad, ctx.dim, ctx.index, 0.0) if ga else None
        grad_src = None
        if gs:
            grad_src = Gather.apply(grad, ctx.dim, ctx.index)
            shape = ctx.src_meta[0]
            if grad_src.array.shape != shape:  # src is larger than index: zeros beyond it
                zeros = Tensor._wrap(get_array_module(grad.array).zeros(shape, grad.array.dtype))
                grad_src = IndexPut.apply(zeros, _leading(grad_src.array.shape), grad_src)
        return grad_a, None, None, grad_src


def _along(xp, idx, dim):
    """The key addressing ``[i][j][idx[i][j]]``-style positions: ``idx`` along ``dim``, the
    element's own position along every other dim (cupy's ``indices`` has no sparse form)."""
    nd = idx.ndim
    key = [
        xp.arange(n).reshape((1,) * i + (n,) + (1,) * (nd - i - 1)) for i, n in enumerate(idx.shape)
    ]
    key[dim] = idx
    return tuple(key)


def _leading(shape):
    """The key selecting the leading ``shape`` block of a larger array."""
    return tuple(slice(0, n) for n in shape)


def _check_scatter(name, input, dim, index, src):
    shape, ishape = input.array.shape, index.array.shape
    d = normalize_dim(dim, len(shape))
    if index.array.dtype.kind not in "iu":
        raise RuntimeError(f"{name}(): Expected dtype int64 for index")
    if len(ishape) != len(shape):
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    if isinstance(src, Tensor) and any(n > m for n, m in zip(ishape, src.array.shape)):
        raise RuntimeError(
            f"Expected index {list(ishape)} to be no larger than src {list(src.array.shape)}"
        )
    return d


def scatter(input, dim, index, src=None, *, value=None):
    """A copy of ``input`` with ``src`` (or ``value``) written at ``index`` along ``dim``."""
    src = value if src is None else src
    d = _check_scatter("scatter", input, dim, index, src)
    if isinstance(src, Tensor) and src.array.dtype != input.array.dtype:
        src = src.to(input.dtype)
    return Scatter.apply(input, d, index, src)


def scatter_add(input, dim, index, src):
    """A copy of ``input`` with ``src`` added at ``index`` along ``dim`` (repeats add up)."""
    d = _check_scatter("scatter_add", input, dim, index, src)
    src = src[_leading(index.array.shape)]
    return input + ScatterAdd.apply(src, input.array.shape, d, index)


def where_method(input, condition, other):
    """``input.where(condition, other)``: ``where(condition, input, other)``."""
    return where(condition, input, other)


def _where_samples(draw):
    sc, sa, sb = draw.shapes(3)
    cond, a, b = draw.values(sc) > 0, draw.values(sa), draw.values(sb)
    return [Sample(cond, a, b), Sample(cond, a, 0.5)]


def _masked_fill_samples(draw):
    sx, sm = draw.shapes(2)
    x = draw.values(sx)
    mask = draw.values(tuple(s for s in sm[len(sm) - len(sx) :])) > 0 if sx else draw.values(()) > 0
    return [Sample(x, mask, -1.5)]


def _take_samples(draw):
    shape = draw.shape(1)
    d = draw.integers(0, len(shape) - 1)
    idx_shape = tuple(
        draw.integers(1, 3) if i == d else draw.integers(1, s) for i, s in enumerate(shape)
    )
    idx = (draw.values(idx_shape, 0, shape[d])).astype("int64")
    return draw.values(shape), d, idx


def _gather_samples(draw):
    x, d, idx = _take_samples(draw)
    return [Sample(x, d, idx)]


def _index_select_samples(draw):
    x, d, _ = _take_samples(draw)
    idx = draw.values((draw.integers(1, 4),), 0, x.shape[d]).astype("int64")
    return [Sample(x, d, idx)]


def _scatter_samples(draw):
    """One index per slice along ``d``: repeated targets would make ``scatter`` ambiguous."""
    x, d, idx = _take_samples(draw)
    idx = idx[tuple(slice(0, 1) if i == d else slice(None) for i in range(idx.ndim))]
    src = draw.values(idx.shape)
    return [Sample(x, d, idx, src)]


def _sort_samples(draw):
    shape = draw.shape(1)
    x = draw.values(shape)
    d = draw.integers(-len(shape), len(shape) - 1)
    return [Sample(x, d), Sample(x, d, True)]


def _topk_samples(draw):
    shape = draw.shape(1)
    x = draw.values(shape)
    d = draw.integers(0, len(shape) - 1)
    return [Sample(x, draw.integers(0, shape[d]), d), Sample(x, 1, d, False)]


def _triangle_samples(draw):
    x = draw.values(draw.shape(2, 3))
    return [Sample(x), Sample(x, draw.integers(-2, 2))]


def _getitem_samples(draw):
    x = draw.values((3, 4))
    return [
        Sample(x, (slice(1, None), None, Ellipsis, slice(None, None, 2))),
        Sample(x, 1),
        Sample(x, x > 0),
        Sample(x, [0, 2, 2]),
    ]


OPS = [
    Op("__getitem__", getitem, namespaces=(), samples=_getitem_samples),
    Op(
        "__setitem__",
        setitem,
        namespaces=(),
        untested="in place; covered by tests/ops/test_index.py",
    ),
    Op("where", where, method=where_method, samples=_where_samples),
    Op("masked_fill", masked_fill, inplace="masked_fill_", samples=_masked_fill_samples),
    Op("gather", gather, samples=_gather_samples),
    Op("index_select", index_select, samples=_index_select_samples),
    Op(
        "nonzero",
        nonzero,
        grad=False,
        samples=lambda draw: [Sample(draw.values(draw.shape(1)) > 0)],
    ),
    Op("tril", tril, inplace="tril_", samples=_triangle_samples),
    Op("triu", triu, inplace="triu_", samples=_triangle_samples),
    Op("sort", sort, samples=_sort_samples),
    Op("argsort", argsort, grad=False, samples=_sort_samples),
    Op("topk", topk, samples=_topk_samples),
    Op("scatter", scatter, inplace="scatter_", samples=_scatter_samples),
    Op("scatter_add", scatter_add, inplace="scatter_add_", samples=_scatter_samples),
]
