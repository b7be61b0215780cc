"""SGD with momentum, dampening, Nesterov momentum and L2 weight decay (PyTorch's formulation)."""

from __future__ import annotations

from ..backend import get_array_module
from ..tensor import Tensor
from .optimizer import Optimizer, defaults_from, grad_for_update


class SGD(Optimizer):
    """Stochastic gradient descent.

    With ``g`` the gradient (plus ``weight_decay * p``): ``b = momentum * b + (1 - dampening) * g``
    (``b = g`` on the first step), then ``p -= lr * (g + momentum * b)`` with Nesterov momentum or
    ``p -= lr * b`` without.
    """

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults_from(locals()))

    def _update(self, p: Tensor, group: dict) -> None:
        lr, momentum = float(group["lr"]), float(group["momentum"])
        g = grad_for_update(p, group["maximize"], float(group["weight_decay"]))
        w = p.array
        if momentum != 0:
            state = self.state[p]
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = Tensor._wrap(g.copy())
            else:
                b = buf.array
                b *= momentum
                dampening = float(group["dampening"])
                b += g if dampening == 0 else g * (1.0 - dampening)
            if group["nesterov"]:
                upd = buf.array * momentum
                upd += g
            else:
                upd = buf.array
        else:
            upd = g
        tmp = get_array_module(w).multiply(upd, lr)
        w -= tmp
