"""LBFGS against PyTorch's: 25 steps of step(closure) give the same parameters and losses."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minitorch
from minitorch import optim

torch = pytest.importorskip("torch")

STEPS = 25


def problem(seed, dtype):
    """A small least-squares-plus-quartic problem: x (5x3), w (3,) and targets y."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((5, 3)).astype(dtype)
    y = rng.standard_normal(5).astype(dtype)
    w0 = rng.standard_normal(3).astype(dtype)
    b0 = rng.standard_normal(1).astype(dtype)
    return x, y, w0, b0


def run(lib, kwargs, seed, dtype=np.float64, device="cpu"):
    x_np, y_np, w0, b0 = problem(seed, dtype)
    x, y = lib.tensor(x_np, device=device), lib.tensor(y_np, device=device)
    w = lib.tensor(w0, device=device, requires_grad=True)
    b = lib.tensor(b0, device=device, requires_grad=True)
    opt = lib.optim.LBFGS([w, b], **kwargs)

    def closure():
        opt.zero_grad()
        r = x @ w + b - y
        loss = (r * r).mean() + 0.1 * (w * w * w * w).sum()
        loss.backward()
        return loss

    out = []
    for _ in range(STEPS):
        loss = opt.step(closure)
        out.append((float(loss), w.detach().cpu().numpy().copy(), b.detach().cpu().numpy().copy()))
    return out, opt


def assert_same_runs(ours, theirs, rtol):
    for (lo, wo, bo), (lt, wt, bt) in zip(ours, theirs):
        assert lo == pytest.approx(lt, rel=rtol, abs=rtol)
        np.testing.assert_allclose(wo, wt, rtol=rtol, atol=rtol)
        np.testing.assert_allclose(bo, bt, rtol=rtol, atol=rtol)


KWARGS = st.fixed_dictionaries(
    {
        "lr": st.sampled_from([1.0, 0.5, 0.1]),
        "max_iter": st.integers(1, 8),
        "history_size": st.integers(1, 10),
        "line_search_fn": st.sampled_from([None, "strong_wolfe"]),
    },
    optional={"max_eval": st.integers(1, 12), "tolerance_change": st.sampled_from([1e-9, 1e-4])},
)


@given(kwargs=KWARGS, seed=st.integers(0, 2**16))
def test_matches_pytorch_float64(kwargs, seed):
    ours, opt = run(minitorch, kwargs, seed)
    theirs, ref = run(torch, kwargs, seed)
    # Near the minimum, rounding differences (1e-16) grow along its flat directions over up to
    # 200 iterations: parameters are compared tightly for 10 steps, the losses for all 25.
    assert_same_runs(ours[:10], theirs[:10], rtol=1e-7)
    for (loss, _, _), (ref_loss, _, _) in zip(ours, theirs):
        assert loss == pytest.approx(ref_loss, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_matches_pytorch_float32(line_search_fn, device):
    kwargs = {"line_search_fn": line_search_fn, "max_iter": 5}
    ours, _ = run(minitorch, kwargs, 3, np.float32, device)
    theirs, _ = run(torch, kwargs, 3, np.float32)
    assert ours[-1][1].dtype == np.float32
    assert_same_runs(ours, theirs, rtol=2e-4)


def test_defaults_and_errors():
    p = minitorch.zeros(2, requires_grad=True)
    opt = optim.LBFGS([p])
    ref = torch.optim.LBFGS([torch.zeros(2, requires_grad=True)])
    assert opt.defaults == ref.defaults
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        optim.LBFGS([p], lr=-1)
    q = minitorch.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        optim.LBFGS([{"params": [p]}, {"params": [q]}])
    with pytest.raises(TypeError):
        opt.step()
    bad = optim.LBFGS([p], line_search_fn="backtracking")

    def closure():
        bad.zero_grad()
        loss = ((p - 1) ** 2).sum()
        loss.backward()
        return loss

    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        bad.step(closure)


def test_converges_at_the_minimum_and_stops_early():
    p = minitorch.tensor([3.0, -2.0], dtype=minitorch.float64, requires_grad=True)
    opt = optim.LBFGS([p], line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = ((p - minitorch.tensor([1.0, 2.0], dtype=minitorch.float64)) ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    np.testing.assert_allclose(p.detach().numpy(), [1.0, 2.0], atol=1e-8)
    evals = opt.state[p]["func_evals"]
    opt.step(closure)  # at the minimum: one evaluation, then it stops
    assert opt.state[p]["func_evals"] == evals + 1


def test_state_dict_resumes_exactly():
    kwargs = {"line_search_fn": "strong_wolfe", "max_iter": 3, "history_size": 4}
    whole, _ = run(minitorch, kwargs, 7)

    x_np, y_np, w0, b0 = problem(7, np.float64)
    x, y = minitorch.tensor(x_np), minitorch.tensor(y_np)

    def make(w_start, b_start):
        w = minitorch.tensor(w_start, requires_grad=True)
        b = minitorch.tensor(b_start, requires_grad=True)
        opt = optim.LBFGS([w, b], **kwargs)

        def closure():
            opt.zero_grad()
            r = x @ w + b - y
            loss = (r * r).mean() + 0.1 * (w * w * w * w).sum()
            loss.backward()
            return loss

        return w, b, opt, closure

    w, b, opt, closure = make(w0, b0)
    for _ in range(10):
        opt.step(closure)
    saved = opt.state_dict()
    w2, b2, opt2, closure2 = make(w.detach().numpy(), b.detach().numpy())
    opt2.load_state_dict(saved)
    for _ in range(STEPS - 10):
        opt2.step(closure2)
    np.testing.assert_allclose(w2.detach().numpy(), whole[-1][1], rtol=1e-12)
