"""Shape ops (minitorch/ops/shape.py): views, permutations, broadcasting, joining, splitting."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minitorch

from .helpers import assert_on, check_op, check_torch, float_dtypes, on, op_settings, randn, shapes


def _dim(data, nd):
    """A dim of an ``nd``-d tensor (0-d tensors take 0 and -1), possibly negative."""
    n = max(nd, 1)
    return data.draw(st.integers(-n, n - 1))


def shape_op(name, data, shape):
    """The shape op ``name`` with arguments drawn to fit ``shape``, as fn(lib, x)."""
    nd = len(shape)
    if name == "reshape":
        return lambda lib, x: x.reshape(shape[::-1])
    if name == "reshape_column":
        return lambda lib, x: lib.reshape(x, (-1, 1))
    if name == "view":
        return lambda lib, x: x.view(-1) if nd % 2 else x.view((1, *shape))
    if name == "flatten":
        d = _dim(data, nd)
        return lambda lib, x: lib.flatten(x, start_dim=d) if nd else x.flatten()
    if name == "unflatten":
        return lambda lib, x: x.unflatten(0, (1, shape[0], 1)) if nd else x.reshape(1)
    if name == "unsqueeze":
        d = data.draw(st.integers(-nd - 1, nd))
        return lambda lib, x: x.unsqueeze(d)
    if name == "squeeze":
        d = _dim(data, nd)
        return lambda lib, x: lib.squeeze(x, d) + x.squeeze().sum()
    if name == "transpose":
        d0, d1 = _dim(data, nd), _dim(data, nd)
        return lambda lib, x: x.transpose(d0, d1)
    if name == "permute":
        p = tuple(data.draw(st.permutations(range(nd))))
        return lambda lib, x: x.permute(*p) if p else lib.permute(x, p)
    if name == "t":
        return lambda lib, x: x.t() if nd <= 2 else x.mT
    if name == "T":
        return lambda lib, x: x.T if nd != 3 else x.permute(2, 1, 0)
    if name == "expand":
        return lambda lib, x: x.expand(2, *[3 if s == 1 else -1 for s in shape])
    if name == "expand_as":
        return lambda lib, x: x.expand_as(lib.zeros(2, *shape, device=x.device))
    if name == "broadcast_to":
        return lambda lib, x: x.broadcast_to((3, *shape))
    if name == "repeat":
        reps = data.draw(st.lists(st.integers(1, 2), min_size=nd, max_size=nd + 1)) or [2]
        return lambda lib, x: x.repeat(*reps)
    if name == "flip":
        dims = data.draw(st.lists(st.integers(-max(nd, 1), max(nd, 1) - 1), max_size=nd))
        dims = list({d % max(nd, 1): d for d in dims}.values())  # each dim once
        return lambda lib, x: x.flip(dims)
    if not nd:  # the ops below need a dim with a size
        return lambda lib, x: x.clone()
    d = _dim(data, nd)
    if name == "narrow":
        return lambda lib, x: x.narrow(d, shape[d] - 1, 1)
    if name == "split":
        n = data.draw(st.integers(1, 3))
        return lambda lib, x: x.split(n, d)
    if name == "split_sizes":
        return lambda lib, x: lib.split(x, [1, shape[d] - 1], dim=d)
    if name == "chunk":
        n = data.draw(st.integers(1, 4))
        return lambda lib, x: x.chunk(n, d)
    if name == "unbind":
        return lambda lib, x: x.unbind(d)
    if name == "contiguous":
        return lambda lib, x: x.mT.contiguous() if nd >= 2 else x.contiguous()
    raise ValueError(name)


SHAPE_OPS = (
    "reshape reshape_column view flatten unflatten unsqueeze squeeze transpose permute t T "
    "expand expand_as broadcast_to repeat flip narrow split split_sizes chunk unbind contiguous"
).split()


@pytest.mark.parametrize("name", SHAPE_OPS)
@op_settings
@given(data=st.data(), shape=shapes, dtype=float_dtypes)
def test_shape_op(device, name, data, shape, dtype):
    (a,) = randn(0, shape)
    check_op(shape_op(name, data, shape), a, device=device, dtype=dtype)


@pytest.mark.parametrize("name", SHAPE_OPS)
@given(data=st.data())
def test_integer_tensors_keep_dtype(device, name, data):
    a = np.arange(6).reshape(2, 3)
    check_torch(shape_op(name, data, a.shape), a, device=device, grad=False)


def _join_shapes(data, n):
    """``n`` shapes equal except along ``dim``, and that dim."""
    base = data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    dim = data.draw(st.integers(-len(base), len(base) - 1))
    sizes = data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    return [tuple(s if i != dim % len(base) else k for i, s in enumerate(base)) for k in sizes], dim


@op_settings
@given(data=st.data(), n=st.integers(1, 3), dtype=float_dtypes)
def test_cat(device, data, n, dtype):
    shapes_, dim = _join_shapes(data, n)
    arrays = randn(1, *shapes_)
    check_op(lambda lib, *xs: lib.cat(xs, dim), *arrays, device=device, dtype=dtype)
    check_op(lambda lib, *xs: lib.cat(list(xs), dim=dim), *arrays, device=device, dtype=dtype)


@op_settings
@given(shape=shapes, n=st.integers(1, 3), data=st.data(), dtype=float_dtypes)
def test_stack(device, shape, n, data, dtype):
    dim = data.draw(st.integers(-len(shape) - 1, len(shape)))
    arrays = randn(2, *[shape] * n)
    check_op(lambda lib, *xs: lib.stack(xs, dim), *arrays, device=device, dtype=dtype)


def test_cat_and_stack_promote_dtypes(device):
    ints, floats = np.array([1, 2]), np.array([0.5, 1.5], dtype=np.float32)
    check_torch(lambda lib, a, b: lib.cat([a, b]), ints, floats, device=device)
    check_torch(lambda lib, a, b: lib.stack([a, b]), ints, floats, device=device)
    check_torch(lambda lib, a, b: lib.cat([a, b]), floats, floats.astype(np.float64), device=device)


def test_cat_skips_empty_1d_tensors(device):
    check_torch(lambda lib, a, e: lib.cat([a, e, a], 1), np.ones((2, 3)), np.ones(0), device=device)


def test_views_share_memory_and_version(device):
    (leaf,) = on(device, np.arange(6.0))
    x = leaf * 1
    for view in (x.view(2, 3), x.reshape(3, 2), x.unsqueeze(0), x.expand(2, 6), x[None].mT, x[1:]):
        before = float(view.sum())
        x.add_(1)
        assert view._version == x._version
        assert float(view.sum()) == before + view.numel()


def test_view_of_non_contiguous_raises(device):
    x = minitorch.ones(2, 3, device=device).t()
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        x.view(6)
    assert x.reshape(6).shape == (6,)


def test_view_errors_on_shapes(device):
    x = minitorch.ones(2, 3, device=device)
    with pytest.raises(RuntimeError, match=r"shape '\[4, 2\]' is invalid for input of size 6"):
        x.view(4, 2)
    with pytest.raises(RuntimeError, match="only one dimension can be inferred"):
        x.view(-1, -1)


ERRORS = [
    (lambda lib, x: x.permute(0, 0), RuntimeError, "duplicate dims"),
    (lambda lib, x: x.permute(0), RuntimeError, "number of dimensions"),
    (lambda lib, x: x.expand(3, 3), RuntimeError, r"expanded size of the tensor \(3\) must match"),
    (lambda lib, x: x.expand(2), RuntimeError, "the number of sizes provided"),
    (lambda lib, x: lib.cat([x, lib.ones(2, 4)]), RuntimeError, "Expected size 3 but got size 4"),
    (lambda lib, x: lib.cat([x, lib.ones(3)]), RuntimeError, "same number of dimensions"),
    (lambda lib, x: lib.cat([]), ValueError, "expected a non-empty list of Tensors"),
    (lambda lib, x: lib.stack([x, lib.ones(2, 4)]), RuntimeError, r"at entry 0 and \[2, 4\]"),
    (lambda lib, x: lib.stack([]), RuntimeError, "non-empty TensorList"),
    (lambda lib, x: x.squeeze(2), IndexError, "Dimension out of range"),
    (lambda lib, x: x.transpose(0, 2), IndexError, "Dimension out of range"),
    (lambda lib, x: x.unsqueeze(3), IndexError, "Dimension out of range"),
    (lambda lib, x: lib.ones(2, 2, 2).t(), RuntimeError, "expects a tensor with <= 2 dimensions"),
    (lambda lib, x: x.unflatten(1, (2, 2)), RuntimeError, "don't multiply up to the size of dim 1"),
    (lambda lib, x: x.flatten(1, 0), RuntimeError, "start_dim cannot come after end_dim"),
    (lambda lib, x: x.narrow(1, 2, 2), RuntimeError, r"start \(2\) \+ length \(2\) exceeds"),
    (lambda lib, x: x.split([1, 2]), RuntimeError, "split_sizes to sum exactly to 2"),
    (lambda lib, x: x.split(0), RuntimeError, "split_size can only be 0"),
    (lambda lib, x: x.chunk(0), RuntimeError, "chunks` to be greater than 0"),
    (lambda lib, x: x.repeat(2), RuntimeError, "repeat dims can not be smaller"),
    (lambda lib, x: lib.ones(0, 3).view(-1, 0), RuntimeError, "ambiguous"),
]


@pytest.mark.parametrize("fn, error, message", ERRORS)
def test_errors_match_torch(device, fn, error, message):
    torch = pytest.importorskip("torch")
    with pytest.raises(error, match=message):
        fn(torch, torch.ones(2, 3))

    class OnDevice:  # minitorch with factories on ``device``
        def __getattr__(self, name):
            f = getattr(minitorch, name)
            return (lambda *s: f(*s, device=device)) if name in ("ones", "zeros") else f

    with pytest.raises(error, match=message):
        fn(OnDevice(), minitorch.ones(2, 3, device=device))


def test_zero_dim_inputs(device):
    a = np.array(5.0)
    for fn in (
        lambda lib, x: x.flatten(),
        lambda lib, x: x.unsqueeze(0),
        lambda lib, x: x.squeeze(0),
        lambda lib, x: x.expand(2, 3),
        lambda lib, x: x.reshape(1, 1),
        lambda lib, x: x.t(),
        lambda lib, x: x.transpose(0, -1),
        lambda lib, x: x.flip(0),
        lambda lib, x: x.view(-1),
        lambda lib, x: x.permute(()),
    ):
        check_torch(fn, a, device=device)


def test_outputs_stay_on_device(device):
    (x,) = on(device, np.ones((2, 3)))
    outs = [x.view(3, 2), x.t(), x.expand(4, 2, 3), *x.split(1), minitorch.cat([x, x]), x.flip(0)]
    sum(o.sum() for o in outs).backward()
    assert_on(device, *outs, x.grad)


@pytest.mark.parametrize(
    "source, destination", [(0, 2), (-1, 0), ((0, 1), (2, 0)), ([2], [1]), ((0, 1, 2), (1, 2, 0))]
)
def test_movedim(device, source, destination):
    (a,) = randn(0, (2, 3, 4))
    check_op(lambda lib, x: lib.movedim(x, source, destination), a, device=device, dtype=np.float32)
    check_op(
        lambda lib, x: lib.moveaxis(x, source, destination), a, device=device, dtype=np.float32
    )


def test_broadcast_to_function(device):
    check_op(
        lambda lib, x: lib.broadcast_to(x, (2, 3)), np.ones(3), device=device, dtype=np.float32
    )


def test_split_and_unbind_pieces_are_views(device):
    x = minitorch.zeros(2, 4, device=device)
    a, b = x.split(2, dim=1)
    first, _ = x.unbind(0)
    a.add_(1.0)
    first[3].fill_(5.0)
    x.unbind(1)[0].sub_(2.0)
    assert x.tolist() == [[-1.0, 1.0, 0.0, 5.0], [-1.0, 1.0, 0.0, 0.0]]
    assert b._version == x._version == 3


def test_unused_pieces_get_zero_gradient(device):
    check_torch(lambda lib, x: x.chunk(3, 1)[1] * 2, np.ones((2, 6)), device=device)
    check_torch(lambda lib, x: x.unbind(0)[1].exp(), np.ones((3, 2)), device=device)
