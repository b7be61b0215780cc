"""Module (minitorch/nn/module.py): registration, iteration, modes, conversion, state dicts,
hooks and printing, checked against PyTorch's behaviour and texts."""

import copy

import numpy as np
import pytest

import minitorch
import minitorch.nn as nn

from .helpers import assert_close, compare_with_torch, copy_weights, from_numpy, on, to_numpy


def make_net(lib):
    """The same small model in minitorch or PyTorch: a buffer, a nested Sequential."""

    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = lib.nn.Linear(3, 4)
            self.seq = lib.nn.Sequential(lib.nn.ReLU(), lib.nn.Linear(4, 2))
            self.register_buffer("steps", lib.zeros(1))
            self.register_buffer("scratch", lib.zeros(2), persistent=False)

        def forward(self, x):
            return self.seq(self.fc1(x))

    return Net()


# --- registration ------------------------------------------------------------------------------
def test_setattr_sorts_parameters_buffers_and_modules():
    net = make_net(minitorch)
    assert list(net._parameters) == []
    assert list(net._buffers) == ["steps", "scratch"]
    assert list(net._modules) == ["fc1", "seq"]
    assert isinstance(net.fc1.weight, nn.Parameter)
    net.extra = nn.Parameter(minitorch.ones(2))
    assert "extra" in net._parameters and "extra" not in net.__dict__
    net.steps = minitorch.ones(1)  # re-assigning a buffer keeps it a buffer
    assert net._buffers["steps"].tolist() == [1.0]
    net.plain = 3
    assert net.plain == 3 and "plain" in net.__dict__


def test_setattr_errors():
    net = make_net(minitorch)
    with pytest.raises(TypeError, match="cannot assign 'minitorch.Tensor' as parameter 'weight'"):
        net.fc1.weight = minitorch.ones(4, 3)
    with pytest.raises(TypeError, match="as child module 'fc1'"):
        net.fc1 = 3
    with pytest.raises(TypeError, match="as buffer 'steps'"):
        net.steps = 3
    with pytest.raises(TypeError, match="object to parameter 'w'"):
        net.register_parameter("w", nn.Parameter(minitorch.ones(2)) * 2)
    with pytest.raises(KeyError, match="attribute 'fc1' already exists"):
        net.register_buffer("fc1", minitorch.ones(1))
    with pytest.raises(KeyError, match="contain"):
        net.register_buffer("a.b", minitorch.ones(1))
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'nope'"):
        net.nope  # noqa: B018

    class Early(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(minitorch.ones(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Early()


def test_none_parameter_and_delattr():
    lin = nn.Linear(2, 3, bias=False)
    assert lin.bias is None
    assert [n for n, _ in lin.named_parameters()] == ["weight"]
    del lin.weight
    assert list(lin.parameters()) == []
    with pytest.raises(AttributeError):
        lin.weight  # noqa: B018


def test_module_forward_missing():
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        nn.Module()(1)


# --- iteration ---------------------------------------------------------------------------------
def test_named_members_match_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = make_net(minitorch), make_net(torch)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert [n for n, _ in ours.named_parameters(prefix="m", recurse=False)] == []
    assert [n for n, _ in ours.fc1.named_parameters(prefix="m")] == ["m.weight", "m.bias"]
    assert [n for n, _ in ours.named_modules(prefix="root")] == [
        n for n, _ in theirs.named_modules(prefix="root")
    ]
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_shared_parameters_and_modules_are_listed_once():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(model.parameters())) == 2
    assert len(list(model.modules())) == 3
    assert [n for n, _ in model.named_parameters(remove_duplicate=False)] == [
        "0.weight", "0.bias", "2.weight", "2.bias",
    ]  # fmt: skip
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    tied = nn.Module()
    tied.a = nn.Linear(2, 2)
    tied.b = nn.Linear(2, 2)
    tied.b.weight = tied.a.weight
    assert [n for n, _ in tied.named_parameters()] == ["a.weight", "a.bias", "b.bias"]


def test_get_submodule_and_parameter():
    net = make_net(minitorch)
    assert net.get_submodule("seq.1") is net.seq[1]
    assert net.get_submodule("") is net
    assert net.get_parameter("seq.1.bias") is net.seq[1].bias
    with pytest.raises(AttributeError):
        net.get_submodule("seq.7")


# --- modes, gradients, conversion --------------------------------------------------------------
def test_train_eval_propagate():
    net = make_net(minitorch)
    assert net.training and net.seq[0].training
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        net.train("yes")


def test_zero_grad_and_requires_grad():
    net = make_net(minitorch)
    net(minitorch.randn(5, 3)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.array.any() for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_to_keeps_parameter_identity(device):
    net = make_net(minitorch)
    net(minitorch.randn(2, 3)).sum().backward()
    params = list(net.parameters())
    grads = [p.grad for p in params]
    out = net.to(device)
    assert out is net
    assert all(a is b for a, b in zip(params, net.parameters()))
    assert all(on(p, device) and on(p.grad, device) for p in net.parameters())
    assert all(a is b.grad for a, b in zip(grads, net.parameters()))
    assert on(net.steps, device) and on(net.scratch, device)
    assert on(net(minitorch.randn(2, 3, device=device)), device)
    net.double()
    assert all(p.dtype == minitorch.float64 for p in net.parameters())
    net.to(minitorch.float32)
    assert net.fc1.weight.dtype == minitorch.float32
    assert net.cpu().fc1.weight.device == minitorch.device("cpu")


def test_to_dtype_leaves_integer_buffers():
    m = nn.Module()
    m.register_buffer("count", minitorch.tensor([3]))
    m.w = nn.Parameter(minitorch.ones(2))
    m.to(minitorch.float64)
    assert m.count.dtype == minitorch.int64 and m.w.dtype == minitorch.float64
    with pytest.raises(TypeError, match="only accepts floating point"):
        m.to(minitorch.int32)


def test_apply_visits_children_first():
    net = make_net(minitorch)
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "ReLU", "Linear", "Sequential", "Net"]


def test_deepcopy_is_independent():
    net = make_net(minitorch)
    twin = copy.deepcopy(net)
    assert isinstance(twin.fc1.weight, nn.Parameter) and twin.fc1.weight.requires_grad
    with minitorch.no_grad():
        twin.fc1.weight.fill_(0)
    assert net.fc1.weight.array.any()


# --- state dict --------------------------------------------------------------------------------
def test_state_dict_round_trip(device):
    torch = pytest.importorskip("torch")
    theirs = make_net(torch)
    ours = make_net(minitorch).to(device)
    copy_weights(theirs, ours, device)
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    assert_close(ours(from_numpy(x, device)), theirs(torch.tensor(x)))
    state = ours.state_dict()
    assert "scratch" not in state
    assert not any(v.requires_grad for v in state.values())
    assert state["fc1.weight"].array is ours.fc1.weight.array  # shares memory, as in PyTorch
    assert ours.state_dict(keep_vars=True)["fc1.weight"] is ours.fc1.weight


def _error_text(lib, net, state, strict=True):
    try:
        net.load_state_dict(state, strict=strict)
    except RuntimeError as e:
        return str(e)
    return None


def test_load_state_dict_errors_match_torch():
    torch = pytest.importorskip("torch")
    texts = []
    for lib in (minitorch, torch):
        net = make_net(lib)
        state = dict(net.state_dict())
        del state["fc1.bias"]
        state["extra"] = lib.zeros(1)
        state["seq.1.weight"] = lib.zeros(3, 3)
        texts.append((_error_text(lib, net, state), _error_text(lib, net, state, strict=False)))
    ours, theirs = texts
    assert ours[0].startswith("Error(s) in loading state_dict for Net:\n\tMissing key(s)")
    assert ours == tuple(t.replace("torch.Size", "minitorch.Size") for t in theirs)


def test_load_state_dict_non_strict_returns_keys():
    torch = pytest.importorskip("torch")
    results = []
    for lib in (minitorch, torch):
        net = make_net(lib)
        state = dict(net.state_dict())
        del state["fc1.bias"]
        state["seq.5.x"] = lib.zeros(1)
        results.append(net.load_state_dict(state, strict=False))
        results.append(net.load_state_dict(net.state_dict()))
    assert results[0] == (["fc1.bias"], ["seq.5.x"])
    assert repr(results[0]) == repr(results[2])
    assert repr(results[1]) == repr(results[3]) == "<All keys matched successfully>"


def test_load_state_dict_copies_in_place_and_assign():
    net = make_net(minitorch)
    weight = net.fc1.weight
    state = {k: minitorch.ones(*v.shape) for k, v in net.state_dict().items()}
    net.load_state_dict(state)
    assert net.fc1.weight is weight and weight.array.all()
    assert state["fc1.weight"].array is not weight.array
    net.load_state_dict(state, assign=True)
    assert net.fc1.weight is not weight and isinstance(net.fc1.weight, nn.Parameter)
    assert net.fc1.weight.array is state["fc1.weight"].array
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        net.load_state_dict([1, 2])


def test_load_state_dict_rejects_non_tensor():
    net = nn.Linear(2, 2)
    with pytest.raises(RuntimeError, match='While copying the parameter named "bias"'):
        net.load_state_dict({"weight": minitorch.zeros(2, 2), "bias": [0.0, 0.0]})


# --- hooks -------------------------------------------------------------------------------------
def test_forward_hooks_run_and_are_removable():
    lin = nn.Linear(2, 2)
    calls = []
    pre = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    post = lin.register_forward_hook(lambda m, args, out: calls.append(out.shape) or out + 1)
    y = lin(minitorch.randn(3, 2))
    assert calls == [(3, 2)]
    assert_close(y, to_numpy(lin.bias).reshape(1, 2).repeat(3, 0) + 1)
    pre.remove()
    post.remove()
    x = minitorch.randn(3, 2)
    assert_close(lin(x), to_numpy(x) @ to_numpy(lin.weight).T + to_numpy(lin.bias))
    assert calls == [(3, 2)]


def test_hook_order_prepend_and_context_manager():
    lin = nn.Identity()
    order = []
    lin.register_forward_hook(lambda m, a, o: order.append("first"))
    with lin.register_forward_hook(lambda m, a, o: order.append("zeroth"), prepend=True):
        lin(minitorch.ones(1))
    lin(minitorch.ones(1))
    assert order == ["zeroth", "first", "first"]


# --- printing ----------------------------------------------------------------------------------
def test_repr_matches_torch_for_nested_model():
    torch = pytest.importorskip("torch")

    def build(lib):
        n = lib.nn
        return n.Sequential(
            n.Linear(32, 64),
            n.ReLU(inplace=True),
            n.Sequential(n.Dropout(0.25), n.Linear(64, 10, bias=False)),
            n.ModuleList([n.Tanh(), n.Tanh(), n.GELU(approximate="tanh")]),
            n.ModuleDict({"act": n.LeakyReLU(0.2), "out": n.LogSoftmax(dim=1)}),
            n.Flatten(),
            n.Identity(),
            n.Unflatten(1, (2, 5)),
        )

    assert repr(build(minitorch)) == repr(build(torch))
    assert repr(make_net(minitorch)) == repr(make_net(torch))


def test_extra_repr_of_custom_module():
    class Scale(nn.Module):
        def __init__(self, k):
            super().__init__()
            self.k = k

        def extra_repr(self):
            return f"k={self.k}"

    assert repr(nn.Sequential(Scale(2))) == "Sequential(\n  (0): Scale(k=2)\n)"


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_mlp_matches_torch_in_train_and_eval_mode(device, mode):
    torch = pytest.importorskip("torch")

    def build(lib):
        n = lib.nn
        p = 0.0 if mode == "train" else 0.5  # a dropout that is the identity in both modes
        return n.Sequential(n.Flatten(), n.Linear(12, 8), n.GELU(), n.Dropout(p), n.Linear(8, 3))

    ours, theirs = build(minitorch).to(device), build(torch)
    copy_weights(theirs, ours, device)
    getattr(ours, mode)()
    getattr(theirs, mode)()
    x = np.random.default_rng(4).standard_normal((5, 3, 4)).astype(np.float32)
    compare_with_torch(ours, theirs, [x], device)
