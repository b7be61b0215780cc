"""DataLoader with worker processes: order, seeding, errors, and no process outliving it."""

import multiprocessing
import os
import re
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import minitorch
from minitorch.utils.data import DataLoader, Dataset, IterableDataset, get_worker_info
from minitorch.utils.data.multiprocess import SHUTDOWN_TIMEOUT
from minitorch.vision import transforms as T


class Pids(Dataset):
    """Sample i is (i, pid of the process that fetched it)."""

    def __init__(self, n=12):
        self.n = n

    def __getitem__(self, index):
        return index, os.getpid()

    def __len__(self):
        return self.n


class Info(Dataset):
    def __getitem__(self, index):
        info = get_worker_info()
        return info.id, info.num_workers, info.seed, info.dataset is self, minitorch.rand(1).item()

    def __len__(self):
        return 8


class Failing(Dataset):
    def __init__(self, error):
        self.error = error

    def __getitem__(self, index):
        if index == 5:
            raise self.error
        return index

    def __len__(self):
        return 10


class TwoArgError(Exception):
    def __init__(self, a, b):
        super().__init__(a, b)


class Sleepy(Dataset):
    def __getitem__(self, index):
        time.sleep(10)
        return index

    def __len__(self):
        return 4


class Dies(Dataset):
    def __getitem__(self, index):
        if index == 3:
            os._exit(1)
        return index

    def __len__(self):
        return 8


class Sharded(IterableDataset):
    def __iter__(self):
        info = get_worker_info()
        return iter(range(info.id, 10, info.num_workers))


def gone(pid: int) -> bool:
    """True once ``pid`` has exited (a zombie left for a non-reaping init counts as exited)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in "ZX"
    except FileNotFoundError:
        return True


def wait_gone(pids, seconds=10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(gone(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


def failure(loader, error_type) -> str:
    """The message of the ``error_type`` that iterating ``loader`` raises.

    Returned as a string so that no traceback (whose frames hold the iterator) outlives the call.
    """
    try:
        list(loader)
    except error_type as error:
        return str(error)
    raise AssertionError(f"no {error_type.__name__} raised")


def worker_pids(batches):
    return {pid for _, pids in batches for pid in pids.tolist()}


def test_same_batches_as_single_process():
    single = [b[0].tolist() for b in DataLoader(Pids(11), batch_size=3)]
    multi = list(DataLoader(Pids(11), batch_size=3, num_workers=3, prefetch_factor=1))
    assert [b[0].tolist() for b in multi] == single
    assert len(worker_pids(multi)) == 3 and os.getpid() not in worker_pids(multi)


def test_workers_exit_when_epoch_ends():
    batches = list(DataLoader(Pids(), batch_size=2, num_workers=2))
    assert wait_gone(worker_pids(batches), 0.1) and not multiprocessing.active_children()


def test_workers_exit_when_iterator_is_dropped_early():
    it = iter(DataLoader(Pids(), batch_size=2, num_workers=2))
    pids = worker_pids([next(it), next(it)])
    del it
    assert wait_gone(pids, 0.1) and not multiprocessing.active_children()


def test_worker_exception_reaches_main_with_traceback():
    loader = DataLoader(Failing(ValueError("bad sample")), batch_size=2, num_workers=2)
    message = failure(loader, ValueError)
    assert "Caught ValueError in DataLoader worker process 0" in message
    assert "raise self.error" in message and "ValueError: bad sample" in message
    assert not multiprocessing.active_children()


def test_worker_key_error_keeps_its_message_readable():
    loader = DataLoader(Failing(KeyError("missing")), batch_size=2, num_workers=1)
    message = failure(loader, KeyError)
    assert "\n" in message and "KeyError: 'missing'" in message


def test_worker_exception_without_message_constructor_becomes_runtime_error():
    loader = DataLoader(Failing(TwoArgError(1, 2)), batch_size=2, num_workers=1)
    assert "Caught TwoArgError in DataLoader worker process" in failure(loader, RuntimeError)


def unpicklable_collate(batch):
    return lambda: batch


def test_unpicklable_batch_is_reported_not_hung():
    loader = DataLoader(Pids(4), batch_size=2, num_workers=1, collate_fn=unpicklable_collate)
    message = failure(loader, Exception)
    assert "in DataLoader worker process 0 while pickling its batch" in message


class LocalErrorDataset(Dataset):
    def __getitem__(self, index):
        class LocalError(Exception):
            pass

        raise LocalError("defined inside a function: its type cannot be pickled")

    def __len__(self):
        return 2


def test_unpicklable_exception_type_becomes_runtime_error():
    message = failure(DataLoader(LocalErrorDataset(), num_workers=1), RuntimeError)
    assert "Caught LocalError" in message and "its type cannot be pickled" in message


def test_worker_info_and_seeds():
    minitorch.manual_seed(0)
    first = list(DataLoader(Info(), batch_size=None, num_workers=2))
    ids = {row[0] for row in first}
    seeds = {row[0]: row[2] for row in first}
    assert ids == {0, 1} and all(row[1] == 2 and row[3] for row in first)
    assert seeds[1] == seeds[0] + 1
    assert len({row[4] for row in first}) == len(first)  # workers draw different numbers
    minitorch.manual_seed(0)
    assert list(DataLoader(Info(), batch_size=None, num_workers=2)) == first
    assert get_worker_info() is None


class Augmented(Dataset):
    def __init__(self):
        self.transform = T.Compose([T.RandomCrop(4, padding=2), T.RandomHorizontalFlip()])

    def __getitem__(self, index):
        return self.transform(np.arange(16, dtype=np.uint8).reshape(4, 4))

    def __len__(self):
        return 16


def test_random_transforms_in_workers_are_reproducible_and_differ():
    def run():
        minitorch.manual_seed(7)
        return [b.numpy() for b in DataLoader(Augmented(), batch_size=4, num_workers=2)]

    first, second = run(), run()
    assert all((a == b).all() for a, b in zip(first, second))
    # batches 0 and 1 come from different workers, which must not repeat each other
    assert not (first[0] == first[1]).all()


def init_marks_worker(worker_id):
    os.environ["MARK"] = f"worker-{worker_id}"


class Mark(Dataset):
    def __getitem__(self, index):
        return os.environ.get("MARK", "")

    def __len__(self):
        return 4


def bad_init(worker_id):
    raise OSError(f"no device for worker {worker_id}")


def test_worker_init_fn():
    out = list(DataLoader(Mark(), batch_size=2, num_workers=2, worker_init_fn=init_marks_worker))
    assert out == [["worker-0", "worker-0"], ["worker-1", "worker-1"]]
    loader = DataLoader(Mark(), batch_size=2, num_workers=2, worker_init_fn=bad_init)
    assert "no device for worker 0" in failure(loader, OSError)
    assert not multiprocessing.active_children()


def test_persistent_workers_reused_and_stale_batches_dropped():
    loader = DataLoader(Pids(), batch_size=2, num_workers=2, persistent_workers=True)
    it = iter(loader)
    next(it)  # abandon this epoch with batches in flight
    epochs = [list(loader) for _ in range(2)]
    for batches in epochs:
        assert [i for b, _ in batches for i in b.tolist()] == list(range(12))
    pids = worker_pids(epochs[0])
    assert pids == worker_pids(epochs[1]) and len(pids) == 2
    del loader, it
    assert wait_gone(pids, 0.1) and not multiprocessing.active_children()


def test_iterable_dataset_sharded_by_worker_info():
    out = [b.tolist() for b in DataLoader(Sharded(), batch_size=2, num_workers=3)]
    assert sorted(i for b in out for i in b) == list(range(10))
    assert out[:3] == [[0, 3], [1, 4], [2, 5]]


def test_out_of_order_yields_everything():
    loader = DataLoader(Pids(), batch_size=2, num_workers=2, in_order=False)
    assert sorted(i for b, _ in loader for i in b.tolist()) == list(range(12))


def test_timeout():
    loader = DataLoader(Sleepy(), batch_size=1, num_workers=1, timeout=0.2)
    start = time.monotonic()
    assert "DataLoader timed out after 0.2 seconds" in failure(loader, RuntimeError)
    # the busy worker gets SHUTDOWN_TIMEOUT to finish, then is terminated
    assert time.monotonic() - start < 0.2 + SHUTDOWN_TIMEOUT + 0.5
    assert not multiprocessing.active_children()


def test_dead_worker_is_reported():
    message = failure(DataLoader(Dies(), batch_size=1, num_workers=2), RuntimeError)
    assert re.fullmatch(r"DataLoader worker \(pid\(s\) \d+\) exited unexpectedly", message)
    assert not multiprocessing.active_children()


def test_spawn_context():
    loader = DataLoader(Pids(4), batch_size=2, num_workers=1, multiprocessing_context="spawn")
    assert [b.tolist() for b, _ in loader] == [[0, 1], [2, 3]]


ORPHAN_SCRIPT = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {tests!r})
    from utils.data.test_multiprocess import Pids
    from minitorch.utils.data import DataLoader

    it = iter(DataLoader(Pids(), batch_size=2, num_workers=2))
    batches = [next(it), next(it)]
    print(" ".join(str(p) for p in sorted({{p for _, ps in batches for p in ps.tolist()}})))
    sys.stdout.flush()
    os.kill(os.getpid(), {signal})
""")


@pytest.mark.parametrize("how", ["SIGKILL", "exit"])
def test_workers_exit_when_main_process_dies(how):
    tests = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    script = ORPHAN_SCRIPT.format(tests=tests, signal=int(signal.SIGKILL))
    if how == "exit":  # a normal interpreter exit, without deleting the loader
        script = script.replace(f"os.kill(os.getpid(), {int(signal.SIGKILL)})", "")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60, cwd=os.path.dirname(tests))
    pids = [int(p) for p in result.stdout.split()]
    assert len(pids) == 2, result.stderr
    assert wait_gone(pids, 10.0)
    assert "Error" not in result.stderr and "Exception ignored" not in result.stderr
