"""``minitorch.backends.cudnn``: cuDNN is never used; its flags are kept for code that sets them."""

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    """False: minitorch's GPU convolutions are cupy GEMMs, not cuDNN calls."""
    return False


def version() -> None:
    """None, as in PyTorch when cuDNN is not available."""
    return None
