from __future__ import annotations

import os
import shutil
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


Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    """`ssotlint ARGS` in-process from `root`: (exit code, stdout, stderr).

    In-process so a traceback fails the test instead of hiding in a subprocess's stderr."""
    monkeypatch.setenv("NO_COLOR", "1")

    def run(root: Path, *args: str) -> tuple[int, str, str]:
        from ssotlint.cli import main

        monkeypatch.chdir(root)
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def golden(tmp_path: Path) -> Path:
    """A private copy of examples/golden-path (never touch the original)."""
    dest = tmp_path / "golden-path"
    shutil.copytree(
        EXAMPLE,
        dest,
        ignore=shutil.ignore_patterns(".ssotlint_cache", "__pycache__", ".ssotlint-baseline.json"),
    )
    return dest


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
