"""default_collate / default_convert follow torch.utils.data's rules (torch is the oracle)."""

from collections import namedtuple

import numpy as np
import pytest

import minitorch
from minitorch.utils.data import default_collate, default_convert

Point = namedtuple("Point", "x y")


def plain(value):
    """A comparable form: tensors become (dtype name, array); containers recurse."""
    if isinstance(value, minitorch.Tensor) or type(value).__name__ == "Tensor":
        return (str(value.dtype).split(".")[-1], value.numpy().tolist())
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return ("namedtuple", type(value).__name__, [plain(v) for v in value])
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [plain(v) for v in value])
    return value


def samples(lib):
    """Batches built from the same values with ``lib`` (minitorch or torch) tensors."""
    return [
        [lib.tensor([1.0, 2.0]), lib.tensor([3.0, 4.0])],
        [lib.tensor(1), lib.tensor(2)],
        [np.arange(3, dtype=np.uint8), np.arange(3, 6, dtype=np.uint8)],
        [np.float32(1.5), np.float32(2.5)],
        [np.int32(3), np.int32(4)],
        [1.5, 2.5],
        [1, 2],
        [True, False],
        ["a", "b"],
        [(lib.tensor([1]), 2, "x"), (lib.tensor([3]), 4, "y")],
        [[1.0, 2], [3.0, 4]],
        [{"image": np.zeros((2, 2), np.float32), "label": 1},
         {"image": np.ones((2, 2), np.float32), "label": 0}],
        [Point(1, 2.0), Point(3, 4.0)],
        [{"a": [(1, 2.0)]}, {"a": [(3, 4.0)]}],
    ]


@pytest.mark.parametrize("case", range(len(samples(minitorch))))
def test_default_collate_matches_torch(case):
    torch_collate = pytest.importorskip("torch.utils.data").default_collate
    torch = pytest.importorskip("torch")
    ours = default_collate(samples(minitorch)[case])
    theirs = torch_collate(samples(torch)[case])
    assert plain(ours) == plain(theirs)


def test_default_collate_stacks_tensors_along_new_first_dim():
    batch = default_collate([minitorch.ones(2, 3), minitorch.zeros(2, 3)])
    assert batch.shape == (2, 2, 3) and batch.dtype == minitorch.float32


def test_default_collate_unequal_lists():
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([[1, 2], [3]])


@pytest.mark.parametrize("bad", [[object(), object()], [np.array(["a"]), np.array(["b"])]])
def test_default_collate_rejects_unknown(bad):
    with pytest.raises(TypeError, match="default_collate: batch must contain tensors"):
        default_collate(bad)


def test_default_convert_matches_torch():
    torch_convert = pytest.importorskip("torch.utils.data").default_convert
    data = {"a": np.arange(3), "b": (np.float32(2.0), "s", 3), "c": [np.ones(2)]}
    assert plain(default_convert(data)) == plain(torch_convert(data))
    assert default_convert(np.array(["a"])).tolist() == ["a"]
