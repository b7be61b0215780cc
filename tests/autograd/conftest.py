"""Fixtures for the autograd tests: PyTorch as the oracle, skipped cleanly where it is missing."""

import numpy as np
import pytest

from minitorch import backend


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def host(t):
    """A tensor's values as a float64 numpy array (minitorch or PyTorch, any device)."""
    if hasattr(t, "array"):
        return backend.to_host(t.array).astype(np.float64)
    return t.detach().numpy().astype(np.float64)
