"""assert_close against torch.testing.assert_close: same pass/fail, exception type and message."""

import re

import numpy as np
import pytest

import minitorch
from minitorch.testing import assert_allclose, assert_close

torch = pytest.importorskip("torch")

nan, inf = float("nan"), float("inf")


def _pair(lib, spec):
    """Build one input from a library-neutral spec: ("t", data, dtype) is a tensor."""
    if isinstance(spec, tuple) and spec and spec[0] == "t":
        _, data, dtype = spec
        return lib.tensor(data, dtype=getattr(lib, dtype))
    if isinstance(spec, list):
        return [_pair(lib, s) for s in spec]
    if isinstance(spec, dict):
        return {k: _pair(lib, v) for k, v in spec.items()}
    return spec


CASES = [
    (("t", [1.0, 2.0, 3.0], "float32"), ("t", [1.0, 2.5, 3.1], "float32"), {}),
    (("t", [1.0, 2.0, 3.0], "float32"), ("t", [1.0, 2.0, 3.0], "float32"), {}),
    (("t", [1.0, 2.0], "float32"), ("t", [1.0, 2.0], "float64"), {}),
    (("t", [1.0, 2.0], "float32"), ("t", [1.0, 2.0001], "float64"), {"check_dtype": False}),
    (("t", [1.0, 2.0, 3.0], "float32"), ("t", [1.0, 2.0], "float32"), {}),
    (("t", [1, 2, 3], "int64"), ("t", [1, 2, 4], "int64"), {}),
    (("t", [1, 2], "int32"), ("t", [1, 3], "int64"), {"check_dtype": False}),
    (("t", [True], "bool"), ("t", [False], "bool"), {}),
    (("t", 1.0, "float32"), ("t", 2.0, "float32"), {}),
    (("t", [[1.0, 2.0], [3.0, 4.0]], "float32"), ("t", [[1.0, 2.0], [3.0, 5.0]], "float32"), {}),
    (("t", [nan], "float32"), ("t", [nan], "float32"), {}),
    (("t", [nan, 1.0], "float32"), ("t", [nan, 1.0], "float32"), {"equal_nan": True}),
    (("t", inf, "float32"), ("t", -inf, "float32"), {}),
    (("t", [0.0, 1.0], "float64"), ("t", [0.5, 1.0], "float64"), {}),
    (("t", [1.0, 2.0], "float32"), ("t", [1.0, 2.1], "float32"), {"rtol": 0.1, "atol": 0}),
    (("t", [1.0, 2.0], "float32"), ("t", [1.0, 2.1], "float32"), {"rtol": 0, "atol": 0}),
    (("t", [1.0, 2.0], "float16"), ("t", [1.0, 2.001], "float16"), {}),
    (("t", [1.0], "float32"), ("t", [1.1], "float32"), {"msg": "custom"}),
    (("t", [1.0], "float32"), ("t", [1.0], "float32"), {"rtol": 1e-3}),
    (("t", [1.0], "float32"), ("t", [1.0], "float32"), {"atol": 1e-3}),
    (1.0, 1.0 + 1e-8, {}),
    (1.0, 1.1, {}),
    (1, 2, {}),
    (1, 1.0, {}),
    (1, 1.0, {"check_dtype": False}),
    (True, False, {}),
    (None, None, {}),
    (None, 1, {}),
    ([1, 2], [1, 2, 3], {}),
    ({"a": 1}, {"a": 1, "b": 2}, {}),
    ({"c": 1, "a": 2}, {"b": 1, "d": 2}, {}),
    ([{"a": [1, ("t", 2.0, "float32")]}], [{"a": [1, ("t", 3.0, "float32")]}], {}),
    ([("t", 2.0, "float32")], [("t", 3.0, "float32")], {"msg": "custom"}),
    (("t", [1.0], "float32"), 1.0, {}),
    ("a", "a", {}),
]


def _outcome(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001  (the outcome is the exception itself)
        return type(e), str(e)
    return None, ""


@pytest.mark.parametrize("actual, expected, kwargs", CASES)
def test_matches_torch(actual, expected, kwargs):
    ours = _outcome(
        lambda: assert_close(_pair(minitorch, actual), _pair(minitorch, expected), **kwargs)
    )
    theirs = _outcome(
        lambda: torch.testing.assert_close(_pair(torch, actual), _pair(torch, expected), **kwargs)
    )
    assert ours[0] is theirs[0]
    expected_message = re.sub(
        r"\btorch\.", "minitorch.", theirs[1].replace("'torch.Tensor'", "'minitorch.tensor.Tensor'")
    )
    assert ours[1] == expected_message


def test_numpy_arrays_compare_with_their_dtype_tolerances():
    assert_close(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-8]))
    with pytest.raises(AssertionError, match="up to 1e-07 allowed"):
        assert_close(np.array([1.0, 2.0]), np.array([1.0, 2.1]))
    with pytest.raises(TypeError, match="No comparison pair"):
        assert_close(np.array([1.0]), minitorch.tensor([1.0]))


def test_msg_callable_gets_the_message():
    with pytest.raises(AssertionError, match=r"(?s)^<Scalars are not close!.*item \[0\]>$") as info:
        assert_close([minitorch.tensor(2.0)], [minitorch.tensor(3.0)], msg=lambda m: f"<{m}>")
    assert "Expected 3.0 but got 2.0." in str(info.value)


def test_device_mismatch_and_check_device(sim_cuda):
    a, b = minitorch.ones(2), minitorch.ones(2, device="cuda")
    with pytest.raises(AssertionError, match="attribute 'device' do not match: cpu != cuda:0"):
        assert_close(a, b)
    assert_close(a, b, check_device=False)


def test_check_stride():
    a = minitorch.zeros(2, 3, 4)
    b = a.transpose(0, 1).contiguous().transpose(0, 1)
    assert_close(a, b)
    with pytest.raises(
        AssertionError, match=r"'stride\(\)' do not match: \(12, 4, 1\) != \(4, 8, 1\)"
    ):
        assert_close(a, b, check_stride=True)


def test_tensors_requiring_grad_compare_by_value():
    assert_close(minitorch.ones(2, requires_grad=True) * 2, minitorch.full((2,), 2.0))


def test_assert_allclose_is_deprecated_and_loose():
    with pytest.warns(FutureWarning, match="assert_close"):
        assert_allclose(minitorch.tensor([1.0, 2.0]), [1.0, 2.0001])
    with pytest.warns(FutureWarning), pytest.raises(AssertionError, match="not close"):
        assert_allclose(minitorch.tensor([1.0, 2.0]), [1.0, 2.1])
    with pytest.warns(FutureWarning):
        assert_allclose(minitorch.tensor([nan]), [nan])
