"""Tests for minitorch/cuda.py: a CPU-only PyTorch's answers without a GPU, cupy's with one."""

import pytest

import minitorch
from minitorch import cuda


def test_queries_without_a_gpu_answer_like_cpu_only_torch():
    assert cuda.is_available() is False
    assert cuda.device_count() == 0
    assert cuda.is_initialized() is False
    assert cuda.is_bf16_supported() is False
    assert cuda.memory_allocated() == cuda.memory_reserved() == 0
    assert cuda.max_memory_allocated() == cuda.max_memory_reserved() == 0
    cuda.empty_cache()
    cuda.reset_peak_memory_stats()
    cuda.manual_seed(0)
    cuda.manual_seed_all(0)
    assert issubclass(cuda.OutOfMemoryError, RuntimeError)


@pytest.mark.parametrize(
    "call",
    [
        cuda.current_device,
        cuda.synchronize,
        cuda.get_device_name,
        cuda.get_device_capability,
        cuda.get_device_properties,
        cuda.init,
        lambda: cuda.set_device(0),
    ],
)
def test_calls_that_need_a_gpu_say_why_there_is_none(call):
    with pytest.raises(RuntimeError, match="no CUDA GPU is available"):
        call()


def test_negative_device_is_a_no_op_and_cpu_is_refused():
    cuda.set_device(-1)
    with pytest.raises(ValueError, match="Expected a cuda device, but got: cpu"):
        cuda.set_device("cpu")


def test_with_the_simulated_gpu(sim_cuda):
    assert cuda.is_available() and cuda.device_count() == 1
    assert cuda.current_device() == 0
    cuda.set_device("cuda:0")
    cuda.synchronize()
    cuda.synchronize("cuda:0")
    assert cuda.get_device_name() == "Simulated GPU"
    assert cuda.get_device_capability(0) == (8, 0)
    props = cuda.get_device_properties(minitorch.device("cuda", 0))
    assert props.total_memory == 16 << 30 and "Simulated GPU" in repr(props)
    assert cuda.memory_allocated() == 0
    with cuda.device(0):
        assert cuda.current_device() == 0
    with pytest.raises(RuntimeError, match="invalid device ordinal"):
        cuda.set_device(3)


def test_version_and_backends_flags():
    assert minitorch.version.cuda is None
    assert minitorch.__version__ == minitorch.version.__version__
    assert minitorch.backends.cudnn.is_available() is False
    assert minitorch.backends.cudnn.version() is None
    assert minitorch.backends.mps.is_available() is False
    assert minitorch.backends.mps.is_built() is False
    minitorch.backends.cudnn.benchmark = True  # settable, as scripts do
    minitorch.backends.cudnn.benchmark = False
    minitorch.backends.cuda.matmul.allow_tf32 = True
    minitorch.backends.cuda.matmul.allow_tf32 = False
    assert isinstance(minitorch.backends.cuda.is_built(), bool)


def test_float32_matmul_precision():
    assert minitorch.get_float32_matmul_precision() == "highest"
    minitorch.set_float32_matmul_precision("high")
    try:
        assert minitorch.get_float32_matmul_precision() == "high"
        with pytest.warns(UserWarning, match="has no effect"):
            minitorch.set_float32_matmul_precision("fastest")
        assert minitorch.get_float32_matmul_precision() == "high"
    finally:
        minitorch.set_float32_matmul_precision("highest")
