"""``minitorch.testing``: ``assert_close`` for tests that compare results, as ``torch.testing``."""

from .comparison import assert_allclose, assert_close

__all__ = ["assert_allclose", "assert_close"]
