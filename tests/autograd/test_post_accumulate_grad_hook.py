"""Tests for Tensor.register_post_accumulate_grad_hook (run by the engine's leaf accumulation)."""

import numpy as np
import pytest

import minitorch

from .conftest import host


def leaf(values, device):
    return minitorch.tensor(values, device=device, requires_grad=True)


def test_hook_sees_the_accumulated_grad_each_backward(device):
    x = leaf([1.0, 2.0], device)
    seen = []
    x.register_post_accumulate_grad_hook(lambda t: seen.append(host(t.grad).copy()))
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_allclose(seen, [[2.0, 2.0], [5.0, 5.0]])


def test_hook_runs_after_the_leafs_gradient_hooks(device):
    x = leaf([1.0], device)
    seen = []
    x.register_hook(lambda g: g * 10)
    x.register_post_accumulate_grad_hook(lambda t: seen.append(host(t.grad).copy()))
    (x * 1).sum().backward()
    np.testing.assert_allclose(seen, [[10.0]])


def test_hook_runs_once_per_backward_even_with_several_uses(device):
    x = leaf([1.0], device)
    calls = []
    x.register_post_accumulate_grad_hook(calls.append)
    (x * x + x).sum().backward()
    assert calls == [x]
    np.testing.assert_allclose(host(x.grad), [3.0])


def test_hook_runs_under_create_graph_and_inputs(device):
    x = leaf([2.0], device)
    calls = []
    x.register_post_accumulate_grad_hook(calls.append)
    (x * x).sum().backward(create_graph=True)
    (x * 3).sum().backward(inputs=[x])
    assert len(calls) == 2


def test_grad_does_not_run_the_hook(device):
    x = leaf([2.0], device)
    calls = []
    x.register_post_accumulate_grad_hook(calls.append)
    minitorch.autograd.grad((x * 2).sum(), x)
    assert calls == []


def test_removed_hook_no_longer_runs(device):
    x = leaf([1.0], device)
    calls = []
    x.register_post_accumulate_grad_hook(calls.append).remove()
    (x * 2).sum().backward()
    assert calls == []


def test_non_leaf_and_no_grad_tensors_raise(device):
    x = leaf([1.0], device)
    with pytest.raises(RuntimeError, match="cannot be registered on non-leaf tensors"):
        (x * 2).register_post_accumulate_grad_hook(lambda t: None)
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        minitorch.ones(1, device=device).register_post_accumulate_grad_hook(lambda t: None)
