"""The differentiable ops, one family per file: each op is a ``Function`` with forward and
backward side by side (``arith``, ``unary``, ``reduce``, ``shape``, ``index``, ``linalg``,
``activation``, ``convert``; the fused neural-network kernels live beside them)."""
