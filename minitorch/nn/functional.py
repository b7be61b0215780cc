"""``minitorch.nn.functional``: the stateless form of every layer (``F.relu``, ``F.cross_entropy``).

Each function checks its arguments as PyTorch does and calls one op from ``minitorch/ops``, or
composes a few when that is as fast and gives the same gradients.
"""

from __future__ import annotations

import math
import warnings

from ..autograd.inplace import check_inplace, commit
from ..ops import activation as _activation
from ..ops import unary as _unary
from ..ops.conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d
from ..ops.dropout import Dropout as _Dropout
from ..ops.embedding import embedding
from ..ops.linear import linear
from ..ops.loss import BinaryCrossEntropy as _BinaryCrossEntropy
from ..ops.loss import CrossEntropy as _CrossEntropy
from ..ops.loss import NllLoss as _NllLoss
from ..ops.loss import check_reduction as _check_reduction
from ..ops.nnact import Elu as _Elu
from ..ops.nnact import Gelu as _Gelu
from ..ops.nnact import LeakyRelu as _LeakyRelu
from ..ops.nnact import Silu as _Silu
from ..ops.nnact import Softplus as _Softplus
from ..ops.norm import batch_norm, group_norm, layer_norm
from ..ops.pad import Pad as _Pad
from ..ops.pool import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    avg_pool1d,
    avg_pool2d,
    max_pool1d,
    max_pool2d,
)
from ..tensor import Tensor
from .attention import scaled_dot_product_attention

__all__ = [
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "celu", "cosine_similarity",
    "cross_entropy", "dropout", "dropout1d", "dropout2d", "dropout3d", "elu", "gelu", "glu",
    "hardsigmoid", "hardswish", "hardtanh", "huber_loss", "kl_div", "l1_loss", "leaky_relu",
    "linear", "log_softmax", "logsigmoid", "mish", "mse_loss", "nll_loss", "normalize",
    "one_hot", "pad", "relu", "relu6", "relu_", "selu", "sigmoid", "silu", "smooth_l1_loss",
    "softmax", "softmin", "softplus", "softsign", "tanh",
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "avg_pool1d", "avg_pool2d", "batch_norm",
    "conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "embedding", "group_norm",
    "layer_norm", "max_pool1d", "max_pool2d", "scaled_dot_product_attention",
]  # fmt: skip


def _maybe_inplace(input: Tensor, result: Tensor, inplace: bool) -> Tensor:
    if not inplace:
        return result
    check_inplace(input)
    return commit(input, result)


# --- activations -------------------------------------------------------------------------------
def relu(input: Tensor, inplace: bool = False) -> Tensor:
    return input.relu_() if inplace else _unary.Relu.apply(input)


def relu_(input: Tensor) -> Tensor:
    return input.relu_()


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    return hardtanh(input, 0.0, 6.0, inplace)


def hardtanh(
    input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False
) -> Tensor:
    return _maybe_inplace(input, input.clamp(min_val, max_val), inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, _LeakyRelu.apply(input, negative_slope), inplace)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh, got {approximate}")
    return _Gelu.apply(input, approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, _Silu.apply(input), inplace)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, input * softplus(input).tanh(), inplace)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, _Elu.apply(input, alpha), inplace)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, _Elu.apply(input / alpha, 1.0) * alpha, inplace)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, _Elu.apply(input, _SELU_ALPHA) * _SELU_SCALE, inplace)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    return _Softplus.apply(input, beta, threshold)


def logsigmoid(input: Tensor) -> Tensor:
    return -_Softplus.apply(-input, 1.0, math.inf)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, (input + 3).clamp(0.0, 6.0) / 6, inplace)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, input * (input + 3).clamp(0.0, 6.0) / 6, inplace)


def softsign(input: Tensor) -> Tensor:
    return input / (input.abs() + 1)


def sigmoid(input: Tensor) -> Tensor:
    return _unary.Sigmoid.apply(input)


def tanh(input: Tensor) -> Tensor:
    return _unary.Tanh.apply(input)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """First half of ``dim`` gated by the sigmoid of the second half."""
    if input.shape[dim] % 2:
        raise RuntimeError(
            f"Halving dimension must be even, but dimension {dim % input.ndim} is size "
            f"{input.shape[dim]}"
        )
    a, b = input.chunk(2, dim)
    return a * b.sigmoid()


def _softmax_dim(ndim: int) -> int:
    warnings.warn(
        "Implicit dimension choice for softmax has been deprecated. Change the call to include "
        "dim=X as an argument.",
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, dtype=None) -> Tensor:
    dim = _softmax_dim(input.ndim) if dim is None else dim
    return _activation.softmax(input, dim, dtype)


def softmin(input: Tensor, dim: int | None = None, dtype=None) -> Tensor:
    dim = _softmax_dim(input.ndim) if dim is None else dim
    return _activation.softmax(-input, dim, dtype)


def log_softmax(input: Tensor, dim: int | None = None, dtype=None) -> Tensor:
    dim = _softmax_dim(input.ndim) if dim is None else dim
    return _activation.log_softmax(input, dim, dtype)


# --- dropout -----------------------------------------------------------------------------------
def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False, *, generator=None
) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1/(1-p) (training only)."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    return _maybe_inplace(input, _Dropout.apply(input, p, generator, None), inplace)


def _channel_dropout(input, p, training, inplace, batched_ndim, name):
    _check_p(p)
    if input.ndim not in (batched_ndim - 1, batched_ndim):
        raise RuntimeError(
            f"{name}: Expected {batched_ndim - 1}D or {batched_ndim}D input, but received a "
            f"{input.ndim}D input"
        )
    if not training or p == 0.0:
        return input
    lead = 2 if input.ndim == batched_ndim else 1
    mask_shape = input.shape[:lead] + (1,) * (input.ndim - lead)
    return _maybe_inplace(input, _Dropout.apply(input, p, None, mask_shape), inplace)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero whole channels of (N, C, L) input."""
    return _channel_dropout(input, p, training, inplace, 3, "dropout1d")


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero whole channels of (N, C, H, W) input."""
    return _channel_dropout(input, p, training, inplace, 4, "dropout2d")


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero whole channels of (N, C, D, H, W) input."""
    return _channel_dropout(input, p, training, inplace, 5, "dropout3d")


# --- losses ------------------------------------------------------------------------------------
def _reduction(size_average, reduce, reduction: str) -> str:
    """Map the deprecated ``size_average``/``reduce`` flags onto ``reduction``."""
    if size_average is None and reduce is None:
        _check_reduction(reduction)
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average=None,
    ignore_index: int = -100,
    reduce=None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy of logits ``input`` (N, C, ...) against class indices (N, ...) or class
    probabilities (N, C, ...), as one fused log-softmax + NLL op."""
    reduction = _reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if target.is_floating_point() and ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    return _CrossEntropy.apply(
        input, target, weight, ignore_index, reduction, float(label_smoothing)
    )


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average=None,
    ignore_index: int = -100,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of log-probabilities ``input`` (N, C, ...) at class indices."""
    reduction = _reduction(size_average, reduce, reduction)
    return _NllLoss.apply(input, target, weight, ignore_index, reduction)


def _check_same_size(input: Tensor, target: Tensor) -> None:
    if target.shape != input.shape:
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.",
            stacklevel=3,
        )


def mse_loss(
    input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean"
) -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    _check_same_size(input, target)
    diff = input - target
    return _reduce(diff * diff, reduction)


def l1_loss(
    input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean"
) -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    _check_same_size(input, target)
    return _reduce((input - target).abs(), reduction)


def smooth_l1_loss(
    input: Tensor,
    target: Tensor,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:
    """0.5 d^2 / beta where |d| < beta, else |d| - beta / 2 (d = input - target)."""
    reduction = _reduction(size_average, reduce, reduction)
    _check_same_size(input, target)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    diff = input - target
    if beta == 0.0:
        return _reduce(diff.abs(), reduction)
    size = diff.abs()
    return _reduce((diff * diff * (0.5 / beta)).where(size < beta, size - 0.5 * beta), reduction)


def huber_loss(
    input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0
) -> Tensor:
    """0.5 d^2 where |d| < delta, else delta (|d| - delta / 2) (d = input - target)."""
    _check_reduction(reduction)
    _check_same_size(input, target)
    diff = input - target
    size = diff.abs()
    return _reduce((diff * diff * 0.5).where(size < delta, (size - 0.5 * delta) * delta), reduction)


def _check_bce_size(input: Tensor, target: Tensor) -> None:
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}) is deprecated. Please ensure they have the same size."
        )


def binary_cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """-(y log x + (1 - y) log(1 - x)) for probabilities ``input``."""
    reduction = _reduction(size_average, reduce, reduction)
    _check_bce_size(input, target)
    loss = _BinaryCrossEntropy.apply(input, target)
    return _reduce(loss if weight is None else loss * weight, reduction)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """Binary cross-entropy of sigmoid(input), computed from the logits without overflow:
    (1 - y) x + (1 + (pos_weight - 1) y) softplus(-x)."""
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Target size ({target.shape}) must be the same as input size ({input.shape})"
        )
    softplus_neg = _Softplus.apply(-input, 1.0, math.inf)
    if pos_weight is not None:
        softplus_neg = softplus_neg * ((pos_weight - 1) * target + 1)
    loss = (1 - target) * input + softplus_neg
    return _reduce(loss if weight is None else loss * weight, reduction)


def kl_div(
    input: Tensor,
    target: Tensor,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:
    """KL(target || exp(input)) pointwise: target (log target - input), 0 where target is 0."""
    if reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.",
            stacklevel=2,
        )
    if reduction != "batchmean":
        reduction = _reduction(size_average, reduce, reduction)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        log_t = target.masked_fill(target == 0, 1).log()  # x log x -> 0 at x = 0
        loss = target * (log_t - input)
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return _reduce(loss, reduction)


# --- utilities ---------------------------------------------------------------------------------
def pad(input: Tensor, pad: tuple, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last ``len(pad) // 2`` dims: ``pad = (left, right, top, bottom, ...)``."""
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(
            f"Padding length should be less than or equal to two times the input dimension but "
            f"got padding length {len(pad)} and input of dimension {input.ndim}"
        )
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if mode != "constant" and value:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    return _Pad.apply(input, pad, mode, 0.0 if value is None else value)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 (..., num_classes) with a 1 at each index of ``tensor`` (no gradient)."""
    x = tensor.array
    if x.dtype.name != "int64":
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    xp = tensor._xp()
    if num_classes == -1:
        if x.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(x.max()) + 1
    if x.size:
        if int(x.min()) < 0:
            raise RuntimeError("Class values must be non-negative.")
        if int(x.max()) >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    return Tensor._wrap((x[..., None] == xp.arange(num_classes)).astype(x.dtype))


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Tensor:
    """``input / max(||input||_p, eps)`` along ``dim``."""
    if p == math.inf:
        return input / input.abs().amax(dim, keepdim=True).clamp(min=eps)
    # (max(sum |x|^p, eps^p))^(1/p) == max(||x||_p, eps), with a finite gradient at x = 0
    powered = input * input if p == 2 else input.abs() ** p
    return input / powered.sum(dim, keepdim=True).clamp(min=eps**p) ** (1.0 / p)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """cos of the angle between ``x1`` and ``x2`` along ``dim`` (norms clamped to ``eps``)."""
    return (normalize(x1, 2.0, dim, eps) * normalize(x2, 2.0, dim, eps)).sum(dim)
