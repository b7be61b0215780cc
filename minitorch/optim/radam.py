"""RAdam (Liu et al.): Adam whose adaptive step is switched on once its variance is tractable."""

from __future__ import annotations

import math

from ..backend import get_array_module
from ..tensor import Tensor
from .adam import check_adam_args, decayed_grad
from .optimizer import (
    Optimizer,
    advance,
    defaults_from,
    lerp_,
    new_step,
    square_avg_,
    zeros_state,
)


class RAdam(Optimizer):
    """Adam's moments; with ``rho_inf = 2 / (1 - beta2) - 1`` and
    ``rho_t = rho_inf - 2 t beta2**t / (1 - beta2**t)``, the step is
    ``lr * m_hat * r_t * sqrt(1 - beta2**t) / (sqrt(v) + eps)`` when ``rho_t > 5``
    (``r_t`` the rectification term) and plain momentum ``lr * m_hat`` before that."""

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_adam_args(lr, betas, eps, weight_decay)
        super().__init__(params, defaults_from(locals()))

    def _update(self, p: Tensor, group: dict) -> None:
        state = self.state[p]
        if not state:
            state["step"] = new_step()
            state["exp_avg"] = zeros_state(p)
            state["exp_avg_sq"] = zeros_state(p)
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

        bias_correction1 = 1.0 - beta1**t
        bias_correction2 = 1.0 - beta2**t
        rho_inf = 2.0 / (1.0 - beta2) - 1.0
        rho_t = rho_inf - 2.0 * t * beta2**t / bias_correction2
        if rho_t > 5.0:
            rect = math.sqrt(
                (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
            )
            xp.sqrt(v, out=tmp)
            tmp += eps
            xp.divide(m, tmp, out=tmp)
            tmp *= -lr * rect * math.sqrt(bias_correction2) / bias_correction1
        else:
            xp.multiply(m, -lr / bias_correction1, out=tmp)
        w += tmp
