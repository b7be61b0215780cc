"""Attention: ``scaled_dot_product_attention`` and the ``MultiheadAttention`` layer.

Both are compositions of tensor ops (matmul, softmax, masking), so autograd differentiates them
to any order. Parameter names follow PyTorch (``in_proj_weight``, ``out_proj.weight``) so
PyTorch state dicts load unchanged.
"""

from __future__ import annotations

import math

from ..creation import empty, ones, zeros
from ..ops.activation import softmax
from ..ops.dropout import Dropout
from ..ops.linear import linear
from ..ops.pad import Pad
from ..ops.shape import cat
from ..tensor import Tensor
from . import init
from .linear import Linear
from .module import Module
from .parameter import Parameter


def _apply_mask(scores: Tensor, mask, masked_out_when: bool) -> Tensor:
    """Add a float mask, or set -inf where a bool mask equals ``masked_out_when``."""
    if mask is None:
        return scores
    if mask.dtype.name == "bool":
        return scores.masked_fill(mask if masked_out_when else ~mask, float("-inf"))
    return scores + mask


def scaled_dot_product_attention(
    query,
    key,
    value,
    attn_mask=None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale=None,
    enable_gqa: bool = False,
):
    """softmax(q k^T * scale + mask) v over the last two dims: (..., L, E), (..., S, E),
    (..., S, Ev) -> (..., L, Ev).

    A bool ``attn_mask`` marks the pairs that take part (True = attend); a float one is added.
    """
    if enable_gqa:
        raise NotImplementedError("enable_gqa is not supported")
    if is_causal and attn_mask is not None:
        raise RuntimeError(
            "_scaled_dot_product_attention: Explicit attn_mask should not be set "
            "when is_causal=True"
        )
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = (query * scale) @ key.transpose(-2, -1)
    if is_causal:
        length, source = query.shape[-2], key.shape[-2]
        attn_mask = ones(length, source, dtype=query.dtype, device=query.device).bool()
        attn_mask = _lower_triangle(attn_mask)
    scores = _apply_mask(scores, attn_mask, masked_out_when=False)
    weights = softmax(scores, -1)
    if dropout_p > 0.0:
        weights = Dropout.apply(weights, dropout_p, None, None)
    return weights @ value


def _lower_triangle(mask: Tensor) -> Tensor:
    """The bool mask with everything above the diagonal set to False (a causal mask)."""
    xp = mask._xp()
    return Tensor._wrap(xp.tril(mask.array))


class NonDynamicallyQuantizableLinear(Linear):
    """A ``Linear`` under the name PyTorch gives ``MultiheadAttention.out_proj`` (for printing)."""


class MultiheadAttention(Module):
    """Attention with ``num_heads`` heads of size embed_dim / num_heads, as in PyTorch.

    ``forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
    average_attn_weights=True, is_causal=False)`` takes (L, N, E) inputs, or (N, L, E) with
    ``batch_first``, or unbatched (L, E); it returns (output, weights or None). Bool masks mark
    what to ignore (True = masked out), float masks are added to the scores.
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim=None,
        vdim=None,
        batch_first: bool = False,
        device=None,
        dtype=None,
    ) -> None:
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(
                f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and "
                f"num_heads={num_heads} instead"
            )
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        kw = {"device": device, "dtype": dtype}
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(empty(3 * embed_dim, embed_dim, **kw))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = Parameter(empty(embed_dim, embed_dim, **kw))
            self.k_proj_weight = Parameter(empty(embed_dim, self.kdim, **kw))
            self.v_proj_weight = Parameter(empty(embed_dim, self.vdim, **kw))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(empty(3 * embed_dim, **kw))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, **kw)
        if add_bias_kv:
            self.bias_k = Parameter(empty(1, 1, embed_dim, **kw))
            self.bias_v = Parameter(empty(1, 1, embed_dim, **kw))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """Xavier-uniform projections, zero biases, Xavier-normal bias_k/v (PyTorch's init)."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def _projections(self, query, key, value):
        e = self.embed_dim
        b = self.in_proj_bias
        bq, bk, bv = (None, None, None) if b is None else (b[:e], b[e : 2 * e], b[2 * e :])
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight
            wq, wk, wv = w[:e], w[e : 2 * e], w[2 * e :]
        else:
            wq, wk, wv = self.q_proj_weight, self.k_proj_weight, self.v_proj_weight
        return linear(query, wq, bq), linear(key, wk, bk), linear(value, wv, bv)

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        key_padding_mask=None,
        need_weights: bool = True,
        attn_mask=None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ):
        if is_causal and attn_mask is None:
            raise RuntimeError(
                "Need attn_mask if specifying the is_causal hint. You may use the Transformer "
                "module method `generate_square_subsequent_mask` to create this mask."
            )
        batched = query.ndim == 3
        if not batched:
            query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        elif self.batch_first:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        length, batch, e = query.shape
        h, d = self.num_heads, self.head_dim
        if e != self.embed_dim:
            raise AssertionError(
                f"was expecting embedding dimension of {self.embed_dim}, but got {e}"
            )
        q, k, v = self._projections(query, key, value)  # (L, N, E), (S, N, E), (S, N, E)
        if attn_mask is not None and attn_mask.ndim == 2:
            attn_mask = attn_mask.unsqueeze(0)
        if self.bias_k is not None:
            k = cat([k, self.bias_k.expand(1, batch, e)])
            v = cat([v, self.bias_v.expand(1, batch, e)])
            attn_mask, key_padding_mask = _pad_masks(attn_mask, key_padding_mask)
        q, k, v = (t.reshape(t.shape[0], batch * h, d).transpose(0, 1) for t in (q, k, v))
        if self.add_zero_attn:
            k = cat([k, zeros(batch * h, 1, d, dtype=k.dtype, device=k.device)], 1)
            v = cat([v, zeros(batch * h, 1, d, dtype=v.dtype, device=v.device)], 1)
            attn_mask, key_padding_mask = _pad_masks(attn_mask, key_padding_mask)
        source = k.shape[1]
        scores = (q * (1.0 / math.sqrt(d))) @ k.transpose(1, 2)  # (N*H, L, S)
        scores = _apply_mask(scores, attn_mask, masked_out_when=True)
        if key_padding_mask is not None:
            scores = scores.reshape(batch, h, length, source)
            mask = key_padding_mask.reshape(batch, 1, 1, source)
            scores = _apply_mask(scores, mask, masked_out_when=True)
            scores = scores.reshape(batch * h, length, source)
        weights = softmax(scores, -1)
        if self.dropout > 0.0 and self.training:
            weights_used = Dropout.apply(weights, self.dropout, None, None)
        else:
            weights_used = weights
        out = (weights_used @ v).transpose(0, 1).reshape(length, batch, e)
        out = self.out_proj(out)
        if batched and self.batch_first:
            out = out.transpose(0, 1)
        if not need_weights:
            return (out if batched else out.squeeze(1)), None
        weights = weights.reshape(batch, h, length, source)
        if average_attn_weights:
            weights = weights.mean(1)
        if not batched:
            return out.squeeze(1), weights.squeeze(0)
        return out, weights


def _pad_masks(attn_mask, key_padding_mask):
    """Masks widened by one key position (for bias_k/v or the zero attention slot)."""
    if attn_mask is not None:
        attn_mask = Pad.apply(attn_mask, (0, 1), "constant", 0)
    if key_padding_mask is not None:
        key_padding_mask = Pad.apply(key_padding_mask, (0, 1), "constant", 0)
    return attn_mask, key_padding_mask
