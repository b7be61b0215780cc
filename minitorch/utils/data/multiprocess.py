"""Iterating a DataLoader with worker processes: feed them indices, collect batches in order.

Each worker has its own index queue and all share one result queue. ``prefetch_factor`` tasks per
worker are kept in flight. Results are tagged with an epoch number so that, with persistent
workers, batches still in flight from an abandoned epoch are dropped. Workers are daemons, watch
their parent, and are stopped (then terminated if need be) when iteration ends, when the
iterator is garbage collected, or when one of them dies.
"""

from __future__ import annotations

import functools
import itertools
import multiprocessing
import pickle
import queue
import time

from .fetch import make_fetcher
from .sampler import _rng
from .worker import ExceptionWrapper, IterableStop, worker_loop

# how often the main process checks that its workers are alive while it waits, in seconds
LIVENESS_INTERVAL = 1.0
# how long workers get to exit on their own before they are terminated, in seconds: idle ones
# exit at once, a busy one finishes its batch (whose result nobody will read) or is cut short
SHUTDOWN_TIMEOUT = 1.0
# marks the end of the sampler (None is a valid index for custom datasets)
_END = object()


class MultiProcessIter:
    """The iterator a DataLoader returns when ``num_workers > 0``."""

    def __init__(self, loader, iterable: bool) -> None:
        self._shut_down = True  # nothing to shut down until the queues exist
        ctx = loader.multiprocessing_context
        if ctx is None or isinstance(ctx, str):
            ctx = multiprocessing.get_context(ctx)
        self._iterable = iterable
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        self._prefetch = loader.prefetch_factor * loader.num_workers
        self._timeout = loader.timeout
        self._in_order = loader.in_order
        self._persistent = loader.persistent_workers
        fetcher_factory = functools.partial(
            make_fetcher,
            loader.dataset,
            loader._auto_collation,
            loader.collate_fn,
            loader.drop_last,
            loader.batch_size,
        )
        base_seed = int(_rng(loader.generator).integers(2**62))
        self._done = ctx.Event()
        self._result_queue = ctx.Queue()
        self._index_queues, self._workers = [], []
        self._shut_down = False
        for worker_id in range(self._num_workers):
            index_queue = ctx.Queue()
            worker = ctx.Process(
                target=worker_loop,
                args=(
                    loader.dataset,
                    fetcher_factory,
                    index_queue,
                    self._result_queue,
                    self._done,
                    worker_id,
                    self._num_workers,
                    base_seed + worker_id,
                    loader.worker_init_fn,
                ),
                daemon=True,
            )
            worker.start()
            self._index_queues.append(index_queue)
            self._workers.append(worker)
        self._epoch = 0
        self._reset()

    def _reset(self) -> None:
        """Start an epoch: a new pass over the sampler, and a full pipeline of requests."""
        self._epoch += 1
        self._indices = None if self._iterable else iter(self._index_sampler)
        self._sent = 0  # tasks sent this epoch; task ids are 0, 1, ...
        self._yielded = 0  # with in_order: the task whose result comes next
        self._outstanding = 0
        self._task_worker = {}  # the worker each outstanding task went to
        self._buffer = {}  # results that arrived before their turn
        self._active = [True] * self._num_workers
        self._next_worker = itertools.cycle(range(self._num_workers))
        for _ in range(self._prefetch):
            self._send()

    def __iter__(self):
        return self

    def _send(self) -> None:
        """Send the next batch request to the next worker that still has data."""
        if not any(self._active):
            return
        indices = None if self._iterable else next(self._indices, _END)
        if indices is _END:
            return
        worker = next(w for w in self._next_worker if self._active[w])
        self._index_queues[worker].put((self._epoch, self._sent, indices))
        self._task_worker[self._sent] = worker
        self._sent += 1
        self._outstanding += 1

    def _receive(self):
        """Wait for the next result of this epoch, watching for dead workers and ``timeout``."""
        deadline = time.monotonic() + self._timeout if self._timeout > 0 else None
        while True:
            wait = LIVENESS_INTERVAL
            if deadline is not None:
                wait = min(wait, deadline - time.monotonic())
                if wait <= 0:
                    self._shutdown_workers()
                    raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")
            try:
                epoch, task, payload = self._result_queue.get(timeout=wait)
            except queue.Empty:
                dead = [str(w.pid) for w in self._workers if not w.is_alive()]
                if dead:
                    self._shutdown_workers()
                    raise RuntimeError(
                        f"DataLoader worker (pid(s) {', '.join(dead)}) exited unexpectedly"
                    ) from None
                continue
            if epoch == self._epoch:
                self._outstanding -= 1
                worker = self._task_worker.pop(task)
                batch = pickle.loads(payload)
                if isinstance(batch, IterableStop):
                    self._active[worker] = False
                return task, batch

    def __next__(self):
        while True:
            if self._in_order and self._yielded in self._buffer:
                batch = self._buffer.pop(self._yielded)
                self._yielded += 1
            elif self._outstanding == 0:
                if not self._persistent:
                    self._shutdown_workers()
                raise StopIteration
            else:
                task, batch = self._receive()
                if self._in_order:
                    self._buffer[task] = batch
                    continue
            self._send()
            if isinstance(batch, IterableStop):
                continue
            if isinstance(batch, ExceptionWrapper):
                batch.reraise()
            return batch

    def _shutdown_workers(self) -> None:
        """Stop every worker: ask politely, wait a little, then terminate."""
        if self._shut_down:
            return
        self._shut_down = True
        self._done.set()
        for index_queue in self._index_queues:
            index_queue.put(None)
        deadline = time.monotonic() + SHUTDOWN_TIMEOUT
        for worker in self._workers:
            worker.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.is_alive():
                worker.terminate()
                worker.join()
        for q in [*self._index_queues, self._result_queue]:
            q.cancel_join_thread()
            q.close()

    def __del__(self) -> None:
        self._shutdown_workers()
