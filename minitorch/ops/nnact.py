"""Activation functions of ``nn``: each a single op whose backward is built from tensor ops,
so second derivatives work. (``relu``, ``sigmoid``, ``tanh`` and softmax live in ``unary`` and
``activation``.)"""

from __future__ import annotations

import math

from ..autograd.function import Function
from ..backend import get_array_module

_SQRT_2_PI = math.sqrt(2.0 / math.pi)

# Chebyshev coefficients of log(e^(z^2) erfc(z)) in t = 2/(2+z) (Numerical Recipes' erfc fit);
# the first 28 reach float64 rounding, the first 14 float32 rounding.
_ERFC_CHEB = (
    -1.3026537197817094, 6.4196979235649026e-1, 1.9476473204185836e-2, -9.561514786808631e-3,
    -9.46595344482036e-4, 3.66839497852761e-4, 4.2523324806907e-5, -2.0278578112534e-5,
    -1.624290004647e-6, 1.303655835580e-6, 1.5626441722e-8, -8.5238095915e-8, 6.529054439e-9,
    5.059343495e-9, -9.91364156e-10, -2.27365122e-10, 9.6467911e-11, 2.394038e-12,
    -6.886027e-12, 8.94487e-13, 3.13092e-13, -1.12708e-13, 3.81e-16, 7.106e-15, -1.523e-15,
    -9.4e-17, 1.21e-16, -2.8e-17,
)  # fmt: skip


def normal_cdf(x):
    """Phi(x) = P(N(0,1) <= x) = erfc(-x/sqrt 2) / 2 for an array, to the dtype's precision.

    numpy has no erf; this evaluates a Chebyshev fit of erfc with Clenshaw's recurrence.
    Working from erfc keeps Phi accurate in the far left tail, where 1 + erf(x) would cancel.
    """
    xp = get_array_module(x)
    z = xp.abs(x) * (1 / math.sqrt(2.0))
    t = 2 / (2 + z)
    ty = 4 * t - 2
    d = xp.zeros_like(z)
    dd = xp.zeros_like(z)
    coefs = _ERFC_CHEB if x.dtype.itemsize >= 8 else _ERFC_CHEB[:14]
    for c in coefs[:0:-1]:
        d, dd = ty * d - dd + c, d
    half_erfc = 0.5 * t * xp.exp(-z * z + 0.5 * (coefs[0] + ty * d) - dd)  # erfc(|x|/sqrt2)/2
    return xp.where(x < 0, half_erfc, 1 - half_erfc)


class LeakyRelu(Function):
    """x where x > 0, else slope * x; d/dx = 1 or slope."""

    @staticmethod
    def forward(ctx, a, slope):
        x = a.array
        ctx.save_for_backward(a)
        ctx.slope = slope
        return get_array_module(x).where(x > 0, x, x * slope)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad.where(a > 0, grad * ctx.slope), None


class Gelu(Function):
    """x * Phi(x) ('none') or its tanh approximation ('tanh').

    d/dx = Phi(x) + x * phi(x) for 'none'; for 'tanh', with u = k (x + 0.044715 x^3) and
    k = sqrt(2/pi): 0.5 (1 + tanh u) + 0.5 x (1 - tanh^2 u) k (1 + 3 * 0.044715 x^2).
    """

    @staticmethod
    def forward(ctx, a, approximate):
        x = a.array
        xp = get_array_module(x)
        ctx.save_for_backward(a)
        ctx.approximate = approximate
        if approximate == "tanh":
            return 0.5 * x * (1 + xp.tanh(_SQRT_2_PI * (x + 0.044715 * x * x * x)))
        return x * normal_cdf(x)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        if ctx.approximate == "tanh":
            th = (_SQRT_2_PI * (a + 0.044715 * a * a * a)).tanh()
            d = 0.5 * (1 + th) + 0.5 * a * (1 - th * th) * _SQRT_2_PI * (1 + 0.134145 * a * a)
        else:
            cdf = _Phi.apply(a)
            pdf = (a * a * -0.5).exp() * (1 / math.sqrt(2 * math.pi))
            d = cdf + a * pdf
        return grad * d, None


class _Phi(Function):
    """The standard normal cdf as an op (needed when GELU's backward is differentiated)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return normal_cdf(a.array)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * (a * a * -0.5).exp() * (1 / math.sqrt(2 * math.pi))


class Silu(Function):
    """x * sigmoid(x); d/dx = s (1 + x (1 - s))."""

    @staticmethod
    def forward(ctx, a):
        x = a.array
        xp = get_array_module(x)
        e = xp.exp(-xp.abs(x))  # exp of a non-positive number: no overflow
        s = xp.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)
        ctx.save_for_backward(a)
        return x * s

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        s = a.sigmoid()
        return grad * s * (1 + a * (1 - s))


class Elu(Function):
    """x where x > 0, else alpha (exp(x) - 1); d/dx = 1 or alpha exp(x)."""

    @staticmethod
    def forward(ctx, a, alpha):
        x = a.array
        xp = get_array_module(x)
        ctx.save_for_backward(a)
        ctx.alpha = alpha
        return xp.where(x > 0, x, alpha * xp.expm1(xp.minimum(x, 0)))

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        negative = a.clamp(max=0).exp() * ctx.alpha
        return grad * negative.where(a <= 0, 1.0), None


class Softplus(Function):
    """log(1 + exp(beta x)) / beta, linear where beta x > threshold; d/dx = sigmoid(beta x)."""

    @staticmethod
    def forward(ctx, a, beta, threshold):
        x = a.array
        xp = get_array_module(x)
        ctx.save_for_backward(a)
        ctx.beta, ctx.threshold = beta, threshold
        bx = x * beta
        # log1p(exp(-|bx|)) + max(bx, 0): the same value without overflowing exp
        soft = (xp.log1p(xp.exp(-xp.abs(bx))) + xp.maximum(bx, 0)) / beta
        return xp.where(bx > threshold, x, soft)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        bx = a * ctx.beta
        return grad * bx.sigmoid().where(bx <= ctx.threshold, 1.0), None, None
