"""Check analytical gradients against central finite differences (use float64 inputs)."""

from __future__ import annotations

import warnings

import numpy as np

from .. import backend
from .engine import grad as autograd_grad
from .grad_mode import enable_grad, no_grad


class GradcheckError(RuntimeError):
    """Raised when an analytical Jacobian differs from the numerical one."""


def _tensors(x):
    from ..tensor import Tensor

    items = x if isinstance(x, (tuple, list)) else (x,)
    return [t for t in items if isinstance(t, Tensor)]


def _host_outputs(func, inputs):
    return [backend.to_host(o.array).astype(np.float64) for o in _tensors(func(*inputs))]


def _numerical(func, inputs, wrt, eps):
    """d(outputs)/d(wrt) by central differences: one (in_numel, out_numel) block per pair."""
    with no_grad():
        base = _tensors(func(*inputs))
        blocks = [[np.zeros((t.array.size, o.array.size)) for o in base] for t in wrt]
        for i, t in enumerate(wrt):
            arr = t.array  # perturbed in place, element by element (any strides)
            for k, idx in enumerate(np.ndindex(*arr.shape)):
                orig = arr[idx].item()
                arr[idx] = orig + eps
                plus = _host_outputs(func, inputs)
                arr[idx] = orig - eps
                minus = _host_outputs(func, inputs)
                arr[idx] = orig
                for j, (p, m) in enumerate(zip(plus, minus)):
                    blocks[i][j][k] = ((p - m) / (2 * eps)).reshape(-1)
    return blocks


def _analytical(func, inputs, wrt):
    """d(outputs)/d(wrt) row by row: one backward pass per output element."""
    from ..tensor import Tensor

    outputs = _tensors(func(*inputs))
    blocks = [[np.zeros((t.array.size, o.array.size)) for o in outputs] for t in wrt]
    for j, o in enumerate(outputs):
        if not o.requires_grad:
            continue
        xp = o._xp()
        for k in range(o.array.size):
            seed = xp.zeros(o.array.size, dtype=o.array.dtype)
            seed[k] = 1
            grads = autograd_grad(
                o,
                wrt,
                Tensor._wrap(seed.reshape(o.array.shape)),
                retain_graph=True,
                allow_unused=True,
            )
            for i, g in enumerate(grads):
                if g is not None:
                    blocks[i][j][:, k] = backend.to_host(g.array).astype(np.float64).reshape(-1)
    return blocks


def gradcheck(
    func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **_ignored
) -> bool:
    """True when autograd's Jacobian of ``func`` matches finite differences at ``inputs``."""
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    wrt = [t for t in _tensors(inputs) if t.requires_grad]
    for i, t in enumerate(wrt):
        if t.array.dtype != np.float64:
            warnings.warn(
                f"gradcheck: input {i} requiring grad is {t.dtype}, not float64; finite "
                "differences in lower precision will likely fail the check.",
                stacklevel=2,
            )
    numerical = _numerical(func, inputs, wrt, eps)
    analytical = _analytical(func, inputs, wrt)
    for i, (num_row, ana_row) in enumerate(zip(numerical, analytical)):
        for j, (n, a) in enumerate(zip(num_row, ana_row)):
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {j} with respect to input {i},\n"
                    f"numerical:{n}\nanalytical:{a}\n"
                )
    return True


def gradgradcheck(
    func,
    inputs,
    grad_outputs=None,
    *,
    eps=1e-6,
    atol=1e-5,
    rtol=1e-3,
    raise_exception=True,
    gen_non_contig_grad_outputs=False,
    **_ignored,
) -> bool:
    """gradcheck of the gradient itself: checks the second derivatives of ``func``."""
    from ..tensor import Tensor

    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = []
        for o in _tensors(func(*inputs)):
            if not o.requires_grad:  # e.g. the indices of max(dim): no gradient flows to them
                continue
            values = rng.standard_normal(o.array.shape).astype(o.array.dtype)
            g = Tensor._wrap(backend.to_device(values, o.device))
            grad_outputs.append(g.requires_grad_(True))
    grad_outputs = list(grad_outputs)
    n_in = len(inputs)

    def first_derivative(*args):
        ins, gouts = args[:n_in], args[n_in:]
        with enable_grad():  # the finite-difference pass runs under no_grad
            outs = [o for o in _tensors(func(*ins)) if o.requires_grad]
            grads = autograd_grad(
                outs,
                [t for t in _tensors(ins) if t.requires_grad],
                gouts,
                create_graph=True,
                allow_unused=True,
            )
        return tuple(g for g in grads if g is not None)

    return gradcheck(
        first_derivative,
        inputs + tuple(grad_outputs),
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
    )
