"""Adam and its variants: AMSGrad, L2 or decoupled (AdamW) weight decay, maximize."""

from __future__ import annotations

import math

from ..backend import get_array_module
from ..tensor import Tensor
from .optimizer import (
    Optimizer,
    advance,
    check_non_negative,
    defaults_from,
    grad_for_update,
    lerp_,
    new_step,
    square_avg_,
    zeros_state,
)


class Adam(Optimizer):
    """Adam (Kingma & Ba): running averages of the gradient and its square, bias-corrected.

    ``m = lerp(m, g, 1 - beta1)``, ``v = beta2 * v + (1 - beta2) * g**2`` and
    ``p -= lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)``; ``amsgrad`` uses the
    running maximum of ``v``. ``decoupled_weight_decay`` shrinks ``p`` by ``1 - lr * weight_decay``
    instead of adding ``weight_decay * p`` to the gradient (that is AdamW).
    """

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        check_adam_args(lr, betas, eps, weight_decay)
        super().__init__(params, defaults_from(locals()))

    def _update(self, p: Tensor, group: dict) -> None:
        state = self.state[p]
        if not state:
            state["step"] = new_step()
            state["exp_avg"] = zeros_state(p)
            state["exp_avg_sq"] = zeros_state(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = zeros_state(p)
        t = advance(state["step"])
        lr, eps, wd = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
        beta1, beta2 = float(group["betas"][0]), float(group["betas"][1])
        w = p.array
        xp = get_array_module(w)
        g = decayed_grad(p, group, lr, wd)
        m, v = state["exp_avg"].array, state["exp_avg_sq"].array

        tmp = xp.empty_like(w)  # the one temporary
        lerp_(m, g, 1.0 - beta1, tmp)
        square_avg_(v, g, beta2, tmp)
        if group["amsgrad"]:
            vmax = state["max_exp_avg_sq"].array
            xp.maximum(vmax, v, out=vmax)
            v = vmax

        step_size = lr / (1.0 - beta1**t)
        xp.sqrt(v, out=tmp)
        tmp /= math.sqrt(1.0 - beta2**t)
        tmp += eps
        xp.divide(m, tmp, out=tmp)
        tmp *= -step_size
        w += tmp


def decayed_grad(p: Tensor, group: dict, lr: float, weight_decay: float):
    """The gradient array for an Adam-family update, after the group's weight decay: decoupled
    (AdamW) shrinks ``p`` by ``1 - lr * weight_decay`` now, L2 adds ``weight_decay * p`` to it."""
    if group["decoupled_weight_decay"]:
        if weight_decay != 0:
            p.array *= 1.0 - lr * weight_decay
        return grad_for_update(p, group["maximize"], 0.0)
    return grad_for_update(p, group["maximize"], weight_decay)


def check_adam_args(lr, betas, eps, weight_decay) -> None:
    """PyTorch's checks of the Adam family's options."""
    check_non_negative(lr=lr, eps=eps)
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    check_non_negative(weight_decay=weight_decay)
