"""BatchNorm / LayerNorm / GroupNorm layers: PyTorch parity in train and eval, running stats."""

import numpy as np
import pytest

import minitorch
from minitorch import nn

from .helpers import assert_close, compare_with_torch, copy_weights, from_numpy

torch = pytest.importorskip("torch")

BATCH_NORMS = [
    ("BatchNorm1d", (3,), {}, (4, 3)),
    ("BatchNorm1d", (3,), {"momentum": None}, (4, 3, 5)),
    ("BatchNorm1d", (3,), {"affine": False, "eps": 1e-3}, (4, 3)),
    ("BatchNorm2d", (3,), {"momentum": 0.3}, (2, 3, 4, 5)),
    ("BatchNorm2d", (3,), {"track_running_stats": False}, (2, 3, 4, 5)),
    ("BatchNorm2d", (3,), {"bias": False}, (2, 3, 2, 2)),
]


@pytest.mark.parametrize("name, args, kwargs, shape", BATCH_NORMS)
def test_batch_norm_train_then_eval_matches_torch(name, args, kwargs, shape, device):
    theirs = getattr(torch.nn, name)(*args, **kwargs).double()
    ours = getattr(nn, name)(*args, **kwargs).double().to(device)
    copy_weights(theirs, ours, device)
    rng = np.random.default_rng(0)
    for step in range(3):  # running stats accumulate over several batches
        x = rng.standard_normal(shape) * (step + 1) + step
        compare_with_torch(ours, theirs, [x], device, rtol=1e-7, atol=1e-9, seed=step)
    for key, value in theirs.state_dict().items():
        assert_close(ours.state_dict()[key], value, rtol=1e-7, atol=1e-9)
    ours.eval()
    theirs.eval()
    compare_with_torch(ours, theirs, [rng.standard_normal(shape)], device, rtol=1e-7, atol=1e-9)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_batch_norm_buffers_and_dtypes():
    bn = nn.BatchNorm2d(4)
    assert [n for n, _ in bn.named_buffers()] == [
        "running_mean",
        "running_var",
        "num_batches_tracked",
    ]
    assert bn.num_batches_tracked.dtype == minitorch.int64
    bn(minitorch.randn(2, 4, 3, 3))
    assert bn.num_batches_tracked.item() == 1
    assert bn.running_mean.dtype == bn.running_var.dtype == minitorch.float32
    bn.reset_running_stats()
    assert bn.num_batches_tracked.item() == 0 and bn.running_var.sum().item() == 4


def test_batch_norm_eval_does_not_touch_running_stats():
    bn = nn.BatchNorm1d(3).eval()
    before = bn.running_mean.numpy().copy()
    bn(minitorch.randn(5, 3) + 10)
    np.testing.assert_array_equal(bn.running_mean.numpy(), before)
    assert bn.num_batches_tracked.item() == 0


@pytest.mark.parametrize(
    "cls, shape, message",
    [
        (nn.BatchNorm2d, (2, 3, 4), "expected 4D input (got 3D input)"),
        (nn.BatchNorm1d, (2, 3, 4, 5), "expected 2D or 3D input (got 4D input)"),
    ],
)
def test_batch_norm_checks_input_rank(cls, shape, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        cls(3)(minitorch.randn(*shape))


@pytest.mark.parametrize(
    "name, args, kwargs, shape",
    [
        ("LayerNorm", (5,), {}, (2, 3, 5)),
        ("LayerNorm", ((3, 5),), {"eps": 1e-3}, (2, 3, 5)),
        ("LayerNorm", (5,), {"elementwise_affine": False}, (4, 5)),
        ("LayerNorm", (5,), {"bias": False}, (4, 5)),
        ("GroupNorm", (2, 6), {}, (2, 6, 3, 2)),
        ("GroupNorm", (3, 6), {"affine": False}, (2, 6, 4)),
        ("GroupNorm", (1, 6), {"bias": False}, (2, 6)),
    ],
)
def test_layer_and_group_norm_match_torch(name, args, kwargs, shape, device):
    theirs = getattr(torch.nn, name)(*args, **kwargs).double()
    ours = getattr(nn, name)(*args, **kwargs).double().to(device)
    with torch.no_grad():  # non-default affine parameters, so the gradients mean something
        for p in theirs.parameters():
            p.uniform_(0.5, 1.5)
    copy_weights(theirs, ours, device)
    x = np.random.default_rng(4).standard_normal(shape)
    compare_with_torch(ours, theirs, [x], device, rtol=1e-7, atol=1e-9)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_norm_init_is_ones_and_zeros():
    for layer in (nn.BatchNorm2d(3), nn.LayerNorm(3), nn.GroupNorm(1, 3)):
        assert layer.weight.tolist() == [1.0, 1.0, 1.0]
        assert layer.bias.tolist() == [0.0, 0.0, 0.0]


def test_group_norm_rejects_indivisible_channels():
    with pytest.raises(ValueError, match="num_channels must be divisible by num_groups"):
        nn.GroupNorm(4, 6)


def test_float32_model_stays_float32(device):
    model = nn.Sequential(nn.Conv2d(2, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.GroupNorm(2, 4))
    model.to(device)
    out = model(from_numpy(np.ones((2, 2, 5, 5), np.float32), device))
    out.sum().backward()
    assert out.dtype == minitorch.float32
    assert all(p.grad.dtype == minitorch.float32 for p in model.parameters())
