"""Smoke runs of examples/mnist.py and examples/cifar10.py: one epoch on tiny data sets written
in the real formats (gzipped IDX in torchvision's layout, Python 2 pickled CIFAR batches)."""

import importlib.util
import re
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

import pytest

import minitorch

pytest.importorskip("tqdm")
pytest.importorskip("matplotlib")
pytest.importorskip("tensorboardX")

from utils.test_tensorboard import _read_scalars  # noqa: E402
from vision.datasets.conftest import write_cifar, write_mnist  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def example(request):
    """Import an example script as a module (it imports ``common`` from its own folder)."""
    sys.path.insert(0, str(EXAMPLES))
    request.addfinalizer(lambda: sys.path.remove(str(EXAMPLES)))

    def load(name):
        spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load


def run(module, data_dir, out_dir, *extra, progress=False):
    argv = ["--epochs", "1", "--data-dir", str(data_dir), "--out-dir", str(out_dir)]
    return module.main([*argv, *extra] + ([] if progress else ["--no-progress"]))


def check_outputs(out_dir, name, history, stdout, batches):
    """Accuracy printed; curves PNG, TensorBoard scalars and a loadable checkpoint written."""
    [line] = re.findall(r"epoch 1: loss \S+ +test accuracy (\S+)%.*", stdout)
    assert float(line) == pytest.approx(100 * history["accuracy"][0], abs=0.01)
    assert 0.0 <= history["accuracy"][0] <= 1.0
    assert (out_dir / f"{name}_curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    scalars = _read_scalars(out_dir / "tensorboard" / name)
    losses = [(step, value) for tag, step, value in scalars if tag == "loss/train"]
    assert [step for step, _ in losses] == list(range(1, batches + 1))
    assert history["loss"][0] == pytest.approx(sum(v for _, v in losses) / batches, rel=1e-5)
    [(_, _, accuracy)] = [s for s in scalars if s[0] == "accuracy/test"]
    assert accuracy == pytest.approx(history["accuracy"][0])
    checkpoint = minitorch.load(out_dir / f"{name}.pt")
    assert checkpoint["epoch"] == 1
    return checkpoint


def reloaded_accuracy(module, model, checkpoint, test_data):
    """Test accuracy of a fresh model and optimizer restored from ``checkpoint``."""
    model.load_state_dict(checkpoint["model"])
    minitorch.optim.Adam(model.parameters()).load_state_dict(checkpoint["optimizer"])
    x, y = test_data
    loader = minitorch.utils.data.DataLoader(minitorch.utils.data.TensorDataset(x, y), 100)
    return module.common.evaluate(model, loader, minitorch.device("cpu"))


@pytest.mark.parametrize(
    "dataset, model, folder, workers",
    [("mnist", "mlp", "MNIST", "1"), ("fashion", "cnn", "FashionMNIST", "0")],
)
def test_mnist_example_trains_one_epoch(example, tmp_path, capsys, dataset, model, folder, workers):
    write_mnist(tmp_path / "data" / folder / "raw", n_train=40, n_test=20)
    mnist = example("mnist")
    extra = ["--dataset", dataset, "--model", model, "--limit", "30", "--batch-size", "8"]
    history = run(mnist, tmp_path / "data", tmp_path / "out", *extra, "--workers", workers)
    name = f"{dataset}_{model}"
    checkpoint = check_outputs(tmp_path / "out", name, history, capsys.readouterr().out, 4)
    args = Namespace(data_dir=tmp_path / "data", download=False, limit=20, dataset=dataset)
    dataset_cls = mnist.datasets.FashionMNIST if dataset == "fashion" else mnist.datasets.MNIST
    test_data = mnist.load(dataset_cls, args, train=False)
    net = mnist.mlp() if model == "mlp" else mnist.cnn()
    accuracy = reloaded_accuracy(mnist, net, checkpoint, test_data)
    assert accuracy == pytest.approx(history["accuracy"][0])


def test_cifar10_example_trains_one_epoch(example, tmp_path, capsys):
    write_cifar(tmp_path / "data" / "cifar-10-batches-py", per_batch=6)
    cifar10 = example("cifar10")
    extra = ["--limit", "16", "--batch-size", "8"]
    history = run(cifar10, tmp_path / "data", tmp_path / "out", *extra, progress=True)
    output = capsys.readouterr()
    assert "epoch 1/1" in output.err and "img/s" in output.err  # the tqdm bar
    checkpoint = check_outputs(tmp_path / "out", "cifar10_cnn", history, output.out, 2)
    args = Namespace(data_dir=tmp_path / "data", download=False, limit=6)
    test_data = cifar10.load(args, train=False)
    accuracy = reloaded_accuracy(cifar10, cifar10.SimpleCNN(), checkpoint, test_data)
    assert accuracy == pytest.approx(history["accuracy"][0])


def test_example_runs_on_the_simulated_gpu(example, tmp_path, capsys, sim_cuda):
    write_mnist(tmp_path / "data" / "MNIST" / "raw", n_train=16, n_test=8)
    history = run(example("mnist"), tmp_path / "data", tmp_path / "out", "--device", "cuda")
    check_outputs(tmp_path / "out", "mnist_mlp", history, capsys.readouterr().out, 1)


@pytest.mark.skipif(minitorch.cuda.is_available(), reason="a GPU is usable here")
def test_device_cuda_without_a_gpu_exits_with_a_clear_message(example, tmp_path):
    out = subprocess.run(
        [sys.executable, str(EXAMPLES / "mnist.py"), "--device", "cuda"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert "--device cuda" in out.stderr and "cupy" in out.stderr and "--device cpu" in out.stderr
    with pytest.raises(SystemExit, match="--device cuda: no usable CUDA GPU"):
        example("cifar10").main(["--device", "cuda", "--data-dir", str(tmp_path)])
