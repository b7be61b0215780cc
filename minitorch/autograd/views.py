"""Views and in-place ops: keeping a base tensor's history right when a view is written to.

A view (``view``, ``reshape``, ``permute``, ``transpose``, basic indexing, ...) shares memory with
the tensor it was taken from. Each view remembers ``_view_of = (parent, view_node, root,
root_grad_fn)``. When an in-place op writes through a view, its parent (and so on up to the
root) takes a new history that puts the new values in place, as PyTorch's CopySlices does:
``b = x * 1; b[1:].mul_(2); b.sum().backward()`` gives ``x.grad = [1, 2, 2, 2]``.

A view taken *before* its root got a new history still describes the old one; the next op that
uses it first replays the view on the root's new history (PyTorch regenerates it the same way).
Each view op says how to do both through two methods of its ``Function``: ``replay(base)`` and
``write_back(base, value)``.
"""

from __future__ import annotations

from .grad_mode import state


def link(parent, node):
    """The ``_view_of`` record for a view of ``parent`` made by ``node``."""
    record = parent._view_of
    root = record[2] if record is not None else parent
    return (parent, node, root, root.grad_fn)


def check_writable(t) -> None:
    """In-place writes through a view of a leaf that requires grad are errors, as in PyTorch."""
    root = t._view_of[2]
    if root.grad_fn is None and root.requires_grad and state.grad_enabled:
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place operation."
        )


def check_fresh(view) -> None:
    """Before a view is used: if its root got a new history since, replay the view on it."""
    _, _, root, root_fn = view._view_of
    if root.grad_fn is not root_fn:
        regenerate(view)


def regenerate(view) -> None:
    """Give ``view`` (and the views between it and its root) history from the root's new one."""
    chain, current = [], view
    while current._view_of is not None:
        chain.append(current)
        current = current._view_of[0]
    root = base = current
    for v in reversed(chain):
        node = v._view_of[1]
        new = node.replay(base)
        v.requires_grad = new.requires_grad
        v.grad_fn, v._output_nr = new.grad_fn, new._output_nr
        v._view_of = (base, new.grad_fn or node, root, root.grad_fn)
        base = v


def rebase(t, result) -> None:
    """After an in-place op wrote ``result`` through view ``t``, give every base a new history."""
    value, current = result, t
    while current._view_of is not None:
        parent, node, _, _ = current._view_of
        new = node.write_back(parent, value)
        parent.array[...] = new.array  # a no-op when memory is shared; needed if reshape copied
        parent.requires_grad = True
        parent.grad_fn, parent._output_nr = new.grad_fn, new._output_nr
        value, current = parent, parent
    root = current
    # The views on the path now describe the new history.
    view = t
    while view._view_of is not None:
        parent, node, _, _ = view._view_of
        view._view_of = (parent, node, root, root.grad_fn)
        view = parent
