"""Train the classic PyTorch-tutorial MLP (or a small CNN) on MNIST or Fashion-MNIST.

    python examples/mnist.py --dataset fashion --data-dir /usr/share/datasets/fashion-mnist

The data set is read from ``--data-dir`` (torchvision's layout, or a folder holding the four
IDX files, as Debian's dataset-fashion-mnist package installs them); ``--download`` fetches it.
"""

from __future__ import annotations

import common

import minitorch as torch
from minitorch import nn
from minitorch.vision import datasets

STATS = {"mnist": (0.1307, 0.3081), "fashion": (0.2860, 0.3530)}


def mlp() -> nn.Module:
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


def cnn() -> nn.Module:
    """The CIFAR SimpleCNN adapted to 1 x 28 x 28 input."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64 * 7 * 7, 64),
        nn.ReLU(),
        nn.Linear(64, 10),
    )


def load(dataset_cls, args, train: bool):
    """All images as one normalised float32 N x 1 x 28 x 28 tensor, plus the labels."""
    ds = dataset_cls(args.data_dir, train=train, download=args.download)
    images, labels = ds.data, ds.targets
    if args.limit:
        images, labels = images[: args.limit], labels[: args.limit]
    mean, std = STATS[args.dataset]
    return ((images.float() / 255 - mean) / std).unsqueeze(1), labels


def main(argv=None) -> dict:
    p = common.parser(__doc__.splitlines()[0], epochs=5, lr=1e-3, batch_size=64)
    p.add_argument("--dataset", choices=["mnist", "fashion"], default="mnist")
    p.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    args = p.parse_args(argv)
    device = common.pick_device(args.device)
    torch.manual_seed(args.seed)
    dataset_cls = datasets.FashionMNIST if args.dataset == "fashion" else datasets.MNIST
    train_loader, test_loader = common.loaders(
        *load(dataset_cls, args, True), *load(dataset_cls, args, False), args
    )
    model = mlp() if args.model == "mlp" else cnn()
    print(model)
    return common.fit(
        model, train_loader, test_loader, args, device, f"{args.dataset}_{args.model}"
    )


if __name__ == "__main__":
    main()
