"""Adagrad (Duchi et al.): per-coordinate steps shrinking with the sum of squared gradients."""

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
)


class Adagrad(Optimizer):
    """``s += g**2`` and ``p -= lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)``."""

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        check_non_negative(
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
        )
        super().__init__(params, defaults_from(locals()))
        # Like PyTorch, the state exists from the start (the sum starts at a chosen value).
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, group)

    def _init_state(self, p: Tensor, group: dict) -> None:
        state = self.state[p]
        state["step"] = new_step()
        full_like = get_array_module(p.array).full_like
        state["sum"] = Tensor._wrap(full_like(p.array, group["initial_accumulator_value"]))

    def _update(self, p: Tensor, group: dict) -> None:
        state = self.state[p]
        if not state:  # a parameter of a group added later
            self._init_state(p, group)
        t = advance(state["step"])
        lr, eps = float(group["lr"]), float(group["eps"])
        clr = lr / (1.0 + (t - 1.0) * float(group["lr_decay"]))
        g = grad_for_update(p, group["maximize"], float(group["weight_decay"]))
        w, s = p.array, state["sum"].array
        xp = get_array_module(w)

        tmp = xp.empty_like(w)  # the one temporary
        xp.multiply(g, g, out=tmp)
        s += tmp
        xp.sqrt(s, out=tmp)
        tmp += eps
        xp.divide(g, tmp, out=tmp)
        tmp *= -clr
        w += tmp
