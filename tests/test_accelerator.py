"""Tests for minitorch/accelerator.py: the device-generic API answers like a CPU-only PyTorch."""

import pytest

import minitorch
from minitorch import accelerator


def test_without_a_gpu():
    assert accelerator.is_available() is False
    assert accelerator.device_count() == 0
    assert accelerator.current_accelerator() is None
    with accelerator.device_index(None):
        pass
    for call in (
        accelerator.current_device_index,
        accelerator.synchronize,
        accelerator.empty_cache,
        accelerator.memory_allocated,
        lambda: accelerator.set_device_index(0),
        lambda: accelerator.device_index(0).__enter__(),
    ):
        with pytest.raises(RuntimeError, match="Cannot access accelerator device"):
            call()


def test_with_the_simulated_gpu(sim_cuda):
    assert accelerator.is_available() and accelerator.device_count() == 1
    assert accelerator.current_accelerator() == minitorch.device("cuda")
    assert accelerator.current_device_index() == 0
    with accelerator.device_index(0):
        accelerator.synchronize()
    assert accelerator.memory_allocated() == 0
