"""``Tensor``: an ndarray (numpy on cpu, cupy on cuda) plus what autograd needs to know about it.

This class only holds data: the array, the autograd fields and Python's protocols (``len``,
``float``, ``repr``, ...). What a tensor can *do* (``exp``, ``+``, ``view``, ``backward``, ...) is
an op: each is declared once, next to its ``Function`` in ``minitorch/ops``, and installed on this
class by ``minitorch/ops/bind.py`` (``python -m minitorch.ops --list`` prints every op and the
names it gets). ``grad_fn`` is the node of the op that made the tensor (None for leaves); the
engine in ``minitorch/autograd/engine.py`` walks the graph behind it.
"""

from __future__ import annotations

import builtins

import numpy as np

from . import backend, dtypes
from ._tensor_str import tensor_repr
from .shapes import Size, normalize_dim

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
        """``Tensor(data)`` or ``Tensor(*sizes)``: PyTorch's legacy constructor.

        Always the default float dtype unless ``dtype`` says otherwise (``Tensor([1, 2])`` is
        float32, unlike ``tensor([1, 2])``); ``Tensor(2, 3)`` is a 2x3 tensor of zeros.
        """
        dt = dtypes.to_numpy_dtype(dtype or dtypes.get_default_dtype())
        if len(args) == 1 and not isinstance(args[0], (builtins.int, np.integer)):
            data = args[0]
            host = np.array(backend.to_host(data.array) if isinstance(data, Tensor) else data, dt)
        else:
            sizes = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
            host = np.zeros(tuple(builtins.int(s) for s in sizes), dt)
        array = backend.to_device(host, backend.device(device or "cpu"))
        self._init(array)
        if requires_grad:
            self.requires_grad_(True)

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
        return self.array.shape[normalize_dim(dim, self.array.ndim)]

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
        return builtins.int(self.array.size)

    nelement = numel

    def element_size(self) -> int:
        return self.array.itemsize

    def is_floating_point(self) -> bool:
        return self.array.dtype.kind == "f"

    def is_contiguous(self) -> bool:
        return builtins.bool(self.array.flags.c_contiguous)

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
        return tensor_repr(
            backend.to_host(self.array),
            dtype_name=self.dtype.name,
            device=str(self.device),
            requires_grad=self.requires_grad,
            grad_fn=self.grad_fn.name() if self.grad_fn is not None else None,
            default_dtype_name=dtypes.get_default_dtype().name,
        )

    # --- autograd fields ----------------------------------------------------------------------
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
        return RemovableHandle(hooks, hook)

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
        return RemovableHandle(self._post_acc_hooks, hook)

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor after backward."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:
            self.grad_fn.retain(self)

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


class RemovableHandle:
    """What ``register_hook`` returns: ``.remove()`` takes the hook off again."""

    def __init__(self, hooks: list, hook):
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)
