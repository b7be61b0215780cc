"""minitorch: a small, fast, define-by-run autograd tensor library with PyTorch's API.

``import minitorch as torch`` runs code written for PyTorch's core API. Where to look:
``tensor.py`` (the Tensor), ``autograd/function.py`` (the tape), ``autograd/engine.py``
(backward), ``ops/`` (every op's forward and backward), ``backend.py`` (numpy / cupy).
"""

from . import allocator, autograd, backend, cuda, nn, optim, utils
from ._tensor_str import get_printoptions, set_printoptions
from .autograd import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from .backend import device
from .creation import (
    arange,
    as_tensor,
    bernoulli,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    multinomial,
    normal,
    ones,
    ones_like,
    rand,
    randint,
    randn,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .dtypes import (
    bool,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    set_default_dtype,
    short,
    uint8,
)
from .ops import TABLE, bind
from .parallel import get_num_threads, set_num_threads
from .random import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)
from .serialization import load, save
from .shapes import Size
from .tensor import Tensor

# isort: split
# --- namespaces, constants and legacy names beyond the ops (issue #11) ---------------------------
from math import e, inf, nan, pi

from . import accelerator, backends, distributions, multiprocessing, testing, version
from .backends import get_float32_matmul_precision, set_float32_matmul_precision
from .creation import get_default_device, set_default_device
from .dtypes import finfo, iinfo
from .tensortype import (
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
)
from .version import __version__

globals().update(bind.functions(TABLE, "minitorch"))


def is_tensor(obj) -> bool:
    """True for a minitorch Tensor."""
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    """The number of elements of ``input``."""
    return input.numel()


def detach(input: Tensor) -> Tensor:
    """``input`` cut from the graph (same memory)."""
    return input.detach()


def is_floating_point(input: Tensor) -> bool:
    """True for float16/32/64 tensors."""
    return input.is_floating_point()
