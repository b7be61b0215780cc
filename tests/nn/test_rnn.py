"""RNN / LSTM / GRU against PyTorch: outputs, final states, all gradients, repr, state dicts."""

import math

import numpy as np
import pytest

import minitorch
from minitorch import nn

from .helpers import assert_close, copy_weights, from_numpy, to_numpy

torch = pytest.importorskip("torch")

CASES = [
    ("RNN", (4, 5), {}),
    ("RNN", (4, 5, 2), {"nonlinearity": "relu", "bidirectional": True, "batch_first": True}),
    ("LSTM", (4, 5), {}),
    ("LSTM", (4, 5, 2), {"bidirectional": True}),
    ("LSTM", (4, 5), {"proj_size": 3, "batch_first": True}),
    ("GRU", (4, 5, 2), {"batch_first": True}),
    ("GRU", (4, 5), {"bidirectional": True, "bias": False}),
]


def _pair(name, args, kwargs, device):
    theirs = getattr(torch.nn, name)(*args, **kwargs).double()
    ours = getattr(nn, name)(*args, **kwargs).double().to(device)
    copy_weights(theirs, ours, device)
    return ours, theirs


def _states(name, hidden):
    return list(hidden) if name == "LSTM" else [hidden]


@pytest.mark.parametrize("name, args, kwargs", CASES)
def test_matches_torch(name, args, kwargs, device):
    ours, theirs = _pair(name, args, kwargs, device)
    x = np.random.default_rng(0).standard_normal((3, 6, 4))
    mx, tx = from_numpy(x, device, requires_grad=True), torch.tensor(x, requires_grad=True)
    (out, hidden), (expected, expected_hidden) = ours(mx), theirs(tx)
    assert_close(out, expected, 1e-7, 1e-9)
    loss_m, loss_t = out.sum(), expected.sum()
    for k, (h, th) in enumerate(zip(_states(name, hidden), _states(name, expected_hidden))):
        assert_close(h, th, 1e-7, 1e-9)
        loss_m, loss_t = loss_m + (k + 2) * h.sum(), loss_t + (k + 2) * th.sum()
    loss_m.backward()
    loss_t.backward()
    assert_close(mx.grad, tx.grad, 1e-7, 1e-9)
    grads = dict(ours.named_parameters())
    for key, p in theirs.named_parameters():
        assert_close(grads[key].grad, p.grad, 1e-7, 1e-9)


@pytest.mark.parametrize("name, args, kwargs", CASES)
def test_unbatched_input_with_initial_state(name, args, kwargs, device):
    ours, theirs = _pair(name, args, kwargs, device)
    rng = np.random.default_rng(1)
    layers = (args[2] if len(args) > 2 else 1) * (2 if kwargs.get("bidirectional") else 1)
    h0 = rng.standard_normal((layers, kwargs.get("proj_size") or 5))
    state = (h0, rng.standard_normal((layers, 5))) if name == "LSTM" else (h0,)
    x = rng.standard_normal((3, 4))
    mine_state = tuple(from_numpy(s, device) for s in state)
    their_state = tuple(torch.tensor(s) for s in state)
    out, hidden = ours(from_numpy(x, device), mine_state if name == "LSTM" else mine_state[0])
    expected, expected_hidden = theirs(
        torch.tensor(x), their_state if name == "LSTM" else their_state[0]
    )
    assert_close(out, expected, 1e-7, 1e-9)
    for h, th in zip(_states(name, hidden), _states(name, expected_hidden)):
        assert_close(h, th, 1e-7, 1e-9)


@pytest.mark.parametrize("name, args, kwargs", CASES)
def test_repr_and_state_dict_keys_match_torch(name, args, kwargs):
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_default_init_is_uniform_in_inverse_sqrt_hidden():
    lstm = nn.LSTM(10, 64, num_layers=2)
    bound = 1 / math.sqrt(64)
    values = np.concatenate([to_numpy(p).ravel() for p in lstm.parameters()])
    assert np.abs(values).max() <= bound and np.abs(values).max() > 0.95 * bound


def test_dropout_between_layers_only_in_training():
    gru = nn.GRU(3, 4, num_layers=2, dropout=0.5)
    x = minitorch.randn(5, 2, 3)
    gru.eval()
    a, _ = gru(x)
    b, _ = gru(x)
    assert to_numpy(a).tolist() == to_numpy(b).tolist()
    gru.train()
    minitorch.manual_seed(0)
    c, _ = gru(x)
    assert not np.allclose(to_numpy(a), to_numpy(c))


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda m: m(minitorch.randn(3, 2, 5)), RuntimeError, "input.size(-1) must be equal to"),
        (
            lambda m: m(minitorch.randn(3, 2, 4), minitorch.zeros(2, 2, 6)),
            RuntimeError,
            "Expected hidden size (1, 2, 6), got [2, 2, 6]",
        ),
        (lambda m: m(minitorch.randn(3, 2, 2, 4)), ValueError, "Expected input to be 2D or 3D"),
    ],
)
def test_errors(call, error, message):
    with pytest.raises(
        error, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")
    ):
        call(nn.RNN(4, 6))


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_gradcheck(name, device):
    """Finite differences through two layers, both directions, for input and initial state."""
    layer = getattr(nn, name)(2, 3, num_layers=2, bidirectional=True).double().to(device)
    rng = np.random.default_rng(5)
    x = from_numpy(rng.standard_normal((3, 1, 2)), device, requires_grad=True)
    h0 = from_numpy(rng.standard_normal((4, 1, 3)), device, requires_grad=True)

    def run(x, h0):
        hidden = (h0, h0 * 0.5) if name == "LSTM" else h0
        out, _ = layer(x, hidden)
        return out

    assert minitorch.autograd.gradcheck(run, (x, h0))
