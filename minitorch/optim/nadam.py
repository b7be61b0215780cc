"""NAdam (Dozat): Adam with Nesterov momentum and a warming-up momentum schedule."""

from __future__ import annotations

import numpy as np

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


class NAdam(Optimizer):
    """Adam's moments with the momentum schedule ``mu_t = beta1 * (1 - 0.5 * 0.96**(t * psi))``
    (``psi = momentum_decay``) and ``d = sqrt(v / (1 - beta2**t)) + eps``:
    ``p -= lr * (1 - mu_t) / (1 - prod(mu)) * g / d``
    ``    + lr * mu_{t+1} / (1 - prod(mu) * mu_{t+1}) * m / d``."""

    def __init__(
        self,
        params,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_adam_args(lr, betas, eps, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        super().__init__(params, defaults_from(locals()))

    def _update(self, p: Tensor, group: dict) -> None:
        state = self.state[p]
        if not state:
            state["step"] = new_step()
            state["mu_product"] = Tensor._wrap(np.ones((), np.float32))
            state["exp_avg"] = zeros_state(p)
            state["exp_avg_sq"] = zeros_state(p)
        t = advance(state["step"])
        lr, eps, wd = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
        beta1, beta2 = float(group["betas"][0]), float(group["betas"][1])
        momentum_decay = float(group["momentum_decay"])
        w = p.array
        xp = get_array_module(w)
        g = decayed_grad(p, group, lr, wd)
        m, v = state["exp_avg"].array, state["exp_avg_sq"].array

        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        mu_product = state["mu_product"].array
        mu_product *= mu  # kept in float32, as PyTorch keeps it
        mu_prod = float(mu_product)

        tmp, denom = xp.empty_like(w), xp.empty_like(w)  # the two temporaries
        lerp_(m, g, 1.0 - beta1, tmp)
        square_avg_(v, g, beta2, tmp)
        xp.divide(v, 1.0 - beta2**t, out=denom)
        xp.sqrt(denom, out=denom)
        denom += eps
        xp.divide(g, denom, out=tmp)
        tmp *= -lr * (1.0 - mu) / (1.0 - mu_prod)
        w += tmp
        xp.divide(m, denom, out=tmp)
        tmp *= -lr * mu_next / (1.0 - mu_prod * mu_next)
        w += tmp
