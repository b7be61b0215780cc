"""``Tensor``: an ndarray (numpy on cpu, cupy on cuda) plus what autograd needs to know about it.

``grad_fn`` is the node of the op that made the tensor (None for leaves); ``backward()`` hands the
graph behind it to the engine. Every method below is written out and calls one op; the ops, each
with its backward, live in ``minitorch/ops``.
"""

from __future__ import annotations

import builtins
import weakref

import numpy as np

from . import backend, dtypes
from .autograd import engine, function

_new = object.__new__


class Tensor:
    """A multi-dimensional array that can record the ops applied to it."""

    __slots__ = (
        "array",  # the ndarray holding the values
        "requires_grad",
        "grad",
        "grad_fn",  # the node that produced this tensor (None for a leaf)
        "_output_nr",  # which output of grad_fn this is
        "_version_counter",  # [n]: bumped by in-place ops; shared with views
        "_grad_acc",  # weak ref to the leaf's AccumulateGrad node
        "_hooks",  # gradient hooks of a leaf
        "_post_acc_hooks",  # hooks run after a leaf's .grad is accumulated
        "_view_of",  # (parent, view node, root, root's grad_fn then) for views; else None
        "__weakref__",
    )
    # numpy scalars and arrays defer to Tensor's reflected operators, so ``np.float64(2) * t``
    # is a Tensor (with its history), not an ndarray made through ``__array__``.
    __array_priority__ = 1000

    def __init__(self, *args, dtype=None, device=None, requires_grad=False):
        """``Tensor(data)`` or ``Tensor(*sizes)``: PyTorch's legacy float32 constructor."""
        from .creation import empty, tensor

        if len(args) == 1 and not isinstance(args[0], (int, np.integer)):
            made = tensor(args[0], dtype=dtype or dtypes.get_default_dtype(), device=device)
        else:
            made = empty(*args, dtype=dtype, device=device)
        self._init(made.array, requires_grad)

    def _init(self, array, requires_grad=False):
        self.array = array
        self.requires_grad = requires_grad
        self.grad = None
        self.grad_fn = None
        self._output_nr = 0
        self._version_counter = [0]
        self._grad_acc = None
        self._hooks = None
        self._post_acc_hooks = None
        self._view_of = None

    @classmethod
    def _wrap(cls, array, requires_grad=False):
        """A new tensor around ``array`` (the fast path every op's output takes)."""
        t = _new(cls)
        if type(array) is not np.ndarray and (
            isinstance(array, np.generic) or not hasattr(array, "ndim")
        ):
            array = np.asarray(array)  # numpy returns scalars from 0-d math; keep arrays only
        t.array = array
        t.requires_grad = requires_grad
        t.grad = None
        t.grad_fn = None
        t._output_nr = 0
        t._version_counter = [0]
        t._grad_acc = None
        t._hooks = None
        t._post_acc_hooks = None
        t._view_of = None
        return t

    def _xp(self):
        """numpy or cupy: the module that owns this tensor's array."""
        return backend.get_array_module(self.array)

    # --- attributes ---------------------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return Size(self.array.shape)

    def size(self, dim: int | None = None):
        if dim is None:
            return Size(self.array.shape)
        return self.array.shape[_dim(dim, self.array.ndim)]

    @property
    def dtype(self) -> dtypes.dtype:
        return dtypes.from_numpy_dtype(self.array.dtype)

    @property
    def device(self) -> backend.device:
        return backend.device_of(self.array)

    @property
    def is_cuda(self) -> bool:
        return not backend.is_cpu(self.array)

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def ndim(self) -> int:
        return self.array.ndim

    def dim(self) -> int:
        return self.array.ndim

    def numel(self) -> int:
        return int(self.array.size)

    nelement = numel

    def element_size(self) -> int:
        return self.array.itemsize

    def is_floating_point(self) -> bool:
        return self.array.dtype.kind == "f"

    def is_contiguous(self) -> bool:
        return bool(self.array.flags.c_contiguous)

    @property
    def _version(self) -> int:
        return self._version_counter[0]

    @property
    def data(self) -> Tensor:
        """A tensor sharing this one's values but not its history (PyTorch's ``.data``)."""
        return Tensor._wrap(self.array)

    @data.setter
    def data(self, other: Tensor) -> None:
        self.array = other.array

    @property
    def T(self) -> Tensor:
        return Permute.apply(self, tuple(range(self.array.ndim - 1, -1, -1)))

    @property
    def mT(self) -> Tensor:
        return self.transpose(-2, -1)

    def __len__(self) -> int:
        if self.array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.array.shape[0]

    def __iter__(self):
        if self.array.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.array.shape[0]))

    def __hash__(self) -> int:
        return id(self)

    # --- conversion to Python / numpy ---------------------------------------------------------
    def item(self):
        if self.array.size != 1:
            raise RuntimeError(
                f"a Tensor with {self.array.size} elements cannot be converted to Scalar"
            )
        return backend.to_host(self.array).item()

    def tolist(self):
        return backend.to_host(self.array).tolist()

    def numpy(self, force: bool = False) -> np.ndarray:
        """The values as a numpy array, sharing memory on cpu (``force`` also detaches/copies)."""
        if not force:
            if self.requires_grad:
                raise RuntimeError(
                    "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                    "instead."
                )
            if not backend.is_cpu(self.array):
                raise TypeError(
                    f"can't convert {self.device} device type tensor to numpy. Use Tensor.cpu() "
                    "to copy the tensor to host memory first."
                )
        return backend.to_host(self.array)

    def __array__(self, dtype=None, copy=None):
        arr = self.numpy()
        return arr if dtype is None else arr.astype(dtype)

    def __bool__(self) -> builtins.bool:
        if self.array.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with {self.array.size} values is ambiguous"
            )
        return builtins.bool(self.item())

    def __float__(self) -> builtins.float:
        return builtins.float(self.item())

    def __int__(self) -> builtins.int:
        return builtins.int(self.item())

    def __index__(self) -> builtins.int:
        if self.array.size != 1 or self.array.dtype.kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return builtins.int(self.item())

    def __format__(self, spec: str) -> str:
        if self.array.ndim == 0:
            return format(self.item(), spec)
        return format(repr(self), spec)

    def __repr__(self) -> str:
        from ._tensor_str import tensor_repr

        grad_fn = self.grad_fn.name() if self.grad_fn is not None else None
        return tensor_repr(
            backend.to_host(self.array),
            dtype_name=self.dtype.name,
            device=str(self.device),
            requires_grad=self.requires_grad,
            grad_fn=grad_fn,
            default_dtype_name=dtypes.get_default_dtype().name,
        )

    # --- autograd -----------------------------------------------------------------------------
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None) -> None:
        """Accumulate the gradient of this tensor into ``.grad`` of the leaves behind it."""
        engine.backward(self, gradient, retain_graph, create_graph, inputs)

    def _accumulator(self):
        """The leaf's AccumulateGrad node, shared by all edges into this leaf while alive."""
        node = self._grad_acc() if self._grad_acc is not None else None
        if node is None:
            node = function.AccumulateGrad(self)
            self._grad_acc = weakref.ref(node)
        return node

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a new one."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
            hooks.append(hook)
        else:
            self.grad_fn.register_prehook(self._output_nr, hook)
            hooks = self.grad_fn._pre_hooks[self._output_nr]
        return _RemovableHandle(hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Call ``hook(self)`` on this leaf each time backward has accumulated its ``.grad``."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            raise RuntimeError(
                "post accumulate grad hooks cannot be registered on non-leaf tensors"
            )
        if self._post_acc_hooks is None:
            self._post_acc_hooks = []
        self._post_acc_hooks.append(hook)
        return _RemovableHandle(self._post_acc_hooks, hook)

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor after backward."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None:
            return
        node = self.grad_fn
        if node._retained is None:
            node._retained = {}
        node._retained[self._output_nr] = weakref.ref(self)

    @property
    def retains_grad(self) -> builtins.bool:
        node = self.grad_fn
        return node is not None and node._retained is not None and self._output_nr in node._retained

    def requires_grad_(self, requires_grad: builtins.bool = True) -> Tensor:
        if self.grad_fn is not None and not requires_grad:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        if requires_grad and self.array.dtype.kind != "f":
            raise RuntimeError(
                f"only Tensors of floating point dtype can require gradients (got {self.dtype})"
            )
        self.requires_grad = requires_grad
        return self

    def detach(self) -> Tensor:
        """The same values (same memory, same version counter) cut from the graph."""
        t = Tensor._wrap(self.array)
        t._version_counter = self._version_counter
        return t

    def detach_(self) -> Tensor:
        self.grad_fn = None
        self.requires_grad = False
        return self

    # --- conversion between dtypes / devices --------------------------------------------------
    def to(self, *args, **kwargs) -> Tensor:
        """``to(dtype)``, ``to(device)``, ``to(device, dtype)`` or ``to(other)``."""
        dev, dt, copy = _parse_to(args, kwargs)
        out = self
        if dev is not None and backend.device_of(self.array) != dev:
            out = ToDevice.apply(out, dev)
        if dt is not None and out.array.dtype != dt.numpy_dtype:
            out = Cast.apply(out, dt.numpy_dtype)
        if copy and out is self:
            out = self.clone()
        return out

    def cpu(self) -> Tensor:
        return self.to(backend.CPU)

    def cuda(self, device=None) -> Tensor:
        if isinstance(device, (int, np.integer)):
            device = backend.device("cuda", int(device))
        return self.to(backend.device(device or "cuda"))

    def type(self, dtype=None, non_blocking=False):
        if dtype is None:
            return f"minitorch.{self.dtype.name}"
        return self.to(dtype)

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    def float(self) -> Tensor:
        return self.to(dtypes.float32)

    def double(self) -> Tensor:
        return self.to(dtypes.float64)

    def half(self) -> Tensor:
        return self.to(dtypes.float16)

    def long(self) -> Tensor:
        return self.to(dtypes.int64)

    def int(self) -> Tensor:
        return self.to(dtypes.int32)

    def short(self) -> Tensor:
        return self.to(dtypes.int16)

    def byte(self) -> Tensor:
        return self.to(dtypes.uint8)

    def bool(self) -> Tensor:
        return self.to(dtypes.bool)

    def clone(self) -> Tensor:
        return Clone.apply(self)

    def contiguous(self) -> Tensor:
        return self if self.array.flags.c_contiguous else Clone.apply(self)

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False) -> Tensor:
        from .creation import tensor

        return tensor(
            data,
            dtype=dtype or self.dtype,
            device=device or self.device,
            requires_grad=requires_grad,
        )

    def new_zeros(self, *size, dtype=None, device=None) -> Tensor:
        from .creation import zeros

        return zeros(*size, dtype=dtype or self.dtype, device=device or self.device)

    def new_ones(self, *size, dtype=None, device=None) -> Tensor:
        from .creation import ones

        return ones(*size, dtype=dtype or self.dtype, device=device or self.device)

    def new_full(self, size, fill_value, dtype=None, device=None) -> Tensor:
        from .creation import full

        return full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device)

    def new_empty(self, *size, dtype=None, device=None) -> Tensor:
        from .creation import empty

        return empty(*size, dtype=dtype or self.dtype, device=device or self.device)

    # --- arithmetic ---------------------------------------------------------------------------
    def __add__(self, other):
        return Add.apply(self, other)

    def __radd__(self, other):
        return Add.apply(other, self)

    def __sub__(self, other):
        return Sub.apply(self, other)

    def __rsub__(self, other):
        return Sub.apply(other, self)

    def __mul__(self, other):
        return Mul.apply(self, other)

    def __rmul__(self, other):
        return Mul.apply(other, self)

    def __truediv__(self, other):
        return Div.apply(self, other)

    def __rtruediv__(self, other):
        return Div.apply(other, self)

    def __floordiv__(self, other):
        return arith.floor_divide(self, other)

    def __rfloordiv__(self, other):
        return arith.floor_divide(other, self)

    def __mod__(self, other):
        return arith.remainder(self, other)

    def __rmod__(self, other):
        return arith.remainder(other, self)

    def __pow__(self, exponent):
        return Pow.apply(self, exponent)

    def __rpow__(self, base):
        return Pow.apply(base, self)

    def __neg__(self):
        return Neg.apply(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return Abs.apply(self)

    def __matmul__(self, other):
        return MatMul.apply(self, other)

    def __rmatmul__(self, other):
        return MatMul.apply(other, self)

    def add(self, other, *, alpha=1):
        return Add.apply(self, other if alpha == 1 else other * alpha)

    def sub(self, other, *, alpha=1):
        return Sub.apply(self, other if alpha == 1 else other * alpha)

    subtract = sub

    def mul(self, other):
        return Mul.apply(self, other)

    multiply = mul

    def div(self, other, *, rounding_mode=None):
        return arith.div(self, other, rounding_mode=rounding_mode)

    divide = true_divide = div

    def pow(self, exponent):
        return Pow.apply(self, exponent)

    def neg(self):
        return Neg.apply(self)

    negative = neg

    def abs(self):
        return Abs.apply(self)

    absolute = abs

    def square(self):
        return Mul.apply(self, self)

    def reciprocal(self):
        return Div.apply(1.0, self)

    def matmul(self, other):
        return MatMul.apply(self, other)

    def mm(self, other):
        return linalg.mm(self, other)

    def bmm(self, other):
        return linalg.bmm(self, other)

    def dot(self, other):
        return linalg.dot(self, other)

    def maximum(self, other):
        return Maximum.apply(self, other)

    def minimum(self, other):
        return Minimum.apply(self, other)

    def floor_divide(self, other):
        return arith.floor_divide(self, other)

    def remainder(self, other):
        return arith.remainder(self, other)

    def lerp(self, end, weight):
        return self + (end - self) * weight

    # --- elementwise math ---------------------------------------------------------------------
    def exp(self):
        return unary.Exp.apply(self)

    def log(self):
        return unary.Log.apply(self)

    def log2(self):
        return unary.Log.apply(self) / 0.6931471805599453

    def log10(self):
        return unary.Log.apply(self) / 2.302585092994046

    def log1p(self):
        return unary.Log1p.apply(self)

    def expm1(self):
        return unary.Expm1.apply(self)

    def sqrt(self):
        return unary.Sqrt.apply(self)

    def rsqrt(self):
        return Pow.apply(self, -0.5)

    def sin(self):
        return unary.Sin.apply(self)

    def cos(self):
        return unary.Cos.apply(self)

    def tanh(self):
        return unary.Tanh.apply(self)

    def sigmoid(self):
        return unary.Sigmoid.apply(self)

    def relu(self):
        return unary.Relu.apply(self)

    def sign(self):
        return unary.sign(self)

    def floor(self):
        return unary.floor(self)

    def ceil(self):
        return unary.ceil(self)

    def round(self, decimals: builtins.int = 0):
        return unary.round(self, decimals)

    def trunc(self):
        return unary.trunc(self)

    def clamp(self, min=None, max=None):
        return unary.clamp(self, min, max)

    clip = clamp

    def clamp_min(self, min):
        return unary.clamp(self, min, None)

    def clamp_max(self, max):
        return unary.clamp(self, None, max)

    def softmax(self, dim, dtype=None):
        return activation.softmax(self, dim, dtype)

    def log_softmax(self, dim, dtype=None):
        return activation.log_softmax(self, dim, dtype)

    # --- comparisons and logic (no gradient) --------------------------------------------------
    def __eq__(self, other):
        return compare.eq(self, other)

    def __ne__(self, other):
        return compare.ne(self, other)

    def __lt__(self, other):
        return compare.lt(self, other)

    def __le__(self, other):
        return compare.le(self, other)

    def __gt__(self, other):
        return compare.gt(self, other)

    def __ge__(self, other):
        return compare.ge(self, other)

    def __and__(self, other):
        return compare.logical_op("bitwise_and", self, other)

    __rand__ = __and__

    def __or__(self, other):
        return compare.logical_op("bitwise_or", self, other)

    __ror__ = __or__

    def __xor__(self, other):
        return compare.logical_op("bitwise_xor", self, other)

    __rxor__ = __xor__

    def __invert__(self):
        return compare.invert(self)

    def eq(self, other):
        return compare.eq(self, other)

    def ne(self, other):
        return compare.ne(self, other)

    def lt(self, other):
        return compare.lt(self, other)

    def le(self, other):
        return compare.le(self, other)

    def gt(self, other):
        return compare.gt(self, other)

    def ge(self, other):
        return compare.ge(self, other)

    def equal(self, other) -> builtins.bool:
        return compare.equal(self, other)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> builtins.bool:
        return compare.allclose(self, other, rtol, atol, equal_nan)

    def isnan(self):
        return compare.isnan(self)

    def isinf(self):
        return compare.isinf(self)

    def isfinite(self):
        return compare.isfinite(self)

    def logical_not(self):
        return compare.logical_not(self)

    def logical_and(self, other):
        return compare.logical_op("logical_and", self, other)

    def logical_or(self, other):
        return compare.logical_op("logical_or", self, other)

    def where(self, condition, other):
        return index.where(condition, self, other)

    def masked_fill(self, mask, value):
        return index.masked_fill(self, mask, value)

    # --- reductions ---------------------------------------------------------------------------
    def sum(self, dim=None, keepdim=False, *, dtype=None):
        return reduce.sum(self, dim, keepdim, dtype=dtype)

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        return reduce.mean(self, dim, keepdim, dtype=dtype)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return reduce.var(self, dim, unbiased, keepdim, correction=correction)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return reduce.std(self, dim, unbiased, keepdim, correction=correction)

    def prod(self, dim=None, keepdim=False, *, dtype=None):
        return reduce.prod(self, dim, keepdim, dtype=dtype)

    def max(self, dim=None, keepdim=False):
        return reduce.max(self, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return reduce.min(self, dim, keepdim)

    def amax(self, dim=(), keepdim=False):
        return reduce.amax(self, dim, keepdim)

    def amin(self, dim=(), keepdim=False):
        return reduce.amin(self, dim, keepdim)

    def argmax(self, dim=None, keepdim=False):
        return reduce.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return reduce.argmin(self, dim, keepdim)

    def logsumexp(self, dim, keepdim=False):
        return reduce.logsumexp(self, dim, keepdim)

    def norm(self, p="fro", dim=None, keepdim=False):
        return reduce.norm(self, p, dim, keepdim)

    def all(self, dim=None, keepdim=False):
        return reduce.all(self, dim, keepdim)

    def any(self, dim=None, keepdim=False):
        return reduce.any(self, dim, keepdim)

    def cumsum(self, dim):
        return reduce.cumsum(self, dim)

    # --- shape --------------------------------------------------------------------------------
    def view(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (dtypes.dtype, str)):
            raise NotImplementedError("view(dtype) is not supported; use .to(dtype)")
        return shape_ops.view(self, shape)

    def view_as(self, other):
        return shape_ops.view(self, other.array.shape)

    def reshape(self, *shape):
        return shape_ops.reshape(self, shape)

    def reshape_as(self, other):
        return shape_ops.reshape(self, other.array.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        return shape_ops.flatten(self, start_dim, end_dim)

    def unflatten(self, dim, sizes):
        return shape_ops.unflatten(self, dim, sizes)

    def squeeze(self, dim=None):
        return shape_ops.squeeze(self, dim)

    def unsqueeze(self, dim):
        return shape_ops.unsqueeze(self, dim)

    def permute(self, *dims):
        return shape_ops.permute(self, dims)

    def transpose(self, dim0, dim1):
        return shape_ops.transpose(self, dim0, dim1)

    swapaxes = swapdims = transpose

    def t(self):
        return shape_ops.t(self)

    def expand(self, *sizes):
        return shape_ops.expand(self, sizes)

    def expand_as(self, other):
        return shape_ops.expand(self, other.array.shape)

    def broadcast_to(self, shape):
        return shape_ops.expand(self, shape)

    def repeat(self, *sizes):
        return shape_ops.repeat(self, sizes)

    def flip(self, *dims):
        return shape_ops.flip(self, dims[0] if len(dims) == 1 else dims)

    def movedim(self, source, destination):
        return shape_ops.movedim(self, source, destination)

    moveaxis = movedim

    def split(self, split_size, dim=0):
        return shape_ops.split(self, split_size, dim)

    def chunk(self, chunks, dim=0):
        return shape_ops.chunk(self, chunks, dim)

    def unbind(self, dim=0):
        return shape_ops.unbind(self, dim)

    def narrow(self, dim, start, length):
        return shape_ops.narrow(self, dim, start, length)

    # --- indexing -----------------------------------------------------------------------------
    def __getitem__(self, key):
        return index.getitem(self, key)

    def __setitem__(self, key, value):
        index.setitem(self, key, value)

    def gather(self, dim, index_):
        return index.gather(self, dim, index_)

    def index_select(self, dim, index_):
        return index.index_select(self, dim, index_)

    def nonzero(self, *, as_tuple=False):
        return index.nonzero(self, as_tuple)

    def tril(self, diagonal=0):
        return index.tril(self, diagonal)

    def triu(self, diagonal=0):
        return index.triu(self, diagonal)

    def sort(self, dim=-1, descending=False, stable=False):
        return index.sort(self, dim, descending, stable)

    def argsort(self, dim=-1, descending=False, stable=False):
        return index.argsort(self, dim, descending, stable)

    def topk(self, k, dim=-1, largest=True, sorted=True):
        return index.topk(self, k, dim, largest, sorted)

    def scatter(self, dim, index_, src=None, *, value=None):
        return index.scatter(self, dim, index_, src, value=value)

    def scatter_add(self, dim, index_, src):
        return index.scatter_add(self, dim, index_, src)

    def scatter_(self, dim, index_, src=None, *, value=None):
        return self._inplace(index.scatter(self, dim, index_, src, value=value))

    def scatter_add_(self, dim, index_, src):
        return self._inplace(index.scatter_add(self, dim, index_, src))

    # --- in-place -----------------------------------------------------------------------------
    def _inplace(self, result: Tensor) -> Tensor:
        """Make ``self`` hold ``result``: copy the values, bump the version, take the history."""
        inplace.check_inplace(self)
        inplace.assign(self, result)
        return self

    def add_(self, other, *, alpha=1):
        return self._inplace(self.add(other, alpha=alpha))

    def sub_(self, other, *, alpha=1):
        return self._inplace(self.sub(other, alpha=alpha))

    def mul_(self, other):
        return self._inplace(Mul.apply(self, other))

    def div_(self, other, *, rounding_mode=None):
        return self._inplace(self.div(other, rounding_mode=rounding_mode))

    def pow_(self, exponent):
        return self._inplace(Pow.apply(self, exponent))

    def neg_(self):
        return self._inplace(Neg.apply(self))

    def clamp_(self, min=None, max=None):
        return self._inplace(self.clamp(min, max))

    clip_ = clamp_

    def relu_(self):
        return self._inplace(unary.Relu.apply(self))

    def exp_(self):
        return self._inplace(unary.Exp.apply(self))

    def sqrt_(self):
        return self._inplace(unary.Sqrt.apply(self))

    def masked_fill_(self, mask, value):
        return self._inplace(self.masked_fill(mask, value))

    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)

    def zero_(self) -> Tensor:
        return inplace.fill_(self, 0)

    def fill_(self, value) -> Tensor:
        return inplace.fill_(self, value)

    def copy_(self, src, non_blocking=False) -> Tensor:
        return inplace.copy_(self, src)

    def uniform_(self, a=0.0, b=1.0, *, generator=None) -> Tensor:
        return inplace.uniform_(self, a, b, generator)

    def normal_(self, mean=0.0, std=1.0, *, generator=None) -> Tensor:
        return inplace.normal_(self, mean, std, generator)

    def bernoulli_(self, p=0.5, *, generator=None) -> Tensor:
        return inplace.bernoulli_(self, p, generator)


class Size(tuple):
    """A shape: a tuple that prints like PyTorch's ``torch.Size``."""

    def __repr__(self) -> str:
        return f"minitorch.Size({list(self)})"

    def numel(self) -> builtins.int:
        n = 1
        for s in self:
            n *= s
        return n


class _RemovableHandle:
    """What ``register_hook`` returns: ``.remove()`` takes the hook off again."""

    def __init__(self, hooks: list, hook):
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


def _dim(dim, ndim):
    from .ops._util import normalize_dim

    return normalize_dim(dim, ndim)


def _parse_to(args, kwargs):
    """(device, dtype, copy) from the many call forms of ``Tensor.to``."""
    dev = kwargs.pop("device", None)
    dt = kwargs.pop("dtype", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    if kwargs:
        raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
    for a in args:
        if isinstance(a, Tensor):
            dev, dt = a.device, a.dtype
        elif isinstance(a, dtypes.dtype):
            dt = a
        elif isinstance(a, (str, backend.device)):
            dev = a
        elif a is None:
            continue
        elif a in (builtins.float, builtins.int, builtins.bool):
            dt = a
        elif isinstance(a, builtins.bool):
            copy = copy or a
        else:
            raise TypeError(f"to() received an invalid argument {a!r}")
    if dev is not None:
        dev = backend.device(dev)
    if dt is not None and not isinstance(dt, dtypes.dtype):
        # Python's float / int / bool mean float64 / int64 / bool here, as in PyTorch
        python_types = {
            builtins.float: dtypes.float64,
            builtins.int: dtypes.int64,
            builtins.bool: dtypes.bool,
        }
        dt = python_types.get(dt) or dtypes.from_numpy_dtype(dtypes.to_numpy_dtype(dt))
    return dev, dt, copy


function.Tensor = Tensor
engine.Tensor = Tensor

# The ops import Tensor from this module, so they come after the class.
from .ops import activation, arith, compare, index, inplace, linalg, reduce, unary  # noqa: E402
from .ops import shape as shape_ops  # noqa: E402
from .ops.arith import Add, Div, Maximum, Minimum, Mul, Neg, Pow, Sub  # noqa: E402
from .ops.convert import Cast, Clone, ToDevice  # noqa: E402
from .ops.linalg import MatMul  # noqa: E402
from .ops.shape import Permute  # noqa: E402
from .ops.unary import Abs  # noqa: E402
