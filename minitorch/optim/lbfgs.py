"""L-BFGS: a quasi-Newton method that re-evaluates the loss through a closure, as PyTorch's.

The parameters are treated as one flat vector. Each iteration turns the gradient into a search
direction with the two-loop recursion over the last ``history_size`` steps and gradient changes,
then steps along it by ``lr`` or by a step length a strong-Wolfe line search finds.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

from ..autograd.grad_mode import enable_grad
from ..backend import get_array_module
from ..tensor import Tensor
from .optimizer import Optimizer, check_non_negative, defaults_from


class LBFGS(Optimizer):
    """L-BFGS (after minFunc): ``step(closure)`` runs up to ``max_iter`` iterations.

    One parameter group only. ``closure`` clears the gradients, computes the loss, calls
    ``backward()`` and returns the loss. ``line_search_fn='strong_wolfe'`` chooses each step
    length; without it every step is ``lr`` (the first one scaled down by the gradient's size).
    Iterations stop early when the gradient, the step or the change in loss falls below its
    tolerance, or after ``max_eval`` evaluations of the closure.
    """

    def __init__(
        self,
        params,
        lr: float = 1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        check_non_negative(lr=lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        super().__init__(params, defaults_from(locals()))
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    # --- the parameters as one flat vector ------------------------------------------------------
    def _flat_grad(self):
        xp = get_array_module(self._params[0].array)
        return xp.concatenate(
            [
                xp.zeros(p.array.size, p.array.dtype) if p.grad is None else p.grad.array.ravel()
                for p in self._params
            ]
        )

    def _add_step(self, t: float, d) -> None:
        """``params += t * d``, in place."""
        offset = 0
        for p in self._params:
            n = p.array.size
            p.array += t * d[offset : offset + n].reshape(p.array.shape)
            p._version_counter[0] += 1
            offset += n

    def _evaluate_at(self, closure: Callable, t: float, d) -> tuple[float, object]:
        """Loss and flat gradient at ``params + t * d``; the parameters are put back after."""
        saved = [p.array.copy() for p in self._params]
        self._add_step(t, d)
        loss = float(closure())
        grad = self._flat_grad()
        for p, x in zip(self._params, saved):
            p.array[...] = x
        return loss, grad

    def step(self, closure: Callable):
        """Run up to ``max_iter`` iterations; returns the loss the first closure call gave."""
        group = self.param_groups[0]
        lr = float(group["lr"])
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        closure = enable_grad()(closure)

        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        orig_loss = closure()
        loss = float(orig_loss)
        evals = 1
        state["func_evals"] += 1
        g = self._flat_grad()
        xp = get_array_module(g)
        if float(xp.abs(g).max()) <= tolerance_grad:
            return orig_loss

        d, t = _array(state.get("d")), state.get("t")
        old_dirs = [x.array for x in state.get("old_dirs", [])]
        old_stps = [x.array for x in state.get("old_stps", [])]
        ro, H_diag = state.get("ro", []), state.get("H_diag", 1.0)
        prev_g, prev_loss = _array(state.get("prev_flat_grad")), state.get("prev_loss")

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d, old_dirs, old_stps, ro, H_diag = -g, [], [], [], 1.0
            else:
                y, s = g - prev_g, d * t
                ys = float(y @ s)
                if ys > 1e-10:  # keep the pair only where the curvature is positive
                    if len(old_dirs) == group["history_size"]:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / float(y @ y)
                d = _two_loop(-g, old_dirs, old_stps, ro, H_diag)
            prev_g = g.copy()
            prev_loss = loss
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / float(xp.abs(g).sum())) * lr
            else:
                t = lr
            gtd = float(g @ d)  # directional derivative: must point downhill
            if gtd > -tolerance_change:
                break

            evals_now = 0
            if group["line_search_fn"] is not None:
                if group["line_search_fn"] != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                loss, g, t, evals_now = _strong_wolfe(
                    functools.partial(self._evaluate_at, closure, d=d),
                    t,
                    d,
                    loss,
                    g,
                    gtd,
                    tolerance_change=tolerance_change,
                    max_ls=max_eval - evals,
                )
                self._add_step(t, d)
            else:
                self._add_step(t, d)
                if n_iter != max_iter:  # the last iteration's loss is left for the next step
                    loss = float(closure())
                    g = self._flat_grad()
                    evals_now = 1
            evals += evals_now
            state["func_evals"] += evals_now

            if n_iter == max_iter or evals >= max_eval:
                break
            if float(xp.abs(g).max()) <= tolerance_grad:
                break
            if float(xp.abs(d * t).max()) <= tolerance_change:
                break
            if abs(loss - prev_loss) < tolerance_change:
                break

        state["d"], state["t"] = Tensor._wrap(d), t
        state["old_dirs"] = [Tensor._wrap(x) for x in old_dirs]
        state["old_stps"] = [Tensor._wrap(x) for x in old_stps]
        state["ro"], state["H_diag"] = ro, H_diag
        state["prev_flat_grad"], state["prev_loss"] = Tensor._wrap(prev_g), prev_loss
        self._opt_called = True
        return orig_loss


def _array(t: Tensor | None):
    return None if t is None else t.array


def _two_loop(q, old_dirs: list, old_stps: list, ro: list, H_diag: float):
    """The L-BFGS direction ``H q``: the inverse Hessian is built from the stored pairs
    (``s`` steps, ``y`` gradient changes), starting from ``H_diag`` times the identity."""
    al = [0.0] * len(old_dirs)
    for i in range(len(old_dirs) - 1, -1, -1):
        al[i] = float(old_stps[i] @ q) * ro[i]
        q -= al[i] * old_dirs[i]
    r = q * H_diag
    for i in range(len(old_dirs)):
        be_i = float(old_dirs[i] @ r) * ro[i]
        r += (al[i] - be_i) * old_stps[i]
    return r


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None) -> float:
    """The minimizer of the cubic through two points with their slopes, kept within ``bounds``
    (default: between the points); their midpoint when the cubic has no minimum."""
    xmin, xmax = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 * d1 - g1 * g2
    if d2_square < 0:
        return (xmin + xmax) / 2.0
    d2 = math.sqrt(d2_square)
    if x1 <= x2:
        min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(min_pos, xmin), xmax)


def _strong_wolfe(
    evaluate, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25
) -> tuple[float, object, float, int]:
    """A step length ``t`` along ``d`` meeting the strong Wolfe conditions (enough decrease,
    ``c1``; a flat enough slope, ``c2``): first bracket an interval that holds one, then zoom
    into it by cubic interpolation. Returns ``(loss, grad, t, evaluations)``."""
    d_norm = float(get_array_module(d).abs(d).max())
    f_new, g_new = evaluate(t)
    evals = 1
    gtd_new = float(g_new @ d)
    t_prev, f_prev, g_prev, gtd_prev = 0.0, f, g, gtd
    done = False
    ls_iter = 0
    # bracketing: grow t until the interval [t_prev, t] must contain an acceptable step
    while ls_iter < max_ls:
        too_high = f_new > f + c1 * t * gtd or (ls_iter > 1 and f_new >= f_prev)
        if not too_high and abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if too_high or gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        t_next = _cubic_interpolate(
            t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(t + 0.01 * (t - t_prev), t * 10)
        )
        t_prev, f_prev, g_prev, gtd_prev = t, f_new, g_new, gtd_new
        t = t_next
        f_new, g_new = evaluate(t)
        evals += 1
        gtd_new = float(g_new @ d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0.0, t], [f, f_new], [g, g_new]

    # zoom: shrink the bracket, keeping at its low end the point with the lower loss
    insufficient_progress = False
    low, high = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(
            bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1]
        )
        # a point too close to an end makes little progress: move it 10% inside
        lo_end, hi_end = min(bracket), max(bracket)
        eps = 0.1 * (hi_end - lo_end)
        if min(hi_end - t, t - lo_end) < eps:
            if insufficient_progress or t >= hi_end or t <= lo_end:
                t = hi_end - eps if abs(t - hi_end) < abs(t - lo_end) else lo_end + eps
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False
        f_new, g_new = evaluate(t)
        evals += 1
        gtd_new = float(g_new @ d)
        ls_iter += 1
        if f_new > f + c1 * t * gtd or f_new >= bracket_f[low]:
            bracket[high], bracket_f[high] = t, f_new
            bracket_g[high], bracket_gtd[high] = g_new, gtd_new
            low, high = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:
                bracket[high], bracket_f[high] = bracket[low], bracket_f[low]
                bracket_g[high], bracket_gtd[high] = bracket_g[low], bracket_gtd[low]
            bracket[low], bracket_f[low] = t, f_new
            bracket_g[low], bracket_gtd[low] = g_new, gtd_new
    return bracket_f[low], bracket_g[low], bracket[low], evals
