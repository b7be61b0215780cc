"""Tests for minitorch/autograd/grad_mode.py: no_grad and friends, anomaly detection."""

import contextlib

import numpy as np
import pytest

import minitorch
from minitorch import autograd

from .conftest import host


@pytest.fixture(autouse=True)
def grad_mode_restored():
    """A failing test must not leave grad mode or anomaly mode switched for the next one."""
    yield
    assert minitorch.is_grad_enabled()
    assert not autograd.is_anomaly_enabled()


def leaf(device):
    return minitorch.ones(2, device=device, requires_grad=True)


def test_no_grad_context_records_nothing(device):
    x = leaf(device)
    with minitorch.no_grad():
        assert not minitorch.is_grad_enabled()
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert (x * 2).requires_grad


def test_enable_grad_inside_no_grad(device):
    x = leaf(device)
    with minitorch.no_grad():
        with minitorch.enable_grad():
            y = x * 2
        z = x * 2
    assert y.requires_grad and not z.requires_grad


def test_no_grad_as_decorator(device):
    @minitorch.no_grad()
    def double(t):
        return t * 2

    assert not double(leaf(device)).requires_grad
    assert double.__name__ == "double"
    assert minitorch.is_grad_enabled()


def test_enable_grad_as_decorator(device):
    @minitorch.enable_grad()
    def double(t):
        return t * 2

    with minitorch.no_grad():
        assert double(leaf(device)).requires_grad


def test_set_grad_enabled_context_and_function(device):
    x = leaf(device)
    with minitorch.set_grad_enabled(False):
        assert not (x * 2).requires_grad
        with minitorch.set_grad_enabled(True):
            assert (x * 2).requires_grad
    assert (x * 2).requires_grad
    minitorch.set_grad_enabled(False)
    try:
        assert not (x * 2).requires_grad
    finally:
        minitorch.set_grad_enabled(True)


def test_set_grad_enabled_as_decorator(device):
    @minitorch.set_grad_enabled(False)
    def double(t):
        return t * 2

    assert minitorch.is_grad_enabled()
    assert not double(leaf(device)).requires_grad
    assert minitorch.is_grad_enabled()


def test_training_loop_toggle_with_set_grad_enabled(device):
    """The PyTorch idiom ``with set_grad_enabled(phase == 'train')``."""
    x = leaf(device)
    for phase, expect in (("train", True), ("val", False)):
        with minitorch.set_grad_enabled(phase == "train"):
            assert (x * 2).requires_grad is expect


def test_inference_mode(device):
    x = leaf(device)
    with minitorch.inference_mode():
        assert not (x * 2).requires_grad
    with minitorch.inference_mode(False):
        assert (x * 2).requires_grad

    @minitorch.inference_mode()
    def double(t):
        return t * 2

    assert not double(x).requires_grad


def test_grad_mode_restored_after_exception():
    with pytest.raises(ValueError):
        with minitorch.no_grad():
            raise ValueError
    assert minitorch.is_grad_enabled()


def test_grad_mode_restored_after_exception_in_decorated_function():
    @minitorch.no_grad()
    def boom():
        raise ValueError

    with pytest.raises(ValueError):
        boom()
    assert minitorch.is_grad_enabled()


def test_no_grad_leaves_requires_grad_flags_alone(device):
    x = leaf(device)
    with minitorch.no_grad():
        assert x.requires_grad
        y = minitorch.ones(2, device=device, requires_grad=True)
    assert y.requires_grad and y.is_leaf


def test_backward_inside_no_grad_still_computes_gradients(device):
    x = leaf(device)
    y = (x * x).sum()
    with minitorch.no_grad():
        y.backward()
    np.testing.assert_allclose(host(x.grad), [2.0, 2.0])


def test_no_grad_as_bare_decorator(device):
    @minitorch.no_grad
    def double(t):
        return t * 2

    assert not double(leaf(device)).requires_grad


def test_no_grad_decorates_generator_functions(device):
    x = leaf(device)

    @minitorch.no_grad()
    def steps():
        yield (x * 2).requires_grad
        yield (x * 2).requires_grad

    assert list(steps()) == [False, False]


# --- anomaly detection ----------------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_detect_anomaly_names_the_op_that_produced_nan(device, torch):
    messages = []
    for lib, dev in ((minitorch, device), (torch, "cpu")):
        x = lib.tensor([0.0, 1.0], device=dev, requires_grad=True)
        with pytest.warns(UserWarning) if lib is torch else contextlib.nullcontext():
            with lib.autograd.detect_anomaly():
                y = (x.sqrt() * 0).sum()  # d sqrt/dx at 0 is inf; inf * 0 = nan
                with pytest.raises(RuntimeError) as err:
                    y.backward()
        messages.append(str(err.value).splitlines()[0])
    expected = "Function 'SqrtBackward0' returned nan values in its 0th output."
    assert messages == [expected, expected]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_detect_anomaly_shows_the_forward_line(device):
    x = minitorch.tensor([-1.0, 1.0], device=device, requires_grad=True)
    with autograd.detect_anomaly():
        z = x.sqrt().sum()  # sqrt of -1 forward
        with pytest.raises(RuntimeError) as err:
            z.backward()
    assert "sqrt of -1 forward" in str(err.value)
    assert "test_grad_mode.py" in str(err.value)


def test_detect_anomaly_names_custom_functions(device):
    class Bad(autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g * float("nan")

    x = minitorch.ones(2, device=device, requires_grad=True)
    with autograd.detect_anomaly():
        y = Bad.apply(x).sum()
        with pytest.raises(RuntimeError, match="Function 'BadBackward' returned nan values"):
            y.backward()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_without_anomaly_mode_nan_gradients_pass_silently(device):
    x = minitorch.tensor([0.0, 1.0], device=device, requires_grad=True)
    (x.sqrt() * 0).sum().backward()
    assert np.isnan(host(x.grad)[0])


def test_set_detect_anomaly_and_decorator():
    autograd.set_detect_anomaly(True)
    try:
        assert autograd.is_anomaly_enabled()
    finally:
        autograd.set_detect_anomaly(False)

    @autograd.detect_anomaly()
    def probe():
        return autograd.is_anomaly_enabled()

    assert probe() and not autograd.is_anomaly_enabled()
