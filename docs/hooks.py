"""MkDocs hook: generate the API reference and the source pages at build time.

The API pages list every public name of each namespace (found by importing it, so a name added to
``minitorch.nn`` shows up without editing the docs); mkdocstrings renders each from its docstring.
The source pages show each file of the package, so the architecture page can link to the code.
"""

from __future__ import annotations

import importlib
import inspect
import pathlib
import sys
import types

from mkdocs.structure.files import File

ROOT = pathlib.Path(__file__).resolve().parent.parent

# (page, namespace, intro): one API page per namespace a PyTorch user looks in.
NAMESPACES = [
    ("minitorch", "minitorch", "Tensor creation, math, reductions, shapes, dtypes and devices."),
    ("tensor", "minitorch.Tensor", "The tensor class: its attributes, methods and operators."),
    ("autograd", "minitorch.autograd", "The tape, the engine, grad modes and gradient checks."),
    ("nn", "minitorch.nn", "Modules: layers, containers, losses."),
    ("nn.functional", "minitorch.nn.functional", "Stateless functions behind the layers."),
    ("nn.init", "minitorch.nn.init", "Parameter initialisation."),
    ("nn.utils", "minitorch.nn.utils", "Gradient clipping and parameter helpers."),
    ("optim", "minitorch.optim", "Optimizers."),
    ("optim.lr_scheduler", "minitorch.optim.lr_scheduler", "Learning-rate schedules."),
    ("utils.data", "minitorch.utils.data", "Datasets, samplers and the DataLoader."),
    ("vision.datasets", "minitorch.vision.datasets", "MNIST, Fashion-MNIST and CIFAR-10."),
    ("vision.transforms", "minitorch.vision.transforms", "Image transforms."),
    ("cuda", "minitorch.cuda", "Is a GPU usable here?"),
    ("viz", "minitorch.viz", "Pictures and listings of the recorded graph; a backward tracer."),
]


def _import(path: str):
    """The module or class at ``path``, or None when it does not exist (yet)."""
    try:
        return importlib.import_module(path)
    except ImportError:
        module, _, attr = path.rpartition(".")
        try:
            return getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError):
            return None


def _public_names(obj) -> list[str]:
    """``__all__``, or the public names a module defines or re-exports from minitorch."""
    names = getattr(obj, "__all__", None)
    if names is None:
        names = [n for n in vars(obj) if not n.startswith("_")]
        if isinstance(obj, types.ModuleType) and obj.__name__ != "minitorch":
            names = [n for n in names if _defined_in_minitorch(getattr(obj, n)) and n != "Tensor"]
    return [n for n in names if not isinstance(getattr(obj, n, None), types.ModuleType)]


def _defined_in_minitorch(value) -> bool:
    """Leave out helpers a module merely imports (``math``, ``annotations``, ``warnings``)."""
    module = getattr(value, "__module__", None)
    return module is None or module.startswith("minitorch") if callable(value) else True


def _identifier(namespace: str, name: str, value) -> tuple[str, str]:
    """(what mkdocstrings should load, extra options) for ``namespace.name``.

    The public path is used, except where a submodule of the same name hides the object from
    static analysis (``minitorch.tensor`` the function vs ``minitorch/tensor.py``) and for the
    op table's functions, which ``minitorch/ops/bind.py`` installs at import time.
    """
    bound = getattr(value, "__module__", "").startswith("minitorch.ops.")
    if (bound or f"{namespace}.{name}" in sys.modules) and hasattr(value, "__qualname__"):
        target = f"{value.__module__}.{value.__qualname__}"
        return target, f'\n    options:\n      heading: "{namespace}.{name}"'
    return f"{namespace}.{name}", ""


def _group_heading(module_name: str) -> list[str]:
    """A heading per defining module, with its docstring's first line and a link to the source."""
    module = sys.modules[module_name]
    rel = module_name.replace(".", "/") + ".py"
    if not (ROOT / rel).exists():
        rel = module_name.replace(".", "/") + "/__init__.py"
    summary = (inspect.getdoc(module) or "").split("\n\n")[0].replace("\n", " ")
    title = summary.partition(":")[0] if ":" in summary[:48] else f"`{module_name}`"
    return [f"## {title}", "", summary, "", f"Source: [`{rel}`](../source/{rel}.md)", ""]


def _namespace_page(namespace: str, intro: str, obj, own_pages: set[str]) -> str:
    """Markdown for one namespace: a mkdocstrings block per name, aliases and constants listed."""
    if inspect.isclass(obj):
        return f"# `{namespace}`\n\n{intro}\n\n::: {namespace}\n"
    groups: dict[str, list[str]] = {}
    first: dict[int, str] = {}
    aliases, constants = [], []
    for name in _public_names(obj):
        value = getattr(obj, name)
        if f"{namespace}.{name}" in own_pages:
            continue
        if not callable(value) or isinstance(value, type(obj)):
            constants.append((name, value))
            continue
        if id(value) in first:
            aliases.append((name, first[id(value)]))
            continue
        first[id(value)] = name
        target, options = _identifier(namespace, name, value)
        module = getattr(value, "__module__", None) or namespace
        groups.setdefault(module if module in sys.modules else namespace, []).append(
            f"::: {target}{options}\n"
        )
    lines = [f"# `{namespace}`", "", intro, ""]
    for module, entries in groups.items():
        lines += _group_heading(module) + entries
    if aliases:
        lines += ["## Aliases", "", "| name | same as |", "|---|---|"]
        lines += [f"| `{namespace}.{a}` | `{namespace}.{b}` |" for a, b in aliases]
        lines.append("")
    if constants:
        lines += ["## Constants", "", "| name | value |", "|---|---|"]
        for n, v in constants:
            text = repr(v) if " at 0x" not in repr(v) else f"a {type(v).__name__}"
            lines.append(f"| `{namespace}.{n}` | `{text}` |")
        lines.append("")
    return "\n".join(lines)


def _source_page(path: pathlib.Path) -> str:
    rel = path.relative_to(ROOT).as_posix()
    code = path.read_text()
    return f'# `{rel}`\n\n```python linenums="1"\n{code}\n```\n'


def _pages() -> list[tuple[str, str, str, object]]:
    """The namespaces that exist in this checkout, with their page names."""
    pages = []
    for page, namespace, intro in NAMESPACES:
        obj = _import(namespace)
        if obj is not None:
            pages.append((page, namespace, intro, obj))
    return pages


# PyTorch names people use most, per namespace: the coverage tables on "Coming from PyTorch".
COMMON = {
    "minitorch": """
        tensor as_tensor from_numpy zeros ones full empty eye arange linspace rand randn randint
        randperm zeros_like ones_like full_like empty_like rand_like randn_like normal bernoulli
        multinomial manual_seed seed get_rng_state set_rng_state Generator
        add sub mul div pow neg abs exp log log2 log10 log1p expm1 sqrt rsqrt sin cos tan tanh
        sigmoid relu sign floor ceil round trunc clamp fmod remainder maximum minimum lerp erf
        reciprocal atan2 logaddexp
        sum mean var std prod max min amax amin argmax argmin logsumexp norm cumsum cumprod
        all any median sort argsort topk unique
        matmul mm bmm dot outer einsum tensordot addmm baddbmm trace diag tril triu
        cat stack split chunk unbind reshape flatten squeeze unsqueeze permute transpose t flip
        roll narrow gather scatter scatter_add index_select masked_fill masked_select where
        nonzero take repeat_interleave tile broadcast_to broadcast_tensors movedim vstack hstack
        eq ne lt le gt ge isclose allclose equal isnan isinf isfinite logical_not logical_and
        logical_or softmax log_softmax
        no_grad enable_grad set_grad_enabled inference_mode is_grad_enabled
        save load device get_default_dtype set_default_dtype is_tensor numel set_num_threads
        get_num_threads
    """,
    "minitorch.Tensor": """
        shape size dim ndim numel dtype device requires_grad grad grad_fn is_leaf data T mT
        item tolist numpy backward detach detach_ requires_grad_ retain_grad register_hook
        to cpu cuda float double half long int bool type_as clone contiguous is_contiguous
        view view_as reshape reshape_as flatten unflatten squeeze unsqueeze permute transpose t
        expand expand_as repeat flip roll chunk split unbind narrow unfold
        sum mean var std prod max min amax amin argmax argmin norm cumsum logsumexp all any
        sort argsort topk
        abs exp log sqrt rsqrt sin cos tanh sigmoid relu clamp pow matmul softmax log_softmax
        masked_fill gather scatter_ index_select where eq ne lt le gt ge
        add_ sub_ mul_ div_ zero_ fill_ copy_ clamp_ masked_fill_ uniform_ normal_ index_add_
        scatter_add_ new_zeros new_ones new_full new_empty new_tensor stride data_ptr storage
    """,
    "minitorch.nn": """
        Module Parameter Sequential ModuleList ModuleDict ParameterList ParameterDict Identity
        Linear Bilinear Conv1d Conv2d Conv3d ConvTranspose2d MaxPool2d AvgPool2d
        AdaptiveAvgPool2d BatchNorm1d BatchNorm2d LayerNorm GroupNorm Dropout Embedding RNN LSTM
        GRU MultiheadAttention TransformerEncoderLayer Flatten Unflatten Upsample
        ReLU LeakyReLU GELU SiLU ELU Tanh Sigmoid Softmax LogSoftmax Softplus Mish
        CrossEntropyLoss NLLLoss MSELoss L1Loss SmoothL1Loss HuberLoss BCELoss BCEWithLogitsLoss
        KLDivLoss
    """,
    "minitorch.nn.functional": """
        linear conv1d conv2d conv_transpose2d max_pool2d avg_pool2d adaptive_avg_pool2d
        batch_norm layer_norm group_norm dropout embedding relu leaky_relu gelu silu elu tanh
        sigmoid softmax log_softmax softplus cross_entropy nll_loss mse_loss l1_loss
        binary_cross_entropy binary_cross_entropy_with_logits kl_div one_hot pad interpolate
        normalize cosine_similarity scaled_dot_product_attention unfold fold
    """,
    "minitorch.optim": "SGD Adam AdamW RMSprop Adagrad Adadelta Adamax NAdam RAdam LBFGS",
    "minitorch.optim.lr_scheduler": """
        StepLR MultiStepLR ExponentialLR CosineAnnealingLR LambdaLR OneCycleLR
        ReduceLROnPlateau LinearLR SequentialLR
    """,
    "minitorch.utils.data": """
        Dataset IterableDataset TensorDataset ConcatDataset Subset random_split DataLoader
        Sampler SequentialSampler RandomSampler BatchSampler default_collate get_worker_info
    """,
    "minitorch.autograd": """
        backward grad Function gradcheck gradgradcheck no_grad enable_grad set_grad_enabled
        detect_anomaly set_detect_anomaly
    """,
}


def _coverage() -> str:
    """Markdown tables: which of PyTorch's common names exist here (checked at build time)."""
    out = []
    for namespace, names in COMMON.items():
        obj = _import(namespace)
        names = names.split()
        have = [n for n in names if obj is not None and hasattr(obj, n)]
        missing = [n for n in names if n not in have]
        torch_name = "torch" + namespace[len("minitorch") :]
        out += [f"### `{torch_name}`: {len(have)} of {len(names)}", ""]
        out.append("- **supported**: " + (", ".join(f"`{n}`" for n in have) or "none"))
        out.append("- **missing**: " + (", ".join(f"`{n}`" for n in missing) or "none"))
        out.append("")
    return "\n".join(out)


def on_page_markdown(markdown, page, config, files):
    """Fill in the coverage tables on the "Coming from PyTorch" page."""
    if page.file.src_uri == "coming-from-pytorch.md":
        return markdown.replace("<!-- coverage -->", _coverage())
    return markdown


def on_config(config):
    """Expand the nav entry ``API reference: api/index.md`` into one entry per namespace."""
    section = ["api/index.md"] + [
        {namespace: f"api/{page}.md"} for page, namespace, _, _ in _pages()
    ]
    config["nav"] = [
        {"API reference": section} if item == {"API reference": "api/index.md"} else item
        for item in config["nav"]
    ]
    return config


def on_files(files, config):
    """Add the generated API pages (``api/<page>.md``) and source pages (``source/<file>.md``)."""
    index = ["# API reference", "", "Every public name, grouped as in PyTorch.", ""]
    pages = _pages()
    own = {namespace for _, namespace, _, _ in pages}
    for page, namespace, intro, obj in pages:
        content = _namespace_page(namespace, intro, obj, own)
        files.append(File.generated(config, f"api/{page}.md", content=content))
        index.append(f"- [`{namespace}`]({page}.md): {intro}")
    files.append(File.generated(config, "api/index.md", content="\n".join(index) + "\n"))
    for path in sorted((ROOT / "minitorch").rglob("*.py")):
        uri = "source/" + path.relative_to(ROOT).as_posix() + ".md"
        files.append(File.generated(config, uri, content=_source_page(path)))
    return files
