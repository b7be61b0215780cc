"""Conv1d / Conv2d / ConvTranspose layers: PyTorch parity, init, repr and state dicts."""

import math

import numpy as np
import pytest

import minitorch
from minitorch import nn

from .helpers import compare_with_torch, copy_weights, to_numpy

torch = pytest.importorskip("torch")

LAYERS = [
    ("Conv2d", (3, 32, 3), {"padding": 1}, (2, 3, 8, 8)),
    (
        "Conv2d",
        (4, 6, (3, 2)),
        {"stride": 2, "dilation": (1, 2), "groups": 2, "bias": False},
        (2, 4, 9, 8),
    ),
    ("Conv2d", (2, 4, 4), {"padding": "same"}, (1, 2, 6, 5)),
    ("Conv2d", (2, 4, 3), {"padding": 2, "padding_mode": "reflect"}, (1, 2, 6, 5)),
    ("Conv2d", (2, 4, 3), {"padding": (1, 2), "padding_mode": "replicate"}, (1, 2, 6, 5)),
    ("Conv2d", (2, 4, 3), {"padding": "same", "padding_mode": "circular"}, (1, 2, 6, 5)),
    ("Conv1d", (3, 5, 3), {"padding": 1, "stride": 2}, (2, 3, 9)),
    ("Conv1d", (4, 4, 3), {"groups": 4, "padding": "same", "padding_mode": "reflect"}, (2, 4, 9)),
    (
        "ConvTranspose2d",
        (4, 6, 3),
        {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2},
        (2, 4, 5, 4),
    ),
    ("ConvTranspose2d", (3, 2, (2, 3)), {"dilation": 2, "bias": False}, (2, 3, 4, 4)),
    ("ConvTranspose1d", (3, 2, 4), {"stride": 3}, (2, 3, 5)),
]


@pytest.mark.parametrize("name, args, kwargs, shape", LAYERS)
def test_layer_matches_torch(name, args, kwargs, shape, device):
    theirs = getattr(torch.nn, name)(*args, **kwargs).double()
    ours = getattr(nn, name)(*args, **kwargs).double().to(device)
    copy_weights(theirs, ours, device)
    x = np.random.default_rng(0).standard_normal(shape)
    compare_with_torch(ours, theirs, [x], device, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name, args, kwargs, shape", LAYERS)
def test_repr_and_state_dict_keys_match_torch(name, args, kwargs, shape):
    theirs = getattr(torch.nn, name)(*args, **kwargs)
    ours = getattr(nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for key, value in theirs.state_dict().items():
        assert tuple(ours.state_dict()[key].shape) == tuple(value.shape)


def test_conv2d_repr_example():
    assert repr(nn.Conv2d(3, 32, 3, padding=1)) == (
        "Conv2d(3, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"
    )


@pytest.mark.parametrize("layer", [nn.Conv2d(16, 32, 3), nn.ConvTranspose2d(16, 8, 3)])
def test_default_init_is_pytorchs(layer):
    """Weights and biases uniform in +-1/sqrt(fan_in), fan_in = weight.shape[1] * kh * kw."""
    bound = 1 / math.sqrt(layer.weight.shape[1] * 9)
    w, b = to_numpy(layer.weight), to_numpy(layer.bias)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert np.abs(w.std() - bound / math.sqrt(3)) < 0.1 * bound
    assert np.abs(b).max() <= bound
    assert layer.weight.dtype == minitorch.float32


def test_conv_transpose_output_size_picks_output_padding():
    layer = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1)
    x = minitorch.randn(1, 2, 4, 4)
    assert layer(x).shape == (1, 3, 7, 7)
    assert layer(x, output_size=[8, 8]).shape == (1, 3, 8, 8)
    with pytest.raises(ValueError, match="requested an output size"):
        layer(x, output_size=(10, 10))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"groups": 2, "in_channels": 3}, "in_channels must be divisible by groups"),
        ({"groups": 2, "out_channels": 3}, "out_channels must be divisible by groups"),
        ({"padding": "same", "stride": 2}, "padding='same' is not supported for strided"),
        ({"padding": "full"}, "Invalid padding string 'full'"),
        ({"padding_mode": "mirror"}, "padding_mode must be one of"),
    ],
)
def test_constructor_errors(kwargs, message):
    args = {"in_channels": 4, "out_channels": 4, "kernel_size": 3, **kwargs}
    with pytest.raises(ValueError, match=message):
        nn.Conv2d(**args)
