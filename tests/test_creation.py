"""Tests for minitorch/creation.py: factories infer dtypes like PyTorch and honour dtype, device and
requires_grad."""

import numpy as np
import pytest

import minitorch
from minitorch import backend


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def host(t):
    return backend.to_host(t.array)


def dtype_name(t) -> str:
    return str(t.dtype).split(".")[-1]


def on(t, device) -> bool:
    """The tensor lives on ``device`` and its array really is that device's kind of array."""
    if device.type == "cpu":
        return t.device.type == "cpu" and type(t.array) is np.ndarray
    return t.device.type == device.type and isinstance(t.array, backend._cupy.ndarray)


INFERENCE_CASES = [
    [1, 2],
    [1.0, 2],
    [True, False],
    3,
    2.5,
    True,
    [[1, 2], [3, 4]],
    [],
    [[]],
    [1, 2.5],
    np.array([1, 2], dtype=np.int32),
    np.array([1.0], dtype=np.float64),
    np.array([1.0], dtype=np.float16),
    np.array([1, 2], dtype=np.uint8),
    np.float64(2.0),
    np.float32(2.0),
    np.int32(7),
    np.bool_(True),
    # numpy scalars and arrays inside lists keep their dtype, promoted with the other leaves
    [np.float64(1.0), 2.0],
    [np.float32(1.0)],
    [np.int32(1)],
    [np.int32(1), 2],
    [np.float16(1.0), 2],
    [True, np.int8(3)],
    [np.bool_(True), 2.0],
    [[np.float64(1.0)], [2.0]],
    [np.array([1, 2], dtype=np.int16), [3, 4]],
    ([1, 2], [3.5, 4]),
]


@pytest.mark.parametrize("data", INFERENCE_CASES, ids=repr)
def test_tensor_infers_dtype_and_shape_like_torch(data, torch):
    t, ref = minitorch.tensor(data), torch.tensor(data)
    assert dtype_name(t) == dtype_name(ref)
    assert tuple(t.shape) == tuple(ref.shape)
    np.testing.assert_array_equal(host(t), ref.numpy())


def test_default_dtype_governs_python_floats(torch):
    minitorch.set_default_dtype(minitorch.float64)
    try:
        assert minitorch.tensor([1.0]).dtype == minitorch.float64
        assert minitorch.zeros(1).dtype == minitorch.float64
        assert minitorch.arange(0.0, 1.0).dtype == minitorch.float64
        assert (minitorch.tensor([1]) + 1.5).dtype == minitorch.float64
        assert minitorch.tensor([1]).dtype == minitorch.int64
    finally:
        minitorch.set_default_dtype(minitorch.float32)
    assert minitorch.tensor([1.0]).dtype == minitorch.float32
    with pytest.raises(TypeError, match="floating-point"):
        minitorch.set_default_dtype(minitorch.int64)


def test_tensor_rejects_what_torch_rejects():
    with pytest.raises(TypeError):
        minitorch.tensor("abc")
    with pytest.raises(ValueError):
        minitorch.tensor([[1, 2], [3]])
    with pytest.raises(TypeError, match="uint16"):
        minitorch.tensor(np.zeros(2, np.uint16))


def test_tensor_of_tensors_and_copy_semantics():
    a = minitorch.tensor([1.0, 2.0])
    b = minitorch.tensor(a)
    b.add_(1)
    np.testing.assert_array_equal(host(a), [1.0, 2.0])
    assert minitorch.tensor([minitorch.tensor(1.0), minitorch.tensor(2.0)]).tolist() == [1.0, 2.0]
    source = np.zeros(2)
    minitorch.tensor(source).add_(1)
    assert source.tolist() == [0.0, 0.0]


def test_tensor_of_grad_tensor_is_a_detached_leaf():
    x = minitorch.ones(2, requires_grad=True)
    y = minitorch.tensor(x * 2)
    assert y.is_leaf and not y.requires_grad


def test_from_numpy_and_as_tensor_share_memory():
    a = np.zeros(3, dtype=np.float32)
    minitorch.from_numpy(a).add_(1)
    minitorch.as_tensor(a)[0] = 5
    assert a.tolist() == [5.0, 1.0, 1.0]
    t = minitorch.ones(2)
    assert minitorch.as_tensor(t) is t
    assert minitorch.as_tensor(a, dtype=minitorch.float64).dtype == minitorch.float64
    assert a.dtype == np.float32
    with pytest.raises(TypeError):
        minitorch.from_numpy([1, 2])


def test_from_numpy_keeps_dtype(torch):
    for dt in (np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64, np.uint8):
        a = np.zeros(2, dtype=dt)
        assert dtype_name(minitorch.from_numpy(a)) == dtype_name(torch.from_numpy(a))


@pytest.mark.parametrize(
    "make",
    [
        lambda L: L.zeros(2, 3),
        lambda L: L.zeros((2, 3)),
        lambda L: L.zeros([2, 3]),
        lambda L: L.zeros(()),
        lambda L: L.zeros(0),
        lambda L: L.zeros(size=(2, 3)),
        lambda L: L.ones(size=[4], dtype=L.float64),
        lambda L: L.rand(size=(2, 3)) * 0,
        lambda L: L.ones(2, 3, dtype=L.int32),
        lambda L: L.full((2,), 3),
        lambda L: L.full((2,), 3.0),
        lambda L: L.full((2,), True),
        lambda L: L.full((2, 2), 1.5, dtype=L.float64),
        lambda L: L.arange(5),
        lambda L: L.arange(1, 4, dtype=L.float32),
        lambda L: L.arange(0.0, 1.0, 0.25),
        lambda L: L.arange(5, 0, -2),
        lambda L: L.linspace(0, 1, 5),
        lambda L: L.linspace(-1, 1, 4, dtype=L.float64),
        lambda L: L.eye(3),
        lambda L: L.eye(2, 3, dtype=L.int64),
        lambda L: L.zeros_like(L.ones(2, dtype=L.int32)),
        lambda L: L.ones_like(L.ones(2), dtype=L.float64),
        lambda L: L.full_like(L.ones(2, dtype=L.int64), 2.7),
        lambda L: L.empty(2, 3).fill_(0),
    ],
)
def test_factories_match_torch(make, torch):
    t, ref = make(minitorch), make(torch)
    assert dtype_name(t) == dtype_name(ref)
    assert tuple(t.shape) == tuple(ref.shape)
    np.testing.assert_allclose(host(t), ref.numpy(), rtol=1e-6)


FACTORIES = {
    "tensor": lambda **kw: minitorch.tensor([1.0, 2.0], **kw),
    "as_tensor": lambda **kw: minitorch.as_tensor([1.0, 2.0], **kw),
    "zeros": lambda **kw: minitorch.zeros(2, 3, **kw),
    "ones": lambda **kw: minitorch.ones(2, 3, **kw),
    "empty": lambda **kw: minitorch.empty(2, 3, **kw),
    "full": lambda **kw: minitorch.full((2, 3), 0.5, **kw),
    "arange": lambda **kw: minitorch.arange(0.0, 3.0, **kw),
    "linspace": lambda **kw: minitorch.linspace(0, 1, 5, **kw),
    "eye": lambda **kw: minitorch.eye(3, **kw),
    "rand": lambda **kw: minitorch.rand(2, 3, **kw),
    "randn": lambda **kw: minitorch.randn(2, 3, **kw),
    "randint": lambda **kw: minitorch.randint(0, 5, (4,), **kw),
    "randperm": lambda **kw: minitorch.randperm(5, **kw),
    "zeros_like": lambda **kw: minitorch.zeros_like(minitorch.ones(2), **kw),
    "ones_like": lambda **kw: minitorch.ones_like(minitorch.ones(2), **kw),
    "full_like": lambda **kw: minitorch.full_like(minitorch.ones(2), 3.0, **kw),
    "empty_like": lambda **kw: minitorch.empty_like(minitorch.ones(2), **kw),
}


@pytest.mark.parametrize("name", FACTORIES)
def test_factory_device_argument(name, device):
    t = FACTORIES[name](device=device)
    assert on(t, device)
    assert on(t * 2, device)


@pytest.mark.parametrize("name", FACTORIES)
def test_factory_device_as_string(name, device):
    assert on(FACTORIES[name](device=str(device)), device)


@pytest.mark.parametrize("name", sorted(set(FACTORIES) - {"randint", "randperm", "as_tensor"}))
def test_factory_requires_grad(name, device):
    t = FACTORIES[name](device=device, requires_grad=True)
    assert t.requires_grad and t.is_leaf
    t.sum().backward()
    assert on(t.grad, device)


def test_like_factories_follow_their_input(device):
    src = minitorch.ones(2, 3, dtype=minitorch.float64, device=device)
    for fn in (minitorch.zeros_like, minitorch.ones_like, minitorch.empty_like):
        t = fn(src)
        assert t.shape == src.shape and t.dtype == minitorch.float64 and on(t, device)
    assert not minitorch.zeros_like(src.requires_grad_()).requires_grad


def test_requires_grad_needs_a_float_dtype():
    with pytest.raises(RuntimeError, match="floating point"):
        minitorch.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="floating point"):
        minitorch.zeros(2, dtype=minitorch.int64, requires_grad=True)


def test_bad_sizes_and_arguments_raise():
    with pytest.raises(RuntimeError, match="negative dimension"):
        minitorch.zeros(2, -1)
    with pytest.raises(RuntimeError, match="step must be nonzero"):
        minitorch.arange(0, 5, 0)
    with pytest.raises(NotImplementedError, match="int64"):
        minitorch.rand(2, dtype=minitorch.int64)
    with pytest.raises(NotImplementedError, match="int32"):
        minitorch.randn(2, dtype=minitorch.int32)


def test_random_factories_ranges_and_dtypes():
    minitorch.manual_seed(0)
    u = host(minitorch.rand(10_000))
    assert u.dtype == np.float32 and 0.0 <= u.min() and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 0.02
    n = host(minitorch.randn(10_000, dtype=minitorch.float64))
    assert n.dtype == np.float64 and abs(n.mean()) < 0.05 and abs(n.std() - 1.0) < 0.05
    r = host(minitorch.randint(3, 7, (1000,)))
    assert r.dtype == np.int64 and set(r.tolist()) == {3, 4, 5, 6}
    assert minitorch.randint(5, (3,)).shape == (3,)
    assert minitorch.randint(0, 5, (2,), dtype=minitorch.float32).dtype == minitorch.float32
    assert sorted(minitorch.randperm(20).tolist()) == list(range(20))


def test_random_factories_on_device_draw_the_same_numbers_as_on_cpu(device):
    minitorch.manual_seed(3)
    a = minitorch.randn(5, device=device)
    minitorch.manual_seed(3)
    b = minitorch.randn(5)
    assert on(a, device)
    np.testing.assert_array_equal(host(a), host(b))


def test_normal_bernoulli_multinomial(device):
    minitorch.manual_seed(0)
    mean = minitorch.zeros(1000, device=device)
    z = minitorch.normal(mean, 2.0)
    assert on(z, device) and abs(float(host(z).std()) - 2.0) < 0.2
    p = minitorch.full((1000,), 0.25, device=device)
    b = minitorch.bernoulli(p)
    assert on(b, device) and set(host(b).tolist()) <= {0.0, 1.0}
    assert abs(float(host(b).mean()) - 0.25) < 0.05
    w = minitorch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 1.0]], device=device)
    m = minitorch.multinomial(w, 1)
    assert on(m, device) and m.dtype == minitorch.int64 and m.shape == (2, 1)
    assert host(m)[0, 0] == 1 and host(m)[1, 0] in (0, 2)
    draw = minitorch.multinomial(minitorch.ones(4), 4)
    assert sorted(draw.tolist()) == [0, 1, 2, 3]


def test_set_default_device_moves_factories_and_none_restores_cpu(sim_cuda):
    assert minitorch.get_default_device() == minitorch.device("cpu")
    minitorch.set_default_device("cuda")
    try:
        assert minitorch.get_default_device() == minitorch.device("cuda", 0)
        for t in (
            minitorch.zeros(2),
            minitorch.randn(2),
            minitorch.tensor([1.0]),
            minitorch.arange(3),
            minitorch.FloatTensor(2).cuda(),
        ):
            assert t.device.type == "cuda"
        assert minitorch.zeros(2, device="cpu").device.type == "cpu"
    finally:
        minitorch.set_default_device(None)
    assert minitorch.zeros(1).device.type == "cpu"


def test_set_default_device_rejects_unknown_devices():
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda"):
        minitorch.set_default_device("mps")
    assert minitorch.get_default_device().type == "cpu"
