"""Tests for minitorch/autograd/function.py: user-defined Functions, saved tensors, versions."""

import numpy as np
import pytest

import minitorch
from minitorch import autograd

from .conftest import host


def leaf(values, device, dtype=minitorch.float32):
    return minitorch.tensor(values, dtype=dtype, device=device, requires_grad=True)


class Cube(autograd.Function):
    """x**3 * k with a non-tensor argument k."""

    @staticmethod
    def forward(ctx, x, k):
        ctx.save_for_backward(x)
        ctx.k = k
        ctx.seen_needs = ctx.needs_input_grad
        return x * x * x * k

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x * x * ctx.k, None


class Exp(autograd.Function):
    """Saves its own output, as PyTorch's docs example does."""

    @staticmethod
    def forward(ctx, x):
        out = x.exp()
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out


class SortedWithIndices(autograd.Function):
    """Two outputs, the second (int64 indices) marked non-differentiable."""

    @staticmethod
    def forward(ctx, x):
        values, indices = x.max(dim=0)
        ctx.mark_non_differentiable(indices)
        ctx.save_for_backward(indices)
        ctx.shape = x.shape
        return values, indices

    @staticmethod
    def backward(ctx, grad_values, grad_indices):
        (indices,) = ctx.saved_tensors
        out = minitorch.zeros(ctx.shape, dtype=grad_values.dtype, device=grad_values.device)
        out[indices, minitorch.arange(ctx.shape[1], device=grad_values.device)] = grad_values
        return out


# --- user-defined Function ------------------------------------------------------------------------
def test_custom_function_forward_backward(device):
    x = leaf([1.0, 2.0], device)
    y = Cube.apply(x, 2.0)
    np.testing.assert_allclose(host(y), [2.0, 16.0])
    y.sum().backward()
    np.testing.assert_allclose(host(x.grad), [6.0, 24.0])
    assert x.grad.device.type == device.type


def test_custom_function_node_is_named_like_pytorch(device, torch):
    class Sq(autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * x

        @staticmethod
        def backward(ctx, g):
            return g

    y = Sq.apply(leaf([1.0], device))

    class Sq(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * x

        @staticmethod
        def backward(ctx, g):
            return g

    ty = Sq.apply(torch.ones(1, requires_grad=True))
    assert y.grad_fn.name() == ty.grad_fn.name() == "SqBackward"
    assert "grad_fn=<SqBackward>" in repr(y)


def test_needs_input_grad_reflects_each_argument(device):
    x, c = leaf([1.0], device), minitorch.ones(1, device=device)

    class Probe(autograd.Function):
        @staticmethod
        def forward(ctx, a, b, k):
            Probe.seen = ctx.needs_input_grad
            return a * b

        @staticmethod
        def backward(ctx, g):
            return g, None, None

    Probe.apply(x, c, 3)
    assert Probe.seen == (True, False, False)
    Probe.apply(c, x, 3)
    assert Probe.seen == (False, True, False)


def test_function_under_no_grad_records_nothing(device):
    x = leaf([1.0], device)
    with minitorch.no_grad():
        y = Cube.apply(x, 1.0)
    assert not y.requires_grad and y.grad_fn is None


def test_function_without_grad_inputs_records_nothing(device):
    y = Cube.apply(minitorch.ones(1, device=device), 1.0)
    assert not y.requires_grad and y.grad_fn is None


def test_next_functions_point_at_inputs(device):
    x = leaf([1.0], device)
    h = x * 2
    y = Cube.apply(h, 1.0)
    (edge, _), (none, _) = y.grad_fn.next_functions
    assert edge is h.grad_fn and none is None
    assert h.grad_fn.next_functions[0][0].name() == "AccumulateGrad"
    assert h.grad_fn.next_functions[0][0].variable is x


def test_saving_the_output(device):
    x = leaf([0.0, 1.0], device)
    Exp.apply(x).sum().backward()
    np.testing.assert_allclose(host(x.grad), np.exp([0.0, 1.0]), rtol=1e-6)


def test_mark_non_differentiable_and_two_outputs(device):
    x = leaf([[1.0, 5.0], [7.0, 2.0]], device)
    values, indices = SortedWithIndices.apply(x)
    assert values.requires_grad and not indices.requires_grad
    assert indices.dtype == minitorch.int64
    (values * minitorch.tensor([1.0, 10.0], device=device)).sum().backward()
    np.testing.assert_allclose(host(x.grad), [[0.0, 10.0], [1.0, 0.0]])


def test_unused_output_gets_zero_gradient(device):
    class Two(autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            Two.seen = (host(g1), host(g2))
            return g1 * 2 + g2 * 3

    x = leaf([1.0, 1.0], device)
    p, _ = Two.apply(x)
    p.sum().backward()
    np.testing.assert_allclose(Two.seen[1], [0.0, 0.0])
    np.testing.assert_allclose(host(x.grad), [2.0, 2.0])


def test_wrong_number_of_gradients_raises(device):
    class Wrong(autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g, g

    with pytest.raises(RuntimeError, match=r"incorrect number of gradients \(expected 1, got 2\)"):
        Wrong.apply(leaf([1.0], device)).sum().backward()


def test_saved_tensors_after_backward_raises(device):
    x = leaf([1.0], device)
    y = Cube.apply(x, 1.0)
    y.sum().backward()
    with pytest.raises(RuntimeError, match="after they have already been freed"):
        y.grad_fn.saved_tensors  # noqa: B018


def test_custom_function_supports_double_backward(device):
    x = leaf([1.0, 2.0], device, minitorch.float64)
    (g,) = autograd.grad(Cube.apply(x, 1.0).sum(), x, create_graph=True)
    (gg,) = autograd.grad(g.sum(), x)
    np.testing.assert_allclose(host(gg), [6.0, 12.0])


def test_custom_function_passes_gradcheck(device):
    x = leaf([0.5, -1.5, 2.0], device, minitorch.float64)
    assert autograd.gradcheck(lambda t: Cube.apply(t, 0.5), (x,))
    assert autograd.gradgradcheck(lambda t: Cube.apply(t, 0.5), (x,))


# --- version counters: in-place changes to saved tensors ------------------------------------------
def test_inplace_on_saved_input_raises_naming_the_op(device, torch):
    x, tx = leaf([1.0, 2.0, 3.0], device), torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    messages = []
    for t in (x, tx):
        b = t * 2
        c = b * b  # MulBackward0 saves b
        b.add_(1)
        with pytest.raises(RuntimeError) as err:
            c.sum().backward()
        messages.append(str(err.value))
    for msg in messages:
        assert "modified by an inplace operation" in msg
        assert "is at version 1; expected version 0 instead" in msg
    assert "output 0 of AddBackward0" in messages[0] and "[3]" in messages[0]
    assert "MulBackward0" in messages[0]


def test_inplace_on_saved_output_raises(device):
    x = leaf([0.0, 1.0], device)
    y = x.exp()
    z = y.sum()
    y.add_(1)
    with pytest.raises(RuntimeError, match="ExpBackward0"):
        z.backward()


def test_inplace_on_output_saved_by_custom_function_raises(device):
    x = leaf([0.0, 1.0], device)
    y = Exp.apply(x)
    z = y.sum()
    y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.backward()


def test_inplace_through_view_on_saved_tensor_raises(device):
    x = leaf([1.0, 2.0, 3.0, 4.0], device)
    b = x * 2
    c = (b * b).sum()
    b.view(2, 2).add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        c.backward()


def test_inplace_on_base_of_saved_view_raises(device):
    x = leaf([1.0, 2.0, 3.0, 4.0], device)
    v = (x * 2).view(2, 2)
    c = (v * v).sum()
    v.view(4).mul_(3)
    with pytest.raises(RuntimeError, match="ViewBackward0"):
        c.backward()


def test_inplace_through_detach_raises(device, torch):
    for lib, dev in ((minitorch, device), (torch, "cpu")):
        x = lib.tensor([1.0, 2.0], device=dev, requires_grad=True)
        b = x * 2
        c = (b * b).sum()
        b.detach().zero_()
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            c.backward()


def test_inplace_through_slice_on_saved_tensor_raises(device):
    x = leaf([1.0, 2.0, 3.0, 4.0], device)
    b = x * 2
    c = (b * b).sum()
    b[1:].mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        c.backward()


INPLACE_THROUGH_VIEWS = {
    "slice": lambda b: b[1:].mul_(2),
    "view": lambda b: b.view(2, 2).mul_(3),
    "transpose then row": lambda b: b.view(2, 2).t()[0].mul_(5),
    "slice of a slice": lambda b: b[1:][1:].add_(b[:2].sum()),
    "relu_ on a view": lambda b: b.view(2, 2).relu_(),
    "setitem on a view": lambda b: b.view(2, 2).__setitem__((0, 1), 7.0),
}


@pytest.mark.parametrize("write", INPLACE_THROUGH_VIEWS.values(), ids=INPLACE_THROUGH_VIEWS)
def test_inplace_through_a_view_rebases_the_base(device, torch, write):
    grads, values = [], []
    for lib, dev in ((minitorch, device), (torch, "cpu")):
        x = lib.tensor([1.0, -2.0, 3.0, 4.0], device=dev, requires_grad=True)
        b = x * lib.tensor([1.0, 2.0, 3.0, 4.0], device=dev)
        write(b)
        (b * b).sum().backward()
        grads.append(host(x.grad))
        values.append(host(b.detach()))
    np.testing.assert_allclose(*values)
    np.testing.assert_allclose(*grads)


def test_inplace_through_a_view_of_a_leaf_raises(device):
    x = leaf([1.0, 2.0], device)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        x[0:1].mul_(2)


def test_view_taken_before_an_inplace_op_on_its_base_sees_the_new_history(device, torch):
    grads = []
    for lib, dev in ((minitorch, device), (torch, "cpu")):
        x = lib.tensor([1.0, 2.0, 3.0, 4.0], device=dev, requires_grad=True)
        b = x * 1
        v = b.view(2, 2).t()[1:]
        b.mul_(x)
        (v * v).sum().backward()
        grads.append(host(x.grad))
    np.testing.assert_allclose(*grads)


def test_data_is_not_version_tracked_like_pytorch(device):
    x = leaf([1.0, 2.0], device)
    b = x * 2
    c = (b * b).sum()
    b.data.zero_()
    c.backward()  # PyTorch's documented escape hatch: no error, gradient from the new values
    np.testing.assert_allclose(host(x.grad), [0.0, 0.0])


def test_inplace_on_unsaved_intermediate_gives_correct_gradient(device, torch):
    grads = []
    for lib, dev in ((minitorch, device), (torch, "cpu")):
        x = lib.tensor([1.0, -2.0, 3.0], device=dev, requires_grad=True)
        h = x + 1  # AddBackward0 saves nothing
        h.mul_(3)
        h.relu_()
        (h * x).sum().backward()
        grads.append(host(x.grad))
    np.testing.assert_allclose(*grads)


def test_inplace_op_records_history_and_bumps_version(device):
    x = leaf([1.0, 2.0], device)
    y = x * 1
    assert y._version == 0
    y.mul_(3)
    assert y._version == 1 and y.grad_fn.name() == "MulBackward0"
    y.sum().backward()
    np.testing.assert_allclose(host(x.grad), [3.0, 3.0])


@pytest.mark.parametrize(
    "op",
    [
        lambda L, y: y.clamp_(0.5, 3.0),
        lambda L, y: y.pow_(2),
        lambda L, y: L.nn.functional.leaky_relu(y, 0.1, inplace=True),
        lambda L, y: L.nn.functional.elu(y, inplace=True),
    ],
    ids=["clamp_", "pow_", "leaky_relu(inplace)", "elu(inplace)"],
)
def test_inplace_op_whose_backward_needs_its_input(op, device, torch):
    """The op's node keeps the values from before the write (PyTorch's ``original_self``)."""
    grads = []
    for lib, dev in ((minitorch, device), (torch, "cpu")):
        x = lib.tensor([-0.3, 1.2, 2.0], dtype=lib.float64, device=dev, requires_grad=True)
        y = x * 1
        op(lib, y)
        w = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64, device=dev)
        (g,) = lib.autograd.grad((y * y * w).sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        grads.append((host(g), host(gg)))
    for ours, theirs in zip(*grads):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10)


def test_inplace_on_leaf_requiring_grad_raises(device):
    x = leaf([1.0, 2.0], device)
    for op in (lambda: x.add_(1), lambda: x.mul_(2), lambda: x.zero_(), lambda: x.fill_(1.0)):
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            op()
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x[0] = 5.0
    np.testing.assert_allclose(host(x), [1.0, 2.0])


def test_inplace_on_leaf_allowed_under_no_grad(device):
    x = leaf([1.0, 2.0], device)
    with minitorch.no_grad():
        x -= 0.5 * minitorch.ones(2, device=device)
        x[0] = 7.0
    assert x.is_leaf and x.requires_grad and x.grad_fn is None
    np.testing.assert_allclose(host(x), [7.0, 1.5])


def test_hand_written_sgd_loop_matches_torch(device, torch):
    rng = np.random.default_rng(0)
    X, w_true = rng.standard_normal((16, 3)), np.array([[1.0], [-2.0], [0.5]])
    Y = X @ w_true + 0.1
    results = []
    for lib, dev in ((minitorch, device), (torch, "cpu")):
        x, y = lib.tensor(X, device=dev), lib.tensor(Y, device=dev)
        w = lib.zeros((3, 1), dtype=lib.float64, device=dev, requires_grad=True)
        b = lib.zeros(1, dtype=lib.float64, device=dev, requires_grad=True)
        for _ in range(50):
            loss = ((x @ w + b - y) ** 2).mean()
            loss.backward()
            with lib.no_grad():
                w -= 0.1 * w.grad
                b -= 0.1 * b.grad
                w.grad.zero_()
                b.grad.zero_()
        results.append((host(w), host(b), loss.item()))
    for a, t in zip(*results):
        np.testing.assert_allclose(a, t, rtol=1e-10)
    assert results[0][2] < 0.01  # it did learn
