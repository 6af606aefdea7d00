"""Hostile files not covered by test_robustness.py: each gets a clear finding, the run goes on.

Here: a 50k-line module, comment-only files, tabs and form feeds, mixed newlines (positions),
symlink loops and symlinked files, files that vanish between discovery and reading, and a
`pyproject.toml` that is not valid TOML or not UTF-8.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run_cli

import ssotlint.engine as engine
from ssotlint.cli import main, resolve_config
from ssotlint.engine import CheckOptions, RunResult, run_check

CONFIG = """
[tool.ssotlint.deprecated]
"app.models.Old" = { message = "use New", replacement = "app.models.New", drop-in = true }
"""
BASE = {
    "app/__init__.py": "",
    "app/models.py": "class Old:\n    pass\n\n\nclass New:\n    pass\n",
    "app/user.py": "from app.models import Old\n",
}
USER = "app/user.py:1 SOT201"


def _check(root: Path, **kwargs: object) -> RunResult:
    options = CheckOptions(use_cache=False, **kwargs)  # type: ignore[arg-type]
    return run_check(resolve_config(None, root), options)


def _codes(result: RunResult) -> list[str]:
    return [f"{d.path}:{d.line} {d.code}" for d in result.diagnostics]


def _where(result: RunResult, path: str) -> list[tuple[int, int, str]]:
    return [(d.line, d.column, d.code) for d in result.diagnostics if d.path == path]


# --- a 50k-line module ----------------------------------------------------------------------


def _big_module(n_lines: int, marks: dict[int, str]) -> str:
    """About `n_lines` lines of ordinary code, with `marks[line]` placed at exactly that line."""
    lines: list[str] = []
    i = 0
    blocks = [
        lambda i: [f"def func_{i}(a, b={i}):", f"    return a + b  # {i}", ""],
        lambda i: [
            f"class Klass{i}:",
            f"    attr = {i}",
            "",
            "    def m(self):",
            "        return self.attr",
            "",
        ],
        lambda i: [f"VALUE_{i} = [{i}, 'x', {{'k': {i}}}]"],
        lambda i: [f"if VALUE_{i - 1}:", f"    import os as os_{i}", ""],
    ]
    while len(lines) < n_lines:
        block = blocks[i % 4](i)
        for line in sorted(marks):
            if len(lines) < line <= len(lines) + len(block):  # keep blocks whole
                lines.extend([""] * (line - 1 - len(lines)))
                lines.append(marks[line])
        lines.extend(block)
        i += 1
    return "\n".join(lines) + "\n"


def test_50k_line_module_is_linted_with_exact_findings(
    make_project: Callable[..., Path],
) -> None:
    marks = {
        10: "from app.models import Old",
        25_000: "from app.models import Old as Older",
        49_990: "from app.models import Missing",
    }
    text = _big_module(50_000, marks)
    lines = text.splitlines()
    assert len(lines) >= 50_000
    for line, mark in marks.items():
        assert lines[line - 1] == mark
    root = make_project({**BASE, "app/big.py": text}, CONFIG)
    result = _check(root)
    assert _codes(result) == [
        "app/big.py:10 SOT201",
        "app/big.py:25000 SOT201",
        "app/big.py:49990 SOT103",
        USER,
    ]
    # cross-file: another module importing from the big one resolves through its index record
    (root / "app" / "use_big.py").write_text("from app.big import Klass5, func_4, Nope\n")
    found = _codes(_check(root))
    assert "app/use_big.py:1 SOT103" in found
    assert len([c for c in found if c.startswith("app/use_big.py")]) == 1


# --- comment-only and content-free files -----------------------------------------------------

CONTENT_FREE = {
    "comments": b"# just a comment\n# another one\n",
    "comment-no-newline": b"# no newline at the end",
    "blank-lines": b"\n\n\n\n",
    "whitespace-only": b"   \t  ",
    "shebang-and-cookie": b"#!/usr/bin/env python\n# -*- coding: latin-1 -*-\n# caf\xe9\n",
    "docstring-only": b'"""Only a docstring."""\n',
    "form-feed-only": b"\x0c\n\x0c",
    "crlf-comments": b"# one\r\n# two\r\n",
    "bare-noqa": b"# noqa\n",
}


@pytest.mark.parametrize("data", list(CONTENT_FREE.values()), ids=list(CONTENT_FREE))
def test_content_free_files_lint_clean(make_project: Callable[..., Path], data: bytes) -> None:
    root = make_project(BASE, CONFIG)
    (root / "app" / "empty.py").write_bytes(data)
    result = _check(root)
    assert _codes(result) == [USER]
    assert result.files_checked == 4
    assert _codes(_check(root, fix=True, unsafe_fixes=True)) == []  # user.py gets fixed
    assert (root / "app" / "empty.py").read_bytes() == data


def test_comment_only_file_with_unused_suppression_is_fixed_to_a_valid_file(
    make_project: Callable[..., Path],
) -> None:
    root = make_project(BASE, CONFIG)
    path = root / "app" / "notes.py"
    path.write_bytes(b"# header\r\n# noqa: SOT201\r\n# trailer")
    assert _where(_check(root), "app/notes.py") == [(2, 1, "SOT901")]
    _check(root, fix=True)
    assert path.read_bytes() == b"# header\r\n\r\n# trailer"
    assert _codes(_check(root)) == []


# --- tabs, form feeds, Unicode line separators --------------------------------------------------


def test_tabs_and_form_feeds_give_right_positions_and_fixes(
    make_project: Callable[..., Path],
) -> None:
    data = (
        '"""Caf\u00e9 module."""\n'
        "\x0c\n"
        "import os\n"
        "\x0c\n"
        "def f():\n"
        "\tif os:\n"
        "\t\tfrom app.models import Old\n"  # line 7, two tabs
        '\t\treturn "\u00e9\u00e9", Old\n'
        "\x0c\n"
        's = "\u00e9\u00e9"; from app.models import Old as O\n'  # line 10, non-ASCII before
        "x = 1  # noqa: SOT202\n"  # line 11: suppresses nothing
    ).encode()
    root = make_project(BASE, CONFIG)
    (root / "app" / "ff.py").write_bytes(data)
    result = _check(root)
    # columns are characters: a form feed is no line break for Python, nor for the column map
    assert _where(result, "app/ff.py") == [
        (7, 26, "SOT201"),
        (10, 34, "SOT201"),
        (11, 8, "SOT901"),
    ]
    line10 = data.decode().split("\n")[9]
    assert line10[33:36] == "Old"
    # --diff: a form feed is inside a line, not a line of the diff of its own
    (diff,) = [d for d in _check(root, diff=True).diffs if "a/app/ff.py" in d]
    assert diff.count(" \x0c\n") == 3 and "\x0c \n" not in diff
    assert (root / "app" / "ff.py").read_bytes() == data
    _check(root, fix=True)
    fixed = (root / "app" / "ff.py").read_bytes()
    ast.parse(fixed)
    text = fixed.decode()
    assert "Old" not in text and "noqa" not in text
    assert text.count("\x0c") == 3
    assert '\t\treturn "\u00e9\u00e9", New\n' in text
    assert _codes(_check(root)) == []


def test_unused_suppression_after_a_form_feed_or_line_separator_is_removed(
    make_project: Callable[..., Path],
) -> None:
    """str.splitlines() breaks at \\x0c, \\x1c-\\x1e, \\x85, U+2028/9; Python's lines do not."""
    root = make_project(BASE, CONFIG)
    for i, odd in enumerate(["\x0c", "\x1c", "\x85", "\u2028", "\u2029"]):
        path = root / "app" / f"odd{i}.py"
        path.write_text(f"x = '{odd}'\n# {odd}\ny = 1  # noqa: SOT201\n", encoding="utf-8")
    result = _check(root)
    assert [c for c in _codes(result) if "odd" in c] == [
        f"app/odd{i}.py:3 SOT901" for i in range(5)
    ]
    _check(root, fix=True)
    for i, odd in enumerate(["\x0c", "\x1c", "\x85", "\u2028", "\u2029"]):
        path = root / "app" / f"odd{i}.py"
        assert path.read_text(encoding="utf-8") == f"x = '{odd}'\n# {odd}\ny = 1\n"
    assert _codes(_check(root)) == []


def test_mixed_newlines_positions_follow_pythons_line_count(
    make_project: Callable[..., Path],
) -> None:
    data = (
        b"import os\r\n"
        b"a = 1\r"  # a lone CR ends a line too
        b"b = '\xc3\xa9'; from app.models import Old\n"  # line 3
        b"c = 2\r\n"
        b"d = 3  # noqa: SOT202\r"  # line 5
        b"from app.models import Missing\n"  # line 6
    )
    root = make_project(BASE, CONFIG)
    (root / "app" / "mixed.py").write_bytes(data)
    assert _where(_check(root), "app/mixed.py") == [
        (3, 33, "SOT201"),
        (5, 8, "SOT901"),
        (6, 24, "SOT103"),
    ]
    _check(root, fix=True)
    fixed = (root / "app" / "mixed.py").read_bytes()
    ast.parse(fixed)
    assert b"noqa" not in fixed and b"Old" not in fixed
    assert fixed.startswith(b"import os\r\n")
    assert b"d = 3\r" in fixed and b"c = 2\r\n" in fixed
    missing = (
        fixed.replace(b"\r\n", b"\n")
        .replace(b"\r", b"\n")
        .split(b"\n")
        .index(b"from app.models import Missing")
    )
    assert _where(_check(root), "app/mixed.py") == [(missing + 1, 24, "SOT103")]


# --- symlinks ---------------------------------------------------------------------------------

needs_symlinks = pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges")


@needs_symlinks
def test_symlink_loop_files_are_sot999_and_the_run_goes_on(
    make_project: Callable[..., Path],
) -> None:
    root = make_project(BASE, CONFIG)
    app = root / "app"
    os.symlink("b.py", app / "a.py")  # a -> b -> a
    os.symlink("a.py", app / "b.py")
    os.symlink("self.py", app / "self.py")  # self -> self
    os.symlink("..", app / "up")  # a folder loop beside them
    found = _codes(_check(root))
    assert found == ["app/a.py:1 SOT999", "app/b.py:1 SOT999", "app/self.py:1 SOT999", USER]
    messages = [d.message for d in _check(root).diagnostics if d.code == "SOT999"]
    assert all("symbolic links" in m or "loop" in m for m in messages), messages
    # narrowing to some paths compares resolved paths: a loop must not raise there either
    assert _codes(_check(root, paths=[app / "user.py"])) == [USER]
    assert _codes(_check(root, paths=[app / "a.py"])) == ["app/a.py:1 SOT999"]
    # the CLI, with the cache and --fix, neither hangs nor writes through a loop; the first
    # path (a loop) is where the project root is looked up from
    paths = ["app/a.py", "app/b.py", "app/self.py", "app/user.py"]
    proc = run_cli("check", "--fix", "--format", "concise", *paths, cwd=root)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout.count("SOT999") == 3
    assert (app / "user.py").read_text() == "from app.models import New\n"
    assert os.readlink(app / "a.py") == "b.py" and os.readlink(app / "self.py") == "self.py"


@needs_symlinks
def test_a_fix_writes_through_a_symlinked_file_and_keeps_the_link(
    make_project: Callable[..., Path],
) -> None:
    """The link is listed first (sorted), so it is the path linted and fixed."""
    root = make_project({k: v for k, v in BASE.items() if k != "app/user.py"}, CONFIG)
    (root / "app" / "zreal.py").write_text("from app.models import Old\n")
    os.symlink("zreal.py", root / "app" / "alias.py")
    assert _codes(_check(root)) == ["app/alias.py:1 SOT201"]
    _check(root, fix=True)
    assert os.path.islink(root / "app" / "alias.py")
    assert os.readlink(root / "app" / "alias.py") == "zreal.py"
    assert (root / "app" / "zreal.py").read_text() == "from app.models import New\n"
    assert not [p for p in (root / "app").iterdir() if p.name.endswith(".ssotlint-tmp")]


# --- files that vanish mid-run --------------------------------------------------------------------


def _vanishing(monkeypatch: pytest.MonkeyPatch, name: str, where: str) -> None:
    """Delete app/NAME right after `where` ('discover' or 'build_index') has run."""
    real = getattr(engine, where)

    def wrapped(config, *args, **kwargs):  # type: ignore[no-untyped-def]
        out = real(config, *args, **kwargs)
        (config.root / "app" / name).unlink()
        return out

    monkeypatch.setattr(engine, where, wrapped)


@pytest.mark.parametrize("where", ["discover", "build_index"])
@pytest.mark.parametrize("fix", [False, True], ids=["check", "fix"])
def test_file_deleted_after_discovery_is_sot999(
    make_project: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    fix: bool,
) -> None:
    root = make_project({**BASE, "app/gone.py": "from app.models import Old\n"}, CONFIG)
    _vanishing(monkeypatch, "gone.py", where)
    result = _check(root, fix=fix)
    found = _codes(result)
    assert found[0] == "app/gone.py:1 SOT999"
    assert "No such file" in result.diagnostics[0].message
    assert found[1:] == ([] if fix else [USER])
    assert not (root / "app" / "gone.py").exists()  # a fix never re-creates it
    monkeypatch.undo()
    assert _codes(_check(root)) == ([] if fix else [USER])


def test_file_deleted_before_its_fix_is_written(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project({**BASE, "app/gone.py": "from app.models import Old\n"}, CONFIG)
    real = engine.write_atomic

    def write(path: Path, data: bytes) -> None:
        if path.name == "gone.py":
            path.unlink()
        real(path, data)

    monkeypatch.setattr(engine, "write_atomic", write)
    result = _check(root, fix=True)
    assert any(e.startswith("app/gone.py: not fixed") for e in result.fix_errors)
    assert not (root / "app" / "gone.py").exists()
    assert (root / "app" / "user.py").read_text() == "from app.models import New\n"
    assert not [p for p in (root / "app").iterdir() if p.name.endswith(".ssotlint-tmp")]


def test_vanished_file_with_a_warm_cache(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project({**BASE, "app/gone.py": "X = 1\n"}, CONFIG)
    config = resolve_config(None, root)
    assert _codes(run_check(config, CheckOptions())) == [USER]
    _vanishing(monkeypatch, "gone.py", "discover")
    found = _codes(run_check(config, CheckOptions()))
    assert found == ["app/gone.py:1 SOT999", USER]
    monkeypatch.undo()
    assert _codes(run_check(config, CheckOptions())) == [USER]
    (root / "app" / "gone.py").write_text("from app.models import Old\n")  # back again
    assert _codes(run_check(config, CheckOptions())) == ["app/gone.py:1 SOT201", USER]


# --- pyproject.toml that cannot be read ------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b'[tool.ssotlint]\nselect = ["SOT"\n', "invalid TOML"),
        (b"[tool.ssotlint]\nsrc = ['.']\n[tool.ssotlint]\n", "invalid TOML"),
        (b"[tool.ssotlint]\n# caf\xe9\n", "cannot read"),
        (b"[tool.ssotlint\n", "invalid TOML"),
        (b"\x00\x01[tool.ssotlint]", "invalid TOML"),
    ],
    ids=["unclosed-array", "duplicate-table", "latin-1", "unclosed-header", "binary"],
)
def test_broken_pyproject_is_exit_2_with_a_clear_message(
    make_project: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    data: bytes,
    needle: str,
) -> None:
    root = make_project(BASE)
    (root / "pyproject.toml").write_bytes(data)
    monkeypatch.chdir(root / "app")
    for command in (["check"], ["check", "--fix"], ["score"], ["baseline"], ["show-settings"]):
        capsys.readouterr()
        assert main(command) == 2, command
        out, err = capsys.readouterr()
        assert needle in err and str(root / "pyproject.toml") in err, (command, err)
        assert out == ""
    assert not (root / ".ssotlint-baseline.json").exists()
    assert not (root / ".ssotlint_cache").exists()
    assert (root / "app" / "user.py").read_text() == BASE["app/user.py"]


def test_broken_pyproject_from_the_entry_points(make_project: Callable[..., Path]) -> None:
    """The real `ssotlint` and flake8: a clear message, no traceback."""
    root = make_project(BASE)
    (root / "pyproject.toml").write_bytes(b'[tool.ssotlint]\nselect = ["SOT"\n')
    proc = run_cli("check", cwd=root)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert "invalid TOML" in proc.stderr and str(root / "pyproject.toml") in proc.stderr
    assert proc.stdout == ""
    flake8 = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "SOT", "app/user.py"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert flake8.returncode == 1, flake8.stderr
    assert "Traceback" not in flake8.stderr
    assert "SOT999 ssotlint configuration error" in flake8.stdout
    assert "invalid TOML" in flake8.stdout


def test_broken_unrelated_pyproject_above_is_skipped(make_project: Callable[..., Path]) -> None:
    """A broken pyproject.toml that is not ours (no `[tool.ssotlint`) does not stop the search."""
    outer = make_project({}, name="outer")
    (outer / "pyproject.toml").write_bytes(b"[project\nname = 'x'\n")
    inner = outer / "sub"
    inner.mkdir()
    (inner / "pyproject.toml").write_bytes(b"[project]\nname = 'y'\nbroken = \n")
    (inner / "mod.py").write_text("x = 1\n")
    proc = run_cli("check", "--format", "json", "--no-cache", cwd=inner)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


# --- unsaved buffers and rendering -------------------------------------------------------------


def test_unsaved_buffer_base_class_is_the_buffers_not_the_disks(
    make_project: Callable[..., Path],
) -> None:
    """An editor buffer whose own base class changed: the test rules read the buffer."""
    from ssotlint.engine import Session

    text = (
        "import unittest\n\n\nclass Base(unittest.TestCase):\n    def setUp(self):\n"
        "        self.a = 1\n\n\nclass TestX(Base):\n    def test_x(self):\n"
        "        assert self.b\n"
    )
    root = make_project({"tests/__init__.py": "", "tests/test_x.py": text})
    session = Session(resolve_config(None, root), use_cache=False)
    disk = text.encode()

    def codes(data: bytes) -> list[str]:
        return [f"{d.line} {d.code}" for d in session.check_buffer("tests/test_x.py", data)]

    assert codes(disk) == ["11 SOT401"]
    assert codes(disk.replace(b"self.a = 1", b"self.b = 1")) == []  # the buffer's setUp
    assert codes(disk) == ["11 SOT401"]
    # the disk copy changed since indexing: the buffer (the indexed text) still counts
    (root / "tests" / "test_x.py").write_bytes(disk.replace(b"self.a = 1", b"self.b = 1"))
    assert codes(disk) == ["11 SOT401"]


def test_text_format_snippet_after_form_feeds(
    make_project: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = make_project(BASE, CONFIG)
    (root / "app" / "ff.py").write_text(
        "import os\n\x0c\nx = 1\n\x0c\nfrom app.models import Old\n"
    )
    monkeypatch.chdir(root)
    monkeypatch.setenv("NO_COLOR", "1")
    capsys.readouterr()
    assert main(["check", "--no-cache", "--format", "text", "app/ff.py"]) == 1
    out = capsys.readouterr().out
    assert "5:24" in out
    assert "from app.models import Old" in out  # the finding's own line, not line 5 of splitlines()


def test_stale_temp_files_of_a_killed_fix_are_swept(make_project: Callable[..., Path]) -> None:
    """A SIGKILLed fix can leave `.NAME.XXXX.ssotlint-tmp`; the next fix there removes old ones."""
    import ssotlint.source as source

    root = make_project(BASE, CONFIG)
    (root / "app" / "user.py").write_text("from app.models import Old\n")
    folder = root / "app"
    stale = folder / ".user.py.abc123.ssotlint-tmp"
    young = folder / ".user.py.def456.ssotlint-tmp"
    other = folder / ".keep.ssotlint-tmp.bak"
    for path in (stale, young, other):
        path.write_text("partial")
    hour_ago = time.time() - source.STALE_TEMP_SECONDS - 60
    os.utime(stale, (hour_ago, hour_ago))
    os.utime(other, (hour_ago, hour_ago))
    run_cli("check", "--fix", "--unsafe-fixes", cwd=root)  # a new process: sweeps once
    assert "New" in (folder / "user.py").read_text()
    assert not stale.exists()
    assert young.exists()  # may be another process's write in progress
    assert other.exists()  # not ours


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_fifo_named_like_a_module_is_sot999_not_a_hang(make_project: Callable[..., Path]) -> None:
    """Reading a FIFO blocks until someone writes: it is reported, never read."""
    root = make_project(BASE, CONFIG)
    os.mkfifo(root / "app" / "pipe.py")
    (root / "app" / "dir.py").mkdir()  # a folder named like a module: not a file at all
    for args in (["check", "--no-cache"], ["check"], ["check", "app/pipe.py"], ["check", "--fix"]):
        proc = subprocess.run(
            [sys.executable, "-m", "ssotlint", *args, "--format", "json"],
            cwd=root, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        found = {(d["path"], d["code"]) for d in json.loads(proc.stdout)}
        assert ("app/pipe.py", "SOT999") in found, (args, proc.stdout, proc.stderr)
        assert not any(path == "app/dir.py" for path, _ in found), args
    # the text format (which shows source lines) does not read it either
    proc = subprocess.run(
        [sys.executable, "-m", "ssotlint", "check"], cwd=root, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert "not a regular file" in proc.stdout, proc.stdout
