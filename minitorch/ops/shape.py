"""Shape ops: views, permutations, broadcasting, joining and splitting."""

from __future__ import annotations

import numpy as np

from .. import dtypes
from ..autograd.function import Function
from ..backend import get_array_module
from ..dtypes import promote_types
from ..shapes import normalize_dim, normalize_dims
from ..tensor import Tensor
from ._util import device_mismatch
from .reduce import SumTo
from .table import Op, Sample


def _sizes(args) -> tuple:
    """Accept ``f(2, 3)``, ``f((2, 3))`` and ``f([2, 3])`` alike."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    return tuple(int(s) for s in args)


def infer_shape(shape, numel: int) -> tuple:
    """Resolve one -1 in ``shape``; RuntimeError (PyTorch's text) when sizes don't fit."""
    shape = tuple(shape)
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if -1 in shape:
        if known == 0 and numel == 0:
            raise RuntimeError(
                f"cannot reshape tensor of 0 elements into shape {list(shape)} because the "
                "unspecified dimension size -1 can be any value and is ambiguous"
            )
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


class View(Function):
    """The same values in a new shape (a view when memory allows); d/da = grad reshaped back."""

    is_view = True

    @staticmethod
    def forward(ctx, a, shape):
        x = a.array
        ctx.in_shape, ctx.shape = x.shape, shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return View.apply(grad, ctx.in_shape), None

    def replay(self, base):
        return View.apply(base, self.shape)

    def write_back(self, base, value):
        return View.apply(value, self.in_shape)


class Permute(Function):
    """Reorder dims (a view); d/da = grad permuted by the inverse order."""

    is_view = True

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return a.array.transpose(dims)

    @staticmethod
    def backward(ctx, grad):
        return Permute.apply(grad, _inverse(ctx.dims)), None

    def replay(self, base):
        return Permute.apply(base, self.dims)

    def write_back(self, base, value):
        return Permute.apply(value, _inverse(self.dims))


def _inverse(dims) -> tuple:
    """The permutation that undoes ``dims``."""
    return tuple(int(i) for i in np.argsort(dims))


class Expand(Function):
    """Broadcast to a larger shape without copying; d/da = grad summed over the new dims."""

    is_view = True

    @staticmethod
    def forward(ctx, a, shape):
        x = a.array
        ctx.in_shape, ctx.shape = x.shape, shape
        return get_array_module(x).broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, grad):
        return SumTo.apply(grad, ctx.in_shape), None

    def replay(self, base):
        return Expand.apply(base, self.shape)


class Flip(Function):
    """Reverse the order along ``dims``; d/da = grad flipped back."""

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return get_array_module(a.array).flip(a.array, dims)

    @staticmethod
    def backward(ctx, grad):
        return Flip.apply(grad, ctx.dims), None


class Cat(Function):
    """Join tensors along ``dim``; each input's gradient is its slice of the output's.

    1-d empty tensors are skipped (PyTorch's legacy rule, relied on by accumulation loops).
    """

    @staticmethod
    def forward(ctx, dim, *tensors):
        arrays = [t.array for t in tensors]
        first = arrays[0]
        dt = first.dtype
        for a in arrays[1:]:
            dt = promote_types(dt, a.dtype)
            if type(a) is not type(first):
                raise device_mismatch(first, a)
        skipped = [a.ndim == 1 and a.size == 0 for a in arrays]
        ctx.dim, ctx.skipped = dim, skipped
        ctx.sizes = [0 if skip else a.shape[dim] for a, skip in zip(arrays, skipped)]
        kept = [
            a if a.dtype == dt else a.astype(dt) for a, skip in zip(arrays, skipped) if not skip
        ]
        if not kept:
            return get_array_module(first).empty(0, dtype=dt)
        return get_array_module(first).concatenate(kept, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        out, start = [None], 0
        for size, skip, needed in zip(ctx.sizes, ctx.skipped, ctx.needs_input_grad[1:]):
            if not needed:
                out.append(None)
            elif skip:
                out.append(grad.flatten()[:0])
            else:
                out.append(grad.narrow(ctx.dim, start, size))
            start += size
        return tuple(out)


class Stack(Function):
    """Join tensors along a new ``dim``; each input's gradient is one slice of the output's."""

    @staticmethod
    def forward(ctx, dim, *tensors):
        ctx.dim = dim
        first = tensors[0].array
        for i, t in enumerate(tensors[1:], 1):
            if t.array.shape != first.shape:
                raise RuntimeError(
                    "stack expects each tensor to be equal size, but got "
                    f"{list(first.shape)} at entry 0 and {list(t.array.shape)} at entry {i}"
                )
            if type(t.array) is not type(first):
                raise device_mismatch(first, t.array)
        dt = first.dtype
        for t in tensors[1:]:
            dt = promote_types(dt, t.array.dtype)
        arrays = [t.array if t.array.dtype == dt else t.array.astype(dt) for t in tensors]
        return get_array_module(first).stack(arrays, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return (None, *grad.unbind(ctx.dim))


class Split(Function):
    """Consecutive pieces of ``a`` along ``dim`` (views); d/da = their gradients joined again.

    One node for all pieces: backward allocates one gradient, not a full-size one per piece.
    """

    is_view = True

    @staticmethod
    def forward(ctx, a, dim, sizes):
        x = a.array
        ctx.dim = dim
        pieces, start = [], 0
        for size in sizes:
            pieces.append(_view_piece(a, x[(slice(None),) * dim + (slice(start, start + size),)]))
            start += size
        return tuple(pieces)

    @staticmethod
    def backward(ctx, *grads):
        return Cat.apply(ctx.dim, *grads), None, None


class Unbind(Function):
    """The slices of ``a`` along ``dim`` (views); d/da = their gradients stacked again."""

    is_view = True

    @staticmethod
    def forward(ctx, a, dim):
        x = a.array
        ctx.dim = dim
        key = (slice(None),) * dim
        # Ellipsis: 1-d inputs give 0-d views, not numpy scalars
        return tuple(_view_piece(a, x[key + (i, Ellipsis)]) for i in range(x.shape[dim]))

    @staticmethod
    def backward(ctx, *grads):
        return Stack.apply(ctx.dim, *grads), None


def _view_piece(a, array):
    """An output sharing ``a``'s memory and version counter (also when nothing is recorded)."""
    piece = Tensor._wrap(array)
    piece._version_counter = a._version_counter
    return piece


def view(input, *shape):
    """The same memory seen in a new shape (one size may be -1); never copies.

    PyTorch raises when the strides cannot be laid over the new shape: use ``reshape`` then.
    """
    if len(shape) == 1 and isinstance(shape[0], (dtypes.dtype, str)):
        raise NotImplementedError("view(dtype) is not supported; use .to(dtype)")
    x = input.array
    shape = infer_shape(_sizes(shape), x.size)
    if not x.flags.c_contiguous and not _viewable(x.shape, x.strides, shape):
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        )
    return View.apply(input, shape)


def _viewable(shape, strides, new_shape) -> bool:
    """Whether ``new_shape`` can be laid over this memory without a copy (PyTorch's rule).

    Walks the dims from the right in chunks of memory-contiguous dims; each chunk must split
    exactly into new dims.
    """
    if not shape or 0 in shape:
        return True
    view_d, chunk_stride = len(new_shape) - 1, strides[-1]
    numel = view_numel = 1
    for d in range(len(shape) - 1, -1, -1):
        numel *= shape[d]
        if d == 0 or (shape[d - 1] != 1 and strides[d - 1] != numel * chunk_stride):
            while view_d >= 0 and (view_numel < numel or new_shape[view_d] == 1):
                view_numel *= new_shape[view_d]
                view_d -= 1
            if view_numel != numel:
                return False
            if d > 0:
                chunk_stride, numel, view_numel = strides[d - 1], 1, 1
    return view_d == -1


def reshape(input, *shape):
    """The values in a new shape (one size may be -1): a view when memory allows, else a copy."""
    return View.apply(input, infer_shape(_sizes(shape), input.array.size))


def flatten(input, start_dim=0, end_dim=-1):
    """Dims ``start_dim`` to ``end_dim`` merged into one."""
    shape = input.array.shape
    if not shape:
        return View.apply(input, (1,))
    s, e = normalize_dim(start_dim, len(shape)), normalize_dim(end_dim, len(shape))
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    middle = 1
    for n in shape[s : e + 1]:
        middle *= n
    return View.apply(input, shape[:s] + (middle,) + shape[e + 1 :])


def unflatten(input, dim, sizes):
    """Dim ``dim`` split into ``sizes`` (one may be -1)."""
    shape = input.array.shape
    d = normalize_dim(dim, len(shape))
    try:
        sizes = infer_shape(sizes, shape[d])
    except RuntimeError:
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {d} "
            f"({shape[d]}) in the input tensor"
        ) from None
    return View.apply(input, shape[:d] + sizes + shape[d + 1 :])


def squeeze(input, dim=None):
    """Size-1 dims removed (all of them, or those among ``dim``)."""
    shape = input.array.shape
    if dim is None:
        dims = {i for i, s in enumerate(shape) if s == 1}
    else:
        dims = dim if isinstance(dim, (tuple, list)) else (dim,)
        dims = {d for d in (normalize_dim(d, len(shape)) for d in dims) if shape and shape[d] == 1}
    if not dims:
        return View.apply(input, shape)
    return View.apply(input, tuple(s for i, s in enumerate(shape) if i not in dims))


def unsqueeze(input, dim):
    """A size-1 dim inserted at ``dim``."""
    shape = input.array.shape
    d = normalize_dim(dim, len(shape) + 1)
    return View.apply(input, shape[:d] + (1,) + shape[d:])


def permute(input, *dims):
    """Dims reordered: output dim i is input dim ``dims[i]`` (a view)."""
    ndim = input.array.ndim
    dims = tuple(normalize_dim(d, ndim) for d in _sizes(dims))
    if sorted(dims) != list(range(ndim)):
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {ndim} is not "
            f"equal to len(dims) = {len(dims)}"
            if len(dims) != ndim
            else f"permute(): duplicate dims are not allowed in {list(dims)}"
        )
    return Permute.apply(input, dims)


def transpose(input, dim0, dim1):
    """Dims ``dim0`` and ``dim1`` swapped (a view)."""
    ndim = input.array.ndim
    if ndim == 0:
        return View.apply(input, ())
    d0, d1 = normalize_dim(dim0, ndim), normalize_dim(dim1, ndim)
    dims = list(range(ndim))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return Permute.apply(input, tuple(dims))


def t(input):
    """The transpose of a matrix (vectors and scalars unchanged)."""
    ndim = input.array.ndim
    if ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {ndim}D")
    return input if ndim < 2 else Permute.apply(input, (1, 0))


def expand(input, *sizes):
    """Size-1 dims broadcast to ``sizes`` without copying (-1 keeps a size)."""
    sizes = _sizes(sizes)
    shape = input.array.shape
    if len(sizes) < len(shape):
        raise RuntimeError(
            f"expand(minitorch.{input.dtype.name}{{{list(shape)}}}, size={list(sizes)}): the "
            f"number of sizes provided ({len(sizes)}) must be greater or equal to the number of "
            f"dimensions in the tensor ({len(shape)})"
        )
    lead = len(sizes) - len(shape)
    target = list(sizes)
    for i, s in enumerate(shape):
        want = sizes[lead + i]
        if want == -1:
            target[lead + i] = s
        elif s != 1 and s != want:
            raise RuntimeError(
                f"The expanded size of the tensor ({want}) must match the existing size ({s}) at "
                f"non-singleton dimension {lead + i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                f"{list(shape)}"
            )
    target = tuple(target)
    return input if target == shape else Expand.apply(input, target)


def repeat(input, *sizes):
    """Tile the tensor ``sizes`` times; built from expand + reshape, so it is differentiable."""
    sizes = _sizes(sizes)
    shape = input.array.shape
    if len(sizes) < len(shape):
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of "
            "tensor"
        )
    shape = (1,) * (len(sizes) - len(shape)) + shape
    x = input.reshape(tuple(d for s in shape for d in (1, s)))
    x = x.expand(tuple(d for r, s in zip(sizes, shape) for d in (r, s)))
    return x.reshape(tuple(r * s for r, s in zip(sizes, shape)))


def flip(input, *dims):
    """The order of elements reversed along ``dims``."""
    dims = dims[0] if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
    return Flip.apply(input, normalize_dims(dims, input.array.ndim))


def narrow(input, dim, start, length):
    """``length`` elements of dim ``dim`` from ``start`` (a view)."""
    d = normalize_dim(dim, input.array.ndim)
    size = input.array.shape[d]
    if not -size <= start <= size:
        raise IndexError(
            f"start out of range (expected to be in range of [{-size}, {size}], but got {start})"
        )
    start = start % size if start < 0 else start
    if start + length > size or length < 0:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return input[(slice(None),) * d + (slice(start, start + length),)]


def split(input, split_size, dim=0):
    """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or of the given sizes."""
    d = normalize_dim(dim, input.array.ndim)
    n = input.array.shape[d]
    if isinstance(split_size, int):
        if split_size <= 0 and not (split_size == 0 and n == 0):
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}"
                if split_size == 0
                else f"split expects split_size be non-negative, but got split_size={split_size}"
            )
        sizes = [min(split_size, n - i) for i in range(0, n, split_size or 1)] or [0]
    else:
        sizes = list(split_size)
        if sum(sizes) != n:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size "
                f"at dimension {d}), but got split_sizes={sizes}"
            )
    return Split.apply(input, d, tuple(sizes))


def chunk(input, chunks, dim=0):
    """At most ``chunks`` equal pieces along ``dim`` (views)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input.array.shape[normalize_dim(dim, input.array.ndim)]
    return split(input, max(1, -(-n // chunks)), dim)


def unbind(input, dim=0):
    """The slices along ``dim``, as a tuple of views."""
    if input.array.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    return Unbind.apply(input, normalize_dim(dim, input.array.ndim))


def cat(tensors, dim=0):
    """Tensors joined along an existing dim (their other sizes must match)."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if t.array.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    # PyTorch skips 1-d empty tensors (legacy behaviour people rely on for accumulation loops)
    legacy_empty = [t.array.ndim == 1 and t.array.size == 0 for t in tensors]
    ref = next((t for t, e in zip(tensors, legacy_empty) if not e), tensors[0])
    d = normalize_dim(dim, ref.array.ndim)
    for i, (t, empty) in enumerate(zip(tensors, legacy_empty)):
        if empty:
            continue
        s = t.array.shape
        if len(s) != len(ref.array.shape):
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {len(ref.array.shape)} and "
                f"{len(s)}"
            )
        for k, (a, b) in enumerate(zip(s, ref.array.shape)):
            if k != d and a != b:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size {b} but "
                    f"got size {a} for tensor number {i} in the list."
                )
    return Cat.apply(d, *tensors)


def stack(tensors, dim=0):
    """Same-shaped tensors joined along a new dim ``dim``."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    return Stack.apply(normalize_dim(dim, tensors[0].array.ndim + 1), *tensors)


def broadcast_to(input, size):
    """``input`` broadcast to ``size`` (``expand``)."""
    return expand(input, size)


def movedim(input, source, destination):
    """Move dims ``source`` to positions ``destination`` (ints or sequences), keeping the rest."""
    ndim = input.array.ndim
    src = [normalize_dim(d, ndim) for d in ((source,) if isinstance(source, int) else source)]
    dst = [
        normalize_dim(d, ndim)
        for d in ((destination,) if isinstance(destination, int) else destination)
    ]
    if len(src) != len(dst):
        raise RuntimeError(
            "movedim: Invalid source or destination dims: source "
            f"({list(src)} dims) should contain the same number of dims as destination "
            f"({list(dst)} dims)"
        )
    order = [d for d in range(ndim) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return Permute.apply(input, tuple(order))


def view_as(input, other):
    """``input.view(other.shape)``."""
    return view(input, other.array.shape)


def reshape_as(input, other):
    """``input.reshape(other.shape)``."""
    return reshape(input, other.array.shape)


def expand_as(input, other):
    """``input.expand(other.shape)``."""
    return expand(input, other.array.shape)


def matrix_transpose(input):
    """``T``: all dims reversed (``.mT`` swaps only the last two)."""
    return Permute.apply(input, tuple(range(input.array.ndim - 1, -1, -1)))


def batch_transpose(input):
    """``mT``: the last two dims swapped (a batch of matrices transposed)."""
    return transpose(input, -2, -1)


def _dims_samples(draw):
    shape = draw.shape(1, 4)
    return draw.values(shape), shape


def _view_samples(draw):
    x, shape = _dims_samples(draw)
    return [
        Sample(x, -1),
        Sample(x, (x.size,)),
        Sample(x, *shape[::-1]) if x.size else Sample(x, -1),
    ]


def _dim_pair(draw):
    x, shape = _dims_samples(draw)
    return x, draw.integers(-len(shape), len(shape) - 1), draw.integers(-len(shape), len(shape) - 1)


def _permute_samples(draw):
    x, shape = _dims_samples(draw)
    k = draw.integers(0, len(shape) - 1)
    rotated = [*range(k, len(shape)), *range(k)]
    return [Sample(x, *rotated), Sample(x, tuple(reversed(range(len(shape)))))]


def _squeeze_samples(draw):
    shape = tuple(draw.choice((1, s)) for s in draw.shape(1))
    x = draw.values(shape)
    return [Sample(x), Sample(x, draw.integers(-len(shape), len(shape) - 1))]


def _expand_samples(draw):
    shape = tuple(draw.choice((1, s)) for s in draw.shape())
    target = tuple(3 if s == 1 else s for s in shape)
    return [Sample(draw.values(shape), (2, *target))]


def _split_samples(draw):
    x, d, _ = _dim_pair(draw)
    return [Sample(x, draw.integers(1, 3), d)]


def _cat_samples(draw):
    shape = draw.shape(1)
    d = draw.integers(0, len(shape) - 1)
    other = tuple(draw.integers(1, 3) if i == d else s for i, s in enumerate(shape))
    return [Sample([draw.values(shape), draw.values(other)], d)]


def _stack_samples(draw):
    shape = draw.shape()
    return [Sample([draw.values(shape), draw.values(shape)], draw.integers(0, len(shape)))]


def _movedim_samples(draw):
    x, a, b = _dim_pair(draw)
    return [Sample(x, a, b)]


def _narrow_samples(draw):
    x, shape = _dims_samples(draw)
    d = draw.integers(0, len(shape) - 1)
    start = draw.integers(0, shape[d])
    return [Sample(x, d, start, draw.integers(0, shape[d] - start))]


def _matrix_samples(draw):
    return [Sample(draw.values(draw.shape(2, 2)))]


OPS = [
    Op("view", view, namespaces=(), samples=_view_samples),
    Op("view_as", view_as, namespaces=(), samples=lambda d: [Sample(*([d.values((2, 3))] * 2))]),
    Op("reshape", reshape, samples=_view_samples),
    Op(
        "reshape_as",
        reshape_as,
        namespaces=(),
        samples=lambda d: [Sample(d.values((6,)), d.values((2, 3)))],
    ),
    Op(
        "flatten",
        flatten,
        samples=lambda draw: (
            [Sample(x, 0, d) for x, d, _ in [_dim_pair(draw)]] + [Sample(draw.values(()))]
        ),
    ),
    Op("unflatten", unflatten, samples=lambda draw: [Sample(draw.values((2, 6)), 1, (3, -1))]),
    Op("squeeze", squeeze, samples=_squeeze_samples),
    Op(
        "unsqueeze",
        unsqueeze,
        samples=lambda draw: [Sample(x, d) for x, d, _ in [_dim_pair(draw)]],
    ),
    Op("permute", permute, samples=_permute_samples),
    Op(
        "transpose",
        transpose,
        aliases=("swapaxes", "swapdims"),
        samples=lambda draw: [Sample(*_dim_pair(draw))],
    ),
    Op("t", t, samples=lambda draw: [Sample(draw.values(draw.shape(0, 2)))]),
    Op("T", matrix_transpose, namespaces=(), is_property=True, samples=_matrix_samples),
    Op("mT", batch_transpose, namespaces=(), is_property=True, samples=_matrix_samples),
    Op("expand", expand, namespaces=(), samples=_expand_samples),
    Op(
        "expand_as",
        expand_as,
        namespaces=(),
        samples=lambda d: [Sample(d.values((3, 1)), d.values((2, 3, 4)))],
    ),
    Op("broadcast_to", broadcast_to, samples=_expand_samples),
    Op(
        "repeat",
        repeat,
        namespaces=(),
        samples=lambda draw: [Sample(draw.values(draw.shape()), *draw.shape(3, 4))],
    ),
    Op("flip", flip, samples=lambda draw: [Sample(x, d) for x, d, _ in [_dim_pair(draw)]]),
    Op("movedim", movedim, aliases=("moveaxis",), samples=_movedim_samples),
    Op("narrow", narrow, samples=_narrow_samples),
    Op("split", split, samples=_split_samples),
    Op("chunk", chunk, samples=_split_samples),
    Op("unbind", unbind, samples=lambda draw: [Sample(x, d) for x, d, _ in [_dim_pair(draw)]]),
    Op("cat", cat, method=False, aliases=("concat", "concatenate"), samples=_cat_samples),
    Op("stack", stack, method=False, samples=_stack_samples),
]
