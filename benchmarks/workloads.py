"""The training steps the suite times, written once for any library with PyTorch's API.

Each builder takes the library module (``minitorch`` or ``torch``) and returns a zero-argument
``step`` that runs forward + backward + an Adam update on fixed random data.
"""

from __future__ import annotations

import numpy as np


def mlp(lib, batch: int):
    """MNIST MLP 784-128-10 with ReLU, cross-entropy, Adam 1e-3."""
    nn = lib.nn
    lib.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    return _step(lib, model, (batch, 784), batch)


def simple_cnn(lib, batch: int):
    """CIFAR SimpleCNN: conv 3-32-64 (3x3, padding 1) with 2x2 max-pooling, then fc 4096-64-10."""
    nn = lib.nn
    lib.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(4096, 64),
        nn.ReLU(),
        nn.Linear(64, 10),
    )
    return _step(lib, model, (batch, 3, 32, 32), batch)


def _step(lib, model, x_shape, batch):
    rng = np.random.default_rng(0)
    x = lib.from_numpy(rng.standard_normal(x_shape).astype(np.float32))
    y = lib.from_numpy(rng.integers(0, 10, batch).astype(np.int64))
    opt = lib.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = lib.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    return step


WORKLOADS = {
    "MNIST MLP 784-128-10, batch 64": (lambda lib: mlp(lib, 64), 1.3),
    "same MLP, batch 512": (lambda lib: mlp(lib, 512), 1.2),
    "CIFAR SimpleCNN, batch 64": (lambda lib: simple_cnn(lib, 64), 1.5),
}
