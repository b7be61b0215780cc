"""Tests for minitorch/multiprocessing: the standard module's names and spawn's error handling.

A flat file: a tests/multiprocessing package would shadow the standard module under pytest."""

import multiprocessing as std
import os

import pytest

import minitorch
import minitorch.multiprocessing as mp


def _write_rank(rank, folder):
    t = minitorch.full((2,), float(rank))
    with open(os.path.join(folder, f"{rank}.txt"), "w") as f:
        f.write(str(t.sum().item()))


def _fail_on_one(rank):
    if rank == 1:
        raise ValueError("worker one fails")


def _exit_three(rank):
    os._exit(3)


def _send(queue):
    queue.put(minitorch.arange(3))


def test_reexports_the_standard_module():
    for name in ("Process", "Queue", "SimpleQueue", "Pool", "set_start_method", "get_context"):
        assert getattr(mp, name) is getattr(std, name)
    assert mp.get_sharing_strategy() in mp.get_all_sharing_strategies()


def test_spawn_runs_every_rank(tmp_path):
    mp.spawn(_write_rank, args=(str(tmp_path),), nprocs=2)
    assert sorted(os.listdir(tmp_path)) == ["0.txt", "1.txt"]
    assert (tmp_path / "1.txt").read_text() == "2.0"


def test_a_raising_worker_raises_in_the_parent_with_its_traceback():
    with pytest.raises(mp.ProcessRaisedException, match="worker one fails") as info:
        mp.start_processes(_fail_on_one, nprocs=2, start_method="fork")
    assert "-- Process 1 terminated with the following error:" in str(info.value)
    assert info.value.error_index == 1


def test_an_exiting_worker_gives_its_exit_code():
    context = mp.start_processes(_exit_three, nprocs=1, join=False, start_method="fork")
    with pytest.raises(mp.ProcessExitedException, match="terminated with exit code 3") as info:
        while not context.join():
            pass
    assert info.value.exit_code == 3


def test_spawn_only_spawns():
    with pytest.warns(FutureWarning, match="only supports start_method=spawn"):
        mp.spawn(_exit_zero, nprocs=1, start_method="fork")


def _exit_zero(rank):
    pass


def test_tensors_go_through_a_queue():
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    worker = ctx.Process(target=_send, args=(queue,))
    worker.start()
    assert queue.get(timeout=30).tolist() == [0, 1, 2]
    worker.join()
