"""Containers (minitorch/nn/containers.py): Sequential, ModuleList, ModuleDict, ParameterList,
ParameterDict."""

from collections import OrderedDict

import pytest

import minitorch
import minitorch.nn as nn


def test_sequential_forward_index_slice_len_append():
    a, b, c = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    seq = nn.Sequential(a, b, c)
    x = minitorch.randn(4, 2)
    assert seq(x).tolist() == c(b(a(x))).tolist()
    assert len(seq) == 3 and seq[0] is a and seq[-1] is c
    assert list(seq) == [a, b, c]
    head = seq[:2]
    assert isinstance(head, nn.Sequential) and list(head) == [a, b]
    assert head[0] is a  # slices share the modules
    seq.append(nn.Sigmoid())
    assert len(seq) == 4 and list(seq._modules) == ["0", "1", "2", "3"]
    with pytest.raises(IndexError, match="index 4 is out of range"):
        seq[4]  # noqa: B018


def test_sequential_ordered_dict_and_edits():
    seq = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.Tanh())]))
    assert list(seq._modules) == ["fc", "act"] and isinstance(seq.fc, nn.Linear)
    assert [n for n, _ in seq.named_parameters()] == ["fc.weight", "fc.bias"]
    seq[1] = nn.ReLU()
    assert isinstance(seq.act, nn.ReLU)
    plain = nn.Sequential(nn.ReLU(), nn.Tanh(), nn.Sigmoid())
    del plain[0]
    assert list(plain._modules) == ["0", "1"] and isinstance(plain[0], nn.Tanh)
    plain.insert(0, nn.ReLU())
    assert [type(m).__name__ for m in plain] == ["ReLU", "Tanh", "Sigmoid"]
    assert isinstance(plain.pop(1), nn.Tanh) and len(plain) == 2
    both = plain + nn.Sequential(nn.Identity())
    assert len(both) == 3
    plain.extend([nn.Identity()])
    assert len(plain) == 3


def test_sequential_repr_matches_torch():
    torch = pytest.importorskip("torch")
    for lib in (minitorch, torch):
        lib.seq_text = repr(
            lib.nn.Sequential(OrderedDict([("fc", lib.nn.Linear(2, 2)), ("act", lib.nn.Tanh())]))
        )
    assert minitorch.seq_text == torch.seq_text
    assert repr(nn.Sequential()) == repr(torch.nn.Sequential()) == "Sequential()"


def test_module_list():
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    holder = nn.Module()
    holder.layers = layers
    assert len(list(holder.parameters())) == 6
    assert [n for n, _ in holder.named_parameters()][:2] == ["layers.0.weight", "layers.0.bias"]
    layers.append(nn.ReLU())
    layers += [nn.Tanh()]
    assert len(layers) == 5 and isinstance(layers[-1], nn.Tanh)
    assert isinstance(layers[1:3], nn.ModuleList) and len(layers[1:3]) == 2
    del layers[0]
    assert list(layers._modules) == ["0", "1", "2", "3"]
    layers.insert(1, nn.Sigmoid())
    assert isinstance(layers[1], nn.Sigmoid)
    with pytest.raises(TypeError, match="iterable"):
        layers.extend(nn.ReLU())
    with pytest.raises(NotImplementedError):
        layers(minitorch.ones(1))


def test_module_list_repr_groups_repeats_like_torch():
    torch = pytest.importorskip("torch")
    texts = []
    for lib in (minitorch, torch):
        n = lib.nn
        texts.append(repr(n.ModuleList([n.Linear(2, 2), n.Linear(2, 2), n.ReLU(), n.Linear(2, 2)])))
        texts.append(repr(n.ModuleList()))
        texts.append(repr(n.ModuleList([n.Sequential(n.ReLU(), n.Tanh())] * 2)))
    assert texts[:3] == texts[3:]


def test_module_dict():
    d = nn.ModuleDict({"a": nn.Linear(1, 2), "b": nn.ReLU()})
    assert list(d) == ["a", "b"] and "a" in d and len(d) == 2
    d["c"] = nn.Tanh()
    d.update([("e", nn.Identity())])
    assert list(d.keys()) == ["a", "b", "c", "e"]
    assert isinstance(d.pop("b"), nn.ReLU) and "b" not in d
    assert [n for n, _ in d.named_parameters()] == ["a.weight", "a.bias"]
    assert isinstance(dict(d.items())["a"], nn.Linear)
    d.clear()
    assert len(d) == 0


def test_parameter_list_and_dict():
    torch = pytest.importorskip("torch")
    plist = nn.ParameterList([nn.Parameter(minitorch.zeros(2, 3)), minitorch.zeros(4)])
    assert all(isinstance(p, nn.Parameter) for p in plist)
    assert [n for n, _ in plist.named_parameters()] == ["0", "1"]
    tlist = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(2, 3)), torch.zeros(4)])
    assert repr(plist) == repr(tlist).replace("torch.float32", "minitorch.float32")
    pdict = nn.ParameterDict({"w": minitorch.ones(2)})
    pdict["b"] = nn.Parameter(minitorch.zeros(1))
    assert list(pdict) == ["w", "b"] and isinstance(pdict["w"], nn.Parameter)
    assert len(list(pdict.parameters())) == 2
