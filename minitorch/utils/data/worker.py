"""The loop a DataLoader worker process runs, and what it reports back to the main process.

Protocol: the main process puts ``(epoch, task, indices)`` on a worker's own index queue and the
worker answers ``(epoch, task, pickled batch)`` on the shared result queue, where the batch may
be an ``ExceptionWrapper`` or, for an exhausted iterable dataset, ``IterableStop``. ``None`` on
the index queue, or the shared ``done_event``, tells the worker to exit.
"""

from __future__ import annotations

import os
import pickle
import queue
import random
import signal
import sys
import traceback
from dataclasses import dataclass

import numpy as np

import minitorch

# how often an idle worker checks that its parent process is still alive, in seconds
PARENT_CHECK_INTERVAL = 1.0


@dataclass(frozen=True)
class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker process."""

    id: int
    num_workers: int
    seed: int
    dataset: object


_worker_info: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """This worker's ``WorkerInfo`` inside a DataLoader worker process, ``None`` elsewhere."""
    return _worker_info


class KeyErrorMessage(str):
    """A message that a ``KeyError`` prints as is: KeyError shows the repr of its argument."""

    def __repr__(self) -> str:
        return self


class ExceptionWrapper:
    """An exception caught in a worker, carried to the main process with its traceback text."""

    def __init__(self, where: str) -> None:
        exc_type, exc, _ = sys.exc_info()
        self.exc_type = exc_type if _picklable(exc_type) else RuntimeError
        self.message = f"Caught {exc_type.__name__} {where}.\nOriginal " + "".join(
            traceback.format_exception(exc)
        )

    def reraise(self):
        """Raise the worker's exception type with the worker's traceback in the message."""
        # no local may hold the exception: its traceback holds this frame, and the cycle would
        # keep the DataLoader iterator (and its workers) alive until the garbage collector ran
        raise self._rebuild()

    def _rebuild(self) -> BaseException:
        message = KeyErrorMessage(self.message) if self.exc_type is KeyError else self.message
        try:
            return self.exc_type(message)
        except Exception:
            return RuntimeError(message)


def _picklable(obj) -> bool:
    try:
        pickle.dumps(obj)
    except Exception:
        return False
    return True


def pickle_result(batch, worker_id: int) -> bytes:
    """The batch pickled in the worker itself.

    A queue pickles in a background thread, where a batch that cannot be pickled only prints an
    error and the main process waits forever; pickled here, the failure is reported instead.
    """
    try:
        return pickle.dumps(batch, pickle.HIGHEST_PROTOCOL)
    except Exception:
        where = f"in DataLoader worker process {worker_id} while pickling its batch"
        return pickle.dumps(ExceptionWrapper(where), pickle.HIGHEST_PROTOCOL)


class IterableStop:
    """Sent by a worker whose copy of an iterable dataset is exhausted."""


def seed_worker(seed: int) -> None:
    """Seed every random stream a worker may use: minitorch's, Python's and numpy's global one.

    PyTorch leaves numpy's global stream alone, so forked workers repeat each other's
    ``np.random`` draws; seeding it too costs nothing and removes that trap.
    """
    minitorch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)


def worker_loop(
    dataset,
    fetcher_factory,
    index_queue,
    result_queue,
    done_event,
    worker_id,
    num_workers,
    seed,
    worker_init_fn,
) -> None:
    """Serve fetch requests until told to stop or until the parent process disappears."""
    global _worker_info
    # Ctrl-C reaches the whole process group: the main process handles it and stops the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    init_error = None
    try:
        seed_worker(seed)
        _worker_info = WorkerInfo(worker_id, num_workers, seed, dataset)
        if worker_init_fn is not None:
            worker_init_fn(worker_id)
    except Exception:
        init_error = ExceptionWrapper(f"in DataLoader worker process {worker_id}")
    fetcher, fetcher_epoch = None, None
    while True:
        try:
            request = index_queue.get(timeout=PARENT_CHECK_INTERVAL)
        except queue.Empty:
            if os.getppid() != parent:
                break
            continue
        if request is None or done_event.is_set():
            break
        epoch, task, indices = request
        if init_error is not None:
            result_queue.put((epoch, task, pickle_result(init_error, worker_id)))
            continue
        try:
            if fetcher_epoch != epoch:
                # a new epoch restarts iteration: iterable datasets need a fresh iterator
                fetcher, fetcher_epoch = fetcher_factory(), epoch
            batch = fetcher.fetch(indices)
        except StopIteration:
            batch = IterableStop()
        except Exception:
            batch = ExceptionWrapper(f"in DataLoader worker process {worker_id}")
        result_queue.put((epoch, task, pickle_result(batch, worker_id)))
    # the main process may have stopped reading: exit without waiting to flush unread results
    result_queue.cancel_join_thread()
    result_queue.close()
