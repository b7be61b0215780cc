"""``weights=`` of the model builders: a local file or a state dict, never a download."""

from __future__ import annotations

import os
from collections.abc import Mapping

from ... import nn, serialization


def load_weights(model: nn.Module, weights, builder: str) -> nn.Module:
    """Load ``weights`` (a path that ``minitorch.load`` reads, or a state dict) into ``model``.

    torchvision's weight enums download from the internet; here the file is given instead, with
    torchvision's parameter names, so a state dict saved from torchvision's model loads as is.
    """
    if weights is None:
        return model
    if isinstance(weights, (str, os.PathLike)):
        state = serialization.load(weights)
    elif isinstance(weights, Mapping):
        state = weights
    else:
        raise TypeError(
            f"{builder}(weights=...) takes a path to a saved state dict or the state dict itself "
            f"(minitorch downloads nothing), got {type(weights).__name__}"
        )
    model.load_state_dict(state)
    return model


def check_pretrained(builder: str, kwargs: dict) -> None:
    """Refuse torchvision's old ``pretrained=True``: it means a download."""
    if kwargs.pop("pretrained", False):
        raise ValueError(
            f"{builder}(pretrained=True) would download weights; minitorch downloads nothing. "
            f"Save the state dict to a file and pass {builder}(weights='path/to/file')."
        )
