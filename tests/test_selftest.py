"""Tests for minitorch/selftest.py: it passes a correct device, and catches an op that gives other
numbers, loses the device or fails only there, and a device that cannot compile kernels."""

import subprocess
import sys

import pytest
import simcupy

import minitorch
from minitorch import autograd, backend, selftest


class GradTwiceOnCuda(autograd.Function):
    """Identity whose backward is wrong only on the GPU: a device-specific bug to be found."""

    @staticmethod
    def forward(ctx, x):
        return x * 1

    @staticmethod
    def backward(ctx, grad):
        return grad * 2 if grad.is_cuda else grad


BROKEN = [
    selftest.Op("other numbers", lambda a: a + (1e-3 if a.is_cuda else 0.0), ((3,),)),
    selftest.Op("drops the device", lambda a: minitorch.tensor(a.tolist()) * 1, ((3,),)),
    selftest.Op("fails only on cuda", lambda a: a.exp() if not a.is_cuda else a.nope(), ((3,),)),
    selftest.Op("wrong backward", GradTwiceOnCuda.apply, ((3,),)),
    selftest.Op("other dtype", lambda a: a.double() if a.is_cuda else a * 1, ((3,),)),
]


def test_every_op_passes_cpu_against_cpu(capsys):
    assert selftest.main(["--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert f"{len(selftest.OPS)} ops: {len(selftest.OPS)} passed, 0 failed" in out


def test_every_op_passes_on_the_simulated_gpu(sim_cuda, capsys):
    assert selftest.main(["--device", "cuda"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("minitorch selftest: cuda against cpu")
    assert lines[1].split() == ["op", "forward", "backward", "max", "error"]
    rows = lines[2 : 2 + len(selftest.OPS)]
    assert [row[: len(op.name)] for row, op in zip(rows, selftest.OPS)] == [
        op.name for op in selftest.OPS
    ]
    for row, op in zip(rows, selftest.OPS):
        cells = row[len(op.name) :].split()
        assert cells[:2] == ["ok", "ok" if op.grad else "-"], row


@pytest.mark.parametrize("op", BROKEN, ids=lambda op: op.name)
def test_a_device_specific_bug_is_reported(op, sim_cuda):
    row = selftest.check_op(op, sim_cuda)
    assert not row.ok
    assert "FAIL" in selftest._cell(row.forward) + selftest._cell(row.backward)


def test_what_each_failure_says(sim_cuda):
    rows = {op.name: selftest.check_op(op, sim_cuda) for op in BROKEN}
    assert rows["other numbers"].forward == "MISMATCH"
    assert rows["other numbers"].error == pytest.approx(1e-3, rel=1e-3)
    assert rows["drops the device"].forward == "result on cpu, not cuda"
    assert "AttributeError" in rows["fails only on cuda"].forward
    assert (rows["wrong backward"].forward, rows["wrong backward"].backward) == ("ok", "MISMATCH")
    assert rows["other dtype"].forward == "float64[3] != float32[3]"


def test_failures_make_the_exit_status_non_zero(sim_cuda, monkeypatch, capsys):
    monkeypatch.setattr(selftest, "OPS", selftest.OPS[:3] + BROKEN[:1])
    assert selftest.main(["--device", "cuda"]) == 1
    out = capsys.readouterr().out
    assert "4 ops: 3 passed, 1 failed" in out
    assert "  other numbers: MISMATCH" in out


def test_an_op_broken_on_cpu_too_is_reported(monkeypatch, capsys):
    broken = selftest.Op("broken", lambda a: a.nope(), ((2,),))
    monkeypatch.setattr(selftest, "OPS", [broken])
    assert selftest.main(["--device", "cpu"]) == 1
    assert "broken: fails on cpu: AttributeError" in capsys.readouterr().out


def test_kernel_compilation_failure_stops_early_with_a_hint(sim_cuda, monkeypatch, capsys):
    def no_nvrtc(*args, **kwargs):
        raise RuntimeError("CuPy failed to load libnvrtc.so.12")

    monkeypatch.setattr(simcupy, "exp", no_nvrtc, raising=False)
    assert selftest.main(["--device", "cuda"]) == 1
    out = capsys.readouterr().out
    assert "first compiled kernel" in out and "libnvrtc" in out and "cupy-cuda12x[ctk]" in out
    assert "ops:" not in out


def test_no_gpu_prints_a_message_and_exits_zero(monkeypatch, capsys):
    monkeypatch.setattr(backend, "_cupy", None)
    monkeypatch.setattr(backend, "_cuda_count", None)
    monkeypatch.setitem(sys.modules, "cupy", None)
    assert selftest.main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("No GPU available for 'cuda': cupy is not installed")
    assert "Nothing to check" in out


def test_missing_gpu_ordinal_is_reported(sim_cuda, capsys):
    assert selftest.main(["--device", "cuda:1"]) == 0
    assert "cuda:1 does not exist (1 GPU found)" in capsys.readouterr().out


def test_command_line_here():
    """The real command on a machine without a GPU: a clear message and exit status 0."""
    if minitorch.cuda.is_available():
        pytest.skip("this machine has a GPU: the selftest runs for real")
    out = subprocess.run(
        [sys.executable, "-m", "minitorch.selftest", "--device", "cuda"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("No GPU available for 'cuda'")
