"""``Function``: one differentiable op, its forward and backward side by side.

Calling ``MyOp.apply(*inputs)`` runs ``forward`` and, when an input requires grad, records the op
on the tape: the ``Function`` instance itself becomes the graph node (PyTorch calls it ``ctx``).
It keeps what backward needs (``save_for_backward``) and one edge per input pointing at the node
that produced that input (``next_functions``). Every built-in op is a ``Function`` subclass, so
reading one teaches how to write your own.
"""

from __future__ import annotations

import inspect
import traceback
import weakref

from ..backend import get_array_module
from ..tensor import Tensor
from . import views
from .grad_mode import state

_new = object.__new__
_NO_GRAD = [(), (False,), (False, False), (False, False, False), (False,) * 4, (False,) * 5]

_SECOND_BACKWARD = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)


class _SavedOutput:
    """A saved output of the node itself: kept as its array, so node and output form no cycle."""

    __slots__ = ("array", "output_nr", "version_counter")

    def __init__(self, t):
        self.array, self.output_nr, self.version_counter = t.array, t._output_nr, t._version_counter


class Function:
    """Base class of differentiable ops; subclass it and define ``forward`` and ``backward``.

    ``forward(ctx, *args)`` gets the inputs as given (tensors, numbers, ...) and returns a tensor
    (or an ndarray, which is wrapped), or a tuple of them. ``backward(ctx, *grad_outputs)`` gets
    one gradient tensor per output and returns one gradient per input (``None`` where there is
    none). Backward is written with tensor ops so that ``create_graph=True`` can differentiate it.

    PyTorch 2's style works too: ``forward(*args)`` without ``ctx`` plus
    ``setup_context(ctx, inputs, output)``, which saves what backward needs.
    """

    # Defaults for the node attributes; apply() sets instance values only when they differ.
    next_edges: tuple = ()
    needs_input_grad: tuple = ()
    is_view = False  # outputs alias the first input's memory (they share its version counter)
    _recording = False  # set on nodes that go on the tape
    _saved: tuple | None = ()
    _versions: tuple = ()
    _non_differentiable: tuple = ()
    _pre_hooks: dict | None = None
    _retained: dict | None = None
    _output_meta: tuple | None = None
    _input_meta: tuple | None = None  # (shape, dtype) per input: user Functions' grads are checked
    _trace: list | None = None
    _builtin = True  # defined inside minitorch (named ``...Backward0``; trusted gradient shapes)
    _ctx_free = False  # PyTorch 2 style: forward(*args) + setup_context(ctx, inputs, output)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._builtin = cls.__module__.startswith("minitorch.")
        cls._ctx_free = "setup_context" in cls.__dict__ or (
            cls._ctx_free and "forward" not in cls.__dict__
        )

    @staticmethod
    def forward(ctx, *args):
        raise NotImplementedError("Function subclasses must implement forward(ctx, *args)")

    @staticmethod
    def setup_context(ctx, inputs: tuple, output) -> None:
        """PyTorch 2 style: save what backward needs from ``inputs`` and ``output``."""

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(f"{type(ctx).__name__} does not implement backward")

    # ctx API used inside forward/backward ---------------------------------------------------
    def save_for_backward(self, *tensors) -> None:
        """Keep tensors for backward; their versions are checked when backward reads them.

        Numbers (a scalar operand) and None may be saved too; they are passed back as they are.
        """
        if not self._recording:
            return  # the op is not being recorded: nothing will read these
        self._saved = tensors
        self._versions = tuple(
            [t._version_counter[0] if isinstance(t, Tensor) else None for t in tensors]
        )

    @property
    def saved_tensors(self) -> tuple:
        saved = self._saved
        if saved is None:
            raise RuntimeError(_SECOND_BACKWARD)
        out = []
        for t, version in zip(saved, self._versions):
            if type(t) is _SavedOutput:
                t = _unpack_output(self, t)
            if version is not None and t._version_counter[0] != version:
                raise RuntimeError(_modified_message(self, t, version))
            out.append(t)
        return tuple(out)

    def mark_non_differentiable(self, *tensors) -> None:
        """Outputs that never get a gradient (indices, masks)."""
        self._non_differentiable = tensors

    # views: how a view op redoes itself, for in-place writes through views (autograd/views.py)
    def replay(self, base: Tensor) -> Tensor:
        """The same view taken from ``base`` (used when the view's root got a new history)."""
        raise RuntimeError(f"cannot regenerate the history of a view made by {type(self).__name__}")

    def write_back(self, base: Tensor, value: Tensor) -> Tensor:
        """``base`` as it is after this view of it was overwritten with ``value``."""
        raise RuntimeError(
            f"in-place operation on a view made by {type(self).__name__} (e.g. expand) is not "
            "supported: clone() the tensor first"
        )

    # the graph node ---------------------------------------------------------------------
    def name(self) -> str:
        """PyTorch-style node name: ``MulBackward0`` for built-ins, ``MyOpBackward`` otherwise."""
        cls = type(self)
        return cls.__name__ + ("Backward0" if cls._builtin else "Backward")

    @property
    def next_functions(self) -> tuple:
        """One ``(node, output_nr)`` per input, ``(None, 0)`` where no gradient flows."""
        return tuple((None, 0) if e is None else e for e in self.next_edges)

    def register_prehook(self, output_nr: int, hook) -> None:
        """Call ``hook(grad)`` on the gradient of output ``output_nr`` before backward runs."""
        if self._pre_hooks is None:
            self._pre_hooks = {}
        self._pre_hooks.setdefault(output_nr, []).append(hook)

    def retain(self, t: Tensor) -> None:
        """Keep the gradient of output ``t`` in ``t.grad`` (``Tensor.retain_grad``)."""
        if self._retained is None:
            self._retained = {}
        self._retained[t._output_nr] = weakref.ref(t)

    def __repr__(self) -> str:
        return f"<{self.name()} object at {id(self):#x}>"

    # recording ----------------------------------------------------------------------------
    @classmethod
    def apply(cls, *args):
        """Run forward; record the node when grad mode is on and an input requires grad."""
        ctx = _new(cls)
        record = False
        st = state
        if st.grad_enabled:
            needs = []
            for a in args:
                r = isinstance(a, Tensor) and a.requires_grad
                if r and a._view_of is not None:
                    views.check_fresh(a)
                needs.append(r)
                record = record or r
        if not record:
            n = len(args)
            ctx.needs_input_grad = _NO_GRAD[n] if n < 6 else (False,) * n
            out = _forward(cls, ctx, args)
            if type(out) is tuple:
                out = tuple(_as_output(o, args) for o in out)
            else:
                out = _as_output(out, args) if isinstance(out, Tensor) else Tensor._wrap(out)
                if ctx.is_view:
                    out._version_counter = args[0]._version_counter
                    out._view_of = views.link(args[0], ctx)
            if cls._ctx_free:
                cls.setup_context(ctx, args, out)
            if st.hooks:
                _run_forward_hooks(ctx, args, out)
            return out

        ctx._recording = True
        ctx.needs_input_grad = needs = tuple(needs)
        ctx.next_edges = tuple([_edge(a) if r else None for a, r in zip(args, needs)])
        if not cls._builtin:
            ctx._input_meta = tuple(
                (a.array.shape, a.array.dtype) if r else None for a, r in zip(args, needs)
            )
        if st.anomaly:
            ctx._trace = traceback.format_stack()[:-1]
        st.grad_enabled = False
        try:
            out = _forward(cls, ctx, args)
        finally:
            st.grad_enabled = True

        if type(out) is tuple:
            outs = result = tuple(_as_output(o, args) for o in out)
            if cls._ctx_free:
                cls.setup_context(ctx, args, result)
            ctx._output_meta = tuple(
                (o.array.shape, o.array.dtype, get_array_module(o.array)) for o in outs
            )
            for i, o in enumerate(outs):
                _attach(ctx, o, i, args)
        else:
            result = _as_output(out, args) if isinstance(out, Tensor) else Tensor._wrap(out)
            if cls._ctx_free:
                cls.setup_context(ctx, args, result)
            _attach(ctx, result, 0, args)
        if ctx._saved:
            ctx._saved = tuple(
                _SavedOutput(t) if isinstance(t, Tensor) and t.grad_fn is ctx else t
                for t in ctx._saved
            )
        if st.hooks:
            _run_forward_hooks(ctx, args, result)
        return result

    def _release(self) -> None:
        """Drop saved tensors once backward has used them (unless retain_graph)."""
        if self._saved:
            self._saved = None


def _forward(cls, ctx, args):
    """``cls.forward`` on ``args``; a list or array where a tensor belongs is a TypeError."""
    try:
        return cls.forward(*args) if cls._ctx_free else cls.forward(ctx, *args)
    except AttributeError:
        for i, a in enumerate(args):
            if not isinstance(a, (Tensor, int, float, bool, str, type(None), tuple, slice)):
                raise TypeError(_argument_message(cls, i, a)) from None
        raise


def _argument_message(cls, i: int, a) -> str:
    params = list(inspect.signature(cls.forward).parameters)[0 if cls._ctx_free else 1 :]
    param = params[i] if i < len(params) and not params[i].startswith("*") else "input"
    return (
        f"{cls.__name__.lower()}(): argument '{param}' (position {i + 1}) must be Tensor, not "
        f"{type(a).__name__}"
    )


def _run_forward_hooks(ctx, args, out) -> None:
    outs = out if type(out) is tuple else (out,)
    for hook in state.hooks:
        hook.forward(ctx, args, outs)


def _as_output(out, args):
    """Wrap a forward result as a fresh tensor (never hand an input back as the output)."""
    if isinstance(out, Tensor):
        for a in args:
            if out is a:
                return a.detach()
        return out
    return Tensor._wrap(out)


def _attach(ctx, t, output_nr, args) -> None:
    """Make ``t`` output ``output_nr`` of node ``ctx``."""
    if ctx.is_view:
        t._version_counter = args[0]._version_counter
        t._view_of = views.link(args[0], ctx)
    if t.array.dtype.kind != "f" or any(t is n for n in ctx._non_differentiable):
        return
    t.requires_grad = True
    t.grad_fn = ctx
    t._output_nr = output_nr


def _edge(t):
    """Where the gradient for input ``t`` goes: its producer node, or its leaf accumulator."""
    if t.grad_fn is not None:
        return (t.grad_fn, t._output_nr)
    return (accumulator(t), 0)


def accumulator(t: Tensor):
    """The leaf's AccumulateGrad node, shared by all edges into this leaf while alive."""
    node = t._grad_acc() if t._grad_acc is not None else None
    if node is None:
        node = AccumulateGrad(t)
        t._grad_acc = weakref.ref(node)
    return node


def _unpack_output(node, saved: _SavedOutput):
    t = Tensor._wrap(saved.array, True)
    t.grad_fn = node
    t._output_nr = saved.output_nr
    t._version_counter = saved.version_counter
    return t


def _modified_message(node, t, expected: int) -> str:
    where = "a leaf tensor" if t.grad_fn is None else f"output {t._output_nr} of {t.grad_fn.name()}"
    return (
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [minitorch.{t.dtype.name} tensor of shape {list(t.array.shape)}], which is "
        f"{where} and was saved by {node.name()}, is at version {t._version_counter[0]}; "
        f"expected version {expected} instead. Hint: enable anomaly detection to find the "
        "operation that failed to compute its gradient, with "
        "minitorch.autograd.set_detect_anomaly(True)."
    )


class AccumulateGrad(Function):
    """The node at a leaf: adds the incoming gradient into ``leaf.grad``."""

    def __init__(self, leaf):
        self.variable = leaf

    def name(self) -> str:
        return "AccumulateGrad"
