"""Vision data sets in torchvision's on-disk layouts, as in ``torchvision.datasets``."""

from .cifar import CIFAR10
from .mnist import MNIST, FashionMNIST
from .vision import VisionDataset

__all__ = ["CIFAR10", "MNIST", "FashionMNIST", "VisionDataset"]
