"""Dropout layers (minitorch/nn/dropout.py) and the fused op (minitorch/ops/dropout.py)."""

import numpy as np
import pytest

import minitorch
import minitorch.nn as nn
import minitorch.nn.functional as F

from .helpers import on, to_numpy


def test_dropout_train_zeroes_and_scales(device):
    minitorch.manual_seed(0)
    x = minitorch.ones(200, 50, device=device, requires_grad=True)
    layer = nn.Dropout(0.3)
    out = layer(x)
    assert on(out, device) and out.dtype == minitorch.float32
    values = to_numpy(out)
    np.testing.assert_allclose(np.unique(values), [0.0, 1 / 0.7], rtol=1e-6)
    assert (values == 0).mean() == pytest.approx(0.3, abs=0.02)
    out.sum().backward()
    np.testing.assert_array_equal(to_numpy(x.grad), values)  # d/dx = the scaled mask


def test_dropout_eval_is_identity_and_seed_repeats(device):
    layer = nn.Dropout(0.5)
    x = minitorch.randn(8, 8, device=device)
    assert layer.eval()(x) is x
    layer.train()
    minitorch.manual_seed(3)
    first = to_numpy(layer(x))
    minitorch.manual_seed(3)
    np.testing.assert_array_equal(first, to_numpy(layer(x)))
    assert not np.array_equal(first, to_numpy(layer(x)))


def test_dropout_edge_probabilities():
    x = minitorch.randn(4, 4, requires_grad=True)
    assert F.dropout(x, 0.0) is x
    out = F.dropout(x, 1.0)
    assert not to_numpy(out).any()
    out.sum().backward()
    assert not to_numpy(x.grad).any()
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        nn.Dropout(1.5)
    with pytest.raises(ValueError, match="dropout probability"):
        F.dropout(x, -0.1)


def test_dropout_generator_argument():
    x = minitorch.ones(100)
    a = F.dropout(x, 0.5, generator=minitorch.Generator().manual_seed(1))
    b = F.dropout(x, 0.5, generator=minitorch.Generator().manual_seed(1))
    np.testing.assert_array_equal(to_numpy(a), to_numpy(b))


def test_dropout_inplace():
    x = minitorch.ones(10, 10)
    out = nn.Dropout(0.5, inplace=True)(x)
    assert out is x and (to_numpy(x) == 0).any()


@pytest.mark.parametrize(
    "layer, shape",
    [(nn.Dropout1d, (4, 6, 5)), (nn.Dropout2d, (4, 6, 3, 3)), (nn.Dropout3d, (4, 6, 2, 2, 2))],
)
def test_channel_dropout_drops_whole_channels(device, layer, shape):
    minitorch.manual_seed(1)
    out = to_numpy(layer(0.5)(minitorch.ones(*shape, device=device)))
    per_channel = out.reshape(shape[0], shape[1], -1)
    assert (per_channel.min(-1) == per_channel.max(-1)).all()
    assert set(np.unique(per_channel)) == {0.0, 2.0}
    unbatched = to_numpy(layer(0.5)(minitorch.ones(*shape[1:], device=device)))
    flat = unbatched.reshape(shape[1], -1)
    assert (flat.min(-1) == flat.max(-1)).all()
    with pytest.raises(RuntimeError, match="Expected"):
        layer(0.5)(minitorch.ones(2))


def test_dropout_repr_matches_torch():
    torch = pytest.importorskip("torch")
    assert repr(nn.Dropout(0.2, inplace=True)) == repr(torch.nn.Dropout(0.2, inplace=True))
    assert repr(nn.Dropout2d()) == repr(torch.nn.Dropout2d())
