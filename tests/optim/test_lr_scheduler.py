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
    "MultiplicativeLR": st.sampled_from([0.5, 0.95]).map(lambda r: {"lr_lambda": lambda e: r}),
    "ConstantLR": st.fixed_dictionaries(
        {"factor": st.floats(0.05, 1.0), "total_iters": st.integers(0, 25)}
    ),
    "LinearLR": st.fixed_dictionaries(
        {
            "start_factor": st.floats(0.05, 1.0),
            "end_factor": st.floats(0.0, 1.0),
            "total_iters": st.integers(1, 25),
        }
    ),
    "PolynomialLR": st.fixed_dictionaries(
        {"total_iters": st.integers(1, 25), "power": st.floats(0.5, 3.0)}
    ),
    "CosineAnnealingWarmRestarts": st.fixed_dictionaries(
        {
            "T_0": st.integers(1, 8),
            "T_mult": st.integers(1, 3),
            "eta_min": st.sampled_from([0.0, 1e-3]),
        }
    ),
    "CyclicLR": st.fixed_dictionaries(
        {
            "base_lr": st.sampled_from([0.01, [0.01, 0.02]]),
            "max_lr": st.floats(0.05, 1.0),
            "step_size_up": st.integers(1, 6),
            "step_size_down": st.sampled_from([None, 2, 5]),
            "mode": st.sampled_from(["triangular", "triangular2", "exp_range"]),
            "gamma": st.floats(0.8, 1.0),
            "cycle_momentum": st.booleans(),
        }
    ),
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
    opt_name = "Adam" if name in ("OneCycleLR", "CyclicLR") else "SGD"

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
        ("ConstantLR", {"factor": 0.5, "total_iters": 3}),
        ("LinearLR", {"start_factor": 0.2, "total_iters": 5}),
        ("PolynomialLR", {"total_iters": 5, "power": 2.0}),
        ("CosineAnnealingWarmRestarts", {"T_0": 3, "T_mult": 2}),
        ("CosineAnnealingWarmRestarts", {"T_0": 3}),
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


def test_warm_restarts_fractional_epochs_match_pytorch():
    def run(lib):
        opt, sched, _ = make(lib, "SGD", "CosineAnnealingWarmRestarts", {"T_0": 2, "T_mult": 2})
        out = []
        for epoch in range(6):
            for i in range(4):
                opt.step()
                sched.step(epoch + i / 4)
                out.append(sched.get_last_lr())
        return out

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same_trace(run(minitorch), run(torch))
    opt, sched, _ = make(minitorch, "SGD", "CosineAnnealingWarmRestarts", {"T_0": 2})
    with pytest.raises(ValueError, match="Expected non-negative epoch"):
        sched.step(-1)


def composite_trace(lib, build):
    """Like ``trace``, for a scheduler ``build(lib, opt)`` made of others."""
    opt, _, params = make(lib, "SGD", "StepLR", {"step_size": 1000})
    sched = build(lib.optim.lr_scheduler, opt)
    out = [list(sched.get_last_lr())]
    for _ in range(STEPS + 5):
        for p in params:
            p.grad = lib.ones(2)
        opt.step()
        sched.step()
        out.append(list(sched.get_last_lr()) + [g["lr"] for g in opt.param_groups])
    return out


COMPOSITES = {
    "warmup then cosine": lambda s, o: s.SequentialLR(
        o, [s.LinearLR(o, start_factor=0.1, total_iters=4), s.CosineAnnealingLR(o, T_max=10)], [5]
    ),
    "three stages": lambda s, o: s.SequentialLR(
        o,
        [
            s.ConstantLR(o, factor=0.5, total_iters=2),
            s.ExponentialLR(o, gamma=0.9),
            s.StepLR(o, step_size=3, gamma=0.5),
        ],
        milestones=[3, 10],
    ),
    "chained": lambda s, o: s.ChainedScheduler(
        [s.ConstantLR(o, factor=0.1, total_iters=2), s.ExponentialLR(o, gamma=0.9)]
    ),
    "chained polynomial": lambda s, o: s.ChainedScheduler(
        [s.PolynomialLR(o, total_iters=8, power=2.0), s.MultiStepLR(o, [3, 6])], optimizer=o
    ),
    "sequential of chained": lambda s, o: s.SequentialLR(
        o,
        [
            s.ChainedScheduler([s.LinearLR(o, 0.2, total_iters=3), s.ExponentialLR(o, 0.95)]),
            s.CosineAnnealingLR(o, T_max=6),
        ],
        milestones=[6],
    ),
}


@pytest.mark.parametrize("name", sorted(COMPOSITES))
def test_composites_match_pytorch(name):
    build = COMPOSITES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same_trace(composite_trace(minitorch, build), composite_trace(torch, build))


def test_composite_errors_and_state_dict():
    s = lr_scheduler
    opt, _, _ = make(minitorch, "SGD", "StepLR", {"step_size": 1000})
    other, _, _ = make(minitorch, "SGD", "StepLR", {"step_size": 1000})
    with pytest.raises(ValueError, match="expects at least one scheduler"):
        s.SequentialLR(opt, [], [])
    with pytest.raises(ValueError, match="one more than the number of milestone"):
        s.SequentialLR(opt, [s.ExponentialLR(opt, 0.9)], [3])
    with pytest.raises(ValueError, match="does not support `ReduceLROnPlateau`"):
        s.ChainedScheduler([s.ReduceLROnPlateau(opt)])
    with pytest.raises(ValueError, match="belong to the same optimizer"):
        s.ChainedScheduler([s.ExponentialLR(opt, 0.9), s.ExponentialLR(other, 0.9)])
    sched = s.SequentialLR(opt, [s.ConstantLR(opt), s.ExponentialLR(opt, 0.9)], [2])
    state = sched.state_dict()
    assert [type(x) for x in state["_schedulers"]] == [dict, dict]
    assert "optimizer" not in state["_schedulers"][0]
    sched.load_state_dict(state)


def test_cyclic_lr_custom_scale_fn_and_errors():
    def run(lib):
        opt, _, params = make(lib, "SGD", "StepLR", {"step_size": 1000})
        sched = lib.optim.lr_scheduler.CyclicLR(
            opt, 0.01, 0.5, step_size_up=3, scale_fn=lambda x: 0.8**x, scale_mode="iterations"
        )
        out = []
        for _ in range(STEPS):
            opt.step()
            sched.step()
            out.append(sched.get_last_lr() + [g["momentum"] for g in opt.param_groups])
        return out

    assert_same_trace(run(minitorch), run(torch))
    opt, _, _ = make(minitorch, "SGD", "StepLR", {"step_size": 1000})
    with pytest.raises(ValueError, match="mode is invalid"):
        lr_scheduler.CyclicLR(opt, 0.01, 0.1, mode="zigzag")
    no_momentum = optim.Adagrad([minitorch.zeros(1, requires_grad=True)])
    with pytest.raises(ValueError, match="momentum or beta1"):
        lr_scheduler.CyclicLR(no_momentum, 0.01, 0.1)
    sched = lr_scheduler.CyclicLR(opt, 0.01, 0.1, scale_fn=lambda x: 1.0)
    assert sched.state_dict()["_scale_fn_custom"] is None


def test_new_schedulers_reject_bad_arguments():
    opt, _, _ = make(minitorch, "SGD", "StepLR", {"step_size": 1000})
    with pytest.raises(ValueError, match="between 0 and 1"):
        lr_scheduler.ConstantLR(opt, factor=1.5)
    with pytest.raises(ValueError, match="Starting multiplicative factor"):
        lr_scheduler.LinearLR(opt, start_factor=0)
    with pytest.raises(ValueError, match="Ending multiplicative factor"):
        lr_scheduler.LinearLR(opt, end_factor=2)
    with pytest.raises(ValueError, match="positive integer T_0"):
        lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=0)
    with pytest.raises(ValueError, match="T_mult >= 1"):
        lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=0)
    with pytest.raises(TypeError, match="lr_lambda should be a function"):
        lr_scheduler.MultiplicativeLR(opt, lr_lambda=0.5)
