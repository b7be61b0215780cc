"""Train the classic PyTorch-tutorial SimpleCNN on CIFAR-10.

    python examples/cifar10.py --data-dir data --download

Reads ``--data-dir/cifar-10-batches-py`` (the python version of the data set).
"""

from __future__ import annotations

import common

import minitorch as torch
from minitorch import nn
from minitorch.vision import datasets

MEAN = (0.4914, 0.4822, 0.4465)
STD = (0.2470, 0.2435, 0.2616)


class SimpleCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(64 * 8 * 8, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        return self.fc2(torch.relu(self.fc1(x)))


def load(args, train: bool):
    """All images as one normalised float32 N x 3 x 32 x 32 tensor, plus the labels."""
    ds = datasets.CIFAR10(args.data_dir, train=train, download=args.download)
    images, labels = torch.as_tensor(ds.data), torch.as_tensor(ds.targets)
    if args.limit:
        images, labels = images[: args.limit], labels[: args.limit]
    x = images.float().permute(0, 3, 1, 2) / 255  # N x H x W x C uint8 -> N x C x H x W
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1)
    return ((x - mean) / std).contiguous(), labels


def main(argv=None) -> dict:
    p = common.parser(__doc__.splitlines()[0], epochs=10, lr=1e-3, batch_size=64)
    args = p.parse_args(argv)
    device = common.pick_device(args.device)
    torch.manual_seed(args.seed)
    train_loader, test_loader = common.loaders(*load(args, True), *load(args, False), args)
    model = SimpleCNN()
    print(model)
    return common.fit(model, train_loader, test_loader, args, device, "cifar10_cnn")


if __name__ == "__main__":
    main()
