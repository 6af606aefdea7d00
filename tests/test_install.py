"""Packaging: the wheel holds the `rules/` folder as `ssotlint.rules`, installs into a fresh
venv (no system site-packages) and works there; the editable install of the repo works too.

One wheel and one venv per module keep this to a few seconds past pip's own work.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
import ssotlint.rules
from conftest import EXAMPLE, REPO

import ssotlint
from ssotlint.rule import load_rules

BIN = "Scripts" if sys.platform == "win32" else "bin"
EXE = ".exe" if sys.platform == "win32" else ""
RULE_FILES = sorted(p.stem for p in (REPO / "rules").glob("sot[0-9]*.py"))
RULE_CODES = sorted(
    "SOT" + re.match(r"sot(\d+)_", stem).group(1)  # type: ignore[union-attr]
    for stem in RULE_FILES
)


def _env() -> dict[str, str]:
    """The child must not see this checkout: no PYTHONPATH, no venv of ours."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }
    env["NO_COLOR"] = "1"
    return env


def _run(cmd: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, cwd=cwd, capture_output=True, text=True, env=_env(), timeout=timeout, check=False
    )


def _can_build_without_isolation() -> bool:
    """Reuse this interpreter's setuptools (and wheel) when they meet pyproject's bounds."""
    try:
        major = int(metadata.version("setuptools").split(".")[0])
    except metadata.PackageNotFoundError:
        return False
    return major >= 70 or (major >= 68 and importlib.util.find_spec("wheel") is not None)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    # Build from a clean copy: nothing the tests or other tools left in the checkout
    # (build/, caches, egg-info) can leak into the wheel or be written into the repo.
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ssotlint_cache", "*.egg-info")
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, src / name)
    for name in ("ssotlint", "rules"):
        shutil.copytree(REPO / name, src / name, ignore=ignore)
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "-q",
        "-w",
        str(base / "dist"),
        str(src),
    ]
    if _can_build_without_isolation():
        cmd.insert(4, "--no-build-isolation")
    proc = _run(cmd, cwd=base)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (built,) = (base / "dist").glob("ssotlint-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv without system site-packages, with the wheel and its dependencies."""
    env_dir = tmp_path_factory.mktemp("venv") / "env"
    # pip >= 22.3 installs into another interpreter (`--python`): no ensurepip run needed.
    outer_pip = tuple(int(p) for p in metadata.version("pip").split(".")[:2])
    with_pip = outer_pip < (22, 3)
    builder = venv.EnvBuilder(
        with_pip=with_pip, system_site_packages=False, symlinks=sys.platform != "win32"
    )
    builder.create(env_dir)
    python = _python(env_dir)
    if with_pip:
        cmd = [python, "-m", "pip", "install", "-q", str(wheel)]
    else:
        cmd = [sys.executable, "-m", "pip", "--python", python, "install", "-q", str(wheel)]
    proc = _run(cmd, cwd=env_dir)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # nothing of the outer environment is visible in there
    probe = _run([python, "-c", "import sys; print(sys.prefix != sys.base_prefix)"], cwd=env_dir)
    assert probe.stdout.strip() == "True"
    proc = _run([python, "-c", "import pytest"], cwd=env_dir)
    assert proc.returncode != 0, "the fresh venv must not see the outer site-packages"
    return env_dir


def _python(env_dir: Path) -> str:
    return str(env_dir / BIN / f"python{EXE}")


# --- the wheel ---------------------------------------------------------------------


def test_wheel_contents(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        dist_info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        entry_points = zf.read(f"{dist_info}/entry_points.txt").decode()
        meta = zf.read(f"{dist_info}/METADATA").decode()
    for stem in RULE_FILES:
        assert f"ssotlint/rules/{stem}.py" in names
    assert "ssotlint/rules/__init__.py" in names
    assert "ssotlint/py.typed" in names
    assert "ssotlint/cli.py" in names
    assert not any(n.startswith(("rules/", "tests/", "examples/")) for n in names)
    assert re.search(r"^ssotlint\s*=\s*ssotlint\.cli:main$", entry_points, re.M)
    assert "[flake8.extension]" in entry_points
    assert re.search(r"^SOT\s*=\s*ssotlint\.flake8_plugin:Plugin$", entry_points, re.M)
    assert "ssotlint/flake8_plugin.py" in names
    assert "Requires-Dist: libcst" in meta


# --- the fresh venv ----------------------------------------------------------------


def test_installed_package_imports_from_the_venv(installed: Path, tmp_path: Path) -> None:
    code = (
        "import ssotlint, ssotlint.rules, ssotlint.rules.sot201_deprecated_symbol as m\n"
        "from ssotlint.rule import load_rules\n"
        "print(ssotlint.__file__)\n"
        "print(m.__file__)\n"
        "print(','.join(sorted(load_rules())))\n"
    )
    proc = _run([_python(installed), "-c", code], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    pkg_file, rule_file, codes = proc.stdout.splitlines()
    assert Path(pkg_file).resolve().is_relative_to(installed.resolve())
    assert Path(rule_file).resolve().is_relative_to(installed.resolve())
    assert Path(rule_file).parent.name == "rules"
    assert codes.split(",") == RULE_CODES


def test_installed_console_script_lists_rules(installed: Path, tmp_path: Path) -> None:
    proc = _run([str(installed / BIN / f"ssotlint{EXE}"), "rules"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    for code in RULE_CODES:
        assert code in proc.stdout
    assert "deprecated-symbol" in proc.stdout  # SOT201's slug


def test_installed_check_on_the_golden_path_example(installed: Path, tmp_path: Path) -> None:
    project = tmp_path / "golden-path"
    shutil.copytree(
        EXAMPLE, project, ignore=shutil.ignore_patterns(".ssotlint_cache", "__pycache__")
    )
    proc = _run(
        [_python(installed), "-m", "ssotlint", "check", "--no-cache", "--format", "json"],
        cwd=project,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    found = json.loads(proc.stdout)
    codes = {d["code"] for d in found}
    assert {"SOT101", "SOT102", "SOT201"} <= codes
    assert not any(d["code"] == "SOT999" for d in found), found
    assert not (project / ".ssotlint_cache").exists()


def test_installed_flake8_finds_the_plugin(installed: Path, tmp_path: Path) -> None:
    proc = _run([_python(installed), "-m", "flake8", "--version"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "ssotlint" in proc.stdout


# --- the editable install of this checkout ---------------------------------------------


def test_editable_install_maps_rules_folder() -> None:
    paths = [Path(p).resolve() for p in ssotlint.rules.__path__]
    assert (REPO / "rules").resolve() in paths
    assert Path(ssotlint.__file__).resolve().parent == (REPO / "ssotlint").resolve()
    import ssotlint.rules.sot201_deprecated_symbol as sot201

    assert (
        Path(sot201.__file__).resolve()
        == (REPO / "rules" / "sot201_deprecated_symbol.py").resolve()
    )
    assert sorted(load_rules()) == RULE_CODES


def test_editable_install_works_outside_the_checkout(tmp_path: Path) -> None:
    code = "import ssotlint.rules.sot103_unresolved_import as m; print(m.__file__)"
    proc = _run([sys.executable, "-c", code], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (
        Path(proc.stdout.strip()).resolve()
        == (REPO / "rules" / "sot103_unresolved_import.py").resolve()
    )
