"""Parameter (minitorch/nn/parameter.py)."""

import copy
import pickle

import pytest

import minitorch
import minitorch.nn as nn


def test_parameter_shares_memory_and_requires_grad():
    data = minitorch.ones(2, 3)
    p = nn.Parameter(data)
    assert isinstance(p, minitorch.Tensor) and p.is_leaf and p.requires_grad
    assert p.array is data.array
    assert not nn.Parameter(data, requires_grad=False).requires_grad
    assert nn.Parameter().shape == (0,)
    assert type(p * 2) is minitorch.Tensor
    assert type(p.detach()) is minitorch.Tensor


def test_parameter_repr_matches_torch():
    torch = pytest.importorskip("torch")
    ours = nn.Parameter(minitorch.tensor([[1.0, 2.5], [3.0, -4.0]]))
    theirs = torch.nn.Parameter(torch.tensor([[1.0, 2.5], [3.0, -4.0]]))
    assert repr(ours) == repr(theirs)
    assert repr(ours).startswith("Parameter containing:\ntensor(")


def test_parameter_deepcopy_and_pickle():
    p = nn.Parameter(minitorch.arange(3.0))
    p.grad = minitorch.ones(3)
    q = copy.deepcopy(p)
    assert type(q) is nn.Parameter and q.requires_grad and q.array is not p.array
    assert q.grad.tolist() == [1.0, 1.0, 1.0]
    r = pickle.loads(pickle.dumps(nn.Parameter(minitorch.arange(3.0), requires_grad=False)))
    assert type(r) is nn.Parameter and not r.requires_grad and r.tolist() == [0.0, 1.0, 2.0]


def test_parameter_rejects_non_tensor_and_integer_grad():
    with pytest.raises(TypeError):
        nn.Parameter([1.0, 2.0])
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(minitorch.tensor([1, 2]))
    assert not nn.Parameter(minitorch.tensor([1, 2]), requires_grad=False).requires_grad
