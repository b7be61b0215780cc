"""Pictures and listings of the graph autograd recorded behind a tensor, and a backward tracer.

``draw_graph(loss)`` gives Graphviz DOT (SVG/PNG when Graphviz is installed; inline in Jupyter),
``print_graph(loss)`` the same graph as text, and ``with trace_backward(loss) as trace:`` records
the order in which backward visits the nodes and the gradient sent along every edge.

Everything here only reads the graph (``node.next_edges``, ``node.name()``, ``node._saved``,
``AccumulateGrad.variable``). A node does not keep its output's shape (PyTorch's nodes do; ours
stay lean), so shapes come from what the graph holds: the root tensors, the leaves, saved tensors,
multi-output metadata, the inputs' ``(shape, dtype)`` that binary ops keep (``ctx.metas``) and the
input shape one-input ops keep (``ctx.in_shape``), and gradients seen by a trace. An output shape
the graph holds no record of is shown as ``?``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .autograd.function import AccumulateGrad, _SavedOutput, accumulator
from .autograd.hooks import FunctionHook
from .tensor import Tensor

__all__ = ["BackwardStep", "BackwardTrace", "Graph", "draw_graph", "print_graph", "trace_backward"]

_FORMATS = ("dot", "svg", "png")
_INSTALL_HINT = "pip install 'minitorch[viz]'"
_COLORS = {"op": "lightgrey", "leaf": "lightblue", "saved": "orange", "output": "darkolivegreen1"}


# --- rendering -----------------------------------------------------------------------------------
def _render(source: str, format: str) -> bytes:
    """Run Graphviz on DOT text; clear errors when the package or the ``dot`` program is missing."""
    try:
        import graphviz
    except ImportError as e:
        raise ImportError(
            f"rendering a graph to {format} needs the 'graphviz' Python package: {_INSTALL_HINT} "
            "(and Graphviz's `dot` program, e.g. `apt install graphviz` or `brew install graphviz`)"
        ) from e
    try:
        return graphviz.Source(source).pipe(format=format)
    except graphviz.ExecutableNotFound as e:
        raise RuntimeError(
            f"rendering a graph to {format} needs Graphviz's `dot` executable, which was not found "
            "on PATH: install Graphviz (e.g. `apt install graphviz`, `brew install graphviz` or "
            "`conda install graphviz`), or use format='dot' for the DOT text"
        ) from e


class Graph:
    """A drawn graph: DOT text in ``source``, rendered by Graphviz when asked (like a Digraph).

    Jupyter shows it as SVG (PNG when ``format='png'``); without Graphviz it shows the DOT text.
    """

    def __init__(self, source: str, format: str = "dot"):
        if format not in _FORMATS:
            raise ValueError(f"format must be one of {_FORMATS}, got {format!r}")
        self.source = source
        self.format = format
        self._cache: dict[str, bytes] = {}

    def pipe(self, format: str | None = None) -> bytes:
        """The graph rendered as ``format`` (default: this graph's format) bytes."""
        format = format or self.format
        if format == "dot":
            return self.source.encode()
        if format not in self._cache:
            self._cache[format] = _render(self.source, format)
        return self._cache[format]

    def render(self, filename: str, format: str | None = None) -> str:
        """Write the rendered graph to ``filename`` and return the path."""
        with open(filename, "wb") as f:
            f.write(self.pipe(format))
        return filename

    def _repr_svg_(self) -> str:
        return self.pipe("svg").decode()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        try:
            if self.format == "png":
                return {"image/png": self.pipe("png")}
            return {"image/svg+xml": self._repr_svg_()}
        except (ImportError, RuntimeError) as e:
            return {"text/plain": f"{self.source}\n// not rendered: {e}"}

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:
        return f"<minitorch.viz.Graph format={self.format!r} ({self.source.count('->')} edges)>"


# --- walking the graph ---------------------------------------------------------------------------
def _roots(tensor) -> list[Tensor]:
    roots = [tensor] if isinstance(tensor, Tensor) else list(tensor)
    for t in roots:
        if not isinstance(t, Tensor):
            raise TypeError(f"expected a Tensor or a sequence of Tensors, got {type(t).__name__}")
    return roots


def _root_node(t: Tensor):
    """The node backward starts from for ``t`` (a leaf's accumulator), or None without a graph."""
    if t.grad_fn is not None:
        return t.grad_fn
    return accumulator(t) if t.requires_grad else None


def _edges(node) -> tuple:
    return () if type(node) is AccumulateGrad else node.next_edges


def _forward_order(roots: list[Tensor]) -> list:
    """Every node reachable from the roots, producers before consumers (iterative DFS)."""
    order, seen = [], set()
    for t in roots:
        start = _root_node(t)
        if start is None or start in seen:
            continue
        seen.add(start)
        stack = [(start, iter(_edges(start)))]
        while stack:
            node, it = stack[-1]
            for edge in it:
                if edge is not None and edge[0] not in seen:
                    seen.add(edge[0])
                    stack.append((edge[0], iter(_edges(edge[0]))))
                    break
            else:
                stack.pop()
                order.append(node)
    return order


def _saved(node) -> tuple | None:
    """The node's saved values: tensors, numbers; None once backward freed them."""
    return node._saved if type(node) is not AccumulateGrad else ()


def _known_meta(roots, order, steps=()) -> dict:
    """(node, output_nr) -> (shape, dtype name) from whatever the graph holds."""
    known = {}

    def put(node, nr, array):
        known.setdefault((node, nr), (tuple(array.shape), array.dtype.name))

    for t in roots:
        if t.grad_fn is not None:
            put(t.grad_fn, t._output_nr, t.array)
    for node in order:
        if type(node) is AccumulateGrad:
            put(node, 0, node.variable.array)
            continue
        if node._output_meta is not None:
            for nr, (shape, dtype, _xp) in enumerate(node._output_meta):
                known.setdefault((node, nr), (tuple(shape), dtype.name))
        for s in _saved(node) or ():
            if type(s) is _SavedOutput:
                put(node, s.output_nr, s.array)
            elif isinstance(s, Tensor) and s.grad_fn is not None:
                put(s.grad_fn, s._output_nr, s.array)
        metas = getattr(node, "metas", None)  # inputs' (shape, dtype), kept by binary ops
        if isinstance(metas, tuple) and len(metas) == len(node.next_edges):
            for edge, m in zip(node.next_edges, metas):
                if edge is not None and isinstance(m, tuple) and len(m) == 2:
                    known.setdefault(edge, (tuple(m[0]), m[1].name))
    for step in steps:
        for nr, g in enumerate(step.grad_outputs):
            if g is not None:
                put(step.node, nr, g.array)
    for node in order:  # last resort: the input shape a one-input op keeps (dtype unknown)
        in_shape = getattr(node, "in_shape", None)
        edges = [e for e in _edges(node) if e is not None]
        if isinstance(in_shape, tuple) and len(edges) == 1 and node.next_edges[0] is not None:
            known.setdefault(node.next_edges[0], (in_shape, None))
    return known


def _names(params) -> dict:
    if params is None:
        return {}
    items = params.items() if hasattr(params, "items") else params
    return {id(t): name for name, t in items}


def _fmt_meta(meta) -> str:
    if meta is None:
        return "?"
    return f"{meta[0]}" if meta[1] is None else f"{meta[0]} {meta[1]}"


def _fmt_values(t: Tensor) -> str:
    """A gradient in a few characters: its values when small, else its shape and norm."""
    arr = t.array
    if arr.size <= 4:
        vals = [f"{v:.4g}" for v in t.detach().cpu().array.reshape(-1).tolist()]
        return vals[0] if arr.ndim == 0 else "[" + ", ".join(vals) + "]"
    norm = float(t.detach().double().norm())
    return f"{tuple(arr.shape)} |g|={norm:.4g}"


def _fmt_saved(s, names, ids=None) -> tuple[str, int]:
    """(description, bytes) of one saved value; ``ids`` names tensors made by listed nodes."""
    if type(s) is _SavedOutput:
        return f"its output {tuple(s.array.shape)} {s.array.dtype.name}", s.array.nbytes
    if isinstance(s, Tensor):
        name = names.get(id(s))
        if name is None and ids and s.grad_fn in ids:
            name = ids[s.grad_fn] + (f".{s._output_nr}" if s.grad_fn._output_meta else "")
        label = f"{name} " if name else ""
        grad = "" if s.requires_grad else " (no grad)"
        return f"{label}{tuple(s.array.shape)} {s.array.dtype.name}{grad}", s.array.nbytes
    return repr(s), 0


# --- DOT -----------------------------------------------------------------------------------------
def _q(text: str) -> str:
    """A DOT string literal; newlines become centred line breaks."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dot(roots, params, show_saved, show_grads, trace=None) -> str:
    names = _names(params)
    order = _forward_order(roots)
    steps = trace.steps if trace is not None else ()
    known = _known_meta(roots, order, steps)
    ids = {node: f"n{i}" for i, node in enumerate(order)}
    visit = {s.node: i for i, s in enumerate(steps)}
    sent = {s.node: s.grad_inputs for s in steps}
    lines = [
        "digraph {",
        "  graph [rankdir=TB]",
        '  node [shape=box style="filled,rounded" fontname=monospace fontsize=10]',
        "  edge [fontname=monospace fontsize=9]",
    ]
    edges = []
    for node in order:
        nid = ids[node]
        step = f"[{visit[node]}] " if node in visit else ""
        if type(node) is AccumulateGrad:
            leaf = node.variable
            rows = [names.get(id(leaf), ""), _fmt_meta(known.get((node, 0)))]
            if show_grads and leaf.grad is not None:
                rows.append("grad " + _fmt_values(leaf.grad))
            label = step + "\n".join(r for r in rows if r)
            lines.append(f"  {nid} [label={_q(label)} fillcolor={_COLORS['leaf']}]")
            continue
        rows = [step + node.name()]
        saved = _saved(node)
        if show_saved and saved is None:
            rows.append("(saved freed)")
        lines.append(f"  {nid} [label={_q(chr(10).join(rows))} fillcolor={_COLORS['op']}]")
        for i, s in enumerate(saved or () if show_saved else ()):
            if s is None:
                continue
            text, _ = _fmt_saved(s, names)
            sid = f"{nid}_s{i}"
            lines.append(f"  {sid} [label={_q(f'saved {i}: {text}')} fillcolor={_COLORS['saved']}]")
            edges.append(f"  {sid} -> {nid} [style=dashed arrowhead=none]")
        grads = sent.get(node, ())
        for i, edge in enumerate(node.next_edges):
            if edge is None:
                continue
            attrs = []
            if i < len(grads) and grads[i] is not None:
                attrs.append(f"label={_q(_fmt_values(grads[i]))}")
            if edge[0]._output_meta is not None:
                attrs.append(f"taillabel={_q(str(edge[1]))}")
            suffix = f" [{' '.join(attrs)}]" if attrs else ""
            edges.append(f"  {ids[edge[0]]} -> {nid}{suffix}")
    for k, t in enumerate(roots):
        oid = f"out{k}"
        rows = [names.get(id(t), "output"), f"{tuple(t.array.shape)} {t.array.dtype.name}"]
        if not t.requires_grad:
            rows.append("requires_grad=False: no graph")
        lines.append(f"  {oid} [label={_q(chr(10).join(rows))} fillcolor={_COLORS['output']}]")
        node = _root_node(t)
        if node is not None:
            got = next((s.grad_outputs[t._output_nr] for s in steps if s.node is node), None)
            label = f" [label={_q(_fmt_values(got))}]" if got is not None else ""
            edges.append(f"  {ids[node]} -> {oid}{label}")
    return "\n".join(lines + edges + ["}"]) + "\n"


def draw_graph(
    tensor: Tensor | Sequence[Tensor],
    params: dict | None = None,
    show_saved: bool = True,
    show_grads: bool = False,
    format: str = "dot",
) -> Graph:
    """Draw the graph recorded behind ``tensor`` (or several tensors).

    Grey boxes are ops (``grad_fn.name()``), blue boxes leaves that require grad (named from
    ``params``, e.g. ``dict(model.named_parameters())``), orange boxes what each op saved for
    backward, green boxes the tensors drawn. Arrows point the way the forward pass ran; backward
    walks them in reverse. ``show_grads`` adds the leaves' ``.grad`` after backward. ``format``
    'svg' or 'png' renders right away (needs Graphviz: ``pip install 'minitorch[viz]'``);
    'dot' renders only when displayed. ``str(graph)`` is the DOT text either way.
    """
    if format not in _FORMATS:
        raise ValueError(f"format must be one of {_FORMATS}, got {format!r}")
    graph = Graph(_dot(_roots(tensor), params, show_saved, show_grads), format)
    if format != "dot":
        graph.pipe()
    return graph


# --- text ----------------------------------------------------------------------------------------
def _listing(roots, params, trace=None) -> str:
    names = _names(params)
    order = _forward_order(roots)
    known = _known_meta(roots, order, trace.steps if trace is not None else ())
    ids = {node: f"%{i}" for i, node in enumerate(order)}
    lines, total, seen_arrays = [], 0, set()
    for node in order:
        nid = ids[node]
        if type(node) is AccumulateGrad:
            name = names.get(id(node.variable), "")
            meta = _fmt_meta(known.get((node, 0)))
            lines.append(f"{nid} = leaf {name + ' ' if name else ''}{meta} requires_grad")
            continue
        args = ", ".join("-" if e is None else ids[e[0]] + _nr(e) for e in node.next_edges)
        outs = node._output_meta
        n_out = 1 if outs is None else len(outs)
        out = ", ".join(_fmt_meta(known.get((node, nr))) for nr in range(n_out))
        line = f"{nid} = {node.name()}({args}) -> {out}"
        saved = _saved(node)
        if saved is None:
            line += "  saved: freed"
        elif any(s is not None for s in saved):
            parts = []
            for s in saved:
                if s is None:
                    continue
                text, nbytes = _fmt_saved(s, names, ids)
                parts.append(f"{text} {nbytes} B" if nbytes else text)
                array = getattr(s, "array", None)
                if nbytes and id(array) not in seen_arrays:
                    seen_arrays.add(id(array))
                    total += nbytes
            line += "  saved: " + "; ".join(parts)
        lines.append(line)
    for k, t in enumerate(roots):
        node = _root_node(t)
        src = "no graph (requires_grad=False)" if node is None else ids[node]
        lines.append(f"{names.get(id(t), 'output')} {k} = {src}")
    lines.append(
        f"{len(order)} nodes, {total} bytes saved for backward in {len(seen_arrays)} arrays"
    )
    return "\n".join(lines)


def _nr(edge) -> str:
    return f".{edge[1]}" if edge[0]._output_meta is not None else ""


def print_graph(tensor: Tensor | Sequence[Tensor], params: dict | None = None, file=None) -> None:
    """Print the graph behind ``tensor`` as text, producers before consumers.

    One line per node: ``%3 = MulBackward0(%1, %2) -> (2, 3) float32  saved: ... 24 B``, where
    ``-`` marks an input that needs no gradient and ``?`` a shape the graph holds no record of.
    """
    print(_listing(_roots(tensor), params), file=file or sys.stdout)


# --- tracing backward ----------------------------------------------------------------------------
class BackwardStep:
    """One node visited by backward: what it received and what it sent along each edge."""

    __slots__ = ("node", "grad_outputs", "grad_inputs")

    def __init__(self, node, grad_outputs: tuple, grad_inputs: tuple):
        self.node = node
        self.grad_outputs = grad_outputs  # one per output of the node
        self.grad_inputs = grad_inputs  # one per edge in node.next_edges (None: nothing sent)

    @property
    def name(self) -> str:
        return self.node.name()

    def __repr__(self) -> str:
        got = ", ".join("None" if g is None else _fmt_values(g) for g in self.grad_outputs)
        edges = _edges(self.node)
        sent = ", ".join(
            "None" if g is None else _fmt_values(g)
            for g, e in zip(self.grad_inputs, edges)
            if e is not None
        )
        return f"{self.name}: received ({got})" + (f" -> sent ({sent})" if edges else "")


def _copy(g):
    """A detached copy: later accumulation into ``.grad`` must not change what was recorded."""
    return None if g is None else Tensor._wrap(g.array.copy())


class BackwardTrace(FunctionHook):
    """Context manager recording each node backward runs, in order (see ``trace_backward``)."""

    def __init__(self, tensor: Tensor | Sequence[Tensor], params: dict | None = None):
        self.roots = _roots(tensor)
        self.params = params
        self.steps: list[BackwardStep] = []
        self._hooked: list = []

    def backward(self, node, grad_outputs, grad_inputs) -> None:
        """The engine's hook after each node's backward: record what it received and sent."""
        self.steps.append(
            BackwardStep(node, tuple(map(_copy, grad_outputs)), tuple(map(_copy, grad_inputs)))
        )

    def __enter__(self) -> BackwardTrace:
        super().__enter__()
        for node in _forward_order(self.roots):
            if type(node) is AccumulateGrad:
                hook = self._leaf_hook(node)
                node.register_prehook(0, hook)
                self._hooked.append((node, hook))
        return self

    def _leaf_hook(self, node):
        def hook(grad):
            self.steps.append(BackwardStep(node, (_copy(grad),), ()))

        return hook

    def __exit__(self, *exc) -> bool:
        super().__exit__(*exc)
        for node, hook in self._hooked:
            hooks = node._pre_hooks[0]
            hooks.remove(hook)
            if not hooks:
                del node._pre_hooks[0]
            if not node._pre_hooks:
                node._pre_hooks = None
        self._hooked = []
        return False

    def draw(self, show_saved: bool = False, format: str = "dot") -> Graph:
        """The graph with each node's visit number and the gradient on every edge."""
        if format not in _FORMATS:
            raise ValueError(f"format must be one of {_FORMATS}, got {format!r}")
        graph = Graph(_dot(self.roots, self.params, show_saved, True, self), format)
        if format != "dot":
            graph.pipe()
        return graph

    def __str__(self) -> str:
        names = _names(self.params)
        lines = []
        for i, step in enumerate(self.steps):
            who = step.name
            if type(step.node) is AccumulateGrad:
                who += f" ({names.get(id(step.node.variable), 'leaf')})"
            lines.append(f"[{i}] {who}{repr(step)[len(step.name) :]}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<BackwardTrace: {len(self.steps)} steps>"


def trace_backward(tensor: Tensor | Sequence[Tensor], params: dict | None = None) -> BackwardTrace:
    """Record, inside a ``with`` block, the order backward visits nodes and each edge's gradient.

    Usage: ``with trace_backward(loss) as trace: loss.backward()``; then ``print(trace)``,
    ``trace.steps`` or ``trace.draw()``. Only active inside the block: it is a ``FunctionHook``
    (autograd/hooks.py) the engine calls after each node's backward, and it adds pre-hooks to the
    leaves' accumulators; both come off on exit.
    """
    return BackwardTrace(tensor, params)
