"""Fused losses: cross-entropy (log-softmax and NLL in one pass), NLL, binary cross-entropy.

Inputs are (N, C) or (N, C, d1, ...) with classes on dim 1, or (C,) unbatched. The kernels
work on an (M, C) array with classes last (M = N * d1 * ...), the layout the reductions want.
"""

from __future__ import annotations

from ..autograd.function import Function
from ..autograd.grad_mode import state
from ..backend import get_array_module
from ..tensor import Tensor
from ._util import device_mismatch

REDUCTIONS = ("none", "mean", "sum")


def check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _classes_last(x):
    """(N, C, d1, ...) -> (M, C); (C,) -> (1, C)."""
    if x.ndim == 2:
        return x
    if x.ndim == 1:
        return x.reshape(1, -1)
    return get_array_module(x).moveaxis(x, 1, -1).reshape(-1, x.shape[1])


def _classes_back(g, shape):
    """The inverse of ``_classes_last``: (M, C) -> ``shape``."""
    if len(shape) <= 2:
        return g.reshape(shape)
    moved = g.reshape((shape[0],) + tuple(shape[2:]) + (shape[1],))
    return get_array_module(g).moveaxis(moved, -1, 1)


def _check_devices(x, *others) -> None:
    for o in others:
        if o is not None and type(o) is not type(x):
            raise device_mismatch(x, o)


def _check_index_target(x, t) -> None:
    """PyTorch's shape errors for a class-index target ``t`` of input ``x``."""
    if t.dtype.kind not in "iu":
        raise RuntimeError(
            f"expected scalar type Long but found {_TYPE_NAMES.get(t.dtype.name, t.dtype.name)}"
        )
    expected = x.shape[:1] + x.shape[2:] if x.ndim > 1 else ()
    if t.shape == expected:
        return
    if x.ndim == 2 and t.ndim == 1:
        raise ValueError(
            f"Expected input batch_size ({x.shape[0]}) to match target batch_size ({t.shape[0]})."
        )
    raise RuntimeError(f"size mismatch (got input: {list(x.shape)}, target: {list(t.shape)})")


_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bool": "Bool"}


def _target_weights(x2, t, weight, ignore_index):
    """(t, wt, valid) for class indices: t with ignored entries set to 0, the weight of each
    sample's class (0 where ignored) and the 0/1 mask of counted samples, as float arrays."""
    xp = get_array_module(x2)
    m, c = x2.shape
    t = t.reshape(-1)
    valid = t != ignore_index
    if not valid.all():
        t = xp.where(valid, t, 0)
    if m and (int(t.min()) < 0 or int(t.max()) >= c):
        bad = t[(t < 0) | (t >= c)][0]
        raise IndexError(f"Target {int(bad)} is out of bounds.")
    valid = valid.astype(x2.dtype)
    wt = valid if weight is None else weight[t] * valid
    return t, wt, valid


def _check_weight(weight, c: int, dtype):
    if weight is None:
        return None
    w = weight.array
    if w.shape != (c,):
        raise RuntimeError(
            f"weight tensor should be defined either for all {c} classes or no classes but got "
            f"weight tensor of shape: {list(w.shape)}"
        )
    return w.astype(dtype, copy=False)


def _reduce(loss, reduction, denom, target_shape):
    if reduction == "none":
        return loss.reshape(target_shape)
    total = loss.sum()
    return total if reduction == "sum" else total / denom


def _grad_scale(grad, reduction, denom):
    """The upstream gradient of each per-sample loss, as a scalar or an (M,) array."""
    g = grad.array
    if reduction == "none":
        return g.reshape(-1)
    return g / denom if reduction == "mean" else g


def _grad_scale_tensor(grad, reduction, denom, input_shape):
    """``_grad_scale`` as a differentiable tensor, shaped to broadcast against the input."""
    if reduction == "mean":
        return grad / (denom if isinstance(denom, int) else Tensor._wrap(denom))
    if reduction == "sum" or len(input_shape) == 1:
        return grad
    return grad.unsqueeze(1)


class CrossEntropy(Function):
    """log-softmax over dim 1 and negative log-likelihood in one op.

    With q the target distribution of a sample (one-hot class index, or given probabilities;
    smoothed by ``label_smoothing`` and scaled by the class ``weight``), the loss is
    -sum_k q_k log p_k with p = softmax(x); d/dx = p * sum_k q_k - q, and for probability
    targets d/dtarget = -(1 - label_smoothing) * weight * log p.
    Backward works on arrays; under ``create_graph=True`` it is rebuilt from tensor ops
    (softmax of the saved input), so double backward works too.
    """

    @staticmethod
    def forward(ctx, input, target, weight, ignore_index, reduction, label_smoothing):
        x, tgt = input.array, target.array
        _check_devices(x, tgt, None if weight is None else weight.array)
        xp = get_array_module(x)
        x2 = _classes_last(x)
        m, c = x2.shape
        w = _check_weight(weight, c, x.dtype)
        eps = label_smoothing

        shifted = x2 - x2.max(axis=1, keepdims=True)  # shift by the max: exp cannot overflow
        p = xp.exp(shifted)
        sums = p.sum(axis=1)
        p /= sums[:, None]
        log_sum = xp.log(sums)

        log_p = None
        if tgt.dtype.kind == "f":  # class probabilities
            if tgt.shape != x.shape:
                raise RuntimeError(
                    f"size mismatch (got input: {list(x.shape)}, target: {list(tgt.shape)})"
                )
            q = _classes_last(tgt).astype(x.dtype, copy=False)
            if eps:
                q = q * (1 - eps) + eps / c
            if w is not None:
                q = q * w
            coef = q.sum(axis=1)
            loss = log_sum * coef - (shifted * q).sum(axis=1)
            ctx.index_target, denom = None, m
            if ctx.needs_input_grad[1]:
                log_p = Tensor._wrap(shifted - log_sum[:, None])
            q = Tensor._wrap(q)
        else:
            _check_index_target(x, tgt)
            t, wt, valid = _target_weights(x2, tgt, w, ignore_index)
            loss = (log_sum - shifted[xp.arange(m), t]) * wt
            coef = wt
            if eps:
                w_sum = c if w is None else w.sum()
                smooth = log_sum * w_sum - (shifted.sum(axis=1) if w is None else shifted @ w)
                loss = loss * (1 - eps) + smooth * valid * (eps / c)
                coef = wt * (1 - eps) + valid * (w_sum * (eps / c))
            ctx.index_target = (t, wt, valid, w)
            denom = wt.sum()
            q = None
        ctx.save_for_backward(Tensor._wrap(p), input, q, log_p, target, weight)
        ctx.coef, ctx.denom, ctx.eps = coef, denom, eps
        ctx.reduction = reduction
        batch_shape = x.shape[:1] + x.shape[2:] if x.ndim > 1 else ()
        return _reduce(loss, reduction, denom, batch_shape)

    @staticmethod
    def backward(ctx, grad):
        p, input, q, log_p, target, weight = ctx.saved_tensors
        if state.grad_enabled:
            return _ce_backward_graph(ctx, p, input, target, weight, grad)
        s = _grad_scale(grad, ctx.reduction, ctx.denom)
        s_col = s[:, None] if getattr(s, "ndim", 0) else s
        gx = gt = None
        if ctx.needs_input_grad[0]:
            p2 = p.array
            gx = p2 * (ctx.coef * s)[:, None]
            if q is not None:
                gx -= q.array * s_col
            else:
                t, wt, valid, w = ctx.index_target
                xp = get_array_module(p2)
                gx[xp.arange(p2.shape[0]), t] -= wt * s * (1 - ctx.eps)
                if ctx.eps:
                    gx -= (valid * s * (ctx.eps / p2.shape[1]))[:, None] * (1.0 if w is None else w)
            gx = Tensor._wrap(_classes_back(gx, input.shape))
        if log_p is not None:
            g = log_p.array * (s_col * -(1 - ctx.eps))
            if weight is not None:
                g = g * weight.array
            gt = Tensor._wrap(_classes_back(g, input.shape))
        return gx, gt, None, None, None, None


def _ce_backward_graph(ctx, p, input, target, weight, grad):
    """Cross-entropy's gradients as tensor ops: (softmax(x) * sum(q) - q) * scale for the input
    and -(1 - label_smoothing) * weight * log_softmax(x) * scale for probability targets."""
    from .activation import LogSoftmax, Softmax

    shape, eps = input.shape, ctx.eps
    class_dim = 1 if len(shape) > 1 else 0
    w = None if weight is None else weight.reshape((-1,) + (1,) * (len(shape) - class_dim - 1))
    scale = _grad_scale_tensor(grad, ctx.reduction, ctx.denom, shape)
    if ctx.index_target is not None:
        xp = get_array_module(p.array)
        m, c = p.array.shape
        t, wt, valid, w_arr = ctx.index_target
        dense = xp.zeros((m, c), dtype=p.array.dtype)
        dense[xp.arange(m), t] = wt * (1 - eps)
        if eps:
            dense += valid[:, None] * (eps / c) * (1.0 if w_arr is None else w_arr)
        q = Tensor._wrap(_classes_back(dense, shape))
        coef_shape = (shape[0], 1) + tuple(shape[2:]) if len(shape) > 1 else ()
        coef = Tensor._wrap(ctx.coef.reshape(coef_shape))
    else:
        q = target * (1 - eps) + eps / shape[class_dim] if eps else target
        q = q if w is None else q * w
        coef = q.sum(class_dim, keepdim=True)
    gx = gt = None
    if ctx.needs_input_grad[0]:
        gx = (Softmax.apply(input, class_dim) * coef - q) * scale
    if ctx.needs_input_grad[1]:
        gt = LogSoftmax.apply(input, class_dim) * scale * -(1 - eps)
        gt = gt if w is None else gt * w
    return gx, gt, None, None, None, None


class NllLoss(Function):
    """-weight[t] * input[t] per sample (input holds log-probabilities); d/dinput[t] = -weight[t].

    The gradient is a constant mask times the upstream gradient, written with tensor ops.
    """

    @staticmethod
    def forward(ctx, input, target, weight, ignore_index, reduction):
        x, tgt = input.array, target.array
        _check_devices(x, tgt, None if weight is None else weight.array)
        xp = get_array_module(x)
        x2 = _classes_last(x)
        m, c = x2.shape
        _check_index_target(x, tgt)
        w = _check_weight(weight, c, x.dtype)
        t, wt, _ = _target_weights(x2, tgt, w, ignore_index)
        ctx.t, ctx.wt, ctx.shape, ctx.reduction = t, wt, x.shape, reduction
        ctx.denom = wt.sum()
        loss = -x2[xp.arange(m), t] * wt
        return _reduce(loss, reduction, ctx.denom, tgt.shape)

    @staticmethod
    def backward(ctx, grad):
        xp = get_array_module(ctx.wt)
        m = ctx.wt.shape[0]
        c = ctx.shape[1] if len(ctx.shape) > 1 else ctx.shape[0]
        mask = xp.zeros((m, c), dtype=ctx.wt.dtype)
        mask[xp.arange(m), ctx.t] = -ctx.wt
        scale = _grad_scale_tensor(grad, ctx.reduction, ctx.denom, ctx.shape)
        return Tensor._wrap(_classes_back(mask, ctx.shape)) * scale, None, None, None, None


class BinaryCrossEntropy(Function):
    """-(y log x + (1 - y) log(1 - x)) elementwise, each log clamped to >= -100 as in PyTorch.

    d/dx = (x - y) / max(x (1 - x), 1e-12); d/dy = log(1 - x) - log(x) (clamped logs).
    """

    @staticmethod
    def forward(ctx, input, target):
        x, y = input.array, target.array
        xp = get_array_module(x)
        if bool(((x < 0) | (x > 1)).any()):
            raise RuntimeError("all elements of input should be between 0 and 1")
        ctx.save_for_backward(input, target)
        # log(0) = -inf is clamped to -100; taking it only where x > 0 avoids numpy's warning
        log_x = xp.maximum(xp.where(x > 0, xp.log(xp.where(x > 0, x, 1)), -100), -100)
        log_1mx = xp.maximum(xp.where(x < 1, xp.log1p(-xp.where(x < 1, x, 0)), -100), -100)
        return -(y * log_x + (1 - y) * log_1mx)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        gx, gy = ctx.needs_input_grad
        dx = dy = None
        if gx:
            dx = grad * (x - y) / (x * (1 - x)).clamp(min=1e-12)
        if gy:
            dy = grad * ((1 - x).log().clamp(min=-100) - x.log().clamp(min=-100))
        return dx, dy
