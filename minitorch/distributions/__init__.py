"""``minitorch.distributions``: probability distributions with sampling and log-densities, as
``torch.distributions``.

Built from tensor ops, so gradients flow from ``log_prob``, ``entropy``, ``kl_divergence`` and
``rsample`` to the parameters (policy gradients, VAEs, ...).
"""

from . import constraints
from .bernoulli import Bernoulli
from .categorical import Categorical, OneHotCategorical
from .distribution import Distribution
from .exponential import Exponential
from .independent import Independent
from .kl import kl_divergence, register_kl
from .laplace import Laplace
from .normal import Normal
from .uniform import Uniform

__all__ = [
    "Bernoulli",
    "Categorical",
    "Distribution",
    "Exponential",
    "Independent",
    "Laplace",
    "Normal",
    "OneHotCategorical",
    "Uniform",
    "constraints",
    "kl_divergence",
    "register_kl",
]
