"""The documentation site builds with warnings as errors (a broken link or docstring fails).

The notebooks are not executed here (``python -m pytest`` runs them through nbmake: see
pyproject.toml).
"""

import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent

for plugin in ("mkdocs", "material", "mkdocstrings_handlers.python", "mkdocs_jupyter"):
    pytest.importorskip(plugin, reason="the docs extra is not installed: pip install -e '.[docs]'")


def test_site_builds_strictly(tmp_path):
    env = dict(os.environ, MINITORCH_DOCS_EXECUTE="false", NO_MKDOCS_2_WARNING="1")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for page in ("index.html", "coming-from-pytorch/index.html", "architecture/index.html"):
        assert (tmp_path / page).is_file()
    api = (tmp_path / "api" / "minitorch" / "index.html").read_text()
    assert 'id="minitorch.ops.linalg.matmul"' in api  # an op from the table, under its own path
    notebooks = sorted(p.stem for p in (ROOT / "docs" / "notebooks").glob("*.ipynb"))
    for name in notebooks:
        assert (tmp_path / "notebooks" / name / "index.html").is_file()
