"""Tests for minitorch/tensortype.py: the legacy FloatTensor, LongTensor, ... as in PyTorch."""

import numpy as np
import pytest

import minitorch

torch = pytest.importorskip("torch")

NAMES = [
    "FloatTensor",
    "DoubleTensor",
    "HalfTensor",
    "ByteTensor",
    "CharTensor",
    "ShortTensor",
    "IntTensor",
    "LongTensor",
    "BoolTensor",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    "args", [(), (2, 3), (4,), ([1, 0, 2],), ((2, 3),), ([[1, 2], [3, 4]],), (np.array([1, 2]),)]
)
def test_construction_matches_torch(name, args):
    ours, theirs = getattr(minitorch, name)(*args), getattr(torch, name)(*args)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype).split(".")[1] == str(theirs.dtype).split(".")[1]
    if args and not isinstance(args[0], int):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("name", NAMES)
def test_isinstance_asks_dtype(name):
    t = minitorch.zeros(2, dtype=getattr(minitorch, name).dtype)
    for other in NAMES:
        assert isinstance(t, getattr(minitorch, other)) == (other == name)
    assert not isinstance(t, getattr(minitorch.cuda, name))
    assert not isinstance(np.zeros(2), getattr(minitorch, name))


def test_size_argument_and_tensor_argument():
    assert minitorch.FloatTensor(minitorch.Size([2, 3])).shape == (2, 3)
    x = minitorch.tensor([1.0, 2.0])
    y = minitorch.FloatTensor(x)
    y.array[0] = 5.0  # shares x's data, as in PyTorch
    assert x.tolist() == [5.0, 2.0]
    with pytest.raises(TypeError, match="expected minitorch.float32"):
        minitorch.FloatTensor(minitorch.tensor([1, 2]))


def test_repr_names_the_module():
    assert repr(minitorch.LongTensor) == "<class 'minitorch.LongTensor'>"
    assert repr(minitorch.cuda.FloatTensor) == "<class 'minitorch.cuda.FloatTensor'>"


def test_cuda_types_need_a_gpu():
    with pytest.raises(TypeError, match="minitorch.cuda.FloatTensor not available"):
        minitorch.cuda.FloatTensor(2)


def test_cuda_types_on_the_simulated_gpu(sim_cuda):
    t = minitorch.cuda.LongTensor([1, 2])
    assert t.device.type == "cuda" and t.dtype is minitorch.int64
    assert isinstance(t, minitorch.cuda.LongTensor)
    assert not isinstance(t, minitorch.LongTensor)
    with pytest.raises(RuntimeError, match="expects device type: cpu"):
        minitorch.FloatTensor(2, device="cuda")
