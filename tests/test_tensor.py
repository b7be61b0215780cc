"""Tests for minitorch/tensor.py: the Tensor's attributes, conversions, printing and errors, as a
PyTorch user expects them, on cpu and on the simulated GPU."""

import numpy as np
import pytest

import minitorch
from minitorch import backend


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def host(t):
    return backend.to_host(t.array)


def on(t, device) -> bool:
    if device.type == "cpu":
        return t.device.type == "cpu" and type(t.array) is np.ndarray
    return t.device.type == device.type and isinstance(t.array, backend._cupy.ndarray)


# --- attributes ----------------------------------------------------------------------------------
def test_attributes(device):
    t = minitorch.zeros(2, 3, 4, device=device)
    assert t.shape == (2, 3, 4) and isinstance(t.shape, minitorch.Size)
    assert t.size() == (2, 3, 4) and t.size(1) == 3 and t.size(-1) == 4
    assert t.dim() == t.ndim == 3 and t.numel() == t.nelement() == 24
    assert t.dtype == minitorch.float32 and t.element_size() == 4
    assert (
        t.is_floating_point() and not minitorch.zeros(1, dtype=minitorch.int64).is_floating_point()
    )
    assert t.is_contiguous() and not t.transpose(0, 2).is_contiguous()
    assert t.is_leaf and not t.requires_grad and t.grad is None and t.grad_fn is None
    assert t.is_cuda == (device.type == "cuda")
    assert len(t) == 2
    with pytest.raises(IndexError, match=r"range of \[-3, 2\], but got 3"):
        t.size(3)


def test_size_prints_like_torch(torch):
    assert repr(minitorch.zeros(2, 3).shape) == repr(torch.zeros(2, 3).shape).replace(
        "torch", "minitorch"
    )
    assert minitorch.Size([2, 3]).numel() == 6


def test_legacy_constructor():
    assert minitorch.Tensor(2, 3).shape == (2, 3)
    t = minitorch.Tensor([1, 2])
    assert t.dtype == minitorch.float32 and t.tolist() == [1.0, 2.0]


def test_is_tensor_and_hash():
    t = minitorch.ones(2)
    assert minitorch.is_tensor(t) and not minitorch.is_tensor([1.0])
    assert {t: 1}[t] == 1


# --- conversions to Python and numpy --------------------------------------------------------------
def test_item_and_scalar_conversions(device, torch):
    for value in (2.5, 3, True):
        t, ref = minitorch.tensor(value, device=device), torch.tensor(value)
        assert t.item() == ref.item() and type(t.item()) is type(ref.item())
    t = minitorch.tensor([2.7], device=device)
    assert float(t) == pytest.approx(2.7) and int(t) == 2 and bool(t)
    assert f"{minitorch.tensor(2.5, device=device):.2f}" == "2.50"
    assert [0, 1, 2][minitorch.tensor(1, device=device)] == 1
    with pytest.raises(RuntimeError, match="4 elements cannot be converted to Scalar"):
        minitorch.ones(2, 2, device=device).item()
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(minitorch.ones(2, device=device))
    with pytest.raises(TypeError, match="only integer tensors"):
        [0, 1][minitorch.tensor(1.0, device=device)]


def test_tolist_matches_torch(device, torch):
    for data in ([[1.5, 2.0], [3.0, 4.0]], 3, [True, False], [[1, 2]]):
        t, ref = minitorch.tensor(data, device=device), torch.tensor(data)
        assert t.tolist() == ref.tolist()
        assert type(np.ravel(t.tolist())[0].item()) is type(np.ravel(ref.tolist())[0].item())


def test_numpy_shares_memory_on_cpu():
    t = minitorch.zeros(2)
    a = t.numpy()
    a[0] = 9
    assert t.tolist() == [9.0, 0.0]
    assert np.asarray(t).tolist() == [9.0, 0.0]
    assert np.asarray(t, dtype=np.float64).dtype == np.float64


def test_numpy_refuses_grad_and_device_tensors(device):
    with pytest.raises(RuntimeError, match=r"requires grad. Use tensor.detach\(\).numpy\(\)"):
        minitorch.ones(2, device=device, requires_grad=True).numpy()
    t = minitorch.ones(2, device=device)
    if device.type == "cuda":
        with pytest.raises(TypeError, match="cuda:0 device type tensor to numpy.*Tensor.cpu"):
            t.numpy()
    else:
        assert t.numpy().tolist() == [1.0, 1.0]
    assert type(t.cpu().numpy()) is np.ndarray
    assert t.numpy(force=True).tolist() == [1.0, 1.0]


def test_iteration_and_len(device):
    t = minitorch.tensor([[1, 2], [3, 4]], device=device)
    rows = list(t)
    assert len(rows) == 2 and rows[1].tolist() == [3, 4] and on(rows[0], device)
    with pytest.raises(TypeError, match="0-d"):
        len(minitorch.tensor(1.0, device=device))
    with pytest.raises(TypeError, match="0-d"):
        iter(minitorch.tensor(1.0, device=device))


# --- .to() and friends ---------------------------------------------------------------------------
def test_to_forms(device):
    x = minitorch.tensor([[1.5, 2.0], [3.0, -4.0]])
    assert x.to(minitorch.float32) is x and x.to("cpu") is x and x.to(minitorch.device("cpu")) is x
    assert x.to(minitorch.float32, copy=True) is not x
    assert x.to(minitorch.float64).dtype == minitorch.float64
    assert x.to(dtype=minitorch.int64).tolist() == [[1, 2], [3, -4]]
    y = x.to(device)
    assert on(y, device) and y.dtype == minitorch.float32
    z = x.to(device, minitorch.float16)
    assert on(z, device) and z.dtype == minitorch.float16
    w = x.to(device=str(device), dtype=minitorch.float64)
    assert on(w, device) and w.dtype == minitorch.float64
    other = minitorch.ones(1, dtype=minitorch.int32, device=device)
    v = x.to(other)
    assert on(v, device) and v.dtype == minitorch.int32
    assert on(y.cpu(), minitorch.device("cpu")) and y.cpu().tolist() == x.tolist()
    with pytest.raises(TypeError, match="invalid argument"):
        x.to(5)
    with pytest.raises(TypeError, match="unexpected keyword"):
        x.to(dtype=minitorch.float64, layout=None)


def test_cuda_method(sim_cuda):
    x = minitorch.ones(2)
    for y in (x.cuda(), x.cuda(0), x.cuda("cuda:0")):
        assert on(y, sim_cuda) and y.device == minitorch.device("cuda:0")


@pytest.mark.parametrize(
    "method, dtype",
    [
        ("float", "float32"),
        ("double", "float64"),
        ("half", "float16"),
        ("long", "int64"),
        ("int", "int32"),
        ("short", "int16"),
        ("byte", "uint8"),
        ("bool", "bool"),
    ],
)
def test_dtype_methods(method, dtype, device, torch):
    data = [0.0, 1.5, 2.0]
    t = getattr(minitorch.tensor(data, device=device), method)()
    ref = getattr(torch.tensor(data), method)()
    assert t.dtype.name == dtype and on(t, device)
    assert t.tolist() == ref.tolist()


def test_to_is_differentiable_across_dtypes_and_devices(device):
    x = minitorch.ones(2, requires_grad=True)
    y = x.to(device).double()
    (y * y).sum().backward()
    assert on(x.grad, minitorch.device("cpu")) and x.grad.dtype == minitorch.float32
    assert x.grad.tolist() == [2.0, 2.0]


def test_type_and_type_as():
    x = minitorch.ones(2)
    assert x.type() == "minitorch.FloatTensor"  # torch: "torch.FloatTensor"
    assert x.type(minitorch.int64).dtype == minitorch.int64
    assert x.type_as(minitorch.ones(1, dtype=minitorch.float64)).dtype == minitorch.float64


# --- detach, clone, data, requires_grad_, new_* ---------------------------------------------------
def test_detach_shares_memory_and_cuts_history(device):
    x = minitorch.ones(2, device=device, requires_grad=True)
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.grad_fn is None and on(d, device)
    d[0] = 7.0
    assert y.tolist() == [7.0, 2.0]


def test_clone_copies_and_keeps_history(device):
    x = minitorch.ones(2, device=device, requires_grad=True)
    c = x.clone()
    assert c.grad_fn is not None and on(c, device)
    with minitorch.no_grad():
        c[0] = 5.0
    assert x.tolist() == [1.0, 1.0]
    (c * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_data_is_a_detached_alias(device):
    x = minitorch.ones(2, device=device, requires_grad=True)
    d = x.data
    assert not d.requires_grad and d.is_leaf
    d.mul_(3)
    assert x.tolist() == [3.0, 3.0]
    x.data = minitorch.zeros(2, device=device)
    assert x.tolist() == [0.0, 0.0] and x.requires_grad


def test_requires_grad_(device):
    x = minitorch.ones(2, device=device)
    assert x.requires_grad_() is x and x.requires_grad
    x.requires_grad_(False)
    assert not x.requires_grad
    with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf variables"):
        (minitorch.ones(2, requires_grad=True) * 2).requires_grad_(False)
    with pytest.raises(RuntimeError, match="floating point"):
        minitorch.ones(2, dtype=minitorch.int64).requires_grad_()


def test_new_factories_follow_the_tensor(device, torch):
    x = minitorch.ones(2, dtype=minitorch.float64, device=device)
    tx = torch.ones(2, dtype=torch.float64)
    for make in (
        lambda t: t.new_zeros(3),
        lambda t: t.new_ones((2, 2)),
        lambda t: t.new_full((2,), 3.0),
        lambda t: t.new_tensor([1, 2]),
        lambda t: t.new_empty(4).fill_(1),
    ):
        t, ref = make(x), make(tx)
        assert on(t, device) and t.dtype == minitorch.float64
        assert t.tolist() == ref.tolist()


# --- printing ------------------------------------------------------------------------------------
REPR_CASES = {
    "int matrix": lambda L: L.tensor([[1, 2], [3, 4]]),
    "0-d float": lambda L: L.tensor(0.5),
    "floats": lambda L: L.tensor([1.5, -2.25, 3.0]),
    "int32": lambda L: L.tensor([1, 2], dtype=L.int32),
    "float64": lambda L: L.tensor([1.0, 2.0], dtype=L.float64),
    "float16": lambda L: L.tensor([1.0, 2.0], dtype=L.float16),
    "bool": lambda L: L.tensor([True, False]),
    "uint8": lambda L: L.tensor([1, 2], dtype=L.uint8),
    "requires_grad": lambda L: L.tensor([1.0, 2.0], requires_grad=True),
    "float64 requires_grad": lambda L: L.tensor([1.0], dtype=L.float64, requires_grad=True),
    "mul": lambda L: L.tensor([1.0, 2.0], requires_grad=True) * 2,
    "add": lambda L: L.tensor([1.0, 2.0], requires_grad=True) + 2,
    "sub": lambda L: L.ones(2, requires_grad=True) - 1,
    "div": lambda L: L.ones(2, requires_grad=True) / 3,
    "neg": lambda L: -L.ones(2, requires_grad=True),
    "pow": lambda L: L.ones(2, requires_grad=True) ** 2,
    "sum": lambda L: L.tensor([1.0, 2.0], requires_grad=True).sum(),
    "mean": lambda L: L.tensor([1.0, 2.0], requires_grad=True).mean(),
    "exp float64": lambda L: L.tensor([1.0, 2.0], dtype=L.float64, requires_grad=True).exp(),
    "log": lambda L: L.ones(2, requires_grad=True).log(),
    "relu": lambda L: L.ones(2, requires_grad=True).relu(),
    "sigmoid": lambda L: L.ones(2, requires_grad=True).sigmoid(),
    "tanh": lambda L: L.ones(2, requires_grad=True).tanh(),
    "view": lambda L: L.ones(2, 2, requires_grad=True).view(4),
    "reshape": lambda L: L.ones(2, 2, requires_grad=True).reshape(4),
    "permute": lambda L: L.ones(1, 2, requires_grad=True).permute(1, 0),
    "expand": lambda L: L.ones(1, 2, requires_grad=True).expand(3, 2),
    "cat": lambda L: L.cat([L.ones(2, requires_grad=True), L.ones(2)]),
    "stack": lambda L: L.stack([L.ones(2, requires_grad=True), L.ones(2)]),
    "softmax": lambda L: L.ones(2, requires_grad=True).softmax(0),
    "log_softmax": lambda L: L.ones(2, requires_grad=True).log_softmax(0),
    "clone": lambda L: L.ones(2, requires_grad=True).clone(),
    "abs": lambda L: L.ones(2, requires_grad=True).abs(),
    "where": lambda L: L.where(L.ones(2) > 0, L.ones(2, requires_grad=True), 0.0),
    "large": lambda L: L.arange(0.0, 1000.0),
    "scientific": lambda L: L.tensor([1e-8, 1.0, 1e8]),
    "empty": lambda L: L.zeros(0),
    "empty 2-d": lambda L: L.zeros(2, 0),
    "inf and nan": lambda L: L.tensor([float("inf"), float("nan"), 1.0]),
    "0-d int64": lambda L: L.tensor(5),
    "0-d bool": lambda L: L.tensor(True),
}


@pytest.mark.parametrize("case", REPR_CASES)
def test_repr_matches_torch(case, torch):
    make = REPR_CASES[case]
    assert repr(make(minitorch)).replace("minitorch.", "torch.") == repr(make(torch))


def test_repr_on_device_names_it(device):
    t = minitorch.ones(2, device=device, requires_grad=True) * 2
    suffix = "" if device.type == "cpu" else ", device='cuda:0'"
    assert repr(t) == f"tensor([2., 2.]{suffix}, grad_fn=<MulBackward0>)"
    assert str(t) == repr(t)


# --- mixing devices and errors at the call site --------------------------------------------------
MIXED_OPS = {
    "add": lambda a, b: a + b,
    "radd": lambda a, b: b + a,
    "mul": lambda a, b: a * b,
    "matmul": lambda a, b: a @ b,
    "maximum": lambda a, b: minitorch.maximum(a, b),
    "cat": lambda a, b: minitorch.cat([a, b]),
    "stack": lambda a, b: minitorch.stack([a, b]),
    "where": lambda a, b: minitorch.where(a > 0, a, b),
    "copy_ keeps the destination device": None,
}


@pytest.mark.parametrize("op", [k for k, v in MIXED_OPS.items() if v is not None])
def test_mixing_devices_raises_naming_both(op, sim_cuda):
    a = minitorch.ones(2, device=sim_cuda)
    b = minitorch.ones(2)
    with pytest.raises(RuntimeError, match=r"same device.*(cuda:0 and cpu|cpu and cuda:0)"):
        MIXED_OPS[op](a, b)


def test_copy_between_devices_is_allowed(sim_cuda):
    a = minitorch.zeros(2, device=sim_cuda)
    a.copy_(minitorch.tensor([1.0, 2.0]))
    assert on(a, sim_cuda) and a.tolist() == [1.0, 2.0]
    b = minitorch.zeros(2)
    b.copy_(a)
    assert on(b, minitorch.device("cpu")) and b.tolist() == [1.0, 2.0]


def test_scalars_mix_with_any_device(device):
    t = minitorch.ones(2, device=device)
    for out in (t + 1, 2.5 * t, t / 2, t**2, t > 0, np.float32(2) * t):
        assert on(out, device)


def test_matmul_shape_error_names_both_shapes(device, torch):
    a, b = minitorch.ones(2, 3, device=device), minitorch.ones(4, 5, device=device)
    with pytest.raises(RuntimeError) as err:
        a @ b
    with pytest.raises(RuntimeError) as ref:
        torch.ones(2, 3) @ torch.ones(4, 5)
    assert (
        str(err.value)
        == str(ref.value)
        == ("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)")
    )
    with pytest.raises(RuntimeError, match="both arguments to matmul need to be at least 1D"):
        minitorch.ones((), device=device) @ minitorch.ones(3, device=device)


def test_broadcast_error_names_both_sizes(device, torch):
    with pytest.raises(RuntimeError) as err:
        minitorch.ones(2, 3, device=device) + minitorch.ones(4, device=device)
    with pytest.raises(RuntimeError) as ref:
        torch.ones(2, 3) + torch.ones(4)
    assert str(err.value) == str(ref.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda L, t: t.sum(2),
        lambda L, t: t.mean(-3),
        lambda L, t: t.softmax(2),
        lambda L, t: t.unsqueeze(3),
        lambda L, t: t.transpose(0, 5),
        lambda L, t: t.size(2),
        lambda L, t: L.cat([t, t], 2),
        lambda L, t: t.max(dim=2),
        lambda L, t: t.argmax(dim=-3),
    ],
)
def test_bad_dim_raises_index_error_like_torch(call, device, torch):
    with pytest.raises(IndexError) as err:
        call(minitorch, minitorch.ones(2, 3, device=device))
    with pytest.raises(IndexError) as ref:
        call(torch, torch.ones(2, 3))
    assert str(err.value) == str(ref.value)


def test_index_out_of_range(device):
    with pytest.raises(IndexError, match="index 2 is out of bounds for dimension 0 with size 2"):
        minitorch.ones(2, 3, device=device)[2]


def test_view_errors_like_torch(device, torch):
    for make in (
        lambda L, dev: L.ones(2, 3, **dev).t().view(6),
        lambda L, dev: L.ones(2, 3, **dev).view(4),
    ):
        with pytest.raises(RuntimeError) as err:
            make(minitorch, {"device": device})
        with pytest.raises(RuntimeError) as ref:
            make(torch, {})
        assert str(err.value) == str(ref.value)
    assert minitorch.ones(2, 3, device=device).t().reshape(6).shape == (6,)


def test_invalid_inplace_cast_is_a_runtime_error(device, torch):
    with pytest.raises(RuntimeError) as err:
        minitorch.ones(2, dtype=minitorch.int64, device=device).add_(1.5)
    with pytest.raises(RuntimeError) as ref:
        torch.ones(2, dtype=torch.int64).add_(1.5)
    assert str(err.value) == str(ref.value)


def test_methods_for_sorting_scattering_and_moving_dims_match_torch(device, torch):
    data = [[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]]
    ours = minitorch.tensor(data, device=device)
    theirs = torch.tensor(data)
    checks = [
        lambda lib, x: x.to(float),
        lambda lib, x: x.flip(0, 1),
        lambda lib, x: x.topk(2).values,
        lambda lib, x: x.sort(1, descending=True).indices,
        lambda lib, x: x.argsort(0),
        lambda lib, x: x.tril(),
        lambda lib, x: x.triu(1),
        lambda lib, x: x.nonzero(),
        lambda lib, x: x.softmax(1, dtype=lib.float64),
        lambda lib, x: x.log_softmax(0),
        lambda lib, x: x.movedim(0, 1),
        lambda lib, x: x.scatter(1, lib.tensor([[0], [2]], device=x.device), 9.0),
        lambda lib, x: x.scatter_add(1, lib.tensor([[0], [0]], device=x.device), x[:, :1]),
        lambda lib, x: x.clone().scatter_(0, lib.tensor([[1, 0, 1]], device=x.device), -1.0),
    ]
    for check in checks:
        a, b = check(minitorch, ours), check(torch, theirs)
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
        assert a.device == ours.device
        np.testing.assert_allclose(a.cpu().numpy(), b.numpy(), rtol=1e-6)
