"""Each optimizer against PyTorch's: 20 steps on the same problem give the same parameters.

The problem: three float32 parameters (one 0-d) whose gradient at step t is a fixed random draw plus
``0.1 * p`` (so it depends on where each library's parameters have got to). Hyperparameters are
drawn by hypothesis.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minitorch
from minitorch import optim

torch = pytest.importorskip("torch")

STEPS = 20
SHAPES = [(3, 4), (4,), ()]  # () : a scalar parameter (numpy gives scalars, not arrays)

unit = st.floats(0.0, 0.99)
decay = st.sampled_from([0.0, 0.0, 1e-3, 0.05])
eps = st.sampled_from([1e-8, 1e-6, 1e-3])
betas = st.tuples(st.floats(0.0, 0.95), st.floats(0.9, 0.9999))

HYPERS = {
    "SGD": st.fixed_dictionaries(
        {"lr": st.floats(1e-3, 0.3), "weight_decay": decay, "maximize": st.booleans()}
    ).flatmap(
        lambda kw: st.one_of(
            st.fixed_dictionaries({"momentum": st.floats(0.1, 0.99), "nesterov": st.just(True)}),
            st.fixed_dictionaries(
                {"momentum": st.sampled_from([0.0, 0.5, 0.9]), "dampening": unit}
            ),
        ).map(lambda more: {**kw, **more})
    ),
    "Adam": st.fixed_dictionaries(
        {
            "lr": st.floats(1e-4, 0.1),
            "betas": betas,
            "eps": eps,
            "weight_decay": decay,
            "amsgrad": st.booleans(),
            "maximize": st.booleans(),
            "decoupled_weight_decay": st.booleans(),
        }
    ),
    "AdamW": st.fixed_dictionaries(
        {
            "lr": st.floats(1e-4, 0.1),
            "betas": betas,
            "eps": eps,
            "weight_decay": st.sampled_from([0.0, 1e-2, 0.1]),
            "amsgrad": st.booleans(),
            "maximize": st.booleans(),
        }
    ),
    "RMSprop": st.fixed_dictionaries(
        {
            "lr": st.floats(1e-4, 0.05),
            "alpha": st.floats(0.8, 0.999),
            "eps": eps,
            "weight_decay": decay,
            "momentum": st.sampled_from([0.0, 0.5, 0.9]),
            "centered": st.booleans(),
            "maximize": st.booleans(),
        }
    ),
    "Adagrad": st.fixed_dictionaries(
        {
            "lr": st.floats(1e-3, 0.3),
            "lr_decay": st.sampled_from([0.0, 0.01, 0.1]),
            "weight_decay": decay,
            "initial_accumulator_value": st.sampled_from([0.0, 0.1, 1.0]),
            "eps": st.sampled_from([1e-10, 1e-6]),
            "maximize": st.booleans(),
        }
    ),
    "Adadelta": st.fixed_dictionaries(
        {
            "lr": st.floats(0.1, 2.0),
            "rho": st.floats(0.5, 0.99),
            "eps": st.sampled_from([1e-6, 1e-4]),
            "weight_decay": decay,
            "maximize": st.booleans(),
        }
    ),
    "Adamax": st.fixed_dictionaries(
        {
            "lr": st.floats(1e-4, 0.1),
            "betas": betas,
            "eps": eps,
            "weight_decay": decay,
            "maximize": st.booleans(),
        }
    ),
    "NAdam": st.fixed_dictionaries(
        {
            "lr": st.floats(1e-4, 0.1),
            "betas": betas,
            "eps": eps,
            "weight_decay": decay,
            "momentum_decay": st.sampled_from([0.0, 4e-3, 0.05]),
            "decoupled_weight_decay": st.booleans(),
            "maximize": st.booleans(),
        }
    ),
    "RAdam": st.fixed_dictionaries(
        {
            "lr": st.floats(1e-4, 0.1),
            "betas": st.tuples(st.floats(0.0, 0.95), st.floats(0.5, 0.999)),
            "eps": eps,
            "weight_decay": decay,
            "decoupled_weight_decay": st.booleans(),
            "maximize": st.booleans(),
        }
    ),
}


def problem(seed):
    """Starting values and the gradient noise of each step (float32)."""
    rng = np.random.default_rng(seed)
    start = [rng.standard_normal(s).astype(np.float32) for s in SHAPES]
    noise = [[rng.standard_normal(s).astype(np.float32) for s in SHAPES] for _ in range(STEPS)]
    return start, noise


def run_torch(name, kwargs, start, noise):
    params = [torch.tensor(a, requires_grad=True) for a in start]
    opt = getattr(torch.optim, name)(params, **kwargs)
    for step_noise in noise:
        for p, n in zip(params, step_noise):
            p.grad = torch.from_numpy(n) + 0.1 * p.detach()
        opt.step()
    return [p.detach().numpy() for p in params], opt


def run_minitorch(name, kwargs, start, noise, device="cpu"):
    params = [minitorch.tensor(a, device=device, requires_grad=True) for a in start]
    opt = getattr(optim, name)(params, **kwargs)
    for step_noise in noise:
        for p, n in zip(params, step_noise):
            p.grad = minitorch.tensor(n, device=device) + 0.1 * p.detach()
        opt.step()
    return [p.detach().cpu().numpy() for p in params], opt


def assert_same_params(ours, theirs):
    for a, b in zip(ours, theirs):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", sorted(HYPERS))
def test_matches_pytorch(name):
    @given(kwargs=HYPERS[name], seed=st.integers(0, 2**16))
    def check(kwargs, seed):
        start, noise = problem(seed)
        theirs, _ = run_torch(name, kwargs, start, noise)
        ours, _ = run_minitorch(name, kwargs, start, noise)
        assert_same_params(ours, theirs)

    check()


@pytest.mark.parametrize("name", sorted(HYPERS))
def test_defaults_and_state_match_pytorch(name, device):
    """Default options, group keys, state names and state values are PyTorch's, on each device."""
    start, noise = problem(0)
    theirs, topt = run_torch(name, {}, start, noise)
    ours, opt = run_minitorch(name, {}, start, noise, device)
    assert_same_params(ours, theirs)
    tsd, sd = topt.state_dict(), opt.state_dict()
    assert sd["param_groups"] == tsd["param_groups"]
    assert list(sd["state"]) == list(tsd["state"])
    for i, tstate in tsd["state"].items():
        assert list(sd["state"][i]) == list(tstate)
        for key, value in tstate.items():
            mine = sd["state"][i][key]
            on_host = key in ("step", "mu_product")  # scalars PyTorch keeps on the cpu too
            assert mine.device.type == ("cpu" if on_host else device.type)
            np.testing.assert_allclose(mine.cpu().numpy(), value.numpy(), rtol=1e-5, atol=1e-6)


def test_update_is_in_place_and_bumps_version(device):
    w = minitorch.tensor([[1.0, 2.0]], device=device, requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    w.grad = minitorch.ones_like(w)
    before, version = w.array, w._version
    opt.step()
    state = opt.state[w]
    arrays = [state["exp_avg"].array, state["exp_avg_sq"].array]
    w.grad = minitorch.ones_like(w)
    opt.step()
    assert w.array is before and w._version == version + 2
    assert [state["exp_avg"].array, state["exp_avg_sq"].array] == arrays
    assert w.dtype == minitorch.float32 and state["exp_avg"].dtype == minitorch.float32


def test_step_after_update_breaks_saved_graph():
    """A graph that saved a parameter refuses to backward once the optimizer changed it."""
    w = minitorch.tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    w.grad = minitorch.ones_like(w)
    optim.SGD([w], lr=0.1).step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_closure_is_called_with_grad_enabled():
    w = minitorch.tensor([3.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.5)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with minitorch.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 9.0
    assert w.item() == pytest.approx(0.0)


def test_training_loop_matches_pytorch():
    """A least-squares fit through both libraries' autograd, with two parameter groups."""
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((8, 3)).astype(np.float32), rng.standard_normal(8).astype(np.float32)
    w0, b0 = rng.standard_normal(3).astype(np.float32), np.zeros(1, np.float32)

    def fit(lib, opt_cls):
        w, b = lib.tensor(w0, requires_grad=True), lib.tensor(b0, requires_grad=True)
        opt = opt_cls([{"params": [w]}, {"params": [b], "lr": 0.05}], lr=0.01, momentum=0.9)
        xs, ys = lib.tensor(x), lib.tensor(y)
        for _ in range(STEPS):
            opt.zero_grad()
            loss = ((xs @ w + b - ys) ** 2).mean()
            loss.backward()
            opt.step()
        return w.detach().numpy(), b.detach().numpy()

    for a, b in zip(fit(minitorch, optim.SGD), fit(torch, torch.optim.SGD)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_parameter_without_grad_is_skipped():
    a = minitorch.tensor([1.0], requires_grad=True)
    b = minitorch.tensor([1.0], requires_grad=True)
    opt = optim.Adam([a, b], lr=0.1)
    a.grad = minitorch.tensor([1.0])
    opt.step()
    assert b.item() == 1.0 and b not in opt.state and a in opt.state


def test_zero_grad():
    w = minitorch.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([w])
    w.grad = minitorch.tensor([3.0, 4.0])
    grad = w.grad
    opt.zero_grad(set_to_none=False)
    assert w.grad is grad and w.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert w.grad is None


def test_param_groups_and_add_param_group():
    a = minitorch.tensor([1.0], requires_grad=True)
    b = minitorch.tensor([1.0], requires_grad=True)
    opt = optim.SGD([{"params": [a], "lr": 0.5}], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": b})
    assert [g["lr"] for g in opt.param_groups] == [0.5, 0.1]
    assert opt.param_groups[1]["momentum"] == 0.9 and opt.param_groups[1]["params"] == [b]
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})
    named = optim.SGD([("w", a), ("b", b)])
    assert named.param_groups[0]["param_names"] == ["w", "b"]


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda w: optim.SGD([]), ValueError, "empty parameter list"),
        (lambda w: optim.SGD(w), TypeError, "iterable of Tensors"),
        (lambda w: optim.SGD([{"params": {w}}]), TypeError, "ordered collections"),
        (lambda w: optim.SGD([w, 1.0]), TypeError, "only optimize Tensors"),
        (lambda w: optim.SGD([w * 2]), ValueError, "non-leaf"),
        (lambda w: optim.SGD([w], lr=-1), ValueError, "Invalid learning rate: -1"),
        (lambda w: optim.SGD([w], nesterov=True), ValueError, "Nesterov momentum requires"),
        (lambda w: optim.Adam([w], betas=(1.0, 0.9)), ValueError, "beta parameter at index 0"),
        (lambda w: optim.Adam([w], eps=-1), ValueError, "Invalid epsilon value"),
        (lambda w: optim.Adadelta([w], rho=2), ValueError, "Invalid rho value"),
        (lambda w: optim.Adam([w], differentiable=True), NotImplementedError, "differentiable"),
    ],
)
def test_bad_arguments(make, error, match):
    w = minitorch.tensor([1.0], requires_grad=True)
    with pytest.raises(error, match=match):
        make(w)


@pytest.mark.parametrize("name", sorted(HYPERS))
def test_state_dict_round_trip_resumes_exactly(name, device):
    """Stop after 10 steps, load the state into a fresh optimizer, finish: same as 20 in a row."""
    start, noise = problem(1)
    straight, _ = run_minitorch(name, {}, start, noise, device)

    def steps(opt, params, noise):
        for step_noise in noise:
            for p, n in zip(params, step_noise):
                p.grad = minitorch.tensor(n, device=device) + 0.1 * p.detach()
            opt.step()

    params = [minitorch.tensor(a, device=device, requires_grad=True) for a in start]
    first = getattr(optim, name)(params)
    steps(first, params, noise[:10])
    saved = first.state_dict()
    snapshot = {k: v.clone() for k, v in saved["state"].get(0, {}).items()}
    second = getattr(optim, name)(params, lr=0.5)  # the loaded options replace these
    second.load_state_dict(saved)
    assert second.param_groups[0]["lr"] == first.param_groups[0]["lr"]
    first.zero_grad()
    steps(second, params, noise[10:])
    assert_same_params([p.detach().cpu().numpy() for p in params], straight)
    for key, value in saved["state"].get(0, {}).items():  # later steps did not write into the dict
        assert value.equal(snapshot[key])


def test_load_state_dict_checks_groups():
    a = minitorch.tensor([1.0], requires_grad=True)
    b = minitorch.tensor([1.0], requires_grad=True)
    sd = optim.SGD([a, b]).state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optim.SGD([{"params": [a]}, {"params": [b]}]).load_state_dict(sd)
    with pytest.raises(ValueError, match="doesn't match the size"):
        optim.SGD([a]).load_state_dict(sd)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop"])
def test_mlp_training_matches_pytorch(name):
    """20 steps of a small MLP classifier with the same weights and batches in both libraries."""
    from minitorch import nn

    rng = np.random.default_rng(0)
    xs = rng.standard_normal((STEPS, 16, 12)).astype(np.float32)
    ys = rng.integers(0, 5, (STEPS, 16))
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(12, 20), torch.nn.ReLU(), torch.nn.Linear(20, 5))
    ours = nn.Sequential(nn.Linear(12, 20), nn.ReLU(), nn.Linear(20, 5))
    ours.load_state_dict({k: minitorch.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    kwargs = {"lr": 0.05, "momentum": 0.9} if name == "SGD" else {"lr": 0.01}

    for lib, model in ((torch, theirs), (minitorch, ours)):
        opt = getattr(lib.optim, name)(model.parameters(), **kwargs)
        loss_fn = lib.nn.CrossEntropyLoss()
        for x, y in zip(xs, ys):
            opt.zero_grad()
            loss_fn(model(lib.tensor(x)), lib.tensor(y)).backward()
            opt.step()

    expected = theirs.state_dict()
    for key, value in ours.state_dict().items():
        np.testing.assert_allclose(value.numpy(), expected[key].numpy(), rtol=1e-5, atol=1e-5)


def test_load_state_dict_moves_state_to_parameters(sim_cuda):
    """State saved on cpu in float64 follows parameters now on cuda in float32; step stays put."""
    w = minitorch.tensor([1.0, 2.0], dtype=minitorch.float64, requires_grad=True)
    s = minitorch.tensor(0.5, dtype=minitorch.float64, requires_grad=True)
    opt = optim.NAdam([w, s])
    w.grad, s.grad = minitorch.ones_like(w), minitorch.ones_like(s)
    opt.step()
    w2 = minitorch.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    s2 = minitorch.tensor(0.5, device="cuda", requires_grad=True)
    opt2 = optim.NAdam([w2, s2])
    opt2.load_state_dict(opt.state_dict())
    for p in (w2, s2):
        state = opt2.state[p]
        assert (
            state["exp_avg"].device.type == "cuda" and state["exp_avg"].dtype == minitorch.float32
        )
        assert state["step"].device.type == "cpu"
    w2.grad, s2.grad = minitorch.ones_like(w2), minitorch.ones_like(s2)
    opt2.step()
    assert opt2.state[s2]["step"].item() == 2.0 and w2.device.type == "cuda"


def test_adagrad_group_added_later():
    a = minitorch.tensor([1.0], requires_grad=True)
    b = minitorch.tensor([1.0], requires_grad=True)
    opt = optim.Adagrad([a], lr=0.1)
    opt.add_param_group({"params": [b], "initial_accumulator_value": 1.0})
    a.grad, b.grad = minitorch.tensor([1.0]), minitorch.tensor([1.0])
    opt.step()
    assert a.item() == pytest.approx(0.9) and b.item() == pytest.approx(1 - 0.1 / 2**0.5)


def test_user_written_optimizer():
    """The PyTorch recipe for a custom optimizer: subclass, defaults, own step() with tensor ops."""

    class PlainSGD(optim.Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, {"lr": lr})

        @minitorch.no_grad()
        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        self.state[p]["n"] = self.state[p].get("n", 0) + 1
                        p.add_(p.grad, alpha=-group["lr"])

    w = minitorch.tensor([1.0, 2.0], requires_grad=True)
    opt = PlainSGD([w])
    sched = optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no false "scheduler before optimizer" warning
        for _ in range(2):
            opt.zero_grad()
            (w * w).sum().backward()
            opt.step()
            sched.step()
    assert w.tolist() == pytest.approx([1.0 * 0.8 * 0.9, 2.0 * 0.8 * 0.9])
    assert opt.state_dict()["state"] == {0: {"n": 2}}
