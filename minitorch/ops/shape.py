"""Shape ops: views, permutations, broadcasting, joining and splitting."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from ..backend import get_array_module
from ..dtypes import promote_types
from ..tensor import Tensor
from ._util import device_mismatch, normalize_dim, normalize_dims


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
        ctx.in_shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return View.apply(grad, ctx.in_shape), None


class Permute(Function):
    """Reorder dims (a view); d/da = grad permuted by the inverse order."""

    is_view = True

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return a.array.transpose(dims)

    @staticmethod
    def backward(ctx, grad):
        inverse = tuple(int(i) for i in np.argsort(ctx.dims))
        return Permute.apply(grad, inverse), None


class Expand(Function):
    """Broadcast to a larger shape without copying; d/da = grad summed over the new dims."""

    is_view = True

    @staticmethod
    def forward(ctx, a, shape):
        x = a.array
        ctx.in_shape = x.shape
        return get_array_module(x).broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, grad):
        from .reduce import SumTo

        return SumTo.apply(grad, ctx.in_shape), None


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


def view(input, shape):
    """``view``: a reshape that must not copy (PyTorch raises for incompatible strides)."""
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


def reshape(input, shape):
    return View.apply(input, infer_shape(_sizes(shape), input.array.size))


def flatten(input, start_dim=0, end_dim=-1):
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
    shape = input.array.shape
    d = normalize_dim(dim, len(shape) + 1)
    return View.apply(input, shape[:d] + (1,) + shape[d:])


def permute(input, dims):
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
    ndim = input.array.ndim
    if ndim == 0:
        return input.view(())
    d0, d1 = normalize_dim(dim0, ndim), normalize_dim(dim1, ndim)
    dims = list(range(ndim))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return Permute.apply(input, tuple(dims))


def t(input):
    ndim = input.array.ndim
    if ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {ndim}D")
    return input if ndim < 2 else Permute.apply(input, (1, 0))


def expand(input, sizes):
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


def repeat(input, sizes):
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


def flip(input, dims):
    return Flip.apply(input, normalize_dims(dims, input.array.ndim))


def narrow(input, dim, start, length):
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
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input.array.shape[normalize_dim(dim, input.array.ndim)]
    return split(input, max(1, -(-n // chunks)), dim)


def unbind(input, dim=0):
    if input.array.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    return Unbind.apply(input, normalize_dim(dim, input.array.ndim))


def cat(tensors, dim=0):
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
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    return Stack.apply(normalize_dim(dim, tensors[0].array.ndim + 1), *tensors)


def broadcast_to(input, shape):
    return expand(input, shape)


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
