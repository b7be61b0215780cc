"""The simulated cupy module: device arrays stay device arrays, and host/device mixing fails."""

import numpy as np
import pytest
import simcupy as cp


def is_device(x) -> bool:
    return type(x) is cp.ndarray


@pytest.fixture
def a():
    return cp.asarray([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]], dtype=np.float32)


@pytest.fixture
def two_gpus(monkeypatch):
    monkeypatch.setattr(cp.runtime, "device_count", 2)


@pytest.mark.parametrize(
    "op",
    [
        lambda a: a + 1,
        lambda a: 2.5 * a,
        lambda a: a * a,
        lambda a: -a,
        lambda a: abs(a),
        lambda a: a**2,
        lambda a: a / a,
        lambda a: a > 0,
        lambda a: a == a,
        lambda a: np.exp(a),
        lambda a: cp.exp(a),
        lambda a: cp.log(abs(a)),
        lambda a: cp.maximum(a, 0),
        lambda a: cp.where(a > 0, a, 0.0),
        lambda a: a.sum(axis=0),
        lambda a: a.max(axis=1, keepdims=True),
        lambda a: cp.argmax(a, axis=1),
        lambda a: a.cumsum(),
        lambda a: a.clip(0, 2),
        lambda a: a.T.reshape(3, 2),
        lambda a: a.astype(np.float64),
        lambda a: cp.moveaxis(a, 0, 1),
        lambda a: cp.expand_dims(a, 0).squeeze(0),
        lambda a: cp.broadcast_to(a[0], (4, 3)),
        lambda a: cp.pad(a, ((1, 1), (0, 0))),
        lambda a: cp.ascontiguousarray(a.T),
        lambda a: cp.take_along_axis(a, cp.argmax(a, axis=1, keepdims=True), axis=1),
        lambda a: cp.stack([a, a]),
        lambda a: cp.sort(a),
        lambda a: a.nonzero()[0],
    ],
)
def test_ops_keep_device_arrays(a, op):
    assert is_device(op(a))


@pytest.mark.parametrize(
    "reduce",
    [
        lambda a: a.sum(),
        lambda a: a.mean(),
        lambda a: a.max(),
        lambda a: a.std(),
        lambda a: a.argmax(),
        lambda a: a.argmin(),
        lambda a: (a > 0).all(),
        lambda a: cp.sum(a),
        lambda a: np.sum(a),
        lambda a: a[0].dot(a[1]),
        lambda a: a[0] @ a[1],
        lambda a: a[1, 2],
        lambda a: a[0][1],
        lambda a: a.take(4),
        lambda a: cp.exp(1.0),
    ],
)
def test_full_reductions_and_scalar_picks_are_0d_device_arrays(a, reduce):
    result = reduce(a)
    assert is_device(result) and result.ndim == 0


def test_0d_results_convert_like_cupy(a):
    assert float(a.sum()) == 5.0
    assert int(a.argmax()) == 4
    assert a[0, 0].item() == 1.0
    assert a.tolist() == [[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]]


def test_indexing_stays_on_device(a):
    for picked in (a[1], a[:, 1:], a[None], a[..., 0], a[a > 0], a[cp.asarray([1, 0])]):
        assert is_device(picked)
    assert is_device(a[np.array([1, 0])])  # host index arrays are fine: cupy copies them over
    assert all(is_device(x) for x in a[0])


@pytest.mark.parametrize(
    "mix",
    [
        lambda a, h: a + h,
        lambda a, h: h + a,
        lambda a, h: a * np.array(2.0, dtype=np.float32),
        lambda a, h: a == h,
        lambda a, h: cp.maximum(a, h),
        lambda a, h: cp.exp(h),
        lambda a, h: np.add(a, h, out=h),
        lambda a, h: cp.where(a > 0, h, a),
        lambda a, h: cp.concatenate([a, h]),
        lambda a, h: cp.matmul(a, h.T),
        lambda a, h: a.dot(h.T),
        lambda a, h: cp.zeros_like(h),
        lambda a, h: a.__setitem__(slice(None), h),
        lambda a, h: cp.add(a, [1.0, 2.0, 3.0]),
    ],
)
def test_mixing_host_ndarray_raises_type_error(a, mix):
    host = np.ones((2, 3), dtype=np.float32)
    with pytest.raises(TypeError):
        mix(a, host)


def test_scalars_mix_freely_and_keep_float32(a):
    assert (a * 0.5).dtype == np.float32
    assert is_device(np.float32(2) * a) and (np.float32(2) * a).dtype == np.float32
    a[0, 0] = np.array(7.0)  # a 0-d host array is a scalar to cupy's fill()
    assert a[0, 0].item() == 7.0


def test_asnumpy_and_get_give_plain_host_copies(a):
    for host in (cp.asnumpy(a), a.get()):
        assert type(host) is np.ndarray
        host[0, 0] = 100.0
        assert a[0, 0].item() == 1.0
    assert type(cp.asnumpy([1, 2])) is np.ndarray


def test_asarray_copies_host_data_and_returns_device_arrays_as_is(a):
    host = np.zeros(3)
    device = cp.asarray(host)
    host[0] = 1.0
    assert is_device(device) and device[0].item() == 0.0
    assert cp.asarray(a) is a
    assert cp.asarray(a, dtype=np.float64).dtype == np.float64
    assert cp.array(a) is not a
    assert is_device(cp.asarray([[1, 2], [3, 4]]))


@pytest.mark.parametrize(
    "make",
    [
        lambda: cp.zeros((2, 3), dtype=np.float32),
        lambda: cp.ones(3),
        lambda: cp.empty((2,)),
        lambda: cp.full((2, 2), 3.0),
        lambda: cp.arange(5),
        lambda: cp.eye(3),
        lambda: cp.zeros_like(cp.ones(3)),
        lambda: cp.ndarray((2, 3), dtype=np.float32),
        lambda: cp.random.default_rng(0).standard_normal((2, 3), dtype=np.float32),
        lambda: cp.random.RandomState(0).randn(2, 3),
        lambda: cp.random.rand(2),
    ],
)
def test_creation_functions_make_device_arrays(make):
    assert is_device(make())


def test_in_place_ops_return_the_callers_array(a):
    alias = a
    a += 1
    assert a is alias
    out = cp.empty_like(a)
    assert cp.exp(a, out=out) is out


def test_sliding_window_view_is_a_device_view():
    x = cp.arange(12, dtype=np.float32).reshape(3, 4)
    windows = cp.lib.stride_tricks.sliding_window_view(x, (2, 2))
    assert is_device(windows) and windows.shape == (2, 3, 2, 2)
    np.testing.assert_array_equal(
        windows.get(), np.lib.stride_tricks.sliding_window_view(x.get(), (2, 2))
    )
    x[0, 0] = -1.0
    assert windows[0, 0, 0, 0].item() == -1.0


def test_as_strided_is_a_device_view():
    x = cp.arange(6, dtype=np.float32)
    pairs = cp.lib.stride_tricks.as_strided(x, shape=(5, 2), strides=(4, 4))
    assert is_device(pairs)
    assert pairs.tolist()[:2] == [[0.0, 1.0], [1.0, 2.0]]


def test_add_at_accumulates_repeated_indices():
    x = cp.zeros(4, dtype=np.float32)
    cp.add.at(x, np.array([0, 0, 2]), cp.ones(3, dtype=np.float32))
    assert is_device(x)
    assert x.tolist() == [2.0, 0.0, 1.0, 0.0]


def test_ufunc_methods_cupy_lacks_raise():
    with pytest.raises(NotImplementedError):
        cp.multiply.at(cp.ones(3), [0], 2.0)
    with pytest.raises(NotImplementedError):
        cp.maximum.reduce(cp.ones(3))
    with pytest.raises(TypeError):  # CUDA atomics: no scatter_add for int64
        cp.add.at(cp.zeros(3, dtype=np.int64), [0], 1)
    with pytest.raises(TypeError):
        cp.add.at(cp.zeros(3, dtype=np.float32), [0], np.ones(1, dtype=np.float32))
    assert is_device(cp.add.reduce(cp.ones(3)))


def test_numpy_only_names_are_missing():
    with pytest.raises(AttributeError):
        cp.errstate  # noqa: B018
    with pytest.raises(AttributeError):
        cp.__path__  # noqa: B018


def test_linear_algebra_matches_numpy(a):
    b = cp.asarray(np.arange(12, dtype=np.float32).reshape(3, 4))
    host_a, host_b = a.get(), b.get()
    cases = [
        (cp.matmul(a, b), host_a @ host_b),
        (a @ b, host_a @ host_b),
        (cp.tensordot(a, b, axes=([1], [0])), np.tensordot(host_a, host_b, axes=([1], [0]))),
        (cp.einsum("ij,jk->ik", a, b), np.einsum("ij,jk->ik", host_a, host_b)),
        (cp.concatenate([a, a], axis=1), np.concatenate([host_a, host_a], axis=1)),
    ]
    for got, want in cases:
        assert is_device(got)
        np.testing.assert_allclose(got.get(), want)


def test_device_and_cuda_namespace(a):
    assert a.device.id == 0 and a.device == cp.cuda.Device(0)
    assert cp.cuda.runtime.getDeviceCount() == 1
    assert cp.is_available() and cp.cuda.is_available()
    assert cp.get_array_module(a) is cp and cp.get_array_module(np.ones(1)) is np
    with cp.cuda.Device(0) as device:
        assert device.id == 0
    with pytest.raises(cp.cuda.runtime.CUDARuntimeError):
        cp.cuda.Device(1).use()


def test_a_second_gpu_keeps_its_arrays(two_gpus, a):
    with cp.cuda.Device(1):
        b = cp.ones(3, dtype=np.float32)
        assert (b + 1).device.id == 1 and b.sum().device.id == 1
        with pytest.raises(ValueError):
            a[0] + b
    assert cp.cuda.Device().id == 0
    assert b[1:].device.id == 1 and b.get().tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(ValueError):  # a kernel runs on the current device, not the array's
        b * 2


def test_host_conversion_is_not_preventable_but_visible(a):
    # The known hole: numpy.asarray strips the subclass. The result is a host array, so the
    # core's device checks (and any later op mixing it with device arrays) catch it.
    host = np.asarray(a)
    assert type(host) is np.ndarray
    with pytest.raises(TypeError):
        host + a
