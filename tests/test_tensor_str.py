"""Tests for minitorch/_tensor_str.py: the repr text must equal PyTorch's, dtype names aside."""

import contextlib
import importlib.util
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# Load the file itself, so these tests run whatever state the rest of the package is in.
_spec = importlib.util.spec_from_file_location(
    "_tensor_str_under_test", Path(__file__).parents[1] / "minitorch" / "_tensor_str.py"
)
tensor_str = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tensor_str)
tensor_repr = tensor_str.tensor_repr

# numpy's overflow warnings must not leak out of a repr.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

DTYPES = ["float16", "float32", "float64", "int64", "int32", "int16", "int8", "uint8", "bool"]


@pytest.fixture(scope="module")
def torch():
    """PyTorch, laying out its suffixes with minitorch's longer dtype names.

    Whether ``dtype=...`` wraps to a new line depends on its length, so renaming PyTorch's text
    afterwards is not enough: the names are swapped before PyTorch's own layout code runs.
    """
    torch = pytest.importorskip("torch")
    add_suffixes = torch._tensor_str._add_suffixes

    def add_minitorch_suffixes(text, suffixes, indent, force_newline):
        suffixes = [suffix.replace("torch.", "minitorch.") for suffix in suffixes]
        return add_suffixes(text, suffixes, indent, force_newline)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(torch._tensor_str, "_add_suffixes", add_minitorch_suffixes)
        yield torch


@contextlib.contextmanager
def printoptions(torch, **options):
    """Apply the same print options to minitorch and PyTorch, restoring defaults afterwards."""
    tensor_str.set_printoptions(**options)
    torch.set_printoptions(**options)
    try:
        yield
    finally:
        tensor_str.set_printoptions(profile="default")
        torch.set_printoptions(profile="default")


def torch_repr(torch, array, requires_grad=False, grad_fn=False, parameter=False):
    """PyTorch's repr of a tensor holding ``array`` (see the ``torch`` fixture for names)."""
    t = torch.from_numpy(array)
    if parameter:
        t = torch.nn.Parameter(t)
    elif requires_grad or grad_fn:
        t = t.requires_grad_()
        if grad_fn:
            t = t * 1
    return repr(t)


def mine(array, **kwargs):
    return tensor_repr(array, dtype_name=array.dtype.name, **kwargs)


CASES = {
    "scalar float": np.array(0.5, np.float32),
    "scalar whole float": np.array(5.0, np.float32),
    "scalar int": np.array(-7),
    "scalar bool": np.array(True),
    "scalar nan": np.array(np.nan, np.float32),
    "whole floats": np.array([1.0, 2.0, -3.0], np.float32),
    "decimals": np.array([0.5, -1.25, 3.14159], np.float32),
    "float64": np.array([0.1, 0.2], np.float64),
    "float16": np.array([0.1, 65504.0, -2.0], np.float16),
    "sci by ratio": np.array([1.0, 1001.0], np.float32),
    "sci by max": np.array([1e9, 2e9], np.float64),
    "sci by min": np.array([1e-5, 2e-5], np.float32),
    "not sci at ratio 1000": np.array([1.0, 1000.0], np.float32),
    "nan inf": np.array([np.nan, 1.5, -np.inf, np.inf], np.float32),
    "only nonfinite and zeros": np.array([np.nan, 0.0, -np.inf], np.float32),
    "zeros": np.zeros(4, np.float32),
    "negative zero": np.array([-0.0, 0.0, 1.0], np.float32),
    "negative alignment": np.array([[-1.5, 2.0], [300.25, -0.001]], np.float32),
    "ints": np.array([[1, -20], [300, 4]]),
    "int32": np.array([1, 2], np.int32),
    "uint8": np.array([0, 255], np.uint8),
    "int8": np.array([-128, 127], np.int8),
    "int16": np.array([3], np.int16),
    "bools": np.array([[True, False], [False, True]]),
    "3d": np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7,
    "4d": np.arange(16).reshape(2, 2, 2, 2),
    "size-1 dims": np.ones((1, 1, 3), np.float32),
    "long row wraps": np.linspace(-5, 5, 40).astype(np.float32),
    "long int row wraps": np.arange(100),
    "wide matrix wraps": np.arange(60, dtype=np.float64).reshape(2, 30) * 1.5,
    "summarised vector": np.arange(2000),
    "summarised matrix": np.arange(4000, dtype=np.float32).reshape(40, 100) / 3,
    "summarised 3d": np.arange(1200).reshape(12, 10, 10),
    "summarised short axes": np.arange(1001 * 2, dtype=np.float32).reshape(1001, 2),
    "empty": np.zeros(0, np.float32),
    "empty float64": np.zeros(0, np.float64),
    "empty int64": np.zeros(0, np.int64),
    "empty bool": np.zeros((0,), bool),
    "empty 2d": np.zeros((0, 3), np.float32),
    "empty 3d int32": np.zeros((2, 0, 1), np.int32),
}


@pytest.mark.parametrize("name", CASES)
def test_matches_pytorch(torch, name):
    array = CASES[name]
    assert mine(array) == torch_repr(torch, array)


@pytest.mark.parametrize("name", ["scalar float", "decimals", "long row wraps", "empty 2d"])
def test_autograd_suffixes_match_pytorch(torch, name):
    array = CASES[name]
    assert mine(array, requires_grad=True) == torch_repr(torch, array, requires_grad=True)
    expected = torch_repr(torch, array, grad_fn=True)
    assert mine(array, grad_fn="MulBackward0") == expected
    # grad_fn wins over requires_grad, as only leaves show requires_grad=True.
    assert mine(array, requires_grad=True, grad_fn="MulBackward0") == expected


@pytest.mark.parametrize("name", ["decimals", "wide matrix wraps", "3d"])
def test_parameter_prefix_matches_pytorch(torch, name):
    array = CASES[name].astype(np.float32)
    got = mine(array, requires_grad=True, prefix="Parameter containing:\ntensor(")
    assert got == torch_repr(torch, array, parameter=True)


def test_non_default_float_dtype_matches_pytorch(torch):
    torch.set_default_dtype(torch.float64)
    try:
        for array in (CASES["decimals"], CASES["float64"], CASES["empty"], CASES["empty float64"]):
            assert mine(array, default_dtype_name="float64") == torch_repr(torch, array)
    finally:
        torch.set_default_dtype(torch.float32)


OPTIONS = [
    {"precision": 2},
    {"precision": 0},
    {"precision": 8},
    {"sci_mode": True},
    {"sci_mode": False},
    {"threshold": 5},
    {"threshold": 5, "edgeitems": 1},
    {"threshold": 5, "edgeitems": 0},
    {"linewidth": 30},
    {"linewidth": 1},
    {"profile": "short"},
    {"profile": "full"},
    {"profile": "short", "precision": 6},
]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_printoptions_match_pytorch(torch, options):
    with printoptions(torch, **options):
        assert tensor_str.get_printoptions() == torch._tensor_str.get_printoptions()
        for array in CASES.values():
            assert mine(array) == torch_repr(torch, array)
            if array.dtype.kind == "f":
                expected = torch_repr(torch, array, grad_fn=True)
                assert mine(array, grad_fn="MulBackward0") == expected


def test_sci_mode_resets_unless_repeated(torch):
    with printoptions(torch, sci_mode=True):
        tensor_str.set_printoptions(precision=3)
        torch.set_printoptions(precision=3)
        assert tensor_str.get_printoptions() == torch._tensor_str.get_printoptions()
        assert tensor_str.get_printoptions()["sci_mode"] is None


def test_unknown_profile_is_an_error():
    with pytest.raises(ValueError, match="profile"):
        tensor_str.set_printoptions(profile="long")


def test_literal_forms():
    """PyTorch's documented forms, checked without PyTorch installed."""
    assert mine(np.array([1.0, 2.0], np.float32)) == "tensor([1., 2.])"
    assert mine(np.array(0.5, np.float32)) == "tensor(0.5000)"
    assert mine(np.zeros((0, 3), np.float32)) == "tensor([], size=(0, 3))"
    assert mine(np.array([1, 2], np.int32)) == "tensor([1, 2], dtype=minitorch.int32)"
    assert mine(np.array([[1, 2], [3, 4]])) == "tensor([[1, 2],\n        [3, 4]])"
    try:
        tensor_str.set_printoptions(threshold=5)
        assert mine(np.arange(10)) == "tensor([0, 1, 2,  ..., 7, 8, 9])"
    finally:
        tensor_str.set_printoptions(profile="default")


def test_device_suffix():
    """Non-cpu devices are named first, and suffixes wrap to the indent at linewidth."""
    expected = "tensor([1., 2.], device='cuda:0', dtype=minitorch.float64)"
    assert mine(np.array([1.0, 2.0]), device="cuda:0") == expected
    wide = np.arange(8, dtype=np.float32) + 0.5
    assert mine(wide, device="cuda:0", grad_fn="MulBackward0") == (
        "tensor([0.5000, 1.5000, 2.5000, 3.5000, 4.5000, 5.5000, 6.5000, 7.5000],\n"
        "       device='cuda:0', grad_fn=<MulBackward0>)"
    )


def float_elements(dtype):
    """Whole numbers, ordinary decimals, and anything the dtype holds (huge, tiny, nan, inf)."""
    return st.one_of(
        st.integers(-300, 300).map(float),
        st.floats(-10, 10, width=8 * dtype.itemsize),
        hnp.from_dtype(dtype),
    )


@st.composite
def arrays(draw, max_side=4):
    dtype = np.dtype(draw(st.sampled_from(DTYPES)))
    elements = float_elements(dtype) if dtype.kind == "f" else hnp.from_dtype(dtype)
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=max_side))
    return draw(hnp.arrays(dtype, shape, elements=elements))


@settings(max_examples=300, deadline=None)
@given(array=arrays())
def test_random_arrays_match_pytorch(torch, array):
    assert mine(array) == torch_repr(torch, array)


@settings(max_examples=150, deadline=None)
@given(
    array=arrays(max_side=7),
    precision=st.integers(0, 6),
    threshold=st.integers(0, 40),
    edgeitems=st.integers(0, 3),
    linewidth=st.integers(10, 100),
    sci_mode=st.sampled_from([None, True, False]),
)
def test_random_arrays_and_options_match_pytorch(
    torch, array, precision, threshold, edgeitems, linewidth, sci_mode
):
    options = dict(precision=precision, threshold=threshold, edgeitems=edgeitems)
    grad = array.dtype.kind == "f"  # only float tensors can require grad
    with printoptions(torch, linewidth=linewidth, sci_mode=sci_mode, **options):
        expected = torch_repr(torch, array, grad_fn=grad)
        assert mine(array, grad_fn="MulBackward0" if grad else None) == expected
