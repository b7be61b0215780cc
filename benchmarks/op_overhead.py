"""Time per small op (its forward plus its share of backward), minitorch vs PyTorch.

A chain of 100 elementwise ops on a 16-element tensor, then ``sum().backward()``: with data this
small the time is all dispatch, tape recording and engine overhead.
Run: python -m benchmarks.op_overhead
"""

from __future__ import annotations

import argparse
import statistics
import time

N_OPS = 100


def chain(lib, x, w):
    y = x
    for _ in range(N_OPS // 2):
        y = y * w
        y = y + 0.5
    y.sum().backward()


def time_per_op(lib, repeats: int) -> float:
    x = lib.ones(16, requires_grad=True)
    w = lib.full((16,), 1.001, requires_grad=True)
    for _ in range(20):
        chain(lib, x, w)
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        chain(lib, x, w)
        samples.append((time.perf_counter() - t0) / (N_OPS + 1))
    return statistics.median(samples)


def run(repeats: int = 200) -> list[dict]:
    import minitorch

    libs = [("minitorch", minitorch)]
    try:
        import torch

        torch.set_num_threads(1)
        libs.append(("torch", torch))
    except ImportError:
        pass
    results = {name: [] for name, _ in libs}
    for _ in range(5):  # interleave the libraries so a noisy neighbour hits both alike
        for name, lib in libs:
            results[name].append(time_per_op(lib, repeats // 5))
    return [{"lib": name, "us_per_op": 1e6 * min(v)} for name, v in results.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    rows = run(args.repeats)
    ref = next((r["us_per_op"] for r in rows if r["lib"] == "torch"), None)
    print(f"{'library':<10} {'us/op':>8} {'vs torch':>9}")
    for r in rows:
        ratio = f"{r['us_per_op'] / ref:.2f}x" if ref else "-"
        print(f"{r['lib']:<10} {r['us_per_op']:>8.2f} {ratio:>9}")


if __name__ == "__main__":
    main()
