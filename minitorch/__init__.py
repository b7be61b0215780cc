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
from .ops.activation import log_softmax, softmax
from .ops.arith import (
    add,
    div,
    floor_divide,
    lerp,
    maximum,
    minimum,
    mul,
    neg,
    pow,
    reciprocal,
    remainder,
    sub,
)
from .ops.compare import (
    allclose,
    eq,
    equal,
    ge,
    gt,
    isclose,
    isfinite,
    isinf,
    isnan,
    le,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    lt,
    ne,
)
from .ops.index import (
    argsort,
    gather,
    index_select,
    masked_fill,
    nonzero,
    scatter,
    scatter_add,
    sort,
    topk,
    tril,
    triu,
    where,
)
from .ops.linalg import bmm, dot, matmul, mm, outer
from .ops.reduce import (
    all,
    amax,
    amin,
    any,
    argmax,
    argmin,
    cumsum,
    logsumexp,
    max,
    mean,
    min,
    norm,
    prod,
    std,
    sum,
    var,
)
from .ops.shape import (
    broadcast_to,
    cat,
    chunk,
    flatten,
    flip,
    movedim,
    narrow,
    permute,
    reshape,
    split,
    squeeze,
    stack,
    t,
    transpose,
    unbind,
    unsqueeze,
)
from .ops.unary import (
    abs,
    ceil,
    clamp,
    clamp_max,
    clamp_min,
    cos,
    exp,
    expm1,
    floor,
    log,
    log1p,
    log2,
    log10,
    relu,
    round,
    sigmoid,
    sign,
    sin,
    sqrt,
    tanh,
    trunc,
)
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
from .tensor import Size, Tensor

clip = clamp
concat = concatenate = cat
subtract, multiply, divide, true_divide, negative = sub, mul, div, div, neg
absolute = abs
swapaxes = swapdims = transpose
moveaxis = movedim


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    return input.numel()


def square(input: Tensor) -> Tensor:
    return input * input


def rsqrt(input: Tensor) -> Tensor:
    return input.rsqrt()


def clone(input: Tensor) -> Tensor:
    return input.clone()


def detach(input: Tensor) -> Tensor:
    return input.detach()


def is_floating_point(input: Tensor) -> bool:
    return input.is_floating_point()


__version__ = "0.1.0"
