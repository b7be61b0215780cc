"""Freed host memory stays in malloc's heap for the next training step (glibc only)."""

import os
import subprocess
import sys

import pytest

import minitorch

glibc = pytest.mark.skipif(
    not hasattr(os, "confstr") or "glibc" not in (os.confstr("CS_GNU_LIBC_VERSION") or ""),
    reason="malloc tuning applies to glibc only",
)

# Allocate and free several 8 MB arrays, as a training step does, and count the page faults.
STEPS = """
import resource, sys
import minitorch, numpy as np
def step():
    arrays = [np.ones(2 << 20, dtype=np.float32) for _ in range(6)]
    del arrays
step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    step()
print(minitorch.allocator.applied, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _run(env_extra):
    env = {k: v for k, v in os.environ.items() if k not in ("MALLOC_TRIM_THRESHOLD_",)}
    out = subprocess.run(
        [sys.executable, "-c", STEPS], env={**env, **env_extra}, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    applied, faults = out.stdout.split()
    return applied == "True", int(faults)


@glibc
def test_applied_at_import():
    assert minitorch.allocator.applied


@glibc
def test_freed_arrays_are_reused_without_page_faults():
    applied, faults = _run({})
    untuned_applied, untuned_faults = _run({"MALLOC_TRIM_THRESHOLD_": str(128 * 1024)})
    assert applied and not untuned_applied  # the user's own malloc settings are left alone
    assert untuned_faults > 10_000  # 10 steps x 48 MB returned to the kernel and faulted back
    assert faults < untuned_faults / 20
