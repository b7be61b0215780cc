"""``minitorch.save`` / ``minitorch.load``: checkpoints that cannot run code when loaded.

``torch.save`` pickles, and unpickling can call any function. minitorch writes a safetensors file
instead: a little-endian u64 header length, a JSON header naming each tensor's dtype, shape and
byte range, then the raw tensor bytes. Whatever surrounds the tensors (a state dict's keys, an
optimizer's ``param_groups``, a checkpoint's epoch) goes in the header's ``__metadata__`` under
the key ``"minitorch"``, as JSON text::

    {"version": 1, "crc32": <checksum of the tensor bytes>, "object": <node>}

where a node is JSON itself (null, true/false, numbers, strings, lists, and objects whose keys are
strings not starting with ``__``) or a one-tag object: ``{"__tensor__": name, "device": "cuda:0",
"requires_grad": true}`` (the last two only when not cpu / not False), ``{"__tuple__": [nodes]}``,
``{"__dict__": [[key node, value node], ...]}`` for other dicts (int keys of an optimizer's state)
and ``{"__float__": "inf" | "-inf" | "nan"}``. Tensor names are the dotted paths to the tensors,
so a flat state dict's tensors keep their keys: other safetensors readers (``safetensors.torch
.load_file``) see ``fc1.weight`` and so on. A file without the ``"minitorch"`` entry, such as one
written by ``safetensors.torch.save_file``, loads as a flat dict of tensors.

Saving writes a temporary file next to the target, fsyncs it and renames it over the target, so
a crash mid-save leaves the previous checkpoint whole. Loading checks the header, the sizes and
the checksum, and names the file in its error.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import struct
import tempfile
import zlib
from typing import Any, BinaryIO

import numpy as np

from . import backend
from .tensor import Tensor

_KEY = "minitorch"
_VERSION = 1


def save(obj: Any, f: str | os.PathLike | BinaryIO) -> None:
    """Write ``obj`` to ``f``, a path (replaced atomically) or a binary file object.

    ``obj`` is made of tensors, numbers, strings, None and dicts, lists and tuples of these: a
    state dict, an optimizer's state dict, a checkpoint holding both and an epoch.
    """
    st = _safetensors()
    arrays: dict[str, np.ndarray] = {}
    structure = _Encoder(arrays).encode(obj)
    meta = {"version": _VERSION, "crc32": _checksum(arrays), "object": structure}
    data = st.save(arrays, metadata={_KEY: json.dumps(meta), "format": "pt"})
    if hasattr(f, "write"):
        f.write(data)
    else:
        _write_atomic(os.fspath(f), data)


def load(f: str | os.PathLike | BinaryIO, map_location=None, weights_only: bool = True) -> Any:
    """Read what ``save`` wrote (or any safetensors file) from a path or binary file object.

    ``map_location`` ('cpu', 'cuda', a device, a dict from saved to new device strings, or a
    function of (tensor, saved device string)) moves the tensors; by default each goes back to
    the device it was saved from. ``weights_only`` is
    accepted for PyTorch's sake: this format never holds code, so loading is always safe.
    """
    st = _safetensors()
    name = getattr(f, "name", repr(f)) if hasattr(f, "read") else os.fspath(f)
    if hasattr(f, "read"):
        data = f.read()
    else:
        with open(name, "rb") as fh:
            data = fh.read()
    header = _read_header(data, name)
    try:
        arrays = st.load(data)
    except Exception as e:
        raise RuntimeError(f"{name}: truncated or corrupted checkpoint ({e})") from None
    meta = (header.get("__metadata__") or {}).get(_KEY)
    if meta is None:  # a plain safetensors file: a flat dict in the header's order
        names = [k for k in header if k != "__metadata__"]
        return {k: _to_tensor(arrays[k], None, False, map_location, name) for k in names}
    try:
        meta = json.loads(meta)
        if meta["version"] > _VERSION:
            raise RuntimeError(
                f"{name} was written by a newer minitorch (format {meta['version']}); upgrade "
                "minitorch to read it"
            )
        crc, structure = meta["crc32"], meta["object"]
    except (ValueError, KeyError, TypeError) as e:
        raise RuntimeError(f"{name}: corrupted minitorch metadata ({e})") from None
    if _checksum(arrays) != crc:
        raise RuntimeError(f"{name}: corrupted checkpoint (checksum of the tensor data differs)")
    return _decode(structure, arrays, {}, map_location, name)


class _Encoder:
    """Turns an object into a JSON node, collecting its tensors' host arrays under path names."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        self.arrays = arrays
        self.names: dict[int, str] = {}  # id(tensor) -> name: a tensor saved twice is one entry

    def encode(self, obj, path: tuple = ()):
        if obj is None or isinstance(obj, (bool, int, str)):
            return obj
        if isinstance(obj, float):
            return obj if math.isfinite(obj) else {"__float__": repr(obj)}
        if isinstance(obj, Tensor):
            return self._tensor(obj, path)
        if isinstance(obj, np.generic) and obj.dtype.kind in "biuf":
            return self.encode(obj.item(), path)
        if isinstance(obj, list):
            return [self.encode(v, (*path, i)) for i, v in enumerate(obj)]
        if isinstance(obj, tuple):
            return {"__tuple__": [self.encode(v, (*path, i)) for i, v in enumerate(obj)]}
        if isinstance(obj, dict):
            if all(isinstance(k, str) and not k.startswith("__") for k in obj):
                return {k: self.encode(v, (*path, k)) for k, v in obj.items()}
            return {
                "__dict__": [
                    [self.encode(k, path), self.encode(v, (*path, k))] for k, v in obj.items()
                ]
            }
        where = ".".join(map(str, path)) or "the top level"
        raise TypeError(
            f"minitorch.save cannot store {type(obj).__name__} (at {where}): it stores tensors, "
            "dicts, lists, tuples, numbers, strings, booleans and None"
        )

    def _tensor(self, t: Tensor, path: tuple) -> dict:
        name = self.names.get(id(t))
        if name is None:
            base = ".".join(map(str, path)) or "tensor"
            name, n = base, 1
            while name in self.arrays:
                n += 1
                name = f"{base}#{n}"
            arr = backend.to_host(t.array)
            self.arrays[name] = arr if arr.flags.c_contiguous else arr.copy(order="C")
            self.names[id(t)] = name
        node: dict[str, Any] = {"__tensor__": name}
        if t.is_cuda:
            node["device"] = str(t.device)
        if t.requires_grad:
            node["requires_grad"] = True
        return node


def _decode(node, arrays, tensors: dict, map_location, filename):
    """The object a JSON node stands for; ``tensors`` makes a name shared twice one Tensor."""
    if isinstance(node, list):
        return [_decode(v, arrays, tensors, map_location, filename) for v in node]
    if not isinstance(node, dict):
        return node
    tag = next((k for k in node if k.startswith("__")), None)
    if tag is None:
        return {k: _decode(v, arrays, tensors, map_location, filename) for k, v in node.items()}
    if tag == "__tensor__":
        name = node["__tensor__"]
        if name not in tensors:
            tensors[name] = _to_tensor(
                arrays[name],
                node.get("device"),
                node.get("requires_grad", False),
                map_location,
                filename,
            )
        return tensors[name]
    if tag == "__tuple__":
        return tuple(_decode(v, arrays, tensors, map_location, filename) for v in node[tag])
    if tag == "__dict__":
        return {
            _decode(k, arrays, tensors, map_location, filename): _decode(
                v, arrays, tensors, map_location, filename
            )
            for k, v in node[tag]
        }
    if tag == "__float__":
        return float(node[tag])
    raise RuntimeError(f"{filename}: corrupted minitorch metadata (unknown tag {tag})")


def _to_tensor(arr: np.ndarray, saved_device, requires_grad, map_location, filename) -> Tensor:
    """Wrap a loaded array and move it where ``map_location`` says (or back where it was).

    A callable ``map_location(tensor, saved_device)`` gets the tensor on the cpu and returns it
    wherever it likes (``lambda storage, loc: storage`` keeps it on the cpu, as in PyTorch).
    """
    dev = saved_device or "cpu"
    if callable(map_location):
        t = map_location(Tensor._wrap(arr), dev)
    else:
        if isinstance(map_location, dict):
            dev = map_location.get(dev, dev)
        elif map_location is not None:
            dev = map_location
        dev = backend.device(dev)
        if dev.type == "cuda" and backend.cuda_device_count() == 0 and map_location is None:
            raise RuntimeError(
                f"{filename}: attempting to load a tensor saved on '{saved_device}' but no CUDA "
                "GPU is available. On a CPU-only machine use "
                "minitorch.load(..., map_location='cpu')."
            )
        t = Tensor._wrap(backend.to_device(arr, dev))
    if requires_grad:
        t.requires_grad = True
    return t


def _read_header(data: bytes, filename) -> dict:
    """The safetensors header, or a RuntimeError that says what the file looks like instead."""
    if data[:4] == b"PK\x03\x04" or data[:1] == b"\x80":
        raise RuntimeError(
            f"{filename} looks like a torch.save (pickle) file, which minitorch does not read "
            "because unpickling can run arbitrary code. In PyTorch, write the state dict with "
            "safetensors.torch.save_file(state_dict, path) and load that file."
        )
    if len(data) < 8:
        raise RuntimeError(
            f"{filename}: not a checkpoint (only {len(data)} bytes; a safetensors file starts "
            "with an 8-byte header length)"
        )
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise RuntimeError(
            f"{filename}: truncated or not a checkpoint (its header claims {n} bytes but the file "
            f"has {len(data)})"
        )
    try:
        header = json.loads(data[8 : 8 + n])
    except (ValueError, UnicodeDecodeError):
        header = None
    if not isinstance(header, dict):
        raise RuntimeError(f"{filename}: not a safetensors checkpoint (its header is not JSON)")
    return header


def _checksum(arrays: dict[str, np.ndarray]) -> int:
    """CRC-32 of the tensor bytes, taken in name order (the file's layout order is not ours)."""
    crc = 0
    for name in sorted(arrays):
        crc = zlib.crc32(np.ascontiguousarray(arrays[name]).reshape(-1).view(np.uint8), crc)
    return crc


def _write_atomic(path: str, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, then rename it over ``path``:
    readers see the old file or the new one, never a partial write."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _new_file_mode(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable (POSIX only)
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _new_file_mode(path: str) -> int:
    """The mode of the file being replaced, or what ``open`` would give a new file."""
    try:
        return os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _safetensors():
    try:
        import safetensors.numpy
    except ImportError:
        raise ImportError(
            "minitorch.save and minitorch.load need the safetensors package: "
            "pip install 'minitorch[io]'"
        ) from None
    return safetensors.numpy
