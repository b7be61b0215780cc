"""Fetching data set files: md5 checks and atomic downloads from a list of mirrors.

A download streams into a temporary file next to its destination and is renamed into place
(``os.replace``) only after the md5 matches, so an interrupted or corrupt download never leaves
a file that a later run would take as the data.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
from collections.abc import Sequence
from urllib.request import Request, urlopen

CHUNK_SIZE = 1 << 20
USER_AGENT = "minitorch"


def calculate_md5(path: str | os.PathLike) -> str:
    """Hex md5 of a file, read in chunks so large archives need little memory."""
    md5 = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK_SIZE), b""):
            md5.update(chunk)
    return md5.hexdigest()


def check_integrity(path: str | os.PathLike, md5: str | None = None) -> bool:
    """True if ``path`` is a file and, when ``md5`` is given, its md5 matches."""
    return os.path.isfile(path) and (md5 is None or calculate_md5(path) == md5)


def download_url(url: str, path: str | os.PathLike, md5: str | None = None, timeout=60.0) -> None:
    """Download ``url`` to ``path``; the file appears only complete and (if ``md5``) verified.

    Raises:
        OSError: the network or the server failed (``urllib.error.URLError`` is one).
        RuntimeError: the downloaded bytes do not match ``md5``.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".part")
    try:
        digest = hashlib.md5()
        with os.fdopen(fd, "wb") as out:
            with urlopen(Request(url, headers={"User-Agent": USER_AGENT}), timeout=timeout) as r:
                for chunk in iter(lambda: r.read(CHUNK_SIZE), b""):
                    digest.update(chunk)
                    out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if md5 is not None and digest.hexdigest() != md5:
            raise RuntimeError(f"md5 mismatch for {url}: expected {md5}, got {digest.hexdigest()}")
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def download_from_mirrors(
    mirrors: Sequence[str], filename: str, path: str | os.PathLike, md5: str | None
) -> None:
    """Download ``filename`` from the first mirror that serves it intact.

    Raises:
        RuntimeError: every mirror failed; the message lists each URL with its error and says
            where to put the file by hand.
    """
    failures = []
    for mirror in mirrors:
        url = mirror + filename
        print(f"Downloading {url} to {path}")
        try:
            download_url(url, path, md5)
            return
        except (OSError, RuntimeError) as error:
            failures.append(f"  {url}: {error}")
    raise RuntimeError(
        f"Could not download {filename}:\n" + "\n".join(failures) + "\n"
        f"Download it by hand and place it at {os.fspath(path)}"
    )


def extract_tar(archive: str | os.PathLike, folder_name: str, root: str | os.PathLike) -> None:
    """Extract ``folder_name`` from a tar archive into ``root``, each file appearing atomically.

    The archive is unpacked into a temporary folder inside ``root`` and its files are then renamed
    into ``root/folder_name``, so an interrupted extraction never leaves a truncated file.
    """
    root = os.fspath(root)
    tmp = tempfile.mkdtemp(dir=root, prefix=".extract.")
    try:
        with tarfile.open(archive) as tar:
            # the "data" filter refuses absolute paths, links out of the folder and devices
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tar.extractall(tmp, **safe)
        extracted = os.path.join(tmp, folder_name)
        if not os.path.isdir(extracted):
            raise RuntimeError(f"{os.fspath(archive)} does not contain the folder {folder_name}")
        target = os.path.join(root, folder_name)
        os.makedirs(target, exist_ok=True)
        for name in os.listdir(extracted):
            os.replace(os.path.join(extracted, name), os.path.join(target, name))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
