"""``python -m minitorch.selftest [--device cuda]``: check every op on a device against the CPU.

Each op in ``OPS`` runs on the same random float32 inputs on the CPU and on the device; its
outputs, and the gradients of its inputs for the same random output gradient, must agree. A table
shows what passed. Before the ops, one compiled kernel runs: cupy compiles its kernels at first
use, so a GPU machine whose cupy lacks NVRTC fails there, with a hint, instead of in every row.

Exit status: 0 when every op agrees, and also when the device does not exist here (a message
says so: there is nothing to check); 1 when an op disagrees or the device cannot run kernels.
``--device cpu`` checks the CPU against itself, which tests this script.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import minitorch
import minitorch.nn.functional as F

from . import backend

RTOL, ATOL = 1e-4, 1e-5


@dataclass(frozen=True)
class Op:
    """One row of the table: ``fn`` gets one float32 tensor per shape in ``shapes``."""

    name: str
    fn: Callable
    shapes: tuple
    low: float = -2.0  # inputs are uniform on [low, high)
    high: float = 2.0
    grad: bool = True  # False for ops without a gradient (comparisons, argmax)


def _on(t, values, dtype=minitorch.int64):
    """A constant (indices, targets, masks) on the same device as ``t``."""
    return minitorch.tensor(values, dtype=dtype, device=t.device)


def _setitem(a, b):
    out = a.clone()
    out[1:, ::2] = b
    return out


def _inplace(a):
    out = a * 1
    out.add_(1.5).mul_(2.0).relu_()
    out[0] = 1.0
    return out


def _dropout(a):
    minitorch.manual_seed(0)  # the mask is drawn on the host: the same on every device
    return F.dropout(a, 0.3)


# To check a new op, add a row here.
OPS = [
    Op("add (broadcast)", lambda a, b: a + b, ((3, 4), (4,))),
    Op("sub (scalar)", lambda a: 1.5 - a, ((3, 4),)),
    Op("mul (broadcast)", lambda a, b: a * b, ((2, 1, 4), (3, 1))),
    Op("div", lambda a, b: a / b, ((3, 4), (3, 4)), 0.5, 2.0),
    Op("pow (scalar)", lambda a: a**3, ((3, 4),)),
    Op("pow (tensor)", lambda a, b: a**b, ((3, 4), (3, 4)), 0.5, 2.0),
    Op("neg", lambda a: -a, ((3, 4),)),
    Op("abs", lambda a: a.abs(), ((3, 4),)),
    Op("maximum", minitorch.maximum, ((3, 4), (3, 4))),
    Op("minimum", minitorch.minimum, ((3, 4), (4,))),
    Op("exp", minitorch.exp, ((3, 4),)),
    Op("log", minitorch.log, ((3, 4),), 0.1, 3.0),
    Op("log1p", minitorch.log1p, ((3, 4),), 0.1, 3.0),
    Op("expm1", minitorch.expm1, ((3, 4),)),
    Op("sqrt", minitorch.sqrt, ((3, 4),), 0.1, 3.0),
    Op("rsqrt", minitorch.rsqrt, ((3, 4),), 0.1, 3.0),
    Op("sin", minitorch.sin, ((3, 4),)),
    Op("cos", minitorch.cos, ((3, 4),)),
    Op("tanh", minitorch.tanh, ((3, 4),)),
    Op("sigmoid", minitorch.sigmoid, ((3, 4),)),
    Op("relu", minitorch.relu, ((3, 4),)),
    Op("clamp", lambda a: a.clamp(-0.5, 1.0), ((3, 4),)),
    Op("floor", minitorch.floor, ((3, 4),), grad=False),
    Op("sign", minitorch.sign, ((3, 4),), grad=False),
    Op("sum", lambda a: a.sum(), ((3, 4),)),
    Op("sum (dim, keepdim)", lambda a: a.sum(1, keepdim=True), ((2, 3, 4),)),
    Op("mean (dims)", lambda a: a.mean((0, 2)), ((2, 3, 4),)),
    Op("var", lambda a: a.var(1), ((3, 4),)),
    Op("std", lambda a: a.std(), ((3, 4),)),
    Op("prod", lambda a: a.prod(1), ((3, 4),), 0.5, 1.5),
    Op("max", lambda a: a.max(), ((3, 4),)),
    Op("max (dim)", lambda a: a.max(1), ((3, 4),)),
    Op("min (dim)", lambda a: a.min(0, keepdim=True), ((3, 4),)),
    Op("amax", lambda a: a.amax((0, 1)), ((2, 3, 4),)),
    Op("argmax", lambda a: a.argmax(1), ((3, 4),), grad=False),
    Op("argmin", lambda a: a.argmin(), ((3, 4),), grad=False),
    Op("logsumexp", lambda a: a.logsumexp(1), ((3, 4),)),
    Op("norm", lambda a: a.norm(), ((3, 4),)),
    Op("cumsum", lambda a: a.cumsum(1), ((3, 4),)),
    Op("matmul", lambda a, b: a @ b, ((3, 4), (4, 5))),
    Op("matmul (batched)", lambda a, b: a @ b, ((2, 3, 4), (4, 5))),
    Op("matmul (vector)", lambda a, b: a @ b, ((4,), (4, 5))),
    Op("bmm", minitorch.bmm, ((2, 3, 4), (2, 4, 5))),
    Op("dot", minitorch.dot, ((4,), (4,))),
    Op("softmax", lambda a: a.softmax(1), ((3, 4),)),
    Op("log_softmax", lambda a: a.log_softmax(0), ((3, 4),)),
    Op("view", lambda a: a.view(4, 3), ((3, 4),)),
    Op("reshape (non-contiguous)", lambda a: a.t().reshape(-1), ((3, 4),)),
    Op("flatten", lambda a: a.flatten(1), ((2, 3, 4),)),
    Op("unsqueeze / squeeze", lambda a: a.unsqueeze(1).squeeze(), ((3, 4),)),
    Op("permute", lambda a: a.permute(2, 0, 1), ((2, 3, 4),)),
    Op("transpose", lambda a: a.transpose(0, 2), ((2, 3, 4),)),
    Op("expand", lambda a: a.expand(2, 3, 4), ((3, 1),)),
    Op("repeat", lambda a: a.repeat(2, 1), ((3, 4),)),
    Op("flip", lambda a: a.flip(1), ((3, 4),)),
    Op("cat", lambda a, b: minitorch.cat([a, b], 1), ((3, 4), (3, 2))),
    Op("stack", lambda a, b: minitorch.stack([a, b], 0), ((3, 4), (3, 4))),
    Op("split", lambda a: a.split(2, 1), ((3, 5),)),
    Op("chunk", lambda a: a.chunk(2, 0), ((4, 3),)),
    Op("narrow", lambda a: a.narrow(1, 1, 2), ((3, 4),)),
    Op("index (slices, None, ...)", lambda a: a[1:, None, ..., ::2], ((3, 4),)),
    Op("index (int)", lambda a: a[1], ((3, 4),)),
    Op("index (bool mask)", lambda a: a[a > 0], ((3, 4),)),
    Op("index (int tensor, repeats)", lambda a: a[_on(a, [0, 2, 2])], ((3, 4),)),
    Op("setitem", _setitem, ((3, 4), (2, 2))),
    Op("gather", lambda a: a.gather(1, _on(a, [[0, 0], [1, 3], [2, 1]])), ((3, 4),)),
    Op("index_select", lambda a: a.index_select(1, _on(a, [3, 0, 3])), ((3, 4),)),
    Op("masked_fill", lambda a: a.masked_fill(a > 0.5, -1.0), ((3, 4),)),
    Op("where", lambda a, b: minitorch.where(a > b, a, b * 2), ((3, 4), (3, 4))),
    Op("comparison", lambda a, b: (a > b) | (a == a), ((3, 4), (3, 4)), grad=False),
    Op("cast (float64)", lambda a: a.double() * 2, ((3, 4),)),
    Op("device round trip", lambda a: a.cpu().to(a.device) * 2, ((3, 4),)),
    Op("in-place ops", _inplace, ((3, 4),)),
    Op("linear", F.linear, ((2, 4), (3, 4), (3,))),
    Op("gelu", F.gelu, ((3, 4),)),
    Op("silu", F.silu, ((3, 4),)),
    Op("leaky_relu", F.leaky_relu, ((3, 4),)),
    Op("elu", F.elu, ((3, 4),)),
    Op("softplus", F.softplus, ((3, 4),)),
    Op("dropout", _dropout, ((3, 4),)),
    Op("cross_entropy", lambda a: F.cross_entropy(a, _on(a, [0, 3, 1])), ((3, 4),)),
    Op("nll_loss", lambda a: F.nll_loss(a.log_softmax(1), _on(a, [2, 0, 1])), ((3, 4),)),
    Op("mse_loss", F.mse_loss, ((3, 4), (3, 4))),
    Op("l1_loss", F.l1_loss, ((3, 4), (3, 4))),
    Op("smooth_l1_loss", F.smooth_l1_loss, ((3, 4), (3, 4))),
    Op(
        "binary_cross_entropy",
        lambda a, b: F.binary_cross_entropy(a, b),
        ((3, 4), (3, 4)),
        0.1,
        0.9,
    ),
    Op("bce_with_logits", F.binary_cross_entropy_with_logits, ((3, 4), (3, 4))),
    Op(
        "kl_div",
        lambda a, b: F.kl_div(a.log_softmax(1), b.softmax(1), reduction="batchmean"),
        ((3, 4), (3, 4)),
    ),
    Op("pad", lambda a: F.pad(a, (1, 2, 0, 1)), ((2, 3, 4),)),
    Op("conv2d", lambda x, w, b: F.conv2d(x, w, b, 2, 1), ((2, 3, 6, 6), (4, 3, 3, 3), (4,))),
    Op(
        "conv1d (dilated)",
        lambda x, w: F.conv1d(x, w, padding=1, dilation=2),
        ((2, 3, 7), (4, 3, 3)),
    ),
    Op(
        "conv_transpose2d",
        lambda x, w: F.conv_transpose2d(x, w, stride=2),
        ((2, 3, 4, 4), (3, 2, 3, 3)),
    ),
    Op("max_pool2d", lambda x: F.max_pool2d(x, 2), ((2, 3, 6, 6),)),
    Op("avg_pool2d", lambda x: F.avg_pool2d(x, 3, stride=2, padding=1), ((2, 3, 6, 6),)),
    Op("adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, (2, 3)), ((2, 3, 6, 6),)),
    Op(
        "batch_norm (training)",
        lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
        ((4, 3, 2, 2), (3,), (3,)),
    ),
    Op("layer_norm", lambda x, w, b: F.layer_norm(x, (4,), w, b), ((3, 4), (4,), (4,))),
    Op("group_norm", lambda x: F.group_norm(x, 2), ((2, 4, 3),)),
    Op("embedding", lambda w: F.embedding(_on(w, [[0, 2], [2, 1]]), w), ((3, 4),)),
    Op("scaled_dot_product_attention", F.scaled_dot_product_attention, ((2, 3, 4),) * 3),
    Op("normalize", F.normalize, ((3, 4),)),
]


@dataclass
class Row:
    name: str
    forward: str = "-"
    backward: str = "-"
    error: float = 0.0

    @property
    def ok(self) -> bool:
        return self.forward in ("ok", "-") and self.backward in ("ok", "-")


def _compare(got, want) -> tuple[str, float]:
    """("ok" or what differs, max abs difference) for one result."""
    if got.shape != want.shape or got.dtype != want.dtype:
        return f"{got.dtype.name}{list(got.shape)} != {want.dtype.name}{list(want.shape)}", 0.0
    a = backend.to_host(got.array).astype(np.float64)
    b = backend.to_host(want.array).astype(np.float64)
    finite = np.isfinite(b)
    error = float(np.abs(a - b)[finite].max(initial=0.0))
    close = np.allclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True)
    return ("ok" if close else "MISMATCH"), error


def _forward(op: Op, inputs, device):
    tensors = [minitorch.tensor(x, device=device, requires_grad=op.grad) for x in inputs]
    out = op.fn(*tensors)
    return tensors, list(out) if isinstance(out, tuple) else [out]


def _backward(tensors, outs, seeds, device):
    """Gradients of the inputs for output gradients ``seeds`` (host arrays)."""
    diff = [o for o in outs if o.requires_grad]
    grad_outputs = [minitorch.tensor(s, device=device) for s in seeds]
    grads = minitorch.autograd.grad(diff, tensors, grad_outputs, allow_unused=True)
    return [g for g in grads if g is not None]


def check_op(op: Op, device, seed: int = 0) -> Row:
    """Run ``op`` on the CPU and on ``device`` with the same inputs and compare everything."""
    rng = np.random.default_rng(seed)
    inputs = [rng.uniform(op.low, op.high, shape).astype(np.float32) for shape in op.shapes]
    row = Row(op.name)
    try:
        cpu_in, cpu_out = _forward(op, inputs, backend.CPU)
        seeds = [
            rng.standard_normal(o.shape).astype(np.float32) for o in cpu_out if o.requires_grad
        ]
        cpu_grads = _backward(cpu_in, cpu_out, seeds, backend.CPU) if op.grad else []
    except Exception as e:  # an op broken on the CPU too is reported, not fatal to the table
        row.forward = f"fails on cpu: {type(e).__name__}: {e}"
        return row
    try:
        dev_in, dev_out = _forward(op, inputs, device)
    except Exception as e:
        row.forward = f"{type(e).__name__}: {e}"
        return row
    row.forward, row.error = _check_all(dev_out, cpu_out, device)
    if op.grad:
        try:
            dev_grads = _backward(dev_in, dev_out, seeds, device)
        except Exception as e:
            row.backward = f"{type(e).__name__}: {e}"
            return row
        if len(dev_grads) != len(cpu_grads):
            row.backward = f"{len(dev_grads)} gradients, cpu has {len(cpu_grads)}"
        else:
            row.backward, error = _check_all(dev_grads, cpu_grads, device)
            row.error = max(row.error, error)
    return row


def _check_all(got, want, device) -> tuple[str, float]:
    """("ok" or what is wrong, max abs difference) over results on the device vs on the CPU."""
    status, worst = "ok", 0.0
    for g, w in zip(got, want):
        if g.device.type != device.type or (g.device.index or 0) != (device.index or 0):
            return f"result on {g.device}, not {device}", worst
        result, error = _compare(g, w)
        worst = max(worst, error)
        if result != "ok":
            status = result
    return status, worst


def check_kernels(device) -> None:
    """Run one elementwise kernel and one reduction; raises if the device cannot run them."""
    x = minitorch.arange(8, dtype=minitorch.float32, device=device)
    got = ((x * 0.5 + 1).exp().sum()).item()
    want = float(np.exp(np.arange(8) * 0.5 + 1).sum())
    if not np.isclose(got, want, rtol=1e-5):
        raise RuntimeError(f"exp/sum kernel gave {got}, expected {want}")


def _unavailable(device) -> str | None:
    """Why ``device`` cannot be used here, or None when it can."""
    if device.type == "cpu":
        return None
    if backend.cupy() is None:
        return "cupy is not installed (pip install 'minitorch[cuda]')"
    count = minitorch.cuda.device_count()
    if count == 0:
        return "cupy is installed but no CUDA GPU was found"
    if (device.index or 0) >= count:
        return f"{device} does not exist ({count} GPU{'s' if count > 1 else ''} found)"
    return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m minitorch.selftest",
        description="Check every op's forward and backward on a device against the CPU.",
    )
    parser.add_argument("--device", default="cuda", help="device to check (default: cuda)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random inputs")
    args = parser.parse_args(argv)
    device = minitorch.device(args.device)

    reason = _unavailable(device)
    if reason is not None:
        print(
            f"No GPU available for '{device}': {reason}. Nothing to check; minitorch runs on "
            "the CPU."
        )
        return 0
    try:
        check_kernels(device)
    except Exception as e:
        print(f"FAILED: the first compiled kernel on {device} did not run: {type(e).__name__}: {e}")
        print(
            "cupy compiles kernels with NVRTC at first use; a cupy wheel without the CUDA "
            "toolkit libraries fails here. Install them: pip install 'cupy-cuda12x[ctk]'."
        )
        return 1

    print(f"minitorch selftest: {device} against cpu, float32 inputs, seed {args.seed}")
    width = max(len(op.name) for op in OPS) + 2
    print(f"{'op':<{width}}{'forward':<10}{'backward':<10}max error")
    rows = []
    for op in OPS:
        row = check_op(op, device, args.seed)
        rows.append(row)
        print(f"{row.name:<{width}}{_cell(row.forward)}{_cell(row.backward)}{row.error:.1e}")
    failed = [row for row in rows if not row.ok]
    print(f"{len(rows)} ops: {len(rows) - len(failed)} passed, {len(failed)} failed")
    for row in failed:
        detail = row.forward if row.forward != "ok" else row.backward
        print(f"  {row.name}: {detail}")
    return 1 if failed else 0


def _cell(status: str) -> str:
    return f"{status if status in ('ok', '-') else 'FAIL':<10}"


if __name__ == "__main__":
    sys.exit(main())
