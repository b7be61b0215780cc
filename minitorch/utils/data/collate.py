"""Turning a list of samples into a batch, with PyTorch's ``default_collate`` rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

import minitorch

COLLATE_ERROR = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)


def default_collate(batch: list):
    """Stack a list of samples into a batch, recursing into tuples, lists and dicts.

    Tensors are stacked along a new first dimension; numpy arrays and numpy scalars become
    tensors of their dtype; Python floats a float64 tensor, ints an int64 tensor; strings stay a
    list. A tuple of fields becomes a list of batched fields, as in PyTorch.
    """
    elem = batch[0]
    if isinstance(elem, minitorch.Tensor):
        return minitorch.stack(batch, 0)
    if isinstance(elem, (np.ndarray, np.generic)):
        if elem.dtype.kind in "OSUV":
            raise TypeError(COLLATE_ERROR.format(elem.dtype))
        return minitorch.from_numpy(
            np.stack(batch) if isinstance(elem, np.ndarray) else np.array(batch)
        )
    if isinstance(elem, float):
        return minitorch.tensor(batch, dtype=minitorch.float64)
    if isinstance(elem, int):
        return minitorch.tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, Mapping):
        fields = {key: default_collate([d[key] for d in batch]) for key in elem}
        try:
            return type(elem)(fields)
        except TypeError:
            return fields
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(field) for field in zip(*batch)))
    if isinstance(elem, Sequence):
        if any(len(sample) != len(elem) for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        fields = [default_collate(field) for field in zip(*batch)]
        if isinstance(elem, tuple):
            return fields
        try:
            return type(elem)(fields)
        except TypeError:
            return fields
    raise TypeError(COLLATE_ERROR.format(type(elem)))


def default_convert(data):
    """Turn numpy arrays into tensors, recursing into tuples, lists and dicts; keep the rest.

    Used instead of ``default_collate`` when automatic batching is off (``batch_size=None``).
    """
    if isinstance(data, np.ndarray) and data.dtype.kind not in "OSUV":
        return minitorch.from_numpy(data)
    if isinstance(data, np.generic) and data.dtype.kind not in "OSUV":
        return minitorch.as_tensor(data)
    if isinstance(data, Mapping):
        fields = {key: default_convert(value) for key, value in data.items()}
        try:
            return type(data)(fields)
        except TypeError:
            return fields
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        try:
            return type(data)([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data
