"""Gradient clipping: rescale all gradients when their joint norm is too large, or clamp them."""

from __future__ import annotations

import math
from collections.abc import Iterable

from ...autograd.grad_mode import no_grad
from ...backend import device_of, to_device
from ...creation import tensor as _tensor
from ...tensor import Tensor


def _as_list(tensors) -> list:
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


def _norm(x, norm_type: float):
    """The ``norm_type`` vector norm of an array, as a 0-d array of its dtype."""
    xp = Tensor._wrap(x)._xp()
    if norm_type == math.inf:
        return xp.abs(x).max() if x.size else xp.zeros((), dtype=x.dtype)
    if norm_type == -math.inf:
        return xp.abs(x).min()
    if norm_type == 0:
        return (x != 0).sum().astype(x.dtype)
    if norm_type == 2:
        flat = x.reshape(-1)
        return xp.sqrt(flat @ flat)
    return (xp.abs(x) ** norm_type).sum() ** (1.0 / norm_type)


def get_total_norm(
    tensors: Tensor | Iterable[Tensor],
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach=None,
) -> Tensor:
    """The norm of all ``tensors`` taken together, as if concatenated into one vector."""
    arrays = [t.array for t in _as_list(tensors) if t is not None]
    norm_type = float(norm_type)
    if not arrays:
        return _tensor(0.0)
    first = device_of(arrays[0])
    norms = [to_device(_norm(a, norm_type), first) for a in arrays]
    xp = Tensor._wrap(arrays[0])._xp()
    total = _norm(xp.stack(norms), norm_type)
    if error_if_nonfinite and not bool(xp.isfinite(total)):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, "
            "so it cannot be clipped. To disable this error and scale the gradients by the "
            "non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    return Tensor._wrap(total)


def clip_grads_with_norm_(parameters, max_norm: float, total_norm: Tensor, foreach=None) -> None:
    """Scale every gradient by min(1, max_norm / (total_norm + 1e-6)), in place."""
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return
    coef = (float(max_norm) / (total_norm + 1e-6)).clamp(max=1.0)
    with no_grad():
        for g in grads:
            g.mul_(coef.to(g.device, g.dtype))


def clip_grad_norm_(
    parameters,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach=None,
) -> Tensor:
    """Rescale gradients so their joint ``norm_type`` norm is at most ``max_norm``.

    Returns the norm before clipping (a tensor), as PyTorch does.
    """
    parameters = _as_list(parameters)
    grads = [p.grad for p in parameters if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite)
    clip_grads_with_norm_(parameters, max_norm, total)
    return total


def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    """Clamp every gradient into [-clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    with no_grad():
        for p in _as_list(parameters):
            if p.grad is not None:
                p.grad.clamp_(-clip_value, clip_value)
