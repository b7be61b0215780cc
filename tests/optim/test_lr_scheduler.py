"""Each LR scheduler against PyTorch's: 20 steps give the same learning rates (and momenta)."""

import math
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

import minitorch
from minitorch import optim
from minitorch.optim import lr_scheduler

torch = pytest.importorskip("torch")

STEPS = 20
gamma = st.floats(0.1, 0.99)

SCHEDULES = {
    "StepLR": st.fixed_dictionaries({"step_size": st.integers(1, 7), "gamma": gamma}),
    "MultiStepLR": st.fixed_dictionaries(
        {"milestones": st.lists(st.integers(1, STEPS), max_size=5), "gamma": gamma}
    ),
    "ExponentialLR": st.fixed_dictionaries({"gamma": gamma}),
    "CosineAnnealingLR": st.fixed_dictionaries(
        {"T_max": st.integers(1, 12), "eta_min": st.sampled_from([0.0, 1e-4, 0.01])}
    ),
    "LambdaLR": st.sampled_from([0.5, 0.9]).map(lambda r: {"lr_lambda": lambda e: r**e + 0.01}),
    "OneCycleLR": st.fixed_dictionaries(
        {
            "max_lr": st.floats(0.01, 1.0),
            "total_steps": st.integers(STEPS + 1, 40),
            "pct_start": st.floats(0.05, 0.5),
            "anneal_strategy": st.sampled_from(["cos", "linear"]),
            "three_phase": st.booleans(),
            "div_factor": st.sampled_from([25.0, 10.0]),
            "cycle_momentum": st.booleans(),
        }
    ),
}


def make(lib, opt_name, sched_name, kwargs):
    """A two-group optimizer (second group at half the lr) and a scheduler on it."""
    a = lib.zeros(2, requires_grad=True)
    b = lib.zeros(2, requires_grad=True)
    opt_cls = getattr(lib.optim, opt_name)
    extra = {"momentum": 0.9} if opt_name == "SGD" else {}
    opt = opt_cls([{"params": [a]}, {"params": [b], "lr": 0.05}], lr=0.1, **extra)
    sched = getattr(lib.optim.lr_scheduler, sched_name)(opt, **kwargs)
    return opt, sched, (a, b)


def trace(lib, opt_name, sched_name, kwargs):
    """The lrs (and momenta) after each of STEPS optimizer + scheduler steps."""
    opt, sched, params = make(lib, opt_name, sched_name, kwargs)
    out = [list(sched.get_last_lr())]
    for _ in range(STEPS):
        for p in params:
            p.grad = lib.ones(2)
        opt.step()
        sched.step()
        momenta = [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]
        out.append(list(sched.get_last_lr()) + [g["lr"] for g in opt.param_groups] + momenta)
    return out


def assert_same_trace(ours, theirs):
    assert len(ours) == len(theirs)
    for mine, ref in zip(ours, theirs):
        assert mine == pytest.approx(ref, rel=1e-5, abs=1e-8)


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_matches_pytorch(name):
    opt_name = "Adam" if name == "OneCycleLR" else "SGD"

    @given(kwargs=SCHEDULES[name], adam=st.booleans())
    def check(kwargs, adam):
        which = "Adam" if adam else opt_name
        assert_same_trace(trace(minitorch, which, name, kwargs), trace(torch, which, name, kwargs))

    check()


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"mode": "max", "patience": 2, "factor": 0.5},
        {"threshold_mode": "abs", "threshold": 0.05, "patience": 1, "cooldown": 2},
        {"patience": 0, "min_lr": [0.02, 0.001], "factor": 0.3},
        {"patience": 1, "min_lr": 0.04, "eps": 1e-3},
    ],
)
def test_reduce_lr_on_plateau_matches_pytorch(kwargs):
    metrics = [1.0, 0.9, 0.95, 0.95, 0.96, 0.89, 0.9, 0.9, 0.9, 0.9, 0.7] + [0.8] * 9 + [0.5] * 15

    def run(lib):
        opt, _, _ = make(lib, "SGD", "StepLR", {"step_size": 1000})
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
        out = []
        for m in metrics:
            sched.step(lib.tensor(m))
            out.append(sched.get_last_lr() + [sched.num_bad_epochs, sched.cooldown_counter])
        return out

    assert_same_trace(run(minitorch), run(torch))


def test_cosine_follows_lr_changed_by_hand():
    """The recursive form keeps annealing from an lr the user set between steps (PyTorch too)."""

    def run(lib):
        opt, sched, _ = make(lib, "SGD", "CosineAnnealingLR", {"T_max": 10})
        out = []
        for i in range(15):
            opt.step()
            sched.step()
            if i == 4:
                opt.param_groups[0]["lr"] = 0.5
            out.append(sched.get_last_lr())
        return out

    assert_same_trace(run(minitorch), run(torch))


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("StepLR", {"step_size": 3}),
        ("MultiStepLR", {"milestones": [2, 5, 5]}),
        ("ExponentialLR", {"gamma": 0.9}),
        ("CosineAnnealingLR", {"T_max": 6}),
    ],
)
def test_step_with_epoch_uses_closed_form(name, kwargs):
    def run(lib):
        _, sched, _ = make(lib, "SGD", name, kwargs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for epoch in (4, 7, 2):
                sched.step(epoch)
        return [sched.get_last_lr()]

    assert_same_trace(run(minitorch), run(torch))


def test_state_dict_round_trip():
    opt, sched, _ = make(minitorch, "SGD", "MultiStepLR", {"milestones": [3, 6]})
    for _ in range(4):
        opt.step()
        sched.step()
    state = sched.state_dict()
    assert "optimizer" not in state and state["last_epoch"] == 4
    opt2, sched2, _ = make(minitorch, "SGD", "MultiStepLR", {"milestones": [1]})
    opt2.load_state_dict(opt.state_dict())
    sched2.load_state_dict(state)
    for _ in range(3):
        opt2.step()
        sched2.step()
    assert sched2.get_last_lr() == pytest.approx([0.001, 0.0005])


def test_lambda_state_dict_skips_functions():
    opt, sched, _ = make(minitorch, "SGD", "LambdaLR", {"lr_lambda": lambda e: 0.5**e})
    assert sched.state_dict()["lr_lambdas"] == [None, None]


def test_warnings():
    opt, sched, _ = make(minitorch, "SGD", "StepLR", {"step_size": 2})
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()
    with pytest.warns(UserWarning, match="get_last_lr"):
        sched.get_lr()


def test_one_cycle_errors():
    opt, _, _ = make(minitorch, "SGD", "StepLR", {"step_size": 2})
    with pytest.raises(ValueError, match="total_steps OR"):
        lr_scheduler.OneCycleLR(opt, max_lr=1.0)
    sched = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=2)
    opt.step()
    sched.step()
    sched.step()
    with pytest.raises(ValueError, match="Tried to step 3 times"):
        sched.step()
    no_momentum = optim.Adagrad([minitorch.zeros(1, requires_grad=True)])
    with pytest.raises(ValueError, match="momentum or beta1"):
        lr_scheduler.OneCycleLR(no_momentum, max_lr=1.0, total_steps=5)


def test_one_cycle_peak():
    opt, _, _ = make(minitorch, "SGD", "StepLR", {"step_size": 2})
    sched = lr_scheduler.OneCycleLR(opt, max_lr=[1.0, 2.0], total_steps=10, pct_start=0.5)
    lrs = [sched.get_last_lr()]
    for _ in range(9):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr())
    assert lrs[0] == pytest.approx([0.04, 0.08])
    assert max(lr[0] for lr in lrs) == pytest.approx(1.0)
    assert lrs[-1][0] == pytest.approx(0.04 / 1e4)
    assert not math.isnan(lrs[-1][1])
