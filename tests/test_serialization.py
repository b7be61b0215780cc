"""minitorch.save / minitorch.load: round trips, devices, atomic writes, bad and PyTorch files."""

import io
import math
import os
import signal
import sys
import time

import numpy as np
import pytest

import minitorch
from minitorch import backend, optim, serialization

pytest.importorskip("safetensors")

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int8", "uint8", "bool"]


def sample_state_dict(device):
    rng = np.random.default_rng(0)
    sd = {
        f"layer.{i}.{dt}": minitorch.tensor(
            (rng.standard_normal((2, 3)) * 10).astype(dt), device=device
        )
        for i, dt in enumerate(DTYPES)
    }
    sd["scalar"] = minitorch.tensor(3.5, device=device)
    sd["empty"] = minitorch.zeros(0, 4, device=device)
    return sd


def assert_same_tensor(a, b):
    assert isinstance(a, minitorch.Tensor) and a.dtype == b.dtype and a.shape == b.shape
    assert a.device == b.device
    np.testing.assert_array_equal(backend.to_host(a.array), backend.to_host(b.array))


def test_state_dict_round_trip(tmp_path, device):
    sd = sample_state_dict(device)
    path = tmp_path / "model.safetensors"
    minitorch.save(sd, path)
    loaded = minitorch.load(path)
    assert list(loaded) == list(sd)
    for k in sd:
        assert_same_tensor(loaded[k], sd[k])


def checkpoint(device):
    """A checkpoint: model, optimizer (int keys, tuples), scheduler (inf), odds and ends."""
    w = minitorch.tensor([[1.0, 2.0], [3.0, 4.0]], device=device, requires_grad=True)
    b = minitorch.tensor([0.5, -0.5], device=device, requires_grad=True)
    opt = optim.Adam([{"params": [w]}, {"params": [b], "lr": 0.01}], amsgrad=True)
    w.grad, b.grad = minitorch.ones_like(w), minitorch.ones_like(b)
    opt.step()
    sched = optim.lr_scheduler.ReduceLROnPlateau(opt)
    sched.step(1.0)
    return {
        "model": {"w": w.detach(), "b": b.detach()},
        "optim": opt.state_dict(),
        "sched": sched.state_dict(),
        "epoch": 3,
        "history": [1.5, float("nan"), -math.inf, None, True, "text", (1, (2, "x"))],
        "__private": {1.5: "float key", (1, 2): "tuple key", None: 0},
    }


def assert_same_object(a, b):
    if isinstance(b, minitorch.Tensor):
        assert_same_tensor(a, b)
    elif isinstance(b, dict):
        assert type(a) is dict and list(a) == list(b)
        for k in b:
            assert_same_object(a[k], b[k])
    elif isinstance(b, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            assert_same_object(x, y)
    elif isinstance(b, float) and math.isnan(b):
        assert math.isnan(a)
    else:
        assert type(a) is type(b) and a == b


def test_checkpoint_round_trip(tmp_path, device):
    ckpt = checkpoint(device)
    path = tmp_path / "ckpt.pt"
    minitorch.save(ckpt, path)
    loaded = minitorch.load(path)
    assert_same_object(loaded, ckpt)
    assert loaded["optim"]["state"][0]["step"].device == minitorch.device("cpu")


def test_optimizer_resumes_from_loaded_checkpoint(tmp_path, device):
    """Save mid-training, load into fresh objects, continue: the same as never stopping."""

    def train(w, opt, sched, steps):
        for _ in range(steps):
            w.grad = w.detach() * 2.0 - 1.0
            opt.step()
            sched.step()

    def fresh():
        w = minitorch.tensor([1.0, -2.0, 3.0], device=device, requires_grad=True)
        opt = optim.SGD([w], lr=0.1, momentum=0.9, nesterov=True)
        return w, opt, optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)

    w, opt, sched = fresh()
    train(w, opt, sched, 6)

    w1, opt1, sched1 = fresh()
    train(w1, opt1, sched1, 3)
    path = tmp_path / "ckpt.pt"
    minitorch.save(
        {"w": w1.detach(), "optim": opt1.state_dict(), "sched": sched1.state_dict()}, path
    )
    ckpt = minitorch.load(path)
    w2, opt2, sched2 = fresh()
    with minitorch.no_grad():
        w2.copy_(ckpt["w"])
    opt2.load_state_dict(ckpt["optim"])
    sched2.load_state_dict(ckpt["sched"])
    train(w2, opt2, sched2, 3)
    assert_same_tensor(w2.detach(), w.detach())
    assert sched2.get_last_lr() == sched.get_last_lr()


def test_map_location(tmp_path, sim_cuda):
    cpu_path, cuda_path = tmp_path / "cpu.st", tmp_path / "cuda.st"
    minitorch.save({"t": minitorch.arange(3.0)}, cpu_path)
    minitorch.save({"t": minitorch.arange(3.0, device="cuda")}, cuda_path)
    assert minitorch.load(cuda_path)["t"].device.type == "cuda"
    assert minitorch.load(cuda_path, map_location="cpu")["t"].device.type == "cpu"
    assert minitorch.load(cuda_path, map_location={"cuda:0": "cpu"})["t"].device.type == "cpu"
    assert minitorch.load(cpu_path, map_location="cuda")["t"].device.type == "cuda"
    assert minitorch.load(cpu_path, map_location=sim_cuda)["t"].device.type == "cuda"
    assert minitorch.load(cpu_path)["t"].tolist() == [0.0, 1.0, 2.0]
    keep_on_cpu = minitorch.load(cuda_path, map_location=lambda storage, loc: storage)
    assert keep_on_cpu["t"].device.type == "cpu"
    seen = []
    moved = minitorch.load(cpu_path, map_location=lambda t, loc: seen.append(loc) or t.cuda())
    assert moved["t"].device.type == "cuda" and seen == ["cpu"]


def test_cuda_checkpoint_on_cpu_only_machine(tmp_path, sim_cuda, monkeypatch):
    path = tmp_path / "cuda.st"
    minitorch.save({"t": minitorch.ones(2, device="cuda")}, path)
    monkeypatch.setattr(backend, "_cuda_count", 0)
    with pytest.raises(RuntimeError, match="map_location='cpu'"):
        minitorch.load(path)
    assert minitorch.load(path, map_location="cpu")["t"].tolist() == [1.0, 1.0]


def test_file_objects():
    buf = io.BytesIO()
    minitorch.save({"a": minitorch.ones(2), "n": 1}, buf)
    buf.seek(0)
    loaded = minitorch.load(buf)
    assert loaded["a"].tolist() == [1.0, 1.0] and loaded["n"] == 1


def test_shared_tensor_and_requires_grad(tmp_path):
    w = minitorch.tensor([1.0, 2.0], requires_grad=True)
    minitorch.save({"a": w, "b": [w]}, tmp_path / "x")
    loaded = minitorch.load(tmp_path / "x")
    assert loaded["a"] is loaded["b"][0] and loaded["a"].requires_grad and loaded["a"].is_leaf


def test_unsupported_object(tmp_path):
    with pytest.raises(TypeError, match=r"cannot store set \(at model.layers\)"):
        minitorch.save({"model": {"layers": {1, 2}}}, tmp_path / "x")
    assert not os.listdir(tmp_path)


def test_missing_safetensors(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    with pytest.raises(ImportError, match=r"pip install 'minitorch\[io\]'"):
        minitorch.save({}, tmp_path / "x")
    with pytest.raises(ImportError, match=r"pip install 'minitorch\[io\]'"):
        minitorch.load(tmp_path / "x")


# --- a crash mid-save keeps the previous checkpoint ------------------------------------------
def test_failed_write_keeps_old_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.st"
    minitorch.save({"v": minitorch.zeros(1000)}, path)
    real_fdopen = os.fdopen

    class Dies:
        """A file that writes half of what it is given, then fails like a full disk."""

        def __init__(self, f):
            self.f = f

        def write(self, data):
            self.f.write(data[: len(data) // 2])
            raise OSError(28, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.f, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

    monkeypatch.setattr(serialization.os, "fdopen", lambda *a, **k: Dies(real_fdopen(*a, **k)))
    with pytest.raises(OSError, match="No space left"):
        minitorch.save({"v": minitorch.ones(1000)}, path)
    monkeypatch.undo()
    assert minitorch.load(path)["v"].sum().item() == 0.0
    assert os.listdir(tmp_path) == ["ckpt.st"]  # the partial temporary file is gone


def save_forever(path, pipe):
    """(In a forked child.) Save step 1, 2, ..., writing a byte to ``pipe`` as each write begins."""
    fdopen = os.fdopen

    def fdopen_and_tell(*args, **kwargs):
        f = fdopen(*args, **kwargs)
        os.write(pipe, b"o")
        return f

    os.fdopen = fdopen_and_tell
    for i in range(1, 1000):
        minitorch.save({"step": i, "w": minitorch.full((4, 1 << 20), float(i))}, path)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_killed_save_keeps_old_file(tmp_path):
    """SIGKILL a process while it saves 16 MB checkpoints in a loop: the file is always whole."""
    path = tmp_path / "ckpt.st"
    minitorch.save({"step": 0, "w": minitorch.zeros(4, 1 << 20)}, path)
    rng = np.random.default_rng(0)
    killed_mid_save = 0
    for _ in range(4):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                save_forever(path, w)
            finally:
                os._exit(0)
        os.close(w)
        os.read(r, 1)  # the temporary file is open: the write is under way
        time.sleep(rng.uniform(0.0, 0.04))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(r)
        ckpt = minitorch.load(path)
        assert ckpt["w"].shape == (4, 1 << 20)
        assert ckpt["w"].min().item() == ckpt["w"].max().item() == float(ckpt["step"])
        leftovers = [f for f in os.listdir(tmp_path) if f != "ckpt.st"]
        killed_mid_save += bool(leftovers)  # SIGKILL leaves the temporary file behind
        for f in leftovers:
            os.unlink(tmp_path / f)
    assert killed_mid_save > 0


# --- files that are not checkpoints ----------------------------------------------------------
@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "ckpt.st"
    minitorch.save({"w": minitorch.arange(100.0), "epoch": 1}, path)
    return path


def test_truncated_file(saved):
    data = saved.read_bytes()
    for cut in (len(data) - 1, len(data) // 2, 20, 7, 0):
        saved.write_bytes(data[:cut])
        with pytest.raises(RuntimeError, match=str(saved)):
            minitorch.load(saved)


def test_corrupted_data(saved):
    data = bytearray(saved.read_bytes())
    data[-5] ^= 0xFF
    saved.write_bytes(bytes(data))
    with pytest.raises(RuntimeError, match="checksum"):
        minitorch.load(saved)


def test_corrupted_header(saved):
    data = bytearray(saved.read_bytes())
    data[8] = ord("x")
    saved.write_bytes(bytes(data))
    with pytest.raises(RuntimeError, match="not a safetensors checkpoint"):
        minitorch.load(saved)


@pytest.mark.parametrize(
    "content, match",
    [
        (b"hello, this is a text file that is not a checkpoint", "truncated or not a checkpoint"),
        (b"PK\x03\x04" + b"\x00" * 100, "torch.save"),
        (b"\x80\x04\x95" + b"\x00" * 100, "torch.save"),
    ],
)
def test_foreign_file(tmp_path, content, match):
    path = tmp_path / "foreign.bin"
    path.write_bytes(content)
    with pytest.raises(RuntimeError, match=match):
        minitorch.load(path)


# --- files PyTorch wrote -----------------------------------------------------------------------
def test_pytorch_safetensors_file_loads(tmp_path, device):
    torch = pytest.importorskip("torch")
    st_torch = pytest.importorskip("safetensors.torch")
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    model.register_buffer("steps", torch.tensor([7], dtype=torch.int64))
    sd = model.state_dict()
    path = tmp_path / "torch.safetensors"
    st_torch.save_file(sd, str(path))
    loaded = minitorch.load(path, map_location=device)
    assert sorted(loaded) == sorted(sd)
    for k, v in sd.items():
        assert loaded[k].device.type == device.type
        assert str(loaded[k].dtype).split(".")[-1] == str(v.dtype).split(".")[-1]
        np.testing.assert_array_equal(backend.to_host(loaded[k].array), v.numpy())


def test_pytorch_reads_minitorch_state_dict(tmp_path):
    torch = pytest.importorskip("torch")
    st_torch = pytest.importorskip("safetensors.torch")
    path = tmp_path / "model.safetensors"
    minitorch.save({"fc.weight": minitorch.ones(2, 3), "fc.bias": minitorch.zeros(2)}, path)
    sd = st_torch.load_file(str(path))
    assert set(sd) == {"fc.weight", "fc.bias"} and torch.equal(sd["fc.weight"], torch.ones(2, 3))


def test_torch_save_file_is_refused(tmp_path):
    torch = pytest.importorskip("torch")
    path = tmp_path / "model.pt"
    torch.save({"w": torch.ones(2)}, path)
    with pytest.raises(RuntimeError, match="safetensors.torch.save_file"):
        minitorch.load(path)


def test_pytorch_model_weights_run_in_minitorch(tmp_path):
    """A PyTorch model's safetensors state dict, loaded into the same minitorch model, gives the
    same outputs; and the other way round."""
    torch = pytest.importorskip("torch")
    st_torch = pytest.importorskip("safetensors.torch")
    from minitorch import nn

    torch.manual_seed(0)
    theirs = torch.nn.Sequential(
        torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 4)
    ).eval()
    ours = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4)).eval()
    path = tmp_path / "model.safetensors"
    st_torch.save_file(theirs.state_dict(), str(path))
    ours.load_state_dict(minitorch.load(path))
    x = np.random.default_rng(0).standard_normal((5, 8)).astype(np.float32)
    expected = theirs(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(ours(minitorch.tensor(x)).detach().numpy(), expected, atol=1e-6)

    back = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 4))
    minitorch.save(ours.state_dict(), path)
    back.load_state_dict(st_torch.load_file(str(path)))
    np.testing.assert_allclose(back(torch.from_numpy(x)).detach().numpy(), expected, atol=1e-6)
