"""Fetchers: build one batch from a list of indices (map-style) or from a stream (iterable)."""

from __future__ import annotations

from itertools import islice

from .collate import default_collate
from .dataset import IterableDataset


def make_fetcher(
    dataset, auto_collation: bool, collate_fn, drop_last: bool, batch_size: int | None
):
    """The fetcher for ``dataset``'s kind; for an iterable dataset this starts a new pass."""
    if isinstance(dataset, IterableDataset):
        return IterableFetcher(dataset, auto_collation, collate_fn, drop_last, batch_size)
    return MapFetcher(dataset, auto_collation, collate_fn)


class MapFetcher:
    """Batches from a map-style dataset; one ``__getbatch__`` call when the dataset offers it."""

    def __init__(self, dataset, auto_collation: bool, collate_fn) -> None:
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        # __getbatch__ promises default_collate's result, so only default collation may skip it
        fast = auto_collation and collate_fn is default_collate
        self.getbatch = getattr(dataset, "__getbatch__", None) if fast else None
        self.getitems = getattr(dataset, "__getitems__", None)

    def fetch(self, indices):
        if self.getbatch is not None:
            return self.getbatch(indices)
        if not self.auto_collation:
            return self.collate_fn(self.dataset[indices])
        if self.getitems is not None:
            return self.collate_fn(self.getitems(indices))
        return self.collate_fn([self.dataset[i] for i in indices])


class IterableFetcher:
    """Batches of ``batch_size`` consecutive samples from one pass over an iterable dataset.

    ``fetch`` raises ``StopIteration`` when the stream is exhausted (or, with ``drop_last``,
    when only a short batch is left).
    """

    def __init__(
        self, dataset, auto_collation: bool, collate_fn, drop_last: bool, batch_size: int | None
    ) -> None:
        self.iterator = iter(dataset)
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.batch_size = batch_size

    def fetch(self, indices=None):
        if not self.auto_collation:
            return self.collate_fn(next(self.iterator))
        samples = list(islice(self.iterator, self.batch_size))
        if not samples or (self.drop_last and len(samples) < self.batch_size):
            raise StopIteration
        return self.collate_fn(samples)
