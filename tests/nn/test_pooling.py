"""Pooling layers: PyTorch parity (outputs, gradients, indices) and repr."""

import numpy as np
import pytest

from minitorch import nn

from .helpers import assert_close, compare_with_torch, from_numpy

torch = pytest.importorskip("torch")

LAYERS = [
    ("MaxPool2d", (2,), {}, (2, 3, 8, 8)),
    ("MaxPool2d", (3, 2, 1), {"ceil_mode": True, "dilation": 1}, (2, 3, 9, 7)),
    ("MaxPool2d", ((3, 2),), {"stride": (1, 2), "dilation": (2, 1)}, (2, 3, 9, 7)),
    ("MaxPool1d", (3,), {"stride": 2, "padding": 1}, (2, 3, 9)),
    ("AvgPool2d", (2,), {}, (2, 3, 8, 8)),
    ("AvgPool2d", (3, 2, 1), {"ceil_mode": True, "count_include_pad": False}, (2, 3, 9, 7)),
    ("AvgPool2d", (3,), {"stride": 1, "divisor_override": 4}, (2, 3, 5, 5)),
    ("AvgPool1d", (3,), {"stride": 2, "padding": 1}, (2, 3, 9)),
    ("AdaptiveAvgPool2d", (1,), {}, (2, 3, 5, 5)),
    ("AdaptiveAvgPool2d", ((3, None),), {}, (2, 3, 7, 5)),
    ("AdaptiveAvgPool2d", ((2, 3),), {}, (3, 8, 9)),
    ("AdaptiveAvgPool1d", (4,), {}, (2, 3, 10)),
]


@pytest.mark.parametrize("name, args, kwargs, shape", LAYERS)
def test_layer_matches_torch(name, args, kwargs, shape, device):
    theirs = getattr(torch.nn, name)(*args, **kwargs)
    ours = getattr(nn, name)(*args, **kwargs)
    x = np.random.default_rng(1).standard_normal(shape)
    compare_with_torch(ours, theirs, [x], device, rtol=1e-7, atol=1e-9)
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("name, shape", [("MaxPool2d", (2, 3, 9, 7)), ("MaxPool1d", (2, 3, 9))])
def test_return_indices_match_torch(name, shape, device):
    x = np.round(np.random.default_rng(2).standard_normal(shape) * 2)
    ours = getattr(nn, name)(3, 2, 1, return_indices=True)
    theirs = getattr(torch.nn, name)(3, 2, 1, return_indices=True)
    out, idx = ours(from_numpy(x, device))
    expected, expected_idx = theirs(torch.tensor(x))
    assert_close(out, expected)
    assert_close(idx, expected_idx)
    assert idx.dtype.name == "int64"


def test_simple_cnn_stack_gradients_match_torch(device):
    """conv -> relu -> max-pool twice, as in the CIFAR SimpleCNN (the hot path of issue 5)."""

    def build(lib):
        return lib.nn.Sequential(
            lib.nn.Conv2d(3, 4, 3, padding=1),
            lib.nn.ReLU(),
            lib.nn.MaxPool2d(2),
            lib.nn.Conv2d(4, 6, 3, padding=1),
            lib.nn.ReLU(),
            lib.nn.MaxPool2d(2),
        )

    import minitorch

    theirs, ours = build(torch), build(minitorch).to(device)
    ours.load_state_dict({k: from_numpy(v.numpy(), device) for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(3).standard_normal((2, 3, 8, 8)).astype(np.float32)
    compare_with_torch(ours, theirs, [x], device, rtol=1e-4, atol=1e-5)


POOLS = [
    "MaxPool1d",
    "MaxPool2d",
    "AvgPool1d",
    "AvgPool2d",
    "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d",
]


def test_pooling_classes_relate_as_in_pytorch():
    """No pooling layer is a subclass of another (a MaxPool1d is not a MaxPool2d), as in torch."""
    for a in POOLS:
        for b in POOLS:
            mine = issubclass(getattr(nn, a), getattr(nn, b))
            assert mine == issubclass(getattr(torch.nn, a), getattr(torch.nn, b)), (a, b)
