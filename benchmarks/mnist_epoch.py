"""One Fashion-MNIST training epoch in minitorch and in PyTorch, side by side.

The same loop runs with ``import minitorch as lib`` and ``import torch as lib`` on in-memory
tensors: same model, Adam 1e-3, batch 64, shuffled by the library's DataLoader. Epochs alternate
between the libraries in one process, at 1 and at 2 threads. Each epoch is split into data
loading (the DataLoader producing a batch) and compute (forward, loss, backward, Adam step and
``loss.item()``, as examples/mnist.py does), in wall-clock seconds and in process CPU seconds:
on a shared machine the wall clock includes time other processes held the core, CPU time does not.

    python benchmarks/mnist_epoch.py [--model cnn] [--epochs 3] [--threads 1 2] [--json FILE]

numpy's OpenBLAS reads OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE at import; the header shows them and
the core OpenBLAS chose, so figures from differently configured runs are not mixed up.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time

import numpy as np

MEAN, STD = 0.2860, 0.3530  # Fashion-MNIST training set


def load_fashion(data_dir: str, limit: int | None):
    """Normalised float32 N x 1 x 28 x 28 images and int64 labels (train, test) as numpy."""
    from minitorch.vision.datasets import FashionMNIST

    out = []
    for train in (True, False):
        ds = FashionMNIST(data_dir, train=train)
        images, labels = ds.data.numpy()[:limit], ds.targets.numpy()[:limit]
        x = ((images.astype(np.float32) / 255 - MEAN) / STD).astype(np.float32)[:, None]
        out.append((x, labels.astype(np.int64)))
    return out


def build(lib, model: str):
    """The examples' MLP 784-128-10 or their CNN (conv 1-32-64, pooling, fc 3136-64-10)."""
    nn = lib.nn
    if model == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10),
    )  # fmt: skip


class Run:
    """One library's model, optimizer and loaders, trained one epoch at a time."""

    def __init__(self, lib, model: str, data, seed: int, batch_size: int):
        (x_train, y_train), (x_test, y_test) = data
        lib.manual_seed(seed)
        self.lib = lib
        self.model = build(lib, model)
        self.optimizer = lib.optim.Adam(self.model.parameters(), lr=1e-3)
        self.loss_fn = lib.nn.CrossEntropyLoss()
        TensorDataset, DataLoader = lib.utils.data.TensorDataset, lib.utils.data.DataLoader
        train = TensorDataset(lib.from_numpy(x_train), lib.from_numpy(y_train))
        test = TensorDataset(lib.from_numpy(x_test), lib.from_numpy(y_test))
        g = lib.Generator().manual_seed(seed)
        self.train = DataLoader(train, batch_size=batch_size, shuffle=True, generator=g)
        self.test = DataLoader(test, batch_size=1000)

    def epoch(self, max_batches: int | None = None) -> dict:
        """Train one epoch; seconds spent loading and computing, wall clock and process CPU."""
        self.model.train()
        spent = dict.fromkeys(("load_s", "compute_s", "load_cpu_s", "compute_cpu_s"), 0.0)
        t, c = time.perf_counter(), time.process_time()
        for i, (x, y) in enumerate(self.train):
            t_loaded, c_loaded = time.perf_counter(), time.process_time()
            self.optimizer.zero_grad()
            loss = self.loss_fn(self.model(x), y)
            loss.backward()
            self.optimizer.step()
            loss.item()
            t_done, c_done = time.perf_counter(), time.process_time()
            spent["load_s"] += t_loaded - t
            spent["compute_s"] += t_done - t_loaded
            spent["load_cpu_s"] += c_loaded - c
            spent["compute_cpu_s"] += c_done - c_loaded
            t, c = t_done, c_done
            if max_batches is not None and i + 1 == max_batches:
                break
        return spent

    def accuracy(self) -> float:
        self.model.eval()
        correct = total = 0
        with self.lib.no_grad():
            for x, y in self.test:
                correct += (self.model(x).argmax(1) == y).sum().item()
                total += len(y)
        return correct / total


def set_threads(libs: dict, n: int) -> None:
    for lib in libs.values():
        lib.set_num_threads(n)


def blas_info() -> dict:
    """numpy's BLAS as threadpoolctl sees it, and the environment variables that steer it."""
    from threadpoolctl import threadpool_info

    blas = [i for i in threadpool_info() if i["user_api"] == "blas" and "numpy" in i["filepath"]]
    info = {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    if blas:
        info.update(blas=blas[0]["internal_api"], version=blas[0]["version"])
        info["core"] = blas[0].get("architecture")
    return info


def bench(libs: dict, data, args) -> list[dict]:
    rows = []
    for threads in args.threads:
        set_threads(libs, threads)
        runs = {
            name: Run(lib, args.model, data, args.seed, args.batch_size)
            for name, lib in libs.items()
        }
        for run in runs.values():  # warm-up: allocator, BLAS buffers, first-call imports
            run.epoch(max_batches=20)
        times = {name: [] for name in runs}
        for _ in range(args.epochs):
            for name, run in runs.items():
                times[name].append(run.epoch())
        for name, run in runs.items():
            row = {"model": args.model, "threads": threads, "library": name}
            for key in times[name][0]:
                row[key] = statistics.median(t[key] for t in times[name])
            row["epoch_s"] = row["load_s"] + row["compute_s"]
            row["epoch_cpu_s"] = row["load_cpu_s"] + row["compute_cpu_s"]
            row["accuracy"] = run.accuracy()
            rows.append(row)
    return rows


def table(rows: list[dict]) -> str:
    """Wall-clock seconds (what a user waits) and process CPU seconds (steady on a busy machine)."""
    head = ("model", "threads", "library", "load s", "compute s", "epoch s", "x torch",
            "load cpu", "compute cpu", "epoch cpu", "x torch", "test acc")  # fmt: skip
    lines = [
        "{:5} {:>7} {:10} {:>7} {:>9} {:>8} {:>7} | {:>8} {:>11} {:>9} {:>7} | {:>8}".format(*head)
    ]
    ref = {(r["model"], r["threads"]): r for r in rows if r["library"] == "torch"}
    for r in rows:
        torch_row = ref.get((r["model"], r["threads"]))
        ratios = [
            f"{r[key] / torch_row[key]:7.2f}" if torch_row else f"{'-':>7}"
            for key in ("epoch_s", "epoch_cpu_s")
        ]
        lines.append(
            f"{r['model']:5} {r['threads']:7d} {r['library']:10} {r['load_s']:7.3f} "
            f"{r['compute_s']:9.3f} {r['epoch_s']:8.3f} {ratios[0]} | {r['load_cpu_s']:8.3f} "
            f"{r['compute_cpu_s']:11.3f} {r['epoch_cpu_s']:9.3f} {ratios[1]} | "
            f"{100 * r['accuracy']:7.2f}%"
        )
    return "\n".join(lines)


def main(argv=None) -> list[dict]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    p.add_argument("--epochs", type=int, default=3, help="timed epochs per library (median)")
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--limit", type=int, default=None, help="use only the first N examples")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-torch", action="store_true", help="time minitorch alone")
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = p.parse_args(argv)

    import minitorch

    libs = {"minitorch": minitorch}
    if not args.no_torch:
        try:
            import torch

            libs["torch"] = torch
        except ImportError:
            print("PyTorch is not installed: timing minitorch alone")
    data = load_fashion(args.data_dir, args.limit)
    env = {"python": platform.python_version(), "numpy": np.__version__, **blas_info()}
    if "torch" in libs:
        env["torch"] = libs["torch"].__version__
    print(", ".join(f"{k}={v}" for k, v in env.items()))
    print(f"Fashion-MNIST {len(data[0][0])} training images, batch {args.batch_size}, "
          f"median of {args.epochs} epoch(s)")  # fmt: skip
    rows = bench(libs, data, args)
    print(table(rows))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"env": env, "rows": rows}, f, indent=2)
    return rows


if __name__ == "__main__":
    main()
