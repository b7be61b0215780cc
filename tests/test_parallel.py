"""minitorch's own threads: splitting work, running it, holding BLAS to one thread meanwhile, and
getting the same numbers as one thread."""

import multiprocessing
import threading

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from threadpoolctl import threadpool_info

import minitorch
import minitorch.nn.functional as F
from minitorch import parallel
from minitorch.ops import conv as conv_ops
from minitorch.ops import pool as pool_ops


@pytest.fixture
def threads():
    """Set minitorch's thread count for one test; the previous count (and BLAS's) comes back."""
    before = minitorch.get_num_threads()
    blas_before = _blas_threads()
    yield minitorch.set_num_threads
    minitorch.set_num_threads(before)
    if blas_before is not None:
        from threadpoolctl import threadpool_limits

        threadpool_limits(blas_before, user_api="blas")


def _blas_threads():
    blas = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    return blas[0] if blas else None


@given(n=st.integers(0, 50), parts=st.integers(1, 12))
def test_split_covers_the_range_in_near_equal_pieces(n, parts):
    pieces = parallel.split(n, parts)
    assert len(pieces) == min(n, parts)
    assert [i for p in pieces for i in range(p.start, p.stop)] == list(range(n))
    sizes = [p.stop - p.start for p in pieces]
    assert not sizes or (min(sizes) >= 1 and max(sizes) - min(sizes) <= 1)


def test_parallel_map_keeps_order_and_uses_several_threads(threads):
    threads(3)
    seen = set()
    barrier = threading.Barrier(3, timeout=10)

    def work(i):
        if i < 3:
            barrier.wait()  # only passes if three threads run items at the same time
        seen.add(threading.get_ident())
        return i * i

    assert parallel.parallel_map(work, list(range(10))) == [i * i for i in range(10)]
    assert len(seen) == 3


def test_parallel_map_raises_the_workers_error(threads):
    threads(2)

    def work(i):
        if i == 1:
            raise ValueError("item 1 failed")
        return i

    with pytest.raises(ValueError, match="item 1 failed"):
        parallel.parallel_map(work, [0, 1, 2, 3])


@pytest.mark.skipif(_blas_threads() is None, reason="no BLAS found by threadpoolctl")
def test_blas_runs_on_one_thread_inside_parallel_work_and_as_set_outside(threads):
    threads(2)
    assert _blas_threads() == 2
    inside = parallel.parallel_map(lambda _: _blas_threads(), [0, 1])
    assert inside == [1, 1]
    assert _blas_threads() == 2


@pytest.mark.skipif(_blas_threads() is None, reason="no BLAS found by threadpoolctl")
def test_overlapping_users_of_one_blas_thread_leave_blas_as_it_was(threads):
    """Two user threads in ops at once: A enters, B enters, A leaves, B leaves."""
    threads(2)
    first, second = parallel._one_blas_thread(), parallel._one_blas_thread()
    first.__enter__()
    second.__enter__()
    assert _blas_threads() == 1
    first.__exit__(None, None, None)
    assert _blas_threads() == 1  # B is still inside
    second.__exit__(None, None, None)
    assert _blas_threads() == 2


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_set_num_threads_rejects_non_positive_or_non_int(bad):
    with pytest.raises(ValueError, match="positive number of threads"):
        minitorch.set_num_threads(bad)


def test_get_num_threads_returns_what_was_set(threads):
    threads(3)
    assert minitorch.get_num_threads() == 3
    threads(1)
    assert minitorch.get_num_threads() == 1


@pytest.mark.parametrize("m, k, n", [(3, 4, 5), (64, 784, 128), (1, 4096, 64), (512, 784, 128)])
def test_matmul_equals_numpy_at_every_size(m, k, n, threads):
    """Small (BLAS alone), mid-size (one BLAS thread) and large (BLAS's threads) products."""
    threads(2)
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((m, k)), rng.standard_normal((k, n))
    np.testing.assert_allclose(parallel.matmul(a, b), a @ b, rtol=1e-12)
    np.testing.assert_allclose(parallel.matmul(a.T.copy().T, b), a @ b, rtol=1e-12)


def test_map_batches_on_a_gpu_runs_in_order_on_the_calling_thread(sim_cuda, threads):
    threads(2)
    like = minitorch.zeros(1, device=sim_cuda).array
    calls = []
    parallel.map_batches(lambda b: calls.append((b, threading.get_ident())), like, 10, 1, 3)
    assert [b for b, _ in calls] == parallel.split(10, 4)
    assert {t for _, t in calls} == {threading.get_ident()}


def _training_grads(threads: int):
    """Gradients of a conv / pool / relu net on an odd batch, cut into many chunks (float64, so
    only the summation order can differ)."""
    minitorch.set_num_threads(threads)
    minitorch.manual_seed(0)

    def randn(*shape):
        return minitorch.randn(*shape, dtype=minitorch.float64, requires_grad=True)

    x, w1, b1 = randn(7, 3, 9, 9), randn(8, 3, 3, 3), randn(8)
    w2, w3 = randn(6, 8, 3, 3), randn(6, 8, 2, 2)
    y = F.relu(F.conv2d(x, w1, b1, padding=1))
    y = F.max_pool2d(y, 2) + F.avg_pool2d(y, 3, stride=2, padding=1)[..., :4, :4]
    z = F.conv2d(y, w2, padding=1).sum() + F.conv2d(y, w3, stride=2).square().sum()
    z.backward()
    return [t.grad.numpy() for t in (x, w1, b1, w2, w3)]


def test_threads_give_the_same_gradients_as_one_thread(threads, monkeypatch):
    monkeypatch.setattr(conv_ops, "_CHUNK_BYTES", 2000)
    monkeypatch.setattr(pool_ops, "_CHUNK_BYTES", 500)
    one = _training_grads(1)
    for n in (2, 3):
        for a, b in zip(one, _training_grads(n)):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def _conv_in_child(queue):
    x = minitorch.ones(4, 2, 6, 6)
    queue.put(float(F.conv2d(x, minitorch.ones(3, 2, 3, 3), padding=1).sum().item()))


def test_a_forked_child_gets_working_threads(threads):
    """A fork (DataLoader workers) inherits the pool object but not its threads."""
    threads(2)
    F.conv2d(minitorch.ones(4, 2, 6, 6), minitorch.ones(3, 2, 3, 3))  # start the pool
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_conv_in_child, args=(queue,))
    child.start()
    child.join(timeout=60)
    if child.is_alive():  # hung on the parent's dead threads
        child.kill()
    assert child.exitcode == 0
    assert queue.get(timeout=5) == 4 * 3 * (2 * 9 * 16 + 2 * 6 * 16 + 2 * 4 * 4)
