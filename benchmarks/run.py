"""The benchmark suite: every workload of issue #5 for minitorch and (if installed) PyTorch.

Each library times its steps in its own worker process, and the two take turns (interleaved,
so a busy neighbour core hits both alike), after warm-up; the figure is the median of repeated
timings. Separate processes keep each library's process-wide settings from reaching the other
(minitorch's malloc tuning made PyTorch's CNN step up to 25% faster when they shared one).
Thread settings: 1 thread (stable on a shared machine) and 2 threads.
Run: ``python -m benchmarks`` (``--json FILE`` also writes the results).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import platform
import re
import statistics
import subprocess
import sys
import time

from . import op_overhead
from .workloads import WORKLOADS

TURNS = 8  # each library times each workload in this many turns, alternating


def _libs():
    import minitorch

    libs = {"minitorch": minitorch}
    try:
        import torch

        libs["torch"] = torch
    except ImportError:
        pass
    return libs


@contextlib.contextmanager
def _set_threads(libs, n: int):
    """Run each library on ``n`` threads (minitorch: its own threads and numpy's BLAS)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(n):  # puts BLAS back as it was afterwards
        before = {name: lib.get_num_threads() for name, lib in libs.items()}
        for lib in libs.values():
            lib.set_num_threads(n)
        try:
            yield
        finally:
            for name, lib in libs.items():
                lib.set_num_threads(before[name])


def time_step(step, seconds: float) -> list[float]:
    """Run ``step`` repeatedly for about ``seconds``; return each run's duration."""
    for _ in range(3):
        step()
    samples, end = [], time.perf_counter() + seconds
    while time.perf_counter() < end or len(samples) < 5:
        t0 = time.perf_counter()
        step()
        samples.append(time.perf_counter() - t0)
    return samples


def _timer(lib_name: str, lib=None):
    """A function (workload, threads, seconds) -> step durations for one library; it builds each
    workload's step once."""
    import importlib

    lib = lib or importlib.import_module(lib_name)
    steps = {}

    def run(name, threads, seconds):
        with _set_threads({lib_name: lib}, threads):
            if name not in steps:
                steps[name] = WORKLOADS[name][0](lib)
            return time_step(steps[name], seconds)

    return run


def _timing_worker(lib_name: str, conn) -> None:
    """One library's side of the timing, alone in its process: answers (workload, threads,
    seconds) requests with step durations until it receives None."""
    run = _timer(lib_name)
    while (request := conn.recv()) is not None:
        conn.send(run(*request))


@contextlib.contextmanager
def _timers(libs, one_process: bool):
    """A timer per library: in a worker process of its own (a fresh interpreter: nothing
    inherited from this one), or with ``one_process`` here, side by side."""
    if one_process:
        yield {name: _timer(name, lib) for name, lib in libs.items()}
        return
    ctx = multiprocessing.get_context("spawn")
    workers = {}
    try:
        for name in libs:
            parent, child = ctx.Pipe()
            process = ctx.Process(target=_timing_worker, args=(name, child), daemon=True)
            process.start()
            workers[name] = (parent, process)
        yield {name: _remote(conn) for name, (conn, _) in workers.items()}
    finally:
        for conn, process in workers.values():
            if process.is_alive():
                conn.send(None)
            process.join(timeout=30)


def _remote(conn):
    def run(*request):
        conn.send(request)
        return conn.recv()

    return run


def bench_steps(timers: dict, threads: int, seconds: float) -> list[dict]:
    rows = []
    for name, (_, target) in WORKLOADS.items():
        samples = {lib: [] for lib in timers}
        for _ in range(TURNS):  # take turns so a busy neighbour core hits both libraries alike
            for lib, run in timers.items():
                samples[lib] += run(name, threads, seconds / TURNS)
        rows.append(
            {
                "workload": name,
                "threads": threads,
                "target": target,
                **{f"{lib}_ms": 1e3 * statistics.median(s) for lib, s in samples.items()},
            }
        )
    return rows


def peak_memory(lib: str) -> float | None:
    """Peak resident memory (MB) of the CNN training loop above the process's starting point.

    Measured in a fresh subprocess per library (RSS high-water mark after 5 steps minus the
    RSS after building the model and data), so allocator caches of one do not hide in the other.
    """
    code = (
        "import sys, re\n"
        f"import {lib} as lib\n"
        "from benchmarks.workloads import simple_cnn\n"
        "def rss(key):\n"
        "    return int(re.search(key + r':\\s+(\\d+)', open('/proc/self/status').read())[1])\n"
        "step = simple_cnn(lib, 64)\n"
        "base = rss('VmRSS')\n"
        "for _ in range(5): step()\n"
        "print((rss('VmHWM') - base) / 1024)\n"
    )
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    if out.returncode != 0:
        print(out.stderr[-2000:], file=sys.stderr)
        return None
    return float(out.stdout.strip().splitlines()[-1])


def blas_fraction(minitorch, seconds: float = 2.0) -> dict:
    """Share of the minitorch step time spent in matrix products (BLAS), by sampling.

    A thread samples the stepping thread's innermost Python frame every ~0.2 ms and counts the
    samples whose current source line is a matrix product (``@``, ``matmul(``, ``dot(``). BLAS
    releases the GIL, so those samples land promptly; a short switch interval keeps the
    Python-bound samples from lagging. An estimate, within a few percent.
    """
    import threading

    shares = {}
    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(5e-5)
    try:
        for name, (build, _) in WORKLOADS.items():
            step = build(minitorch)
            step()
            target = threading.get_ident()
            counts = [0, 0]
            done = threading.Event()

            sampler = threading.Thread(target=_sample, args=(target, counts, done), daemon=True)
            sampler.start()
            end = time.perf_counter() + seconds
            while time.perf_counter() < end:
                step()
            done.set()
            sampler.join()
            shares[name] = counts[0] / counts[1] if counts[1] else 0.0
    finally:
        sys.setswitchinterval(old_interval)
    return shares


_BLAS_LINE = re.compile(r"@|\bmatmul\(|\bdot\(")


def _sample(target: int, counts: list, done) -> None:
    """Every ~0.2 ms: is thread ``target`` on a matrix-product line? counts = [hits, samples]."""
    import linecache

    while not done.is_set():
        frame = sys._current_frames().get(target)
        if frame is not None:
            line = linecache.getline(frame.f_code.co_filename, frame.f_lineno or 0)
            counts[0] += bool(_BLAS_LINE.search(line))
            counts[1] += 1
        time.sleep(2e-4)


def _fmt_ratio(row, target=None):
    if "torch_ms" not in row:
        return "-", "-"
    ratio = row["minitorch_ms"] / row["torch_ms"]
    met = "-" if target is None else ("yes" if ratio <= target else "NO")
    return f"{ratio:.2f}x", met


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--seconds", type=float, default=8.0, help="timing budget per workload and library"
    )
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument(
        "--one-process",
        action="store_true",
        help="time both libraries in this process (PyTorch then shares minitorch's malloc tuning)",
    )
    args = parser.parse_args(argv)

    libs = _libs()
    from threadpoolctl import threadpool_info

    blas = next((i for i in threadpool_info() if i["user_api"] == "blas"), {})
    print(
        f"python {platform.python_version()}, numpy BLAS: {blas.get('internal_api')} "
        f"{blas.get('version')} ({blas.get('architecture')}), "
        f"torch: {libs['torch'].__version__ if 'torch' in libs else 'not installed'}\n"
    )

    results = {"steps": [], "op_overhead": [], "memory": {}, "blas_fraction": {}}
    print(
        f"{'workload':<34} {'thr':>3} {'minitorch ms':>13} {'torch ms':>9} {'ratio':>7} "
        f"{'target':>7} {'met':>4}"
    )
    with _timers(libs, args.one_process) as timers:
        for threads in args.threads:
            for row in bench_steps(timers, threads, args.seconds):
                results["steps"].append(row)
                ratio, met = _fmt_ratio(row, row["target"])
                torch_ms = f"{row['torch_ms']:.2f}" if "torch_ms" in row else "-"
                print(
                    f"{row['workload']:<34} {threads:>3} {row['minitorch_ms']:>13.2f} "
                    f"{torch_ms:>9} {ratio:>7} {'<=' + str(row['target']) + 'x':>7} {met:>4}"
                )

    with _set_threads(libs, 1):
        ops = op_overhead.run()
    results["op_overhead"] = ops
    by_lib = {r["lib"]: r["us_per_op"] for r in ops}
    ratio = by_lib["minitorch"] / by_lib["torch"] if "torch" in by_lib else None
    print(
        f"{'per small op (fwd + bwd share), us':<34} {1:>3} {by_lib['minitorch']:>13.2f} "
        f"{by_lib.get('torch', float('nan')):>9.2f} "
        f"{'-' if ratio is None else f'{ratio:.2f}x':>7} {'<=2x':>7} "
        f"{'-' if ratio is None else ('yes' if ratio <= 2 else 'NO'):>4}"
    )

    if not args.skip_memory:
        mem = {lib: peak_memory(lib) for lib in libs}
        results["memory"] = mem
        ratio = mem["minitorch"] / mem["torch"] if mem.get("torch") else None
        print(
            f"{'peak memory, CNN loop, MB':<34} {1:>3} {mem['minitorch'] or float('nan'):>13.1f} "
            f"{mem.get('torch') or float('nan'):>9.1f} "
            f"{'-' if ratio is None else f'{ratio:.2f}x':>7} {'<=1.3x':>7} "
            f"{'-' if ratio is None else ('yes' if ratio <= 1.3 else 'NO'):>4}"
        )

    with _set_threads(libs, 1):
        results["blas_fraction"] = blas_fraction(libs["minitorch"])
    print("\nshare of minitorch step time inside BLAS matrix products (1 thread, sampled):")
    for name, share in results["blas_fraction"].items():
        print(f"  {name:<34} {100 * share:5.1f}%")

    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
