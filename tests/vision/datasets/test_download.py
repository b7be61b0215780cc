"""Downloads: md5 verification, atomic writes, mirrors, and errors that say what to do."""

import hashlib
import io
import os
import tarfile
from urllib.error import URLError

import pytest

from minitorch.vision.datasets import download


class FakeResponse(io.BytesIO):
    """What ``urlopen`` returns, optionally failing after ``fail_after`` bytes."""

    def __init__(self, data: bytes, fail_after: int | None = None):
        super().__init__(data)
        self.fail_after = fail_after

    def read(self, size=-1):
        if self.fail_after is not None and self.tell() >= self.fail_after:
            raise ConnectionResetError("connection reset by peer (test)")
        limit = size if self.fail_after is None else min(size, self.fail_after - self.tell())
        return super().read(limit)


def serve(monkeypatch, pages: dict, fail_after=None):
    """Route ``urlopen`` to ``pages`` (url -> bytes); other urls are unreachable."""
    requested = []

    def fake_urlopen(request, timeout=None):
        url = request.full_url
        requested.append(url)
        if url not in pages:
            raise URLError("network is unreachable (test)")
        return FakeResponse(pages[url], fail_after)

    monkeypatch.setattr(download, "urlopen", fake_urlopen)
    return requested


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir())


def test_download_url_writes_verified_file(tmp_path, monkeypatch):
    data = os.urandom(3 * download.CHUNK_SIZE + 17)
    serve(monkeypatch, {"http://m/f.gz": data})
    download.download_url("http://m/f.gz", tmp_path / "sub" / "f.gz", md5(data))
    assert (tmp_path / "sub" / "f.gz").read_bytes() == data
    assert leftovers(tmp_path / "sub") == ["f.gz"]


def test_md5_mismatch_leaves_no_file(tmp_path, monkeypatch):
    serve(monkeypatch, {"http://m/f.gz": b"not the data"})
    with pytest.raises(RuntimeError, match="md5 mismatch for http://m/f.gz"):
        download.download_url("http://m/f.gz", tmp_path / "f.gz", md5(b"the data"))
    assert leftovers(tmp_path) == []


def test_interrupted_download_leaves_no_file(tmp_path, monkeypatch):
    serve(monkeypatch, {"http://m/f.gz": b"x" * 1000}, fail_after=400)
    with pytest.raises(ConnectionResetError):
        download.download_url("http://m/f.gz", tmp_path / "f.gz")
    assert leftovers(tmp_path) == []


def test_interrupted_download_keeps_previous_file(tmp_path, monkeypatch):
    (tmp_path / "f.gz").write_bytes(b"old")
    serve(monkeypatch, {"http://m/f.gz": b"x" * 1000}, fail_after=400)
    with pytest.raises(ConnectionResetError):
        download.download_url("http://m/f.gz", tmp_path / "f.gz")
    assert (tmp_path / "f.gz").read_bytes() == b"old"
    assert leftovers(tmp_path) == ["f.gz"]


def test_mirrors_are_tried_in_order(tmp_path, monkeypatch, capsys):
    data = b"payload"
    requested = serve(monkeypatch, {"http://b/f.gz": data})
    download.download_from_mirrors(["http://a/", "http://b/"], "f.gz", tmp_path / "f.gz", md5(data))
    assert requested == ["http://a/f.gz", "http://b/f.gz"]
    assert (tmp_path / "f.gz").read_bytes() == data


def test_corrupt_mirror_falls_back_to_next(tmp_path, monkeypatch, capsys):
    data = b"payload"
    serve(monkeypatch, {"http://a/f.gz": b"garbage", "http://b/f.gz": data})
    download.download_from_mirrors(["http://a/", "http://b/"], "f.gz", tmp_path / "f.gz", md5(data))
    assert (tmp_path / "f.gz").read_bytes() == data


def test_unreachable_network_names_urls_and_target_path(tmp_path, monkeypatch, capsys):
    serve(monkeypatch, {})
    target = tmp_path / "raw" / "f.gz"
    with pytest.raises(RuntimeError) as info:
        download.download_from_mirrors(["http://a/", "http://b/"], "f.gz", target, "0" * 32)
    message = str(info.value)
    assert "http://a/f.gz" in message and "http://b/f.gz" in message
    assert "unreachable" in message
    assert f"place it at {target}" in message
    assert not target.exists()


def test_check_integrity(tmp_path):
    path = tmp_path / "f"
    assert not download.check_integrity(path)
    path.write_bytes(b"abc")
    assert download.check_integrity(path)
    assert download.check_integrity(path, md5(b"abc"))
    assert not download.check_integrity(path, md5(b"abd"))


def make_tar(path, members: dict):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_extract_tar_moves_folder_into_place(tmp_path):
    make_tar(tmp_path / "a.tar.gz", {"data/x": b"1", "data/y": b"2", "other": b"3"})
    download.extract_tar(tmp_path / "a.tar.gz", "data", tmp_path)
    assert leftovers(tmp_path / "data") == ["x", "y"]
    assert leftovers(tmp_path) == ["a.tar.gz", "data"]


def test_extract_tar_without_folder_fails_cleanly(tmp_path):
    make_tar(tmp_path / "a.tar.gz", {"elsewhere/x": b"1"})
    with pytest.raises(RuntimeError, match="does not contain the folder data"):
        download.extract_tar(tmp_path / "a.tar.gz", "data", tmp_path)
    assert leftovers(tmp_path) == ["a.tar.gz"]


def test_extract_tar_refuses_paths_outside_root(tmp_path):
    (tmp_path / "root").mkdir()
    make_tar(tmp_path / "a.tar.gz", {"data/x": b"1", "../../escaped": b"2"})
    with pytest.raises(tarfile.TarError):
        download.extract_tar(tmp_path / "a.tar.gz", "data", tmp_path / "root")
    assert not (tmp_path / "escaped").exists()
    assert leftovers(tmp_path / "root") == []
