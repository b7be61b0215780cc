"""Intra-op parallelism: a kernel hands independent pieces of its work to a few threads.

numpy releases the GIL inside copies, ufuncs and BLAS calls, so Python threads that each run
those on their own slice of a batch keep every core busy where one thread would leave the
others idle outside the matrix products. Convolution and pooling use ``map_batches``. While the
threads run, BLAS is held to one thread each (through threadpoolctl): two threads each calling
a two-thread BLAS on two cores run slower than one. Waking a sleeping thread costs tens of
microseconds, so only work of a millisecond or more is worth handing over.
``set_num_threads`` sets how many threads, as in PyTorch, and limits BLAS to as many.
"""

from __future__ import annotations

import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from threadpoolctl import ThreadpoolController, threadpool_limits

_num_threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
_pool: ThreadPoolExecutor | None = None
_blas: ThreadpoolController | None = None  # the loaded BLAS libraries, found on first use
_blas_lock = threading.Lock()
_blas_users = 0  # threads inside _one_blas_thread()
_blas_limiter = None
# OpenBLAS runs products of up to this many multiply-adds on the calling thread alone;
# from _BLAS_THREADED on, its threads pay for themselves (MLP batch 512: 0.55 vs 0.97 ms).
_BLAS_SINGLE_THREAD, _BLAS_THREADED = 1 << 18, 1 << 25


def get_num_threads() -> int:
    """How many threads an op may use (default: the cores this process may run on)."""
    return _num_threads


def set_num_threads(n: int) -> None:
    """Use ``n`` threads inside ops, and limit BLAS to ``n``."""
    global _num_threads, _pool
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"set_num_threads expects a positive number of threads, but got {n!r}")
    if n != _num_threads and _pool is not None:
        _pool.shutdown()
        _pool = None
    _num_threads = n
    threadpool_limits(n, user_api="blas")


def split(n: int, parts: int) -> list[slice]:
    """range(n) cut into ``parts`` contiguous slices of near-equal length (none empty)."""
    parts = min(parts, n)
    if parts < 1:
        return []
    bounds = [n * i // parts for i in range(parts + 1)]
    return [slice(bounds[i], bounds[i + 1]) for i in range(parts)]


def map_batches(fn, like, n: int, sample_bytes: int, chunk_bytes: int) -> list:
    """[fn(batch) for batch in slices of range(n)], each slice about ``chunk_bytes`` of work.

    On the CPU the slices (a multiple of the threads in number) run in parallel; on a GPU,
    whose kernels are parallel already, in order. ``like`` is an array of the op's device.
    """
    cpu = type(like) is np.ndarray
    threads = _num_threads if cpu else 1
    parts = -(-n * sample_bytes // chunk_bytes)
    batches = split(n, -(-parts // threads) * threads)
    return parallel_map(fn, batches) if cpu else [fn(batch) for batch in batches]


def matmul(a, b):
    """``a @ b`` for 2-d arrays, on BLAS's own threads only when the product is large.

    OpenBLAS's threads spin for about 0.1 s after each threaded call, and spinning they take
    the cores from minitorch's threads (a CNN step ran 64 instead of 42 ms). A mid-size product
    gains little from them, so while minitorch runs on several threads it runs on one.
    """
    mnk = a.shape[0] * a.shape[1] * b.shape[1]
    if (
        _num_threads == 1
        or not _BLAS_SINGLE_THREAD < mnk < _BLAS_THREADED
        or type(a) is not np.ndarray
    ):
        return a @ b
    with _one_blas_thread():
        return a @ b


def parallel_map(fn, items: list) -> list:
    """[fn(item) for item in items], run on up to ``get_num_threads()`` threads.

    Thread t takes items t, t + T, t + 2T, ... (the calling thread is one of them), so each
    thread reuses its own scratch buffers; the results come back in the items' order.
    """
    threads = min(_num_threads, len(items))
    if threads <= 1:
        return [fn(item) for item in items]
    pool = _executor()
    with _one_blas_thread():
        futures = [pool.submit(_run, fn, items[t::threads]) for t in range(1, threads)]
        groups = [_run(fn, items[::threads])] + [f.result() for f in futures]
    return [groups[i % threads][i // threads] for i in range(len(items))]


def _run(fn, items):
    return [fn(item) for item in items]


@contextlib.contextmanager
def _one_blas_thread():
    """BLAS held to one thread inside; the first caller in limits it and the last one out puts
    it back, so calls from several user threads at once cannot leave it limited."""
    global _blas, _blas_users, _blas_limiter
    with _blas_lock:
        if _blas_users == 0:
            if _blas is None:
                _blas = ThreadpoolController().select(user_api="blas")
            _blas_limiter = _blas.limit(limits=1)
        _blas_users += 1
    try:
        yield
    finally:
        with _blas_lock:
            _blas_users -= 1
            if _blas_users == 0:
                _blas_limiter.restore_original_limits()


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(_num_threads - 1, thread_name_prefix="minitorch")
    return _pool


def _forget_pool_in_child() -> None:
    """A forked child (a DataLoader worker) has none of the parent's threads: start afresh."""
    global _pool
    _pool = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool_in_child)
