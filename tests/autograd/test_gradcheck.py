"""Tests for minitorch/autograd/gradcheck.py: the checkers must pass right gradients and catch wrong
ones (a checker that always says True would make every op test meaningless)."""

import numpy as np
import pytest

import minitorch
from minitorch import autograd

from .conftest import host


def leaf(values, device):
    return minitorch.tensor(values, dtype=minitorch.float64, device=device, requires_grad=True)


class WrongSin(autograd.Function):
    """sin with the derivative of the identity: a deliberately broken backward."""

    @staticmethod
    def forward(ctx, x):
        return x.sin()

    @staticmethod
    def backward(ctx, grad):
        return grad


class CubeDetached(autograd.Function):
    """x**3 whose backward is right but not differentiable: 3 x^2 with one x detached.

    First derivatives are correct, so gradcheck passes; the second derivative comes out as 3x
    instead of 6x, which only gradgradcheck can see.
    """

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x * x.detach()


class WrongSecondArg(autograd.Function):
    """a * b whose gradient for b is off by a factor of two."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad * b, grad * a * 2


def test_gradcheck_passes_a_correct_gradient(device):
    x = leaf([0.5, -1.5, 2.0], device)
    assert autograd.gradcheck(lambda t: (t.sin() * t).exp(), (x,))


def test_gradcheck_catches_a_wrong_backward(device):
    x = leaf([0.5, 1.5], device)
    with pytest.raises(autograd.GradcheckError, match="Jacobian mismatch"):
        autograd.gradcheck(WrongSin.apply, (x,))
    assert issubclass(autograd.GradcheckError, RuntimeError)


def test_gradcheck_returns_false_without_raise_exception(device):
    x = leaf([0.5, 1.5], device)
    assert autograd.gradcheck(WrongSin.apply, (x,), raise_exception=False) is False


def test_gradcheck_names_the_input_with_the_wrong_gradient(device):
    a, b = leaf([0.5, 1.5], device), leaf([2.0, -1.0], device)
    with pytest.raises(autograd.GradcheckError, match="with respect to input 1"):
        autograd.gradcheck(WrongSecondArg.apply, (a, b))


def test_gradcheck_only_checks_inputs_requiring_grad(device):
    a = leaf([0.5, 1.5], device)
    b = minitorch.tensor([2.0, -1.0], dtype=minitorch.float64, device=device)
    assert autograd.gradcheck(WrongSecondArg.apply, (a, b))


def test_gradcheck_with_non_tensor_arguments_and_several_outputs(device):
    x = leaf([[0.5, 1.5], [-0.5, 2.0]], device)
    y = leaf([1.0, 3.0], device)

    def f(a, scale, b):
        return (a * b * scale, (a + b).sum(dim=1))

    assert autograd.gradcheck(f, (x, 0.5, y))


def test_gradcheck_with_broadcasting_and_0d_inputs(device):
    x = leaf([[0.5], [1.5]], device)
    s = leaf(0.7, device)
    assert autograd.gradcheck(lambda a, b: a * b + b.exp(), (x, s))


def test_gradcheck_restores_the_inputs(device):
    x = leaf([0.5, 1.5], device)
    autograd.gradcheck(lambda t: t * t, (x,))
    np.testing.assert_array_equal(host(x), [0.5, 1.5])


def test_gradgradcheck_passes_correct_second_derivatives(device):
    x = leaf([0.5, -1.5, 2.0], device)
    assert autograd.gradgradcheck(lambda t: (t.sin() * t).exp(), (x,))


def test_gradgradcheck_catches_a_backward_that_is_not_differentiable(device):
    x = leaf([0.5, -1.5], device)
    assert autograd.gradcheck(CubeDetached.apply, (x,))
    with pytest.raises(autograd.GradcheckError):
        autograd.gradgradcheck(CubeDetached.apply, (x,))


def test_gradgradcheck_with_given_grad_outputs(device):
    x = leaf([0.5, -1.5], device)
    gout = leaf([1.0, -2.0], device)
    assert autograd.gradgradcheck(lambda t: t * t * t, (x,), (gout,))
    assert autograd.gradgradcheck(CubeDetached.apply, (x,), (gout,), raise_exception=False) is False


def test_agrees_with_torch_on_what_fails(torch):
    """The same broken Function fails both libraries' gradcheck, the right one passes both."""

    class TWrongSin(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.sin()

        @staticmethod
        def backward(ctx, grad):
            return grad

    values = [0.5, 1.5]
    tx = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    x = leaf(values, "cpu")
    assert torch.autograd.gradcheck(TWrongSin.apply, (tx,), raise_exception=False) is False
    assert autograd.gradcheck(WrongSin.apply, (x,), raise_exception=False) is False
    assert torch.autograd.gradcheck(torch.sin, (tx,)) and autograd.gradcheck(minitorch.sin, (x,))


def test_gradcheck_accepts_non_contiguous_inputs(device):
    base = leaf([[0.5, 1.5, -1.0], [2.0, -0.5, 0.25]], device).detach()
    x = base.t().requires_grad_()
    assert not x.is_contiguous()
    assert autograd.gradcheck(lambda t: t.exp() @ t.t(), (x,))
    with pytest.raises(autograd.GradcheckError):
        autograd.gradcheck(WrongSin.apply, (x,))
    np.testing.assert_array_equal(host(x), host(base.t()))


def test_gradcheck_warns_about_float32_inputs(device):
    x = minitorch.tensor([0.5, 1.5], device=device, requires_grad=True)
    with pytest.warns(UserWarning, match="input 0 requiring grad is minitorch.float32"):
        assert autograd.gradcheck(lambda t: t * 2, (x,), eps=1e-2, atol=1e-3)


def test_gradgradcheck_skips_outputs_without_gradient(device):
    x = minitorch.tensor(
        [[1.0, 3.0], [4.0, 2.0]], dtype=minitorch.float64, device=device, requires_grad=True
    )
    # max(dim) returns (values, indices): the int64 indices get no grad_output
    assert minitorch.autograd.gradgradcheck(lambda t: tuple((t * t).max(1)), (x,))
