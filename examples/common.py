"""The training loop both examples share: progress bar, test accuracy, checkpoint, curves, logs.

Written the way a PyTorch user writes it; only the import differs (`import minitorch as torch`).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import minitorch as torch
from minitorch.utils.data import DataLoader, TensorDataset


def parser(description: str, epochs: int, lr: float, batch_size: int) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--epochs", type=int, default=epochs)
    p.add_argument("--batch-size", type=int, default=batch_size)
    p.add_argument("--lr", type=float, default=lr)
    p.add_argument("--device", default="cpu", help="cpu or cuda (needs cupy and a GPU)")
    p.add_argument("--data-dir", default="data")
    p.add_argument("--workers", type=int, default=0, help="DataLoader worker processes")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--limit", type=int, default=None, help="use only the first N examples")
    p.add_argument("--out-dir", default="runs", help="checkpoint, curves PNG, TensorBoard logs")
    p.add_argument("--download", action="store_true", help="download the data set if missing")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


def pick_device(name: str) -> torch.device:
    """The requested device, or exit with a clear message when CUDA is not usable here."""
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        sys.exit(
            "--device cuda: no usable CUDA GPU here (minitorch.cuda.is_available() is False). "
            "Install cupy for your CUDA version (pip install 'minitorch[cuda]') on a machine "
            "with an NVIDIA GPU, or use --device cpu."
        )
    return device


def loaders(x_train, y_train, x_test, y_test, args):
    """In-memory tensors -> shuffled training loader and sequential test loader."""
    g = torch.Generator().manual_seed(args.seed)
    train = DataLoader(
        TensorDataset(x_train, y_train),
        batch_size=args.batch_size,
        shuffle=True,
        num_workers=args.workers,
        generator=g,
    )
    test = DataLoader(TensorDataset(x_test, y_test), batch_size=1000)
    return train, test


def evaluate(model, loader, device) -> float:
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            correct += (model(x).argmax(1) == y).sum().item()
            total += len(y)
    return correct / total


def fit(model, train_loader, test_loader, args, device, name: str) -> dict:
    """Train with Adam and cross-entropy; log, checkpoint and plot. Returns the history."""
    from tqdm import tqdm

    from minitorch.utils.tensorboard import SummaryWriter

    os.makedirs(args.out_dir, exist_ok=True)
    writer = SummaryWriter(log_dir=os.path.join(args.out_dir, "tensorboard", name))
    model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    history = {"loss": [], "accuracy": [], "epoch_s": [], "load_s": [], "compute_s": []}
    step, running = 0, 0.0  # running: smoothed loss shown on the progress bar
    for epoch in range(1, args.epochs + 1):
        model.train()
        load_s = compute_s = total_loss = 0.0
        seen = batches = 0
        bar = tqdm(
            total=len(train_loader),
            desc=f"epoch {epoch}/{args.epochs}",
            unit="batch",
            disable=args.no_progress,
            leave=True,
        )
        t_start = t = time.perf_counter()
        for x, y in train_loader:
            x, y = x.to(device), y.to(device)
            t_loaded = time.perf_counter()
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            value = loss.item()
            t_done = time.perf_counter()
            load_s += t_loaded - t
            compute_s += t_done - t_loaded
            seen += len(y)
            batches += 1
            total_loss += value
            step += 1
            running = value if step == 1 else 0.98 * running + 0.02 * value
            writer.add_scalar("loss/train", value, step)
            throughput = f"{seen / (t_done - t_start):.0f}"
            bar.set_postfix({"loss": f"{running:.4f}", "img/s": throughput}, refresh=False)
            bar.update()
            t = time.perf_counter()  # logging and the progress bar count as neither
        epoch_s = time.perf_counter() - t_start
        bar.close()
        accuracy = evaluate(model, test_loader, device)
        writer.add_scalar("accuracy/test", accuracy, epoch)
        history["loss"].append(total_loss / max(batches, 1))
        history["accuracy"].append(accuracy)
        history["epoch_s"].append(epoch_s)
        history["load_s"].append(load_s)
        history["compute_s"].append(compute_s)
        print(
            f"epoch {epoch}: loss {history['loss'][-1]:.4f}  test accuracy {100 * accuracy:.2f}%  "
            f"time {epoch_s:.2f}s (loading {load_s:.2f}s, computing {compute_s:.2f}s)"
        )
        torch.save(
            {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch},
            os.path.join(args.out_dir, f"{name}.pt"),
        )
    writer.close()
    plot(history, os.path.join(args.out_dir, f"{name}_curves.png"))
    return history


def plot(history: dict, path: str) -> None:
    """Training loss and test accuracy per epoch, side by side, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    epochs = range(1, len(history["loss"]) + 1)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
    ax1.plot(epochs, history["loss"], marker="o")
    ax1.set(title="training loss (mean over the epoch)", xlabel="epoch")
    ax2.plot(epochs, [100 * a for a in history["accuracy"]], marker="o", color="tab:green")
    ax2.set(title="test accuracy (%)", xlabel="epoch")
    for ax in (ax1, ax2):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
