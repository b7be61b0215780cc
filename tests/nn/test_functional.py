"""nn.functional helpers not covered by the layer tests (minitorch/nn/functional.py):
pad (minitorch/ops/pad.py), one_hot, normalize, cosine_similarity."""

import numpy as np
import pytest

import minitorch
import minitorch.nn.functional as F
from minitorch.autograd import gradcheck, gradgradcheck

from .helpers import assert_close, from_numpy, to_numpy

PADS = [
    ((1, 2), "constant", 0.5),
    ((1, 0, 2, 1, 0, 1), "constant", None),
    ((-1, 2, 1, -2), "constant", 0.0),
    ((2, 1, 1, 2), "reflect", None),
    ((2, 0, 1, 3), "replicate", None),
    ((1, 3, 2, 0), "circular", None),
    ((3, 1, 0, 0), "reflect", None),
]


@pytest.mark.parametrize("pad, mode, value", PADS)
def test_pad_matches_torch(device, pad, mode, value):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5)).astype(np.float32)
    ours = from_numpy(x, device, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    kwargs = {} if value is None else {"value": value}
    out = F.pad(ours, pad, mode, **kwargs)
    expected = torch.nn.functional.pad(theirs, pad, mode, **kwargs)
    assert_close(out, expected)
    upstream = np.random.default_rng(1).standard_normal(expected.shape).astype(np.float32)
    out.backward(from_numpy(upstream, device))
    expected.backward(torch.tensor(upstream))
    assert_close(ours.grad, theirs.grad)


@pytest.mark.parametrize("pad, mode, value", PADS)
def test_pad_gradcheck(pad, mode, value):
    x = from_numpy(np.random.default_rng(2).standard_normal((1, 2, 4, 4)), requires_grad=True)
    assert gradcheck(lambda x: F.pad(x, pad, mode), (x,))
    assert gradgradcheck(lambda x: F.pad(x, pad, mode), (x,))


def test_pad_errors():
    x = minitorch.zeros(1, 2, 3)
    with pytest.raises(RuntimeError, match="Padding length must be divisible by 2"):
        F.pad(x, (1, 2, 3))
    with pytest.raises(RuntimeError, match="Padding length should be less than or equal"):
        F.pad(x, (1,) * 8)
    with pytest.raises(RuntimeError, match="Padding size should be less than"):
        F.pad(x, (3, 0), mode="reflect")
    with pytest.raises(NotImplementedError):
        F.pad(x, (1, 1), mode="mirror")


def test_one_hot_matches_torch(device):
    torch = pytest.importorskip("torch")
    idx = np.array([[0, 3], [2, 1]])
    out = F.one_hot(minitorch.tensor(idx, device=device))
    assert out.dtype == minitorch.int64 and out.device.type == device.type
    np.testing.assert_array_equal(to_numpy(out), torch.nn.functional.one_hot(torch.tensor(idx)))
    assert F.one_hot(minitorch.tensor([1]), 5).shape == (1, 5)
    with pytest.raises(RuntimeError, match="Class values must be smaller than num_classes"):
        F.one_hot(minitorch.tensor([4]), 3)
    with pytest.raises(RuntimeError, match="LongTensor"):
        F.one_hot(minitorch.tensor([1.0]))


@pytest.mark.parametrize("p, dim", [(2.0, 1), (1.0, 0), (3.0, -1)])
def test_normalize_and_cosine_similarity_match_torch(device, p, dim):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 3)).astype(np.float32)
    y = rng.standard_normal((4, 3)).astype(np.float32)
    x[1] = 0.0  # a zero vector: clamped norm, finite gradient
    for fn, tfn, args in [
        (F.normalize, torch.nn.functional.normalize, (x,)),
        (F.cosine_similarity, torch.nn.functional.cosine_similarity, (x, y)),
    ]:
        ours = [from_numpy(a, device, requires_grad=True) for a in args]
        theirs = [torch.tensor(a, requires_grad=True) for a in args]
        kwargs = {"p": p, "dim": dim} if fn is F.normalize else {"dim": dim}
        out, expected = fn(*ours, **kwargs), tfn(*theirs, **kwargs)
        assert_close(out, expected)
        out.sum().backward()
        expected.sum().backward()
        for a, b in zip(ours, theirs):
            assert_close(a.grad, b.grad, rtol=1e-4, atol=1e-5)


def test_functional_activations_with_dtype_and_inplace():
    x = minitorch.randn(2, 3)
    assert F.softmax(x, dim=1, dtype=minitorch.float64).dtype == minitorch.float64
    y = x.clone()
    assert F.relu(y, inplace=True) is y and (to_numpy(y) >= 0).all()
    z = x.clone()
    F.relu_(z)
    np.testing.assert_array_equal(to_numpy(z), to_numpy(y))
