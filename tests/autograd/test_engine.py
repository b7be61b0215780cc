"""Tests for minitorch/autograd/engine.py: backward and grad as a PyTorch user relies on them."""

import gc
import weakref

import numpy as np
import pytest

import minitorch
from minitorch import autograd

from .conftest import host


def leaf(values, device, dtype=minitorch.float32):
    return minitorch.tensor(values, dtype=dtype, device=device, requires_grad=True)


# --- .backward() and .grad ------------------------------------------------------------------------
def test_grad_accumulates_over_backward_calls(device):
    x = leaf([1.0, 2.0, 3.0], device)
    (x * x).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_allclose(host(x.grad), [5.0, 7.0, 9.0])
    assert x.grad.device.type == device.type and x.grad.dtype == minitorch.float32


def test_grad_of_shared_input_sums_all_paths(device, torch):
    def f(lib, x):
        a = x * 3
        return (a * a + a.exp() - x).sum()

    x, tx = leaf([0.5, -1.0], device), torch.tensor([0.5, -1.0], requires_grad=True)
    f(minitorch, x).backward()
    f(torch, tx).backward()
    np.testing.assert_allclose(host(x.grad), host(tx.grad), rtol=1e-6)


def test_leaf_grads_never_alias_each_other(device):
    x, z = leaf([1.0, 2.0], device), leaf([1.0, 2.0], device)
    (x + z).sum().backward()
    x.grad.add_(10)
    np.testing.assert_allclose(host(z.grad), [1.0, 1.0])


def test_gradient_argument_weights_a_non_scalar_output(device):
    x = leaf([1.0, 2.0], device)
    (x * x).backward(minitorch.tensor([1.0, 10.0], device=device))
    np.testing.assert_allclose(host(x.grad), [2.0, 40.0])


def test_backward_of_non_scalar_needs_a_gradient(device):
    x = leaf([1.0, 2.0], device)
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        (x * 2).backward()


def test_backward_rejects_gradient_of_wrong_shape(device):
    x = leaf([1.0, 2.0], device)
    with pytest.raises(RuntimeError, match=r"Mismatch in shape.*\(3,\).*\(2,\)"):
        (x * 2).backward(minitorch.ones(3, device=device))


def test_backward_on_tensor_without_history_raises(device):
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        minitorch.ones(2, device=device).sum().backward()


def test_backward_inputs_limits_which_leaves_accumulate(device):
    x, z, w = (leaf([1.0, 2.0], device) for _ in range(3))
    (x * z * w).sum().backward(inputs=[x, w])
    assert z.grad is None
    np.testing.assert_allclose(host(x.grad), [1.0, 4.0])
    np.testing.assert_allclose(host(w.grad), [1.0, 4.0])


def test_grad_of_float64_leaf_through_float32_ops_stays_float64(device):
    x = leaf([1.0, 2.0], device, minitorch.float64)
    (x.float() * 2).sum().backward()
    assert x.grad.dtype == minitorch.float64


def test_broadcast_operand_gets_gradient_in_its_own_shape(device):
    x = leaf([[1.0], [2.0]], device)
    b = leaf([1.0, 2.0, 3.0], device)
    (x * b).sum().backward()
    assert x.grad.shape == (2, 1) and b.grad.shape == (3,)
    np.testing.assert_allclose(host(x.grad), [[6.0], [6.0]])
    np.testing.assert_allclose(host(b.grad), [3.0, 3.0, 3.0])


# --- retain_graph and freeing ---------------------------------------------------------------------
def test_second_backward_without_retain_graph_raises(device):
    x = leaf([1.0, 2.0], device)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_retain_graph_allows_a_second_backward(device):
    x = leaf([1.0, 2.0], device)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(host(x.grad), [4.0, 8.0])


def test_graph_without_saved_tensors_backpropagates_twice(device, torch):
    x, tx = leaf([1.0, 2.0], device), torch.tensor([1.0, 2.0], requires_grad=True)
    y, ty = (x + 1).sum(), (tx + 1).sum()
    for _ in range(2):
        y.backward()
        ty.backward()
    np.testing.assert_allclose(host(x.grad), host(tx.grad))
    np.testing.assert_allclose(host(x.grad), [2.0, 2.0])


def test_saved_tensors_are_freed_after_backward():
    x = leaf(np.ones(4), "cpu")
    h = x * 2
    ref = weakref.ref(h.array)
    y = (h * h).sum()  # MulBackward0 saves h
    del h
    gc.collect()
    assert ref() is not None, "h must stay alive while backward may still need it"
    y.backward()
    gc.collect()
    assert ref() is None, "the saved tensor outlived backward"
    assert y.grad_fn is not None


def test_retain_graph_keeps_saved_tensors():
    x = leaf(np.ones(4), "cpu")
    h = x * 2
    ref = weakref.ref(h.array)
    y = (h * h).sum()
    del h
    y.backward(retain_graph=True)
    gc.collect()
    assert ref() is not None


def test_dropping_the_output_frees_the_graph():
    x = leaf(np.ones(4), "cpu")
    y = (x * 2).exp()
    node = weakref.ref(y.grad_fn)
    del y
    gc.collect()
    assert node() is None


def test_long_chain_backpropagates_without_recursion_error():
    x = leaf(1.0, "cpu")
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


# --- autograd.grad --------------------------------------------------------------------------------
def test_grad_returns_gradients_without_touching_dot_grad(device):
    x = leaf([1.0, 2.0], device)
    (g,) = autograd.grad((x**3).sum(), x)
    np.testing.assert_allclose(host(g), [3.0, 12.0])
    assert x.grad is None


def test_grad_with_grad_outputs(device, torch):
    x, tx = leaf([1.0, 2.0], device), torch.tensor([1.0, 2.0], requires_grad=True)
    (g,) = autograd.grad(x * x, x, grad_outputs=minitorch.tensor([1.0, 10.0], device=device))
    (tg,) = torch.autograd.grad(tx * tx, tx, grad_outputs=torch.tensor([1.0, 10.0]))
    np.testing.assert_allclose(host(g), host(tg))


def test_grad_of_several_outputs_sums_them(device):
    x = leaf([1.0, 2.0], device)
    (g,) = autograd.grad([(x * x).sum(), (x * 3).sum()], [x])
    np.testing.assert_allclose(host(g), [5.0, 7.0])


def test_grad_unused_input_raises_unless_allow_unused(device):
    x, w = leaf([1.0, 2.0], device), leaf([3.0], device)
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        autograd.grad((x * 2).sum(), [x, w])
    gx, gw = autograd.grad((x * 2).sum(), [x, w], allow_unused=True)
    assert gw is None
    np.testing.assert_allclose(host(gx), [2.0, 2.0])


def test_grad_materialize_grads_gives_zeros_for_unused(device):
    x, w = leaf([1.0, 2.0], device), leaf([3.0], device)
    _, gw = autograd.grad((x * 2).sum(), [x, w], materialize_grads=True)
    np.testing.assert_allclose(host(gw), [0.0])
    assert gw.device.type == device.type


def test_grad_wrt_tensor_not_requiring_grad_raises(device):
    x = leaf([1.0], device)
    with pytest.raises(RuntimeError, match="does not require grad"):
        autograd.grad((x * 2).sum(), minitorch.ones(1, device=device))


def test_grad_wrt_intermediate_tensor(device):
    x = leaf([1.0, 2.0], device)
    h = x * 2
    (g,) = autograd.grad((h * h).sum(), h)
    np.testing.assert_allclose(host(g), [4.0, 8.0])


def test_grad_frees_graph_unless_retained(device):
    x = leaf([1.0, 2.0], device)
    y = (x * x).sum()
    autograd.grad(y, x)
    with pytest.raises(RuntimeError, match="second time"):
        autograd.grad(y, x)


# --- higher order ---------------------------------------------------------------------------------
def test_create_graph_gives_differentiable_gradients(device, torch):
    def f(lib, x):
        return (x.tanh() * x.exp() + x**3).sum()

    x, tx = (
        leaf([0.3, -0.7], device, minitorch.float64),
        torch.tensor([0.3, -0.7], dtype=torch.float64, requires_grad=True),
    )
    g, tg = x, tx
    for order in range(3):
        (g,) = autograd.grad(g.sum() if order else f(minitorch, x), x, create_graph=True)
        (tg,) = torch.autograd.grad(tg.sum() if order else f(torch, tx), tx, create_graph=True)
        assert g.requires_grad
        np.testing.assert_allclose(host(g), host(tg), rtol=1e-10, err_msg=f"order {order + 1}")


def test_backward_with_create_graph_makes_grad_differentiable(device):
    x = leaf([1.0, 2.0], device)
    (x**3).sum().backward(create_graph=True)
    g = x.grad
    assert g.requires_grad and g.grad_fn is not None
    x.grad = None
    g.sum().backward()
    np.testing.assert_allclose(host(x.grad), [6.0, 12.0])


def test_gradient_penalty_matches_torch(device, torch):
    """The WGAN-GP pattern: the norm of an input gradient is itself part of the loss."""
    w0 = np.array([[0.5, -1.0], [2.0, 0.25]])
    x0 = np.array([[1.0, 2.0]])
    results = []
    for lib, dev in ((minitorch, device), (torch, "cpu")):
        w = lib.tensor(w0, device=dev, requires_grad=True)
        x = lib.tensor(x0, device=dev, requires_grad=True)
        out = (x @ w).tanh().sum()
        (gx,) = lib.autograd.grad(out, x, create_graph=True)
        ((gx * gx).sum() + out).backward()
        results.append((host(w.grad), host(x.grad)))
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-10)


# --- hooks and retain_grad ------------------------------------------------------------------------
def test_leaf_hook_replaces_the_gradient(device):
    x = leaf([1.0, 2.0], device)
    x.register_hook(lambda g: g * 10)
    (x * 3).sum().backward()
    np.testing.assert_allclose(host(x.grad), [30.0, 30.0])


def test_hook_returning_none_only_observes(device):
    x = leaf([1.0, 2.0], device)
    seen = []
    x.register_hook(seen.append)
    (x * 3).sum().backward()
    assert len(seen) == 1
    np.testing.assert_allclose(host(seen[0]), [3.0, 3.0])
    np.testing.assert_allclose(host(x.grad), [3.0, 3.0])


def test_hooks_run_in_registration_order_and_chain(device):
    x = leaf([1.0], device)
    order = []
    x.register_hook(lambda g: order.append("a"))
    x.register_hook(lambda g: (order.append("b"), g * 2)[1])
    x.register_hook(lambda g: (order.append("c"), g + 1)[1])
    (x * 1).sum().backward()
    assert order == ["a", "b", "c"]
    np.testing.assert_allclose(host(x.grad), [3.0])


def test_removed_leaf_hook_no_longer_runs(device):
    x = leaf([1.0, 2.0], device)
    handle = x.register_hook(lambda g: g * 10)
    handle.remove()
    (x * 3).sum().backward()
    np.testing.assert_allclose(host(x.grad), [3.0, 3.0])


def test_non_leaf_hook_changes_what_flows_further(device):
    x = leaf([1.0, 2.0], device)
    y = x * 2
    y.register_hook(lambda g: g * 100)
    y.retain_grad()
    y.sum().backward()
    np.testing.assert_allclose(host(x.grad), [200.0, 200.0])
    np.testing.assert_allclose(host(y.grad), [100.0, 100.0])


def test_removed_non_leaf_hook_no_longer_runs(device):
    x = leaf([1.0, 2.0], device)
    y = x * 2
    y.register_hook(lambda g: g * 100).remove()
    y.sum().backward()
    np.testing.assert_allclose(host(x.grad), [2.0, 2.0])


def test_hook_on_tensor_without_grad_raises(device):
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        minitorch.ones(2, device=device).register_hook(lambda g: g)


def test_non_leaf_grad_is_none_unless_retained(device):
    x = leaf([1.0, 2.0], device)
    y, z = x * 2, x * 3
    z.retain_grad()
    (y * z).sum().backward()
    assert y.grad is None and not y.retains_grad
    assert z.retains_grad
    np.testing.assert_allclose(host(z.grad), [2.0, 4.0])


def test_retained_grad_accumulates(device):
    x = leaf([1.0, 2.0], device)
    y = x * 2
    y.retain_grad()
    y.sum().backward(retain_graph=True)
    y.sum().backward()
    np.testing.assert_allclose(host(y.grad), [2.0, 2.0])


def test_retain_grad_on_leaf_is_a_no_op(device):
    x = leaf([1.0], device)
    x.retain_grad()
    (x * 2).sum().backward()
    np.testing.assert_allclose(host(x.grad), [2.0])


# --- multi-output nodes ------------------------------------------------------------------------- -
def test_unused_output_of_multi_output_op_gets_zero_gradient(device):
    x = leaf([[1.0, 5.0], [7.0, 2.0]], device)
    values, _ = x.max(dim=1)
    a, b = x.split(1, dim=0)
    (values.sum() + a.sum()).backward()
    np.testing.assert_allclose(host(x.grad), [[1.0, 2.0], [1.0, 0.0]])
