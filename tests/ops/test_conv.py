"""conv1d / conv2d / conv_transpose against PyTorch, finite differences, and error texts."""

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minitorch
from minitorch.ops.conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d

from .helpers import check_grad, check_torch, op_settings, randn


def _conv2d(lib, x, w, b=None, **kw):
    return (
        lib.nn.functional.conv2d(x, w, b, **kw) if lib is not minitorch else conv2d(x, w, b, **kw)
    )


def _conv1d(lib, x, w, b=None, **kw):
    return (
        lib.nn.functional.conv1d(x, w, b, **kw) if lib is not minitorch else conv1d(x, w, b, **kw)
    )


def _tconv2d(lib, x, w, b=None, **kw):
    f = conv_transpose2d if lib is minitorch else lib.nn.functional.conv_transpose2d
    return f(x, w, b, **kw)


def _tconv1d(lib, x, w, b=None, **kw):
    f = conv_transpose1d if lib is minitorch else lib.nn.functional.conv_transpose1d
    return f(x, w, b, **kw)


CONV2D_CASES = [
    # x shape, w shape, kwargs: each opens a branch (stride 1 input grad as a conv, strided
    # col2im, groups, dilation, 'same' with an even kernel, 1x1 kernels, padding > reach)
    ((2, 3, 7, 6), (4, 3, 3, 3), {}),
    ((2, 3, 7, 6), (4, 3, 3, 2), {"padding": 1}),
    (
        (2, 4, 9, 8),
        (6, 2, 3, 3),
        {"padding": (2, 1), "stride": (2, 3), "dilation": (2, 1), "groups": 2},
    ),
    ((2, 4, 9, 8), (4, 1, 2, 4), {"padding": "same", "dilation": (2, 1), "groups": 4}),
    ((2, 4, 6, 5), (4, 4, 2, 4), {"padding": "same"}),
    ((2, 4, 6, 5), (3, 4, 3, 3), {"padding": "valid", "stride": 2}),
    ((2, 4, 6, 5), (4, 4, 1, 1), {"stride": 2}),
    ((1, 2, 4, 4), (3, 2, 3, 3), {"padding": 3}),
    ((2, 6, 5, 5), (6, 2, 3, 3), {"padding": 1, "groups": 3, "dilation": 2}),
]


@pytest.mark.parametrize("xs, ws, kw", CONV2D_CASES)
@pytest.mark.parametrize("bias", [True, False])
def test_conv2d_matches_torch(xs, ws, kw, bias, device):
    x, w, b = randn(len(str(xs)) + len(kw), xs, ws, (ws[0],))
    args = (x, w, b) if bias else (x, w)
    check_torch(lambda lib, *t: _conv2d(lib, *t, **kw), *args, device=device)


@pytest.mark.parametrize(
    "xs, ws, kw",
    [
        ((2, 4, 9), (6, 2, 3), {"padding": 2, "stride": 2, "groups": 2}),
        ((2, 4, 9), (6, 4, 3), {"padding": "same", "dilation": 3}),
        ((4, 7), (2, 4, 2), {}),
    ],
)
def test_conv1d_matches_torch(xs, ws, kw, device):
    x, w, b = randn(1, xs, ws, (ws[0],))
    check_torch(lambda lib, *t: _conv1d(lib, *t, **kw), x, w, b, device=device)


TCONV_CASES = [
    ((2, 4, 5, 6), (4, 3, 3, 3), {}),
    (
        (2, 4, 5, 6),
        (4, 3, 3, 2),
        {
            "stride": (2, 3),
            "padding": (1, 0),
            "output_padding": (1, 2),
            "dilation": (1, 2),
            "groups": 2,
        },
    ),
    ((2, 4, 5, 6), (4, 3, 3, 2), {"padding": 1, "dilation": 2, "groups": 2}),
    ((2, 3, 4, 4), (3, 2, 4, 4), {"stride": 2, "padding": 1}),
]


@pytest.mark.parametrize("xs, ws, kw", TCONV_CASES)
def test_conv_transpose2d_matches_torch(xs, ws, kw, device):
    groups = kw.get("groups", 1)
    x, w, b = randn(3, xs, ws, (ws[1] * groups,))
    check_torch(lambda lib, *t: _tconv2d(lib, *t, **kw), x, w, b, device=device)


def test_conv_transpose1d_matches_torch(device):
    x, w, b = randn(4, (2, 4, 5), (4, 3, 3), (3,))
    kw = {"stride": 2, "padding": 1, "output_padding": 1}
    check_torch(lambda lib, *t: _tconv1d(lib, *t, **kw), x, w, b, device=device)


def _same_or_both_fail(fn, *arrays):
    """Compare with PyTorch; where PyTorch rejects the geometry, minitorch must reject it too."""
    torch = pytest.importorskip("torch")
    try:
        fn(torch, *(torch.tensor(a) for a in arrays))
    except RuntimeError:
        with pytest.raises(RuntimeError):
            fn(minitorch, *(minitorch.tensor(a) for a in arrays))
        return
    check_torch(fn, *arrays, device="cpu")


@op_settings
@given(
    seed=st.integers(0, 2**32 - 1),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    dilation=st.integers(1, 2),
    groups=st.sampled_from([1, 2]),
    kernel=st.tuples(st.integers(1, 3), st.integers(1, 3)),
)
def test_conv2d_geometry_property(seed, stride, padding, dilation, groups, kernel):
    size = dilation * (max(kernel) - 1) + 2
    x, w, b = randn(seed, (2, 2 * groups, size, size + 1), (2 * groups, 2, *kernel), (2 * groups,))
    kw = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    _same_or_both_fail(lambda lib, *t: _conv2d(lib, *t, **kw), x, w, b)
    tkw = {**kw, "output_padding": max(stride, dilation) - 1}
    _same_or_both_fail(lambda lib, *t: _tconv2d(lib, *t, **tkw), x, w, b)


@pytest.mark.parametrize(
    "fn, shapes",
    [
        (lambda x, w, b: conv2d(x, w, b, padding=1, groups=2), [(1, 2, 4, 3), (2, 1, 2, 2), (2,)]),
        (
            lambda x, w, b: conv2d(x, w, b, stride=2, dilation=(1, 2)),
            [(1, 2, 5, 5), (2, 2, 2, 2), (2,)],
        ),
        (lambda x, w, b: conv1d(x, w, b, padding="same"), [(2, 2, 4), (3, 2, 2), (3,)]),
        (
            lambda x, w, b: conv_transpose2d(x, w, b, stride=2, output_padding=1),
            [(1, 2, 3, 2), (2, 1, 2, 2), (1,)],
        ),
    ],
)
def test_conv_gradcheck(fn, shapes, device):
    arrays = randn(5, *shapes)
    check_grad(lambda lib, *t: fn(*t), *arrays, device=device, second=False)


def test_float32_stays_float32(device):
    x, w, b = randn(6, (2, 3, 5, 5), (4, 3, 3, 3), (4,), dtype=np.float32)
    xs = [minitorch.tensor(a, device=device, requires_grad=True) for a in (x, w, b)]
    out = conv2d(*xs, padding=1)
    out.sum().backward()
    assert out.dtype == minitorch.float32
    assert all(t.grad.dtype == minitorch.float32 for t in xs)


def test_input_grad_skipped_when_not_needed():
    x, w = randn(7, (1, 2, 4, 4), (3, 2, 3, 3))
    xt, wt = minitorch.tensor(x), minitorch.tensor(w, requires_grad=True)
    conv2d(xt, wt).sum().backward()
    assert xt.grad is None and wt.grad is not None


ERRORS = [
    (lambda x, w: conv2d(x[:, :2], w), "expected input[2, 2, 5, 5] to have 3 channels, but got 2"),
    (
        lambda x, w: conv2d(x[:, :, :2, :2], w),
        "Kernel size can't be greater than actual input size",
    ),
    (lambda x, w: conv2d(x.double(), w), "expected scalar type Float but found Double"),
    (
        lambda x, w: conv2d(x, w, minitorch.zeros(4)),
        "expected bias to be 1-dimensional with 3 elements",
    ),
    (lambda x, w: conv2d(x, w, stride=2, padding="same"), "not supported for strided convolutions"),
    (lambda x, w: conv2d(x, w, padding="foo"), "Invalid padding string: 'foo'"),
    (lambda x, w: conv2d(x, w, stride=0), "non-positive stride is not supported"),
    (lambda x, w: conv2d(x, w, padding=-1), "negative padding is not supported"),
    (lambda x, w: conv2d(x, w, groups=2), "expected weight to be divisible by 2 at dimension 0"),
    (lambda x, w: conv2d(x[0, 0], w), "Expected 3D (unbatched) or 4D (batched) input to conv2d"),
    (lambda x, w: conv_transpose2d(x, w[:2]), "expected input[2, 3, 5, 5] to have 2 channels"),
    (
        lambda x, w: conv_transpose2d(x, w, stride=2, output_padding=2),
        "output padding must be smaller",
    ),
]


@pytest.mark.parametrize("call, message", ERRORS)
def test_errors_name_the_problem(call, message):
    x, w = minitorch.randn(2, 3, 5, 5), minitorch.randn(3, 3, 3, 3)
    with pytest.raises(RuntimeError, match=re.escape(message)):
        call(x, w)


def test_device_mismatch_raises(sim_cuda):
    x, w = minitorch.randn(1, 1, 3, 3), minitorch.randn(1, 1, 2, 2, device=sim_cuda)
    with pytest.raises(RuntimeError, match="same device"):
        conv2d(x, w)


@pytest.mark.parametrize("chunk_bytes", [1, 3000])
def test_im2col_in_several_chunks(chunk_bytes, monkeypatch, device):
    """Batches larger than one im2col chunk (one sample per chunk, or a few) give the same."""
    from minitorch.ops import conv as conv_ops

    monkeypatch.setattr(conv_ops, "_CHUNK_BYTES", chunk_bytes)
    x, w, w2, wt, b = randn(9, (5, 4, 6, 5), (6, 2, 3, 3), (6, 4, 2, 3), (4, 3, 3, 3), (6,))
    check_torch(lambda lib, *t: _conv2d(lib, *t, padding=1, groups=2), x, w, b, device=device)
    check_torch(lambda lib, *t: _conv2d(lib, *t, stride=2), x, w2, b, device=device)
    check_torch(lambda lib, *t: _tconv2d(lib, *t, stride=2), x, wt, b[:3], device=device)


@pytest.mark.parametrize("stride, padding", [(1, 0), (2, 0), (1, 1)])
def test_pointwise_conv_uses_the_input_as_im2col(stride, padding, device):
    x, w, b = randn(10, (3, 4, 5, 6), (7, 4, 1, 1), (7,))
    kw = {"stride": stride, "padding": padding}
    check_torch(lambda lib, *t: _conv2d(lib, *t, **kw), x, w, b, device=device)


@pytest.mark.parametrize("stride", [1, 2])
def test_empty_batch(stride, device):
    """A batch of 0 samples gives empty outputs and zero weight and bias gradients."""
    x, w, b = randn(11, (0, 3, 5, 5), (4, 3, 3, 3), (4,))
    check_torch(lambda lib, *t: _conv2d(lib, *t, stride=stride, padding=1), x, w, b, device=device)
    wt = randn(12, (3, 4, 3, 3))[0]
    check_torch(lambda lib, *t: _tconv2d(lib, *t, stride=stride), x, wt, b, device=device)
