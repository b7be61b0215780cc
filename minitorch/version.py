"""``minitorch.version``: what code reads from ``torch.version`` (``cuda`` is None: minitorch is not
built against CUDA; cupy, when installed, brings its own)."""

__version__ = "0.1.0"
cuda = None
hip = None
debug = False
git_version = "Unknown"
