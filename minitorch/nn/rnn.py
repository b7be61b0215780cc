"""Recurrent layers ``RNN``, ``LSTM`` and ``GRU``, written with tensor ops (autograd does the rest).

Each layer and direction steps through time: input-to-hidden and hidden-to-hidden products,
then the gates. Parameter names and gate orders follow PyTorch
(``weight_ih_l0``, ``bias_hh_l1_reverse``; LSTM gates i, f, g, o; GRU gates r, z, n), so PyTorch
state dicts load unchanged.
"""

from __future__ import annotations

import math

from ..creation import empty, zeros
from ..ops.dropout import Dropout
from ..ops.linear import linear
from ..ops.shape import cat, stack
from ..tensor import Tensor
from . import init
from .module import Module
from .parameter import Parameter

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


class RNNBase(Module):
    """The shared machinery: parameters per layer and direction, argument checks, the loop."""

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        if not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of an "
                "element being zeroed"
            )
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError(
                "proj_size should be a positive integer or zero to disable projections"
            )
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        directions = 2 if bidirectional else 1
        out_size = proj_size or hidden_size
        gate_size = _GATES[mode] * hidden_size
        self._flat_weights_names = []
        for layer in range(num_layers):
            for direction in range(directions):
                layer_input = input_size if layer == 0 else out_size * directions
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                shapes = [
                    ("weight_ih", (gate_size, layer_input)),
                    ("weight_hh", (gate_size, out_size)),
                ]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                for name, shape in shapes:
                    param = Parameter(empty(*shape, device=device, dtype=dtype))
                    setattr(self, name + suffix, param)
                    self._flat_weights_names.append(name + suffix)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as in PyTorch."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def flatten_parameters(self) -> None:
        """A no-op kept for code written for cuDNN (the weights are never flattened here)."""

    @property
    def all_weights(self) -> list:
        per_layer = len(self._flat_weights_names) // (self.num_layers * (1 + self.bidirectional))
        weights = [getattr(self, n) for n in self._flat_weights_names]
        return [weights[i : i + per_layer] for i in range(0, len(weights), per_layer)]

    def _weights(self, layer: int, direction: int) -> tuple:
        suffix = f"_l{layer}" + ("_reverse" if direction else "")
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
        return tuple(getattr(self, name + suffix, None) for name in names)

    def _check_input(self, input: Tensor) -> bool:
        """True when input is batched; raises like PyTorch for a wrong rank or feature size."""
        if input.ndim not in (2, 3):
            raise ValueError(
                f"{type(self).__name__}: Expected input to be 2D or 3D, got {input.ndim}D instead"
            )
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got "
                f"{input.shape[-1]}"
            )
        return input.ndim == 3

    def _initial(self, hx, batch: int, size: int, batched: bool, like: Tensor) -> Tensor:
        """The initial state (layers*directions, N, size): zeros when not given."""
        expected = (self.num_layers * (1 + self.bidirectional), batch, size)
        if hx is None:
            return zeros(*expected, dtype=like.dtype, device=like.device)
        if not batched:
            if hx.ndim != 2:
                raise RuntimeError(
                    f"For unbatched 2-D input, hx should also be 2-D but got {hx.ndim}-D tensor"
                )
            hx = hx.unsqueeze(1)
        elif hx.ndim != 3:
            raise RuntimeError(
                f"For batched 3-D input, hx should also be 3-D but got {hx.ndim}-D tensor"
            )
        if tuple(hx.shape) != expected:
            raise RuntimeError(f"Expected hidden size {expected}, got {list(hx.shape)}")
        return hx

    def forward(self, input: Tensor, hx=None):
        batched = self._check_input(input)
        x = input if not batched else input.transpose(0, 1) if self.batch_first else input
        if not batched:
            x = x.unsqueeze(1)
        batch = x.shape[1]
        out_size = self.proj_size or self.hidden_size
        if self.mode == "LSTM":
            h0, c0 = (None, None) if hx is None else hx
            h0 = self._initial(h0, batch, out_size, batched, x)
            c0 = self._initial(c0, batch, self.hidden_size, batched, x)
        else:
            h0, c0 = self._initial(hx, batch, self.hidden_size, batched, x), None
        directions = 1 + self.bidirectional
        h_n, c_n = [], []
        # The sequence travels between layers as a list of per-step (N, features) tensors:
        # taking steps out of one (L, N, F) tensor costs a full-size gradient per step.
        steps = list(x.unbind(0))
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                k = layer * directions + direction
                out, h, c = self._run(
                    steps,
                    self._weights(layer, direction),
                    h0[k],
                    None if c0 is None else c0[k],
                    reverse=direction == 1,
                )
                outputs.append(out)
                h_n.append(h)
                c_n.append(c)
            steps = outputs[0] if directions == 1 else [cat(pair, 1) for pair in zip(*outputs)]
            if self.dropout and self.training and layer < self.num_layers - 1:
                steps = [Dropout.apply(s, self.dropout, None, None) for s in steps]
        output = stack(steps, 1 if batched and self.batch_first else 0)
        h_n = stack(h_n)
        if not batched:
            output, h_n = output.squeeze(1), h_n.squeeze(1)
        if self.mode != "LSTM":
            return output, h_n
        c_n = stack(c_n)
        return output, (h_n, c_n if batched else c_n.squeeze(1))

    def _run(self, steps: list, weights: tuple, h: Tensor, c, reverse: bool):
        """One layer in one direction over the steps (each (N, in)): outputs, last h and c."""
        w_ih, w_hh, b_ih, b_hh, w_hr = weights
        outputs = [None] * len(steps)
        for t in reversed(range(len(steps))) if reverse else range(len(steps)):
            gi, gh = linear(steps[t], w_ih, b_ih), linear(h, w_hh, b_hh)
            if self.mode == "LSTM":
                i, f, g, o = (gi + gh).chunk(4, 1)
                c = f.sigmoid() * c + i.sigmoid() * g.tanh()
                h = o.sigmoid() * c.tanh()
                if w_hr is not None:
                    h = linear(h, w_hr)
            elif self.mode == "GRU":
                r_i, z_i, n_i = gi.chunk(3, 1)
                r_h, z_h, n_h = gh.chunk(3, 1)
                r, z = (r_i + r_h).sigmoid(), (z_i + z_h).sigmoid()
                n = (n_i + r * n_h).tanh()
                h = n + z * (h - n)  # (1 - z) * n + z * h
            elif self.mode == "RNN_TANH":
                h = (gi + gh).tanh()
            else:
                h = (gi + gh).relu()
            outputs[t] = h
        return outputs, h, c

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu).

    ``RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True,
    batch_first=False, dropout=0.0, bidirectional=False)``; returns (output, h_n).
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device=None,
        dtype=None,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        super().__init__(
            "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            0,
            device,
            dtype,
        )
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """Long short-term memory: gates i, f, g, o; c_t = f c_{t-1} + i g, h_t = o tanh(c_t).

    ``LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False, proj_size=0)``; returns (output, (h_n, c_n)).
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__(
            "LSTM",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            proj_size,
            device,
            dtype,
        )


class GRU(RNNBase):
    """Gated recurrent unit: gates r, z and candidate n; h_t = (1 - z) n + z h_{t-1}.

    ``GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False)``; returns (output, h_n).
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__(
            "GRU",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            0,
            device,
            dtype,
        )
