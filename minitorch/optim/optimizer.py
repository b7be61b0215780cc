"""``Optimizer``: parameter groups, per-parameter state, ``zero_grad``, ``step`` and state dicts.

A subclass writes ``_update(p, group)``: one parameter's update, done in place on ``p.array`` with
state arrays made once on the parameter's device. The base class does the rest as PyTorch's does:
``step(closure)`` walks the groups, skips parameters without a gradient and bumps each updated
parameter's version counter (a graph that saved it before the update then refuses to backward).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import chain
from typing import Any

import numpy as np

from ..autograd.grad_mode import enable_grad
from ..backend import get_array_module, to_device, to_host
from ..tensor import Tensor


class _Required:
    """Marks a default that every parameter group must give (``lr`` of an optimizer without one)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _Required()


class Optimizer:
    """Base class of all optimizers: ``Optimizer(params, defaults)``.

    ``params`` is an iterable of tensors, of ``(name, tensor)`` pairs, or of dicts that each define
    a parameter group (``{"params": [...], "lr": 0.1}``); ``defaults`` fills the options a group
    does not set.
    """

    def __init__(self, params: Iterable, defaults: dict[str, Any]) -> None:
        if defaults.get("differentiable"):
            raise NotImplementedError(
                f"{type(self).__name__}(differentiable=True) is not supported: minitorch updates "
                "parameters in place without recording the update"
            )
        self.defaults = defaults
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        # Read by the LR schedulers to warn when they step before the optimizer. None when a
        # subclass writes its own step(), which this class cannot see being called.
        self._opt_called = False if type(self).step is Optimizer.step else None
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got {_typename(params)}"
            )
        groups = list(params)
        if len(groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {group[k]}" for k in sorted(group) if k != "params"]
        return "\n".join(lines) + "\n)"

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options (fine-tuning unfrozen layers, say)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {_typename(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        if names:
            if len(names) != len(params):
                raise ValueError(
                    "all optimizer params should be with/without names. Some param names are "
                    "missing"
                )
            param_group["param_names"] = names
        param_group["params"] = params
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"optimizer can only optimize Tensors, but one of the params is {_typename(p)}"
                )
            if not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(
                    "parameter group didn't specify a value of required optimization parameter "
                    f"{name}"
                )
            param_group.setdefault(name, default)
        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in group) != ("param_names" in param_group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. cannot add param "
                    f"group {which} to the optimizer"
                )
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: ``.grad = None`` (default), or fill them with zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.detach_()
                    p.grad.zero_()

    def step(self, closure: Callable[[], Any] | None = None):
        """Update each parameter that has a gradient; ``closure`` recomputes and returns a loss."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    self._update(p, group)
                    p._version_counter[0] += 1
        self._opt_called = True
        return loss

    def _update(self, p: Tensor, group: dict[str, Any]) -> None:
        """Change ``p.array`` in place using ``p.grad`` and ``self.state[p]``."""
        raise NotImplementedError

    # --- state dicts (PyTorch's layout: parameters become integer ids in group order) ----------
    def state_dict(self) -> dict[str, Any]:
        """``{"state": {id: {name: tensor or number}}, "param_groups": [{..., "params": [ids]}]}``.

        The tensors are the optimizer's own (not copies), as in PyTorch: save or clone them.
        """
        ids: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            for p in group["params"]:
                ids.setdefault(id(p), len(ids))
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [ids[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {(ids[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Take state and options from ``state_dict`` (matched to this optimizer's parameters by
        position). State tensors are copied (see ``_copy_to``), so later steps never change the
        loaded dict."""
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        sizes = zip(self.param_groups, saved_groups)
        if any(len(g["params"]) != len(s["params"]) for g, s in sizes):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of "
                "optimizer's group"
            )
        id_map = dict(
            zip(
                chain.from_iterable(s["params"] for s in saved_groups),
                chain.from_iterable(g["params"] for g in self.param_groups),
            )
        )
        state: defaultdict = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                p = id_map[k]
                state[p] = {name: _copy_to(p, name, value) for name, value in v.items()}
            else:
                state[k] = v
        groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            new = {k: _deepcopy(v) for k, v in saved.items()}
            new["params"] = group["params"]
            if "param_names" in group and "param_names" not in new:
                new["param_names"] = group["param_names"]
            groups.append(new)
        self.state = state
        self.param_groups = groups


_OPTION_LABELS = {"lr": "learning rate", "eps": "epsilon value"}


def check_non_negative(**options) -> None:
    """PyTorch's ``ValueError`` for an option below zero (or nan), checked in the order given."""
    for name, value in options.items():
        if not 0.0 <= value:
            raise ValueError(f"Invalid {_OPTION_LABELS.get(name, name + ' value')}: {value}")


def grad_for_update(p: Tensor, maximize: bool, weight_decay: float):
    """The gradient array an update uses: negated to maximize, plus ``weight_decay * p`` (L2).

    It may be ``p.grad.array`` itself, so the caller must not write into it.
    """
    g = p.grad.array
    if weight_decay != 0:
        d = p.array * weight_decay
        if maximize:
            d -= g
        else:
            d += g
        return d
    return -g if maximize else g


def new_step() -> Tensor:
    """A float32 step counter on the host (PyTorch keeps it off the GPU too)."""
    return Tensor._wrap(np.zeros((), np.float32))


def advance(step: Tensor) -> float:
    """Add one to a step counter in place and return the new count."""
    step.array += 1
    return float(step.array)


def zeros_state(p: Tensor) -> Tensor:
    """A state tensor of zeros shaped like ``p``, on its device and of its dtype."""
    return Tensor._wrap(get_array_module(p.array).zeros_like(p.array))


def lerp_(avg, x, weight: float, tmp) -> None:
    """``avg += weight * (x - avg)`` in place (a running mean of ``x``); ``tmp`` is scratch."""
    get_array_module(avg).subtract(x, avg, out=tmp)
    tmp *= weight
    avg += tmp


def square_avg_(avg, x, decay: float, tmp) -> None:
    """``avg = decay * avg + (1 - decay) * x**2`` in place; ``tmp`` is scratch."""
    get_array_module(avg).multiply(x, x, out=tmp)
    tmp *= 1.0 - decay
    avg *= decay
    avg += tmp


def _copy_to(p: Tensor, key, value):
    """A copy of a loaded state value: ``step`` stays on the host, other tensors go to ``p``'s
    device, floating ones in ``p``'s dtype (PyTorch's rule)."""
    if isinstance(value, Tensor):
        if key == "step":
            return Tensor._wrap(np.array(to_host(value.array)))
        arr = to_device(value.array, p.device)
        dtype = p.array.dtype if p.array.dtype.kind == "f" else arr.dtype
        return Tensor._wrap(arr.astype(dtype, copy=True))
    return _deepcopy(value)


def _deepcopy(value):
    if isinstance(value, dict):
        return {k: _deepcopy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_deepcopy(v) for v in value)
    if isinstance(value, Tensor):
        return Tensor._wrap(value.array.copy())
    return value


def _typename(obj) -> str:
    return type(obj).__name__


def defaults_from(arguments: dict[str, Any]) -> dict[str, Any]:
    """An optimizer's ``defaults``: its constructor's arguments, minus ``self`` and ``params``.

    A constructor passes ``locals()`` before it makes any local of its own, so the options are
    spelled once, in its signature. A ``betas`` pair is stored as a tuple, as PyTorch does.
    """
    defaults = {k: v for k, v in arguments.items() if k not in ("self", "params", "__class__")}
    if "betas" in defaults:
        defaults["betas"] = tuple(defaults["betas"])
    return defaults
