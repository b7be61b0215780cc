"""DataLoader: batches from a dataset, in the main process or in worker processes."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import minitorch

from .collate import default_collate, default_convert
from .dataset import Dataset, IterableDataset
from .fetch import make_fetcher
from .multiprocess import MultiProcessIter
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler


class DataLoader:
    """Iterate over ``dataset`` in batches, with PyTorch's arguments and defaults.

    ``pin_memory`` is accepted and ignored: batches stay in host memory until the training loop
    moves them with ``.to(device)``. When collation is the default and the dataset defines
    ``__getbatch__`` (``TensorDataset``, ``Subset`` of it, the vision datasets without
    transforms), each batch is fetched with one indexing operation instead of one
    ``__getitem__`` call per sample.
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Sampler | Iterable | None = None,
        batch_sampler: Sampler | Iterable | None = None,
        num_workers: int = 0,
        collate_fn: Callable | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context=None,
        generator: minitorch.Generator | None = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; "
                "use num_workers=0 to disable multiprocessing."
            )
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in multiprocessing. "
                "let num_workers > 0 to enable multiprocessing, otherwise set "
                "prefetch_factor to None."
            )
        if prefetch_factor is not None and prefetch_factor < 1:
            raise ValueError("prefetch_factor option should be a positive integer")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        iterable = isinstance(dataset, IterableDataset)
        if iterable:
            for name, value in (
                ("shuffle", shuffle),
                ("sampler", sampler),
                ("batch_sampler", batch_sampler),
            ):
                if value not in (None, False):
                    raise ValueError(
                        f"DataLoader with IterableDataset: expected unspecified "
                        f"{name} option, but got {name}={value}"
                    )
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, "
                    "shuffle, sampler, and drop_last"
                )
            batch_size = None
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually "
                "exclusive with drop_last"
            )
        if sampler is None and not iterable:
            sampler = (
                RandomSampler(dataset, generator=generator)
                if shuffle
                else SequentialSampler(dataset)
            )
        if batch_size is not None and not iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self._auto_collation = batch_size is not None or batch_sampler is not None
        self.collate_fn = collate_fn or (
            default_collate if self._auto_collation else default_convert
        )
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.generator = generator
        self.prefetch_factor = 2 if num_workers > 0 and prefetch_factor is None else prefetch_factor
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self._iterator = None

    @property
    def _index_sampler(self):
        """What yields the keys of one fetch: lists of indices, or single indices."""
        return self.batch_sampler if self._auto_collation else self.sampler

    def __iter__(self):
        iterable = isinstance(self.dataset, IterableDataset)
        if self.num_workers == 0:
            return SingleProcessIter(self, iterable)
        if not self.persistent_workers:
            return MultiProcessIter(self, iterable)
        if self._iterator is None or self._iterator._shut_down:  # first epoch, or after a failure
            self._iterator = MultiProcessIter(self, iterable)
        else:
            self._iterator._reset()
        return self._iterator

    def __len__(self) -> int:
        if isinstance(self.dataset, IterableDataset):
            length = len(self.dataset)
            if self.batch_size is not None:
                length = (
                    length // self.batch_size if self.drop_last else -(-length // self.batch_size)
                )
            return length
        return len(self._index_sampler)


class SingleProcessIter:
    """The iterator a DataLoader returns when ``num_workers == 0``: fetches in this process."""

    def __init__(self, loader: DataLoader, iterable: bool) -> None:
        self._fetcher = make_fetcher(
            loader.dataset,
            loader._auto_collation,
            loader.collate_fn,
            loader.drop_last,
            loader.batch_size,
        )
        self._indices = None if iterable else iter(loader._index_sampler)

    def __iter__(self):
        return self

    def __next__(self):
        return self._fetcher.fetch(None if self._indices is None else next(self._indices))
