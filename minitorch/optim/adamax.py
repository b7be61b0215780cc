"""Adamax (Kingma & Ba): Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

from ..backend import get_array_module
from ..tensor import Tensor
from .adam import check_adam_args
from .optimizer import (
    Optimizer,
    advance,
    defaults_from,
    grad_for_update,
    lerp_,
    new_step,
    zeros_state,
)


class Adamax(Optimizer):
    """``m = lerp(m, g, 1 - beta1)``, ``u = max(beta2 * u, |g| + eps)`` and
    ``p -= lr / (1 - beta1**t) * m / u``."""

    def __init__(
        self,
        params,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        check_adam_args(lr, betas, eps, weight_decay)
        super().__init__(params, defaults_from(locals()))

    def _update(self, p: Tensor, group: dict) -> None:
        state = self.state[p]
        if not state:
            state["step"] = new_step()
            state["exp_avg"] = zeros_state(p)
            state["exp_inf"] = zeros_state(p)
        t = advance(state["step"])
        lr, eps = float(group["lr"]), float(group["eps"])
        beta1, beta2 = float(group["betas"][0]), float(group["betas"][1])
        g = grad_for_update(p, group["maximize"], float(group["weight_decay"]))
        w, m, u = p.array, state["exp_avg"].array, state["exp_inf"].array
        xp = get_array_module(w)

        tmp = xp.empty_like(w)  # the one temporary
        lerp_(m, g, 1.0 - beta1, tmp)
        u *= beta2
        xp.abs(g, out=tmp)
        tmp += eps
        xp.maximum(u, tmp, out=u)
        xp.divide(m, u, out=tmp)
        tmp *= -lr / (1.0 - beta1**t)
        w += tmp
