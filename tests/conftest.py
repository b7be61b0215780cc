"""Shared fixtures: the ``device`` fixture runs a test body on cpu and on a simulated GPU.

The simulated GPU is ``simcupy`` installed as minitorch's cupy module: the real ``cuda`` code path
runs on host memory, while mixing host and device arrays raises as real cupy would.
"""

import pytest
import simcupy
from hypothesis import HealthCheck, settings

import minitorch
from minitorch import backend

settings.register_profile(
    "minitorch",
    deadline=None,
    max_examples=25,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("minitorch")


@pytest.fixture
def sim_cuda(monkeypatch):
    """Make ``cuda`` available, backed by the simulated cupy module, for one test."""
    monkeypatch.setattr(backend, "_cupy", simcupy)
    monkeypatch.setattr(backend, "_cuda_count", 1)
    return minitorch.device("cuda")


@pytest.fixture(params=["cpu", "cuda"], ids=["cpu", "sim-cuda"])
def device(request):
    """Each test that takes ``device`` runs twice: on cpu and on the simulated cuda device."""
    if request.param == "cuda":
        return request.getfixturevalue("sim_cuda")
    return minitorch.device("cpu")
