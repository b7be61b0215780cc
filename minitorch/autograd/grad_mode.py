"""Switches for recording the tape: ``no_grad``, ``enable_grad``, ``set_grad_enabled``, anomaly.

Each works as a context manager and as a decorator, like PyTorch's, and acts on the calling
thread only.
"""

from __future__ import annotations

import functools
import inspect
import threading


class _State(threading.local):
    """Switches read by ``Function.apply`` on every op, one set per thread (as in PyTorch): a
    thread inside ``no_grad()`` does not stop another thread from recording. A new thread starts
    with the defaults below."""

    grad_enabled = True
    anomaly = False
    hooks: tuple = ()  # the active FunctionHooks (autograd/hooks.py), innermost last


state = _State()


def is_grad_enabled() -> bool:
    return state.grad_enabled


def _decorate(make_context, fn):
    """Run ``fn`` (or each step of a generator function) inside ``make_context()``."""
    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def generator(*args, **kwargs):
            gen, sent = fn(*args, **kwargs), None
            while True:
                with make_context():
                    try:
                        value = gen.send(sent)
                    except StopIteration as stop:
                        return stop.value
                sent = yield value

        return generator

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with make_context():
            return fn(*args, **kwargs)

    return wrapper


class _GradSwitch:
    """Base for the grad-mode context managers; also usable as a decorator, with or without
    parentheses (``@no_grad`` and ``@no_grad()``)."""

    mode = True

    def __new__(cls, *args, **kwargs):
        if len(args) == 1 and not kwargs and callable(args[0]):
            return _decorate(cls, args[0])  # used as a bare decorator
        return super().__new__(cls)

    def __init__(self):
        pass

    def __enter__(self):
        self._prev = state.grad_enabled
        state.grad_enabled = self.mode

    def __exit__(self, *exc):
        state.grad_enabled = self._prev
        return False

    def __call__(self, fn):
        return _decorate(self.__class__, fn)


class no_grad(_GradSwitch):
    """Run ops without recording them (inference, optimizer updates)."""

    mode = False


class enable_grad(_GradSwitch):
    """Record ops even inside ``no_grad``."""

    mode = True


class set_grad_enabled(_GradSwitch):
    """``set_grad_enabled(False)`` acts at once (like PyTorch) and restores on ``__exit__``."""

    def __init__(self, mode: bool):
        self.mode = bool(mode)
        self._prev = state.grad_enabled
        state.grad_enabled = self.mode

    def __enter__(self):
        pass

    def __call__(self, fn):
        state.grad_enabled = self._prev
        return _decorate(lambda: set_grad_enabled(self.mode), fn)


class inference_mode(no_grad):
    """Same as ``no_grad`` here (PyTorch's extra speed-ups have no equivalent)."""

    def __init__(self, mode: bool = True):
        self.mode = not mode


def is_anomaly_enabled() -> bool:
    return state.anomaly


def set_detect_anomaly(mode: bool) -> None:
    """Record each op's forward traceback and check every backward output for NaN."""
    state.anomaly = bool(mode)


class detect_anomaly:
    """Context manager / decorator form of ``set_detect_anomaly(True)``."""

    def __init__(self, check_nan: bool = True):
        self.check_nan = check_nan

    def __enter__(self):
        self._prev = state.anomaly
        state.anomaly = self.check_nan

    def __exit__(self, *exc):
        state.anomaly = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with detect_anomaly(self.check_nan):
                return fn(*args, **kwargs)

        return wrapper
