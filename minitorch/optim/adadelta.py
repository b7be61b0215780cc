"""Adadelta (Zeiler): steps scaled by the ratio of running RMS of updates and of gradients."""

from __future__ import annotations

from ..backend import get_array_module
from ..tensor import Tensor
from .optimizer import (
    Optimizer,
    advance,
    check_non_negative,
    defaults_from,
    grad_for_update,
    new_step,
    square_avg_,
    zeros_state,
)


class Adadelta(Optimizer):
    """``v = rho * v + (1 - rho) * g**2``, ``d = sqrt(u + eps) / sqrt(v + eps) * g``,
    ``u = rho * u + (1 - rho) * d**2`` and ``p -= lr * d``."""

    def __init__(
        self,
        params,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_non_negative(lr=lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_non_negative(eps=eps, weight_decay=weight_decay)
        super().__init__(params, defaults_from(locals()))

    def _update(self, p: Tensor, group: dict) -> None:
        state = self.state[p]
        if not state:
            state["step"] = new_step()
            state["square_avg"] = zeros_state(p)
            state["acc_delta"] = zeros_state(p)
        advance(state["step"])
        lr, rho, eps = float(group["lr"]), float(group["rho"]), float(group["eps"])
        g = grad_for_update(p, group["maximize"], float(group["weight_decay"]))
        w, v, u = p.array, state["square_avg"].array, state["acc_delta"].array
        xp = get_array_module(w)

        tmp, delta = xp.empty_like(w), xp.empty_like(w)  # the two temporaries
        square_avg_(v, g, rho, tmp)
        xp.add(v, eps, out=tmp)
        xp.sqrt(tmp, out=tmp)  # std
        xp.add(u, eps, out=delta)
        xp.sqrt(delta, out=delta)
        delta /= tmp
        delta *= g
        square_avg_(u, delta, rho, tmp)
        delta *= -lr
        w += delta
