"""Several ssotlint processes on one project at once: one shared cache, never corrupted.

test_cache.py already runs two `check` processes side by side. Here: four `check --format json`
from a cold cache; a mix of `check`, flake8 `-j 2 --select SOT` (the plugin's own cached index
and file list) and a `--fix` on a copy; and four `--fix` processes on disjoint file lists of one
project, as pre-commit's parallel `ssotlint-fix` hook runs them. Afterwards every cache file is
whole, no temp file is left, and a fifth run is a pure cache hit: an in-process run that counts
`build_record` and `check_file` calls sees none, and prints the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import ssotlint.engine as engine
from ssotlint.cache import MAGIC, code_fingerprint
from ssotlint.cli import main, resolve_config
from ssotlint.engine import CheckOptions, Linter, run_check

N = 72
CONFIG = """
[tool.ssotlint.deprecated]
"app.models.Old" = { message = "use New" }
"app.old_manager" = { replacement = "app.manager" }

[tool.ssotlint.tests]
bases = ["app.testing.Base"]
"""


def _files() -> dict[str, str]:
    files = {
        "app/__init__.py": "",
        "app/models.py": "class Old:\n    pass\n\n\nclass New:\n    pass\n",
        "app/manager.py": "class Manager:\n    pass\n",
        "app/old_manager.py": "from app.manager import Manager\n",
        "app/testing.py": "import unittest\n\n\nclass Base(unittest.TestCase):\n    pass\n",
        "app/gen/__init__.py": "",
        "tests/__init__.py": "",
    }
    for i in range(N):
        lines = [f"from app.gen.m{(i + 1) % N} import x{(i + 1) % N}"]
        if i % 2 == 0:
            lines.append("from app.models import Old")  # SOT201, no fix
        if i % 3 == 0:
            lines.append("from app.old_manager import Manager")  # SOT202, safe fix
        if i % 5 == 0:
            lines.append("import os  # noqa: SOT103")  # SOT901, safe fix
        if i % 7 == 0:
            lines.append(f"from app.gen.m{(i + 2) % N} import missing{i}")  # SOT103
        lines.append(f"x{i} = {i}")
        files[f"app/gen/m{i}.py"] = "\n".join(lines) + "\n"
    for i in range(4):
        files[f"tests/test_t{i}.py"] = (
            "import unittest\n\n\nclass TestT(unittest.TestCase):\n"
            "    def test_x(self):\n        assert self.nothing\n"
        )
    return files


def _env() -> dict[str, str]:
    return {**os.environ, "NO_COLOR": "1"}


def _start(*args: str, cwd: Path, module: str = "ssotlint") -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=cwd,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(procs: list[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    outs = [p.communicate(timeout=300) for p in procs]
    return [(p.returncode, o, e) for p, (o, e) in zip(procs, outs, strict=True)]


def _cache_is_whole(root: Path) -> list[Path]:
    """Every cache file under its final name is whole; no temp file is left beside them."""
    folder = root / ".ssotlint_cache"
    pickles = []
    for path in folder.rglob("*"):
        if path.is_dir() or path.name == ".gitignore":
            continue
        assert path.name.endswith(".pickle"), f"left behind: {path}"
        blob = path.read_bytes()
        assert blob.startswith(MAGIC), path
        digest, payload = blob[len(MAGIC) : len(MAGIC) + 32], blob[len(MAGIC) + 32 :]
        assert hashlib.blake2b(payload, digest_size=16).hexdigest().encode() == digest, path
        pickles.append(path)
    return pickles


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """Count index records built and files checked by the in-process engine."""
    calls = {"build_record": 0, "check_file": 0}
    real_build, real_check = engine.build_record, Linter.check_file

    def build_record(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["build_record"] += 1
        return real_build(*args, **kwargs)

    def check_file(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["check_file"] += 1
        return real_check(self, *args, **kwargs)

    monkeypatch.setattr(engine, "build_record", build_record)
    monkeypatch.setattr(Linter, "check_file", check_file)
    yield calls


def _fifth_run_is_a_cache_hit(
    root: Path,
    expected_stdout: str,
    counted: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stamps = {p: p.stat().st_mtime_ns for p in _cache_is_whole(root)}
    code_fingerprint.cache_clear()  # as the subprocesses saw ssotlint's code (edited meanwhile?)
    monkeypatch.chdir(root)
    capsys.readouterr()
    counted.update(build_record=0, check_file=0)
    assert main(["check", "--format", "json"]) == 1
    out, err = capsys.readouterr()
    assert counted == {"build_record": 0, "check_file": 0}, (counted, err)
    assert out == expected_stdout
    # nothing was rebuilt either: the cache was read. Two small files may be written now:
    # the file list (kept once the folders are older than a few seconds) and the manifest
    # (its file stamps are trusted without hashing once they are that old)
    after = {p: p.stat().st_mtime_ns for p in _cache_is_whole(root)}
    rewritten = {p.stem for p in stamps if after.get(p) != stamps[p]}
    assert rewritten <= {engine.MANIFEST}, rewritten
    assert {p.stem for p in set(after) - set(stamps)} <= {engine.TREE_CACHE}


def _expected_json(root: Path) -> str:
    """What a serial, uncached run prints (in a scratch copy, so no cache is touched)."""
    scratch = root.parent / (root.name + "-serial")
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns(".ssotlint_cache"))
    proc = subprocess.run(
        [sys.executable, "-m", "ssotlint", "check", "--format", "json", "--no-cache"],
        cwd=scratch, env=_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    shutil.rmtree(scratch)
    assert proc.returncode == 1, proc.stderr
    return proc.stdout


def test_four_cold_checks_agree_and_share_a_valid_cache(
    make_project: Callable[..., Path],
    counted: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = make_project(_files(), CONFIG)
    expected = _expected_json(root)
    data = json.loads(expected)
    assert {d["code"] for d in data} >= {"SOT103", "SOT201", "SOT202", "SOT301", "SOT401", "SOT901"}
    results = _finish([_start("check", "--format", "json", cwd=root) for _ in range(4)])
    for code, out, err in results:
        assert code == 1, err
        assert "Traceback" not in err
        assert out == expected  # byte-identical
    assert len(_cache_is_whole(root)) >= 2  # the index and the results
    _fifth_run_is_a_cache_hit(root, expected, counted, monkeypatch, capsys)


FLAKE8 = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>SOT\d+) ", re.M)


def test_checks_flake8_and_a_fix_on_a_copy_run_together(
    make_project: Callable[..., Path],
    counted: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = make_project(_files(), CONFIG)
    copy = make_project(_files(), CONFIG, name="copy")
    expected = _expected_json(root)
    procs = [
        _start("check", "--format", "json", cwd=root),
        _start("--select", "SOT", "-j", "2", "app", "tests", cwd=root, module="flake8"),
        _start("check", "--fix", "--unsafe-fixes", cwd=copy),
        _start("check", "--format", "json", cwd=root),
    ]
    (c1, out1, err1), (f_code, f_out, f_err), (x_code, _, x_err), (c2, out2, err2) = _finish(procs)
    assert (c1, c2) == (1, 1), (err1, err2)
    assert out1 == out2 == expected
    assert f_code == 1 and "Traceback" not in f_err, f_err
    flake8_found = {(m["path"].removeprefix("./"), int(m["line"]), int(m["col"]), m["code"])
                    for m in FLAKE8.finditer(f_out)}  # fmt: skip
    json_found = {(d["path"], d["line"], d["column"], d["code"]) for d in json.loads(expected)}
    assert flake8_found == json_found
    assert x_code == 1 and "Traceback" not in x_err, x_err  # SOT201 etc. have no fix: left
    # the copy is fixed as a serial run fixes it
    serial = make_project(_files(), CONFIG, name="serial")
    run_check(
        resolve_config(None, serial), CheckOptions(fix=True, unsafe_fixes=True, use_cache=False)
    )
    for rel in _files():
        assert (copy / rel).read_bytes() == (serial / rel).read_bytes(), rel
    _fifth_run_is_a_cache_hit(root, expected, counted, monkeypatch, capsys)


def test_four_fix_processes_on_disjoint_files_match_a_serial_fix(
    make_project: Callable[..., Path],
    counted: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """pre-commit's `ssotlint-fix` hook: one project, its files split across 4 processes."""
    root = make_project(_files(), CONFIG)
    serial = make_project(_files(), CONFIG, name="serial")
    run_check(
        resolve_config(None, serial), CheckOptions(fix=True, unsafe_fixes=True, use_cache=False)
    )
    rels = sorted(_files())
    procs = [
        _start("check", "--fix", "--unsafe-fixes", "--format", "concise", *rels[i::4], cwd=root)
        for i in range(4)
    ]
    for code, _, err in _finish(procs):
        assert code in (0, 1) and "Traceback" not in err, err
    for rel in rels:
        assert (root / rel).read_bytes() == (serial / rel).read_bytes(), rel
    assert not [p for p in root.rglob("*.ssotlint-tmp")]
    expected = _expected_json(root)
    assert expected == _expected_json(serial)
    # the cache the four fixers left is valid: a run through it gives the fixed findings
    monkeypatch.chdir(root)
    capsys.readouterr()
    assert main(["check", "--format", "json"]) == 1
    assert capsys.readouterr().out == expected
    _fifth_run_is_a_cache_hit(root, expected, counted, monkeypatch, capsys)
