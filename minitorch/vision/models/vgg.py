"""VGG (Simonyan & Zisserman, 2014) as torchvision builds it: ``vgg11`` ... ``vgg19``, ``_bn``.

Same layers and parameter names as torchvision's, so its state dicts load (``weights=`` a file).
"""

from __future__ import annotations

from ... import nn
from ...tensor import Tensor
from ._weights import check_pretrained, load_weights

# output channels of each 3x3 convolution; "M" is a 2x2 max pool
CFGS: dict[str, list[int | str]] = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [
        *(64, 64, "M", 128, 128, "M"),
        *(256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"),
    ],
}


class VGG(nn.Module):
    """``features`` (convolutions and pools), a 7x7 average pool, three linear layers."""

    def __init__(
        self,
        features: nn.Module,
        num_classes: int = 1000,
        init_weights: bool = True,
        dropout: float = 0.5,
    ) -> None:
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.avgpool(self.features(x)).flatten(1))


def make_layers(cfg: list[int | str], batch_norm: bool = False) -> nn.Sequential:
    """The convolutional part: 3x3 convolutions (with batch norm) and ReLUs, max pools at "M"."""
    layers: list[nn.Module] = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        conv = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
        layers += [conv, nn.BatchNorm2d(v), nn.ReLU(True)] if batch_norm else [conv, nn.ReLU(True)]
        in_channels = v
    return nn.Sequential(*layers)


def _vgg(name: str, cfg: str, batch_norm: bool, weights, kwargs: dict) -> VGG:
    check_pretrained(name, kwargs)
    if weights is not None:
        kwargs["init_weights"] = False  # the file replaces every parameter
    return load_weights(VGG(make_layers(CFGS[cfg], batch_norm), **kwargs), weights, name)


def vgg11(*, weights=None, progress: bool = True, **kwargs) -> VGG:
    """VGG-11 (configuration "A", 132.9M parameters)."""
    return _vgg("vgg11", "A", False, weights, kwargs)


def vgg11_bn(*, weights=None, progress: bool = True, **kwargs) -> VGG:
    """VGG-11 with batch normalization."""
    return _vgg("vgg11_bn", "A", True, weights, kwargs)


def vgg13(*, weights=None, progress: bool = True, **kwargs) -> VGG:
    """VGG-13 (configuration "B")."""
    return _vgg("vgg13", "B", False, weights, kwargs)


def vgg13_bn(*, weights=None, progress: bool = True, **kwargs) -> VGG:
    return _vgg("vgg13_bn", "B", True, weights, kwargs)


def vgg16(*, weights=None, progress: bool = True, **kwargs) -> VGG:
    """VGG-16 (configuration "D", 138.4M parameters)."""
    return _vgg("vgg16", "D", False, weights, kwargs)


def vgg16_bn(*, weights=None, progress: bool = True, **kwargs) -> VGG:
    return _vgg("vgg16_bn", "D", True, weights, kwargs)


def vgg19(*, weights=None, progress: bool = True, **kwargs) -> VGG:
    """VGG-19 (configuration "E")."""
    return _vgg("vgg19", "E", False, weights, kwargs)


def vgg19_bn(*, weights=None, progress: bool = True, **kwargs) -> VGG:
    return _vgg("vgg19_bn", "E", True, weights, kwargs)
