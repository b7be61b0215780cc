"""Function hooks: code that runs after every op's forward and every node's backward.

As Chainer's ``FunctionHook``: subclass ``FunctionHook``, override ``forward`` and/or
``backward``, and activate an instance with ``with hook: ...``. Hooks act on the thread that
entered them and nest. ``minitorch.viz.trace_backward`` is one; a profiler or a tracer is another.
"""

from __future__ import annotations

from .grad_mode import state


class FunctionHook:
    """Base class: both callbacks do nothing; override the ones you need."""

    def forward(self, node, args: tuple, outputs: tuple) -> None:
        """After ``type(node).forward`` ran on ``args`` (recorded or not) and gave ``outputs``."""

    def backward(self, node, grad_outputs: tuple, grad_inputs: tuple) -> None:
        """After ``node``'s backward turned ``grad_outputs`` into one gradient per input."""

    def __enter__(self):
        state.hooks = (*state.hooks, self)
        return self

    def __exit__(self, *exc) -> bool:
        hooks = list(state.hooks)
        hooks.reverse()
        hooks.remove(self)
        hooks.reverse()
        state.hooks = tuple(hooks)
        return False
