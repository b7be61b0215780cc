"""Shared helpers for the nn tests: move values between minitorch and PyTorch and compare a
minitorch layer with its PyTorch twin (outputs, input gradients, parameter gradients)."""

from __future__ import annotations

import numpy as np

import minitorch
from minitorch import backend


def to_numpy(t) -> np.ndarray:
    """Host values of a minitorch tensor (any device), a torch tensor or an array."""
    if isinstance(t, minitorch.Tensor):
        return backend.to_host(t.array)
    if isinstance(t, np.ndarray):
        return t
    return t.detach().numpy()


def from_numpy(a, device="cpu", requires_grad=False) -> minitorch.Tensor:
    t = minitorch.tensor(np.asarray(a), device=device)
    return t.requires_grad_(True) if requires_grad else t


def copy_weights(torch_module, module, device="cpu") -> None:
    """Load a torch module's state dict into the equivalent minitorch module."""
    state = {
        k: from_numpy(v.detach().numpy(), device) for k, v in torch_module.state_dict().items()
    }
    module.load_state_dict(state)


def on(t, device) -> bool:
    """True when tensor ``t`` lives on ``device`` ('cuda' matches any cuda index)."""
    return t.device.type == minitorch.device(device).type


def assert_close(actual, expected, rtol=1e-5, atol=1e-6) -> None:
    np.testing.assert_allclose(to_numpy(actual), to_numpy(expected), rtol=rtol, atol=atol)


def compare_with_torch(
    module, torch_module, inputs, device, rtol=1e-5, atol=1e-6, seed=0, requires_grad=None
):
    """Run both modules on the same inputs (numpy arrays), backpropagate the same random
    upstream gradient, and compare outputs, input gradients and parameter gradients.

    ``requires_grad`` (one flag per input) defaults to True for the floating-point inputs.
    """
    import torch

    if requires_grad is None:
        requires_grad = [x.dtype.kind == "f" for x in inputs]
    ours = [from_numpy(x, device, requires_grad=r) for x, r in zip(inputs, requires_grad)]
    theirs = [torch.tensor(x, requires_grad=r) for x, r in zip(inputs, requires_grad)]
    out, expected = module(*ours), torch_module(*theirs)
    assert isinstance(out, minitorch.Tensor)
    assert on(out, device)
    assert out.dtype.name == str(expected.dtype).replace("torch.", "")
    assert_close(out, expected, rtol, atol)
    if not expected.requires_grad:
        return
    upstream = np.random.default_rng(seed).standard_normal(expected.shape).astype(inputs[0].dtype)
    out.backward(from_numpy(upstream, device))
    expected.backward(torch.tensor(upstream))
    for x, tx in zip(ours, theirs):
        if tx.grad is not None:
            assert_close(x.grad, tx.grad, rtol, atol)
    torch_params = dict(torch_module.named_parameters())
    for name, p in module.named_parameters():
        if torch_params[name].grad is None:
            assert p.grad is None, name
        else:
            assert on(p.grad, device), name
            assert_close(p.grad, torch_params[name].grad, rtol, atol)
