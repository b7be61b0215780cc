"""MultiheadAttention and scaled_dot_product_attention against PyTorch."""

import numpy as np
import pytest

import minitorch
from minitorch import nn

from .helpers import assert_close, copy_weights, from_numpy

torch = pytest.importorskip("torch")

LAYERS = [
    {},
    {"batch_first": True},
    {"kdim": 3, "vdim": 5},
    {"add_bias_kv": True, "add_zero_attn": True},
    {"bias": False},
]
_rng = np.random.default_rng(0)
_PADDING = np.zeros((2, 5), bool)
_PADDING[1, 3:] = True
_CAUSAL = np.triu(np.ones((4, 5), bool), 1)
CALLS = [
    {},
    {"key_padding_mask": _PADDING},
    {"attn_mask": _CAUSAL},
    {"attn_mask": np.where(_CAUSAL, -1e9, 0.0), "average_attn_weights": False},
    {"need_weights": False, "key_padding_mask": _PADDING},
]


@pytest.mark.parametrize("layer_kwargs", LAYERS)
@pytest.mark.parametrize("call_kwargs", CALLS)
def test_multihead_attention_matches_torch(layer_kwargs, call_kwargs, device):
    theirs = torch.nn.MultiheadAttention(8, 2, **layer_kwargs).double()
    ours = nn.MultiheadAttention(8, 2, **layer_kwargs).double().to(device)
    copy_weights(theirs, ours, device)
    rng = np.random.default_rng(1)
    arrays = [
        rng.standard_normal((4, 2, 8)),
        rng.standard_normal((5, 2, layer_kwargs.get("kdim", 8))),
        rng.standard_normal((5, 2, layer_kwargs.get("vdim", 8))),
    ]
    if layer_kwargs.get("batch_first"):
        arrays = [a.transpose(1, 0, 2).copy() for a in arrays]
    mine = [from_numpy(a, device, requires_grad=True) for a in arrays]
    theirs_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    mine_kw = {
        k: from_numpy(v, device) if isinstance(v, np.ndarray) else v for k, v in call_kwargs.items()
    }
    their_kw = {
        k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in call_kwargs.items()
    }
    (out, weights), (expected, expected_weights) = (
        ours(*mine, **mine_kw),
        theirs(*theirs_in, **their_kw),
    )
    assert_close(out, expected, 1e-7, 1e-9)
    if expected_weights is None:
        assert weights is None
    else:
        assert_close(weights, expected_weights, 1e-7, 1e-9)
    out.sum().backward()
    expected.sum().backward()
    for m, t in zip(mine, theirs_in):
        assert_close(m.grad, t.grad, 1e-7, 1e-9)
    grads = dict(ours.named_parameters())
    for key, p in theirs.named_parameters():
        assert_close(grads[key].grad, p.grad, 1e-7, 1e-9)


@pytest.mark.parametrize("layer_kwargs", LAYERS)
def test_repr_and_state_dict_keys_match_torch(layer_kwargs):
    ours, theirs = (
        nn.MultiheadAttention(8, 2, **layer_kwargs),
        torch.nn.MultiheadAttention(8, 2, **layer_kwargs),
    )
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_unbatched_input():
    theirs = torch.nn.MultiheadAttention(4, 2).double()
    ours = nn.MultiheadAttention(4, 2).double()
    copy_weights(theirs, ours)
    q, k = np.random.default_rng(2).standard_normal((2, 3, 4))
    out, w = ours(*(minitorch.tensor(a) for a in (q, k, k)))
    expected, expected_w = theirs(*(torch.tensor(a) for a in (q, k, k)))
    assert_close(out, expected)
    assert_close(w, expected_w)


@pytest.mark.parametrize(
    "kwargs", [{}, {"is_causal": True}, {"scale": 0.3}, {"mask": True}, {"mask": False}]
)
def test_scaled_dot_product_attention_matches_torch(kwargs, device):
    rng = np.random.default_rng(3)
    q, k, v = (
        rng.standard_normal((2, 3, 4, 5)),
        rng.standard_normal((2, 3, 6, 5)),
        rng.standard_normal((2, 3, 6, 7)),
    )
    kwargs = dict(kwargs)
    mask = kwargs.pop("mask", None)
    mine_kw, their_kw = dict(kwargs), dict(kwargs)
    if mask is not None:
        m = rng.random((4, 6)) > 0.3 if mask else rng.standard_normal((4, 6))
        m[:, 0] = True if mask else m[:, 0]
        mine_kw["attn_mask"], their_kw["attn_mask"] = from_numpy(m, device), torch.tensor(m)
    mine = [from_numpy(a, device, requires_grad=True) for a in (q, k, v)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
    out = nn.functional.scaled_dot_product_attention(*mine, **mine_kw)
    expected = torch.nn.functional.scaled_dot_product_attention(*theirs, **their_kw)
    assert_close(out, expected, 1e-7, 1e-9)
    out.sum().backward()
    expected.sum().backward()
    for a, b in zip(mine, theirs):
        assert_close(a.grad, b.grad, 1e-7, 1e-9)


def test_embed_dim_must_divide_into_heads():
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(10, 3)


def test_gradcheck(device):
    layer = nn.MultiheadAttention(4, 2, kdim=3, vdim=2).double().to(device)
    rng = np.random.default_rng(6)
    q, k, v = (
        from_numpy(rng.standard_normal(shape), device, requires_grad=True)
        for shape in ((2, 1, 4), (3, 1, 3), (3, 1, 2))
    )
    mask = from_numpy(np.array([[False, False, True]]), device)
    assert minitorch.autograd.gradcheck(
        lambda q, k, v: layer(q, k, v, key_padding_mask=mask)[0], (q, k, v)
    )
