"""Vision data sets in torchvision's on-disk layouts, as in ``torchvision.datasets``."""

from .cifar import CIFAR10
from .fakedata import FakeData
from .folder import DatasetFolder, ImageFolder
from .mnist import MNIST, FashionMNIST
from .vision import VisionDataset

__all__ = [
    "CIFAR10",
    "MNIST",
    "DatasetFolder",
    "FakeData",
    "FashionMNIST",
    "ImageFolder",
    "VisionDataset",
]
