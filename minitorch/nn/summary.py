"""``summary(model, input_size)``: a Keras-style table of layers, output shapes and sizes.

It runs one forward pass on zeros (in eval mode, without recording gradients) with a forward
hook on every layer, so the rows come out in execution order.
"""

from __future__ import annotations

from ..autograd.grad_mode import no_grad
from ..creation import zeros
from ..dtypes import float32
from ..tensor import Tensor
from .module import Module


def _tensors(obj):
    """The tensors in a (nested) output, in order."""
    if isinstance(obj, Tensor):
        return [obj]
    if isinstance(obj, (list, tuple)):
        return [t for item in obj for t in _tensors(item)]
    if isinstance(obj, dict):
        return [t for item in obj.values() for t in _tensors(item)]
    return []


def _bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.2f} {unit}"
        n /= 1024
    return ""


def _input_shapes(input_size) -> list:
    """One shape, or a list of shapes (one per forward argument)."""
    if all(isinstance(s, int) for s in input_size):
        return [tuple(input_size)]
    return [tuple(s) for s in input_size]


def summary(model: Module, input_size, dtype=None, device=None, print_fn=print) -> str:
    """Print and return a table of every layer's output shape, parameter count and output memory.

    ``input_size`` is the full input shape including the batch dim, e.g. ``(64, 1, 28, 28)``,
    or a list of shapes for a model taking several inputs. ``dtype`` (one or one per input)
    defaults to float32; ``device`` to the device of the model's first parameter.
    """
    shapes = _input_shapes(input_size)
    dtypes = dtype if isinstance(dtype, (list, tuple)) else [dtype or float32] * len(shapes)
    if device is None:
        first = next(model.parameters(), None)
        device = first.device if first is not None else "cpu"
    inputs = [zeros(*s, dtype=dt, device=device) for s, dt in zip(shapes, dtypes)]

    names = {id(m): name for name, m in model.named_modules()}
    rows = []

    def record(module, args, output):
        outs = _tensors(output)
        params = sum(p.numel() for p in module.parameters(recurse=False))
        shape = ", ".join(str(list(t.shape)) for t in outs) or "-"
        memory = sum(t.numel() * t.element_size() for t in outs)
        name = names.get(id(module)) or type(module).__name__
        rows.append((f"{name} ({type(module).__name__})", shape, params, memory))

    hooks = [
        m.register_forward_hook(record)
        for m in model.modules()
        if not m._modules or any(True for _ in m.parameters(recurse=False))
    ]
    modes = {m: m.training for m in model.modules()}
    model.eval()
    try:
        with no_grad():
            model(*inputs)
    finally:
        for h in hooks:
            h.remove()
        for m, mode in modes.items():
            m.training = mode

    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    param_bytes = sum(p.numel() * p.element_size() for p in model.parameters())
    param_bytes += sum(b.numel() * b.element_size() for b in model.buffers())
    input_bytes = sum(t.numel() * t.element_size() for t in inputs)
    output_bytes = sum(r[3] for r in rows)

    header = ("Layer (type)", "Output Shape", "Param #", "Output memory")
    table = [header] + [(r[0], r[1], f"{r[2]:,}", _bytes(r[3])) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    width = sum(widths) + 3 * 4

    def line(row):
        return "  ".join(
            [row[0].ljust(widths[0]), row[1].ljust(widths[1] + 2)]
            + [cell.rjust(w + 2) for cell, w in zip(row[2:], widths[2:])]
        )

    out = ["=" * width, line(header), "=" * width]
    out += [line(row) for row in table[1:]]
    out += [
        "=" * width,
        f"Total params: {total:,}",
        f"Trainable params: {trainable:,}",
        f"Non-trainable params: {total - trainable:,}",
        "-" * width,
        f"Input size: {_bytes(input_bytes)}",
        f"Forward pass outputs: {_bytes(output_bytes)}",
        f"Params and buffers size: {_bytes(param_bytes)}",
        f"Estimated total size: {_bytes(input_bytes + output_bytes + param_bytes)}",
        "=" * width,
    ]
    text = "\n".join(out)
    if print_fn is not None:
        print_fn(text)
    return text
