"""The backward engine: reverse mode over the recorded graph, iteratively.

1. Count, for every node reachable from the roots, how many edges point at it.
2. Start from the roots; run a node's ``backward`` only once every consumer has sent its
   gradient (its count reaches zero), summing gradients that arrive along several edges.
3. Hand each input gradient to the next node along its edge; at a leaf, ``AccumulateGrad``
   adds it into ``.grad``. Saved tensors are dropped right after use unless ``retain_graph``.
"""

from __future__ import annotations

from ..dtypes import from_numpy_dtype
from ..tensor import Tensor
from .function import AccumulateGrad, accumulator
from .grad_mode import state


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate d(tensors)/d(leaf) into the ``.grad`` of every leaf that requires grad."""
    tensors, grads = _roots(tensors, grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    capture = None
    if inputs is not None:
        inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
        capture = _capture_map(inputs)
    results = _execute(tensors, grads, retain_graph, create_graph, capture)
    if inputs is not None:
        for t, g in zip(inputs, results):
            if g is not None:
                _accumulate_leaf(t, g, create_graph, set())


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    allow_unused=False,
    materialize_grads=False,
):
    """Return d(outputs)/d(inputs) without touching any ``.grad``."""
    outputs, grads = _roots(outputs, grad_outputs)
    single = isinstance(inputs, Tensor)
    inputs = (inputs,) if single else tuple(inputs)
    for i, t in enumerate(inputs):
        if not t.requires_grad:
            raise RuntimeError(
                f"One of the differentiated Tensors (index {i}) does not require grad"
            )
    if retain_graph is None:
        retain_graph = create_graph
    results = _execute(outputs, grads, retain_graph, create_graph, _capture_map(inputs))
    for i, g in enumerate(results):
        if g is None:
            if materialize_grads:
                results[i] = _zeros_like(inputs[i])
            elif not allow_unused:
                raise RuntimeError(
                    f"One of the differentiated Tensors (index {i}) appears to not have been used "
                    "in the graph. Set allow_unused=True if this is the desired behavior."
                )
    return tuple(results)


def _zeros_like(t):
    return Tensor._wrap(t.array * 0)


def _roots(tensors, grad_tensors):
    """Normalise (tensors, grads) to tuples; the default gradient is 1 for a scalar output."""
    tensors = (tensors,) if isinstance(tensors, Tensor) else tuple(tensors)
    if grad_tensors is None or isinstance(grad_tensors, Tensor):
        grad_tensors = (grad_tensors,) * len(tensors) if grad_tensors is None else (grad_tensors,)
    grad_tensors = tuple(grad_tensors)
    if len(grad_tensors) != len(tensors):
        raise RuntimeError(f"got {len(grad_tensors)} gradients for {len(tensors)} tensors")
    grads = []
    for i, (t, g) in enumerate(zip(tensors, grad_tensors)):
        if not t.requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
        if g is None:
            if t.array.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            xp = t._xp()
            g = Tensor._wrap(xp.ones_like(t.array))
        elif not isinstance(g, Tensor):
            g = Tensor._wrap(t._xp().asarray(g, dtype=t.array.dtype))
        elif g.array.shape != t.array.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {tuple(g.array.shape)} "
                f"and output[{i}] has a shape of {tuple(t.array.shape)}."
            )
        grads.append(g)
    return tensors, grads


def _capture_map(inputs):
    """Map node -> [(output_nr, position)] for the tensors whose gradient ``grad`` returns."""
    capture = {}
    for i, t in enumerate(inputs):
        node, nr = _node_of(t)
        capture.setdefault(node, []).append((nr, i))
    return capture


def _node_of(t):
    return (t.grad_fn, t._output_nr) if t.grad_fn is not None else (accumulator(t), 0)


def _execute(tensors, grads, retain_graph, create_graph, capture):
    roots = [_node_of(t) for t in tensors]

    # 1. dependency counts over the reachable graph (explicit stack: no recursion limit)
    deps = {}
    stack = [node for node, _ in roots]
    seen = set(stack)
    while stack:
        for edge in stack.pop().next_edges:
            if edge is not None:
                nxt = edge[0]
                deps[nxt] = deps.get(nxt, 0) + 1
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)

    buffers = {}
    owned = None if create_graph else set()  # ids of sums made here (safe to add into)
    for (node, nr), g in zip(roots, grads):
        _add_to_buffer(buffers, node, nr, g, owned)
    results = [None] * (sum(len(v) for v in capture.values()) if capture else 0)
    handed = {id(g.array) for g in grads}  # arrays a leaf's .grad must not alias
    ready = [node for node in buffers if not deps.get(node)]

    prev = state.grad_enabled
    state.grad_enabled = create_graph
    try:
        while ready:
            node = ready.pop()
            node_grads = buffers.pop(node, None)
            if node_grads is not None:
                if owned:  # ids are reused once objects die: forget the ones handed on now
                    for g in node_grads:
                        owned.discard(id(g))
                if node._pre_hooks:
                    _run_pre_hooks(node, node_grads)
                if node._retained:
                    _retain(node, node_grads)
                if capture is not None and node in capture:
                    for nr, position in capture[node]:
                        results[position] = node_grads[nr]
            if type(node) is AccumulateGrad:
                if node_grads is not None and capture is None:
                    _accumulate_leaf(node.variable, node_grads[0], create_graph, handed)
                continue
            edges = node.next_edges
            if node_grads is None:
                input_grads = (None,) * len(edges)
            else:
                input_grads = _call_backward(node, node_grads)
                if not retain_graph:
                    node._release()
            for edge, g in zip(edges, input_grads):
                if edge is None:
                    continue
                nxt, nr = edge
                if g is not None:
                    buf = buffers.get(nxt)
                    if buf is None and nxt._output_meta is None:
                        buffers[nxt] = [g]  # the common case: first gradient, one output
                    else:
                        _add_to_buffer(buffers, nxt, nr, g, owned)
                left = deps[nxt] - 1
                deps[nxt] = left
                if left == 0:
                    ready.append(nxt)
    finally:
        state.grad_enabled = prev
    return results


def _call_backward(node, grads):
    """Run one node's backward and check what it returned."""
    if node._output_meta is not None and None in grads:
        grads = [
            Tensor._wrap(xp.zeros(shape, dtype)) if g is None else g
            for g, (shape, dtype, xp) in zip(grads, node._output_meta)
        ]
    result = type(node).backward(node, *grads)
    if type(result) is not tuple:
        result = (result,)
    n = len(node.next_edges)
    if len(result) != n:
        if len(result) < n or any(r is not None for r in result[n:]):
            raise RuntimeError(
                f"function {node.name()} returned an incorrect number of gradients "
                f"(expected {n}, got {len(result)})"
            )
        result = result[:n]
    if node._input_meta is not None:
        result = _check_shapes(node, result)
    if state.anomaly is True:
        _check_nan(node, result)
    if state.hooks:
        for hook in state.hooks:
            hook.backward(node, tuple(grads), result)
    return result


def _check_shapes(node, result) -> tuple:
    """A user Function's gradients must fit its inputs (broadcast ones are summed, as PyTorch)."""
    checked = []
    for i, (g, meta) in enumerate(zip(result, node._input_meta)):
        if g is not None and meta is not None:
            shape, dtype = meta
            if g.array.shape != shape:
                if not _expandable(shape, g.array.shape):
                    raise RuntimeError(
                        f"Function {node.name()} returned an invalid gradient at index {i} - got "
                        f"{list(g.array.shape)} but expected shape compatible with {list(shape)}"
                    )
                g = g.sum_to_size(shape)
            if g.array.dtype != dtype:
                g = g.to(from_numpy_dtype(dtype))
        checked.append(g)
    return tuple(checked)


def _expandable(shape, target) -> bool:
    """Whether ``shape`` broadcasts to ``target`` (so a gradient of ``target`` sums back to it)."""
    if len(shape) > len(target):
        return False
    return all(s in (1, t) for s, t in zip(reversed(shape), reversed(target)))


def _check_nan(node, result):
    for i, g in enumerate(result):
        if g is not None and bool(g._xp().isnan(g.array).any()):
            trace = "".join(node._trace or ["(node created before anomaly mode was enabled)\n"])
            raise RuntimeError(
                f"Function '{node.name()}' returned nan values in its {i}th output.\n"
                f"Traceback of the forward call that created the node:\n{trace}"
            )


def _add_to_buffer(buffers, node, nr, g, owned):
    """Sum gradients arriving at one node output; sums the engine made itself are reused."""
    buf = buffers.get(node)
    if buf is None:
        meta = node._output_meta
        buffers[node] = buf = [None] * (1 if meta is None else len(meta))
    old = buf[nr]
    if old is None:
        buf[nr] = g
    elif owned is not None and id(old) in owned and old.array.shape == g.array.shape:
        old.array += g.array  # a sum only this engine holds: add in place, no new array
    else:
        total = old + g
        buf[nr] = total
        if owned is not None:
            owned.add(id(total))


def _run_pre_hooks(node, grads):
    for nr, hooks in node._pre_hooks.items():
        for hook in hooks:
            if grads[nr] is not None:
                out = hook(grads[nr])
                if out is not None:
                    grads[nr] = out


def _retain(node, grads):
    for nr, ref in node._retained.items():
        t, g = ref(), grads[nr]
        if t is None or g is None:
            continue
        g = g if state.grad_enabled else g.detach()
        t.grad = _copy(g) if t.grad is None else t.grad + g


def _copy(g):
    return Tensor._wrap(g.array.copy()) if not g.requires_grad else g.clone()


def _accumulate_leaf(leaf, g, create_graph, handed):
    """AccumulateGrad: run the leaf's hooks, add ``g`` into ``leaf.grad``, run its post hooks."""
    for hook in leaf._hooks or ():
        out = hook(g)
        if out is not None:
            g = out
    arr = g.array
    if arr.shape != leaf.array.shape:
        raise RuntimeError(
            f"Function AccumulateGrad got a gradient of shape {list(arr.shape)} for a leaf of "
            f"shape {list(leaf.array.shape)}"
        )
    if arr.dtype != leaf.array.dtype:
        g = g.to(leaf.dtype)
        arr = g.array
    if leaf.grad is None:
        if create_graph:
            leaf.grad = g
        else:
            if arr.base is not None or id(arr) in handed or g.requires_grad:
                arr = arr.copy()
            handed.add(id(arr))
            leaf.grad = Tensor._wrap(arr)
    elif create_graph or leaf.grad.requires_grad:
        leaf.grad = leaf.grad + g
    else:
        leaf.grad.array += arr
    for hook in leaf._post_acc_hooks or ():
        hook(leaf)
