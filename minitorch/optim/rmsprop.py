"""RMSprop (Hinton's lecture notes) with momentum and the centered variant, PyTorch's form."""

from __future__ import annotations

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


class RMSprop(Optimizer):
    """Divide the gradient by a running root mean square of recent gradients.

    ``v = alpha * v + (1 - alpha) * g**2``; ``centered`` subtracts the squared running mean
    ``ga = lerp(ga, g, 1 - alpha)`` from ``v`` first. With ``d = sqrt(v) + eps``:
    ``p -= lr * g / d``, or with momentum ``b = momentum * b + g / d`` and ``p -= lr * b``.
    """

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_non_negative(
            lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha
        )
        super().__init__(params, defaults_from(locals()))

    def _update(self, p: Tensor, group: dict) -> None:
        state = self.state[p]
        if not state:
            state["step"] = new_step()
            state["square_avg"] = zeros_state(p)
            if group["momentum"] > 0:
                state["momentum_buffer"] = zeros_state(p)
            if group["centered"]:
                state["grad_avg"] = zeros_state(p)
        advance(state["step"])
        lr, alpha, eps = float(group["lr"]), float(group["alpha"]), float(group["eps"])
        momentum = float(group["momentum"])
        g = grad_for_update(p, group["maximize"], float(group["weight_decay"]))
        w, v = p.array, state["square_avg"].array
        xp = get_array_module(w)

        tmp = xp.empty_like(w)  # the one temporary
        square_avg_(v, g, alpha, tmp)
        if group["centered"]:
            ga = state["grad_avg"].array
            lerp_(ga, g, 1.0 - alpha, tmp)
            xp.multiply(ga, ga, out=tmp)
            xp.subtract(v, tmp, out=tmp)
            xp.sqrt(tmp, out=tmp)
        else:
            xp.sqrt(v, out=tmp)
        tmp += eps
        xp.divide(g, tmp, out=tmp)
        if momentum > 0:
            buf = state["momentum_buffer"].array
            buf *= momentum
            buf += tmp
            xp.multiply(buf, -lr, out=tmp)
        else:
            tmp *= -lr
        w += tmp
