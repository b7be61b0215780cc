"""Indexing (minitorch/ops/index.py): getitem, setitem, where, masked_fill, gather, index_select."""

import numpy as np
import pytest
from hypothesis import given

import minitorch

from .helpers import (
    assert_on,
    broadcast_shapes,
    check_grad,
    check_op,
    check_torch,
    float_dtypes,
    on,
    op_settings,
    randn,
    seeds,
    shapes,
)


def _index(lib, x, key_fn):
    return x[key_fn(lib, x)]


# Keys for a (3, 4, 2) tensor; lib-dependent keys build index tensors with the right library.
KEYS = {
    "int": lambda lib, x: 1,
    "negative_int": lambda lib, x: -1,
    "int_pair": lambda lib, x: (2, -3),
    "all_ints": lambda lib, x: (0, 1, 1),
    "slice": lambda lib, x: slice(1, None),
    "slice_step": lambda lib, x: (slice(None, None, 2), slice(1, 4, 2)),
    "slice_out_of_range": lambda lib, x: slice(-10, 10),
    "empty_slice": lambda lib, x: slice(2, 1),
    "none": lambda lib, x: (None, 1, None),
    "ellipsis": lambda lib, x: (Ellipsis, 0),
    "ellipsis_none": lambda lib, x: (None, Ellipsis, None, 1),
    "mixed": lambda lib, x: (slice(None), 2, slice(0, 1)),
    "bool_mask": lambda lib, x: x > 0,
    "bool_mask_rows": lambda lib, x: lib.tensor([True, False, True], device=x.device),
    "bool_list": lambda lib, x: [False, True, True],
    "int_list": lambda lib, x: [2, 0, 2],
    "int_tensor": lambda lib, x: lib.tensor([[0, 2], [1, 1]], device=x.device),
    "repeated_indices": lambda lib, x: lib.tensor([1, 1, 1, 0], device=x.device),
    "two_arrays": lambda lib, x: ([0, 2, 2], [3, 3, 0]),
    "array_and_slice": lambda lib, x: (slice(None), [0, 0, 3]),
    "zero_d_tensor": lambda lib, x: lib.tensor(2, device=x.device),
    "python_true": lambda lib, x: True,
    "negative_array": lambda lib, x: [-1, -3],
}


@pytest.mark.parametrize("key", KEYS)
@op_settings
@given(seed=seeds, dtype=float_dtypes)
def test_getitem(device, key, seed, dtype):
    (a,) = randn(seed, (3, 4, 2))
    check_op(lambda lib, x: _index(lib, x, KEYS[key]), a, device=device, dtype=dtype)


def test_repeated_indices_accumulate_gradient(device):
    (x,) = on(device, np.arange(4.0))
    x[minitorch.tensor([1, 1, 3, 1], device=device)].sum().backward()
    assert x.grad.tolist() == [0.0, 3.0, 0.0, 1.0]
    assert_on(device, x.grad)


def test_cpu_index_tensor_on_cuda_tensor(sim_cuda):
    x = minitorch.arange(4.0, device=sim_cuda)
    y = x[minitorch.tensor([2, 0])]
    assert y.tolist() == [2.0, 0.0]
    assert_on(sim_cuda, y)


def test_basic_indexing_gives_views(device):
    x = minitorch.zeros(3, 4, device=device)
    x[1][2].fill_(5.0)
    x[:, 0].add_(1.0)
    x[0, 1:3].mul_(0).add_(7.0)
    expected = np.zeros((3, 4))
    expected[1, 2] = 5
    expected[:, 0] += 1
    expected[0, 1:3] = 7
    assert x.tolist() == expected.tolist()
    mask_copy = x[x > 2]
    mask_copy.fill_(-1.0)
    assert x.tolist() == expected.tolist()


def test_negative_step_raises_like_torch(device):
    x = minitorch.ones(5, device=device)
    with pytest.raises(ValueError, match="step must be greater than zero"):
        x[::-1]


@pytest.mark.parametrize(
    "key, message",
    [
        (5, "index 5 is out of bounds for dimension 0 with size 3"),
        ((0, 5), "index 5 is out of bounds for dimension 1 with size 4"),
        ((0, 0, 0, 0), "too many indices for tensor of dimension 3"),
        ("float_tensor", "tensors used as indices must be long, int, byte or bool tensors"),
        ([5], "out of bounds"),
        ([True, False], ""),
    ],
)
def test_bad_keys_raise_index_error(device, key, message):
    x = minitorch.ones(3, 4, 2, device=device)
    if key == "float_tensor":
        key = minitorch.tensor([0.0], device=device)
    with pytest.raises(IndexError, match=message):
        x[key]


SET_KEYS = {
    "int": (1, ()),
    "slice": ((slice(None), slice(1, 3)), (3, 2)),
    "broadcast_row": ((slice(None), 0), (1,)),
    "mask": ("mask", ()),
    "int_array": ([2, 0], (4,)),
    "ellipsis": ((Ellipsis, 1), (3,)),
}


@pytest.mark.parametrize("key", SET_KEYS)
@given(seed=seeds)
def test_setitem_gradients(device, key, seed):
    """``x[key] = v`` on a non-leaf: gradients reach both the old values and v."""
    a, v = randn(seed, (3, 4), SET_KEYS[key][1])
    k = SET_KEYS[key][0]

    def fn(lib, x, value):
        y = x * 1
        y[(y > 0) if k == "mask" else k] = value * 2
        return y * y

    check_op(fn, a, v, device=device, dtype=np.float32)


def test_setitem_python_scalars_and_no_grad(device):
    torch = pytest.importorskip("torch")
    for lib, dev in ((minitorch, device), (torch, "cpu")):
        x = lib.zeros(3, 4, device=dev)
        x[0] = 1.5
        x[:, 1] = lib.tensor([1.0, 2.0, 3.0], device=dev)
        x[x > 2] = -1
        x[[2, 2], [3, 0]] = 4
        x[1, ...] = lib.tensor(7)
        if lib is torch:
            expected = x.numpy()
        else:
            mine = x
    np.testing.assert_array_equal(mine.cpu().numpy(), expected)
    assert mine._version == 5
    assert_on(device, mine)


def test_setitem_value_from_a_tensor_that_requires_grad(device):
    x = minitorch.zeros(3, device=device)
    (w,) = on(device, np.array([2.0, 3.0]))
    x[1:] = w
    assert x.requires_grad and x.grad_fn is not None
    (x * x).sum().backward()
    assert w.grad.tolist() == [4.0, 6.0]
    assert_on(device, w.grad)


def test_setitem_on_leaf_that_requires_grad_raises(device):
    (x,) = on(device, np.zeros(3))
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x[0] = 1.0
    with minitorch.no_grad():
        x[0] = 1.0
    assert x.tolist() == [1.0, 0.0, 0.0]


def test_setitem_shape_mismatch(device):
    x = minitorch.zeros(2, 3, device=device)
    with pytest.raises(RuntimeError, match=r"shape mismatch: value tensor of shape \[4\]"):
        x[0] = minitorch.ones(4, device=device)


def test_setitem_bumps_version_seen_by_backward(device):
    (w,) = on(device, np.ones(3))
    y = w * 2
    z = y * y
    y[0] = 5.0
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


@op_settings
@given(shapes=broadcast_shapes(3), seed=seeds, dtype=float_dtypes)
def test_where(device, shapes, seed, dtype):
    c, a, b = randn(seed, *shapes)
    check_op(
        lambda lib, x, y: lib.where(lib.tensor(c > 0, device=x.device), x, y),
        a,
        b,
        device=device,
        dtype=dtype,
    )


def test_where_with_scalars(device):
    c = np.array([True, False, True])
    a = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    for fn in (
        lambda lib, cond, x: lib.where(cond, x, 0.0),
        lambda lib, cond, x: lib.where(cond, 1, x),
        lambda lib, cond, x: x.where(cond, -x),
        lambda lib, cond, x: lib.where(cond, 1.0, 0),
        lambda lib, cond, x: lib.where(cond, 1, 0),
        lambda lib, cond, x: lib.where(cond, True, False),
        lambda lib, cond, x: lib.where(cond, x.long(), 2.5),
    ):
        check_torch(fn, c, a, device=device)


def test_where_condition_only_gives_indices(device):
    c = np.array([[True, False], [False, True]])
    check_torch(lambda lib, cond: lib.where(cond), c, device=device)
    check_torch(lambda lib, cond: lib.nonzero(cond), c, device=device)


def test_where_condition_on_another_device(sim_cuda):
    x = minitorch.ones(3, device=sim_cuda)
    cond = minitorch.tensor([True, False, True])
    with pytest.raises(RuntimeError, match="same device"):
        minitorch.where(cond, x, x)
    with pytest.raises(RuntimeError, match="same device"):
        x.masked_fill(cond, 0.0)
    with pytest.raises(RuntimeError, match="same device"):
        x.gather(0, minitorch.tensor([0, 1]))


def test_where_errors(device):
    x = minitorch.ones(3, device=device)
    with pytest.raises(RuntimeError, match="boolean"):
        minitorch.where(x, x, x)
    with pytest.raises(RuntimeError, match=r"must match the size"):
        minitorch.where(x > 0, x, minitorch.ones(4, device=device))


@op_settings
@given(shapes=broadcast_shapes(2), seed=seeds, dtype=float_dtypes)
def test_masked_fill(device, shapes, seed, dtype):
    a, m = randn(seed, *shapes)
    a = np.broadcast_to(a, np.broadcast_shapes(a.shape, m.shape)).copy()
    check_op(
        lambda lib, x: x.masked_fill(lib.tensor(m > 0, device=x.device), -2.5),
        a,
        device=device,
        dtype=dtype,
    )
    check_op(
        lambda lib, x, v: x.masked_fill(lib.tensor(m > 0, device=x.device), v),
        a,
        np.array(3.0),
        device=device,
        dtype=dtype,
    )


def test_masked_fill_errors(device):
    x = minitorch.ones(2, 3, device=device)
    with pytest.raises(RuntimeError, match="only supports boolean masks"):
        x.masked_fill(minitorch.ones(2, 3, device=device), 1.0)
    with pytest.raises(RuntimeError, match="0-dimensional value tensor"):
        x.masked_fill(x > 0, minitorch.tensor([1.0], device=device))


@pytest.mark.parametrize("dim", [0, 1, -1])
@op_settings
@given(seed=seeds, dtype=float_dtypes)
def test_gather(device, dim, seed, dtype):
    (a,) = randn(seed, (3, 4))
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, a.shape[dim], (2, 3) if dim != 0 else (5, 3))
    check_op(
        lambda lib, x: x.gather(dim, lib.tensor(idx, device=x.device)),
        a,
        device=device,
        dtype=dtype,
    )


def test_gather_errors(device):
    x = minitorch.ones(2, 3, device=device)
    idx = minitorch.tensor([[0], [1], [1]], device=device)
    with pytest.raises(RuntimeError, match=r"Size does not match at dimension 0"):
        x.gather(1, idx)
    with pytest.raises(RuntimeError, match="out of bounds"):
        x.gather(1, minitorch.tensor([[0, 5]], device=device))
    with pytest.raises(RuntimeError, match="int64"):
        x.gather(1, minitorch.tensor([[0.0]], device=device))


@pytest.mark.parametrize("dim", [0, 1, -1])
@given(seed=seeds)
def test_index_select(device, dim, seed):
    (a,) = randn(seed, (3, 4))
    idx = np.random.default_rng(seed).integers(0, a.shape[dim], 5)
    check_op(
        lambda lib, x: x.index_select(dim, lib.tensor(idx, device=x.device)),
        a,
        device=device,
        dtype=np.float32,
    )
    check_torch(
        lambda lib, x: lib.index_select(x, dim, lib.tensor(1, device=x.device)), a, device=device
    )


def test_index_select_needs_a_vector(device):
    x = minitorch.ones(2, 3, device=device)
    with pytest.raises(IndexError, match="supposed to be a vector"):
        x.index_select(1, minitorch.tensor([[0]], device=device))


def test_indexing_integer_tensors(device):
    a = np.arange(12).reshape(3, 4)
    for key in ("int", "slice_step", "bool_mask", "repeated_indices", "two_arrays"):
        check_torch(lambda lib, x, k=key: _index(lib, x, KEYS[k]), a, device=device)


def test_second_derivative_through_indexing(device):
    a = np.array([[0.5, -1.0], [2.0, 1.5]])
    check_grad(lambda lib, x: x[[1, 1, 0]] ** 3, a, device=device)
    check_grad(lambda lib, x: x[x > 0] ** 2, a, device=device)


@pytest.mark.parametrize("diagonal", [-1, 0, 2])
@op_settings
@given(seed=seeds, dtype=float_dtypes)
def test_tril_triu(device, diagonal, seed, dtype):
    (a,) = randn(seed, (2, 3, 4))
    check_op(
        lambda lib, x: lib.tril(x, diagonal) + lib.triu(x, diagonal), a, device=device, dtype=dtype
    )
    check_op(lambda lib, x: lib.triu(x[0], diagonal=diagonal), a, device=device, dtype=dtype)


SORTS = {
    "sort": lambda lib, x: lib.sort(x),
    "sort_dim0_descending": lambda lib, x: lib.sort(x, dim=0, descending=True),
    "argsort": lambda lib, x: lib.argsort(x, dim=1) if x.ndim > 1 else lib.argsort(x),
    "argsort_descending": lambda lib, x: lib.argsort(x, descending=True),
    "topk": lambda lib, x: lib.topk(x, 2) if x.shape[-1] >= 2 else lib.topk(x, 1),
    "topk_smallest_dim0": lambda lib, x: lib.topk(x, 1, dim=0, largest=False),
}


@pytest.mark.parametrize("name", SORTS)
@op_settings
@given(shape=shapes.filter(lambda s: len(s) >= 1), seed=seeds, dtype=float_dtypes)
def test_sorting(device, name, shape, seed, dtype):
    (a,) = randn(seed, shape)
    check_op(SORTS[name], a, device=device, dtype=dtype)


def test_sort_ties_and_integers(device):
    a = np.array([2, 1, 2, 1, 3])
    for fn in (SORTS["sort"], lambda lib, x: lib.sort(x, stable=True, descending=True)):
        check_torch(fn, a, device=device)
    out = minitorch.sort(minitorch.tensor([3.0, 1.0], device=device))
    assert out.values.tolist() == [1.0, 3.0] and out.indices.tolist() == [1, 0]


def test_topk_k_out_of_range(device):
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        minitorch.topk(minitorch.ones(3, device=device), 4)


@pytest.mark.parametrize("dim", [0, 1, -1])
@op_settings
@given(seed=seeds, dtype=float_dtypes)
def test_scatter(device, dim, seed, dtype):
    rng = np.random.default_rng(seed)
    a, big_src = randn(seed, (3, 4), (3, 4))
    # an index of shape (2, 3) with distinct targets along dim (repeats make scatter ambiguous)
    if dim == 0:
        idx = np.stack([rng.permutation(3)[:2] for _ in range(3)], axis=1)
    else:
        idx = np.stack([rng.permutation(4)[:3] for _ in range(2)], axis=0)
    src = big_src[: idx.shape[0], : idx.shape[1]].copy()

    def fn(lib, x, s):
        i = lib.tensor(idx, device=x.device)
        return lib.scatter(x, dim, i, s) + lib.scatter(x, dim, i, value=2.5)

    check_op(fn, a, src, device=device, dtype=dtype)
    check_op(
        lambda lib, x, s: lib.scatter_add(x, dim, lib.tensor(idx, device=x.device), s),
        a,
        src,
        device=device,
        dtype=dtype,
    )
    # src larger than index: PyTorch's backward refuses it, so only values are compared
    check_torch(fn, a, big_src, device=device, grad=False)
    check_grad(fn, a, big_src, device=device, second=False)


def test_scatter_add_accumulates_repeats(device):
    def fn(lib, x, s):
        return lib.scatter_add(x, 1, lib.tensor([[1, 1, 1], [0, 2, 0]], device=x.device), s)

    check_torch(fn, np.zeros((2, 4)), np.arange(6.0).reshape(2, 3), device=device)


def test_one_hot_with_scatter(device):
    labels = minitorch.tensor([[2], [0]], device=device)
    out = minitorch.scatter(minitorch.zeros(2, 3, device=device), 1, labels, value=1.0)
    assert out.tolist() == [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    assert_on(device, out)
