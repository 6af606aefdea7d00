from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "golden-path"


def write_project(root: Path, files: Mapping[str, str], config: str = "") -> Path:
    """Lay out a project: files plus a pyproject.toml with `[tool.ssotlint]` and `config`."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[tool.ssotlint]\n" + textwrap.dedent(config))
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    def make(files: Mapping[str, str], config: str = "", name: str = "proj") -> Path:
        return write_project(tmp_path / name, files, config)

    return make


def run_cli(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `ssotlint` entry point in a subprocess."""
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "ssotlint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        input=stdin,
        env=env,
        timeout=300,
    )
