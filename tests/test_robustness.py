"""Bad files are SOT999 findings; the run goes on and every other file is still linted."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run_cli

from ssotlint.cli import resolve_config
from ssotlint.engine import CheckOptions, RunResult, run_check

CONFIG = """
[tool.ssotlint.deprecated]
"app.models.Old" = { message = "use New" }
"""
BASE = {
    "app/__init__.py": "",
    "app/models.py": "class Old:\n    pass\n\n\nclass New:\n    pass\n",
    "app/user.py": "from app.models import Old\n",
}


def _check(root: Path, **kwargs: object) -> RunResult:
    options = CheckOptions(use_cache=False, **kwargs)  # type: ignore[arg-type]
    return run_check(resolve_config(None, root), options)


def _codes(result: RunResult) -> list[str]:
    return [f"{d.path}:{d.line} {d.code}" for d in result.diagnostics]


def _project_with(make_project: Callable[..., Path], name: str, data: bytes) -> Path:
    root = make_project(BASE, CONFIG)
    (root / "app" / name).write_bytes(data)
    return root


BAD_FILES = {
    "syntax": b"x = (\n",
    "non-utf8": b"x = '\xff'\n",
    "nul": b"x = 1\x00\n",
    "bad-cookie": b"# -*- coding: no-such-codec -*-\nx = 1\n",
    "wrong-cookie": b"# -*- coding: ascii -*-\nx = '\xc3\xa9'\n",
    "indent": b"def f():\nreturn 1\n",
    "py312-type-alias": b"type X = int\n",
}


@pytest.mark.parametrize("data", list(BAD_FILES.values()), ids=list(BAD_FILES))
def test_bad_file_is_sot999_and_run_continues(
    make_project: Callable[..., Path], data: bytes
) -> None:
    if data.startswith(b"type ") and sys.version_info >= (3, 12):
        pytest.skip("valid syntax on this Python")
    root = _project_with(make_project, "bad.py", data)
    result = _check(root)
    found = _codes(result)
    assert [c for c in found if c.endswith("SOT999")] == [found[0]]
    assert found[0].startswith("app/bad.py:")
    # the other files are still linted, with the cross-file rule working
    assert "app/user.py:1 SOT201" in found
    assert len(found) == 2
    bad = result.diagnostics[0]
    assert bad.message and bad.fix is None
    assert bad.line >= 1 and bad.column >= 1


def test_syntax_error_position_is_reported(make_project: Callable[..., Path]) -> None:
    root = _project_with(make_project, "bad.py", b"x = 1\ny = 2\nz = (\n")
    bad = [d for d in _check(root).diagnostics if d.code == "SOT999"]
    assert len(bad) == 1
    assert bad[0].line == 3
    assert "syntax error" in bad[0].message


def test_latin1_file_with_cookie_lints_fine(make_project: Callable[..., Path]) -> None:
    data = b"# -*- coding: latin-1 -*-\nfrom app.models import Old\ns = '\xe9t\xe9'\n"
    root = _project_with(make_project, "latin.py", data)
    found = _codes(_check(root))
    assert "app/latin.py:2 SOT201" in found
    assert not any(c.endswith("SOT999") for c in found)


def test_utf8_bom_file_lints_fine(make_project: Callable[..., Path]) -> None:
    root = _project_with(make_project, "bom.py", b"\xef\xbb\xbffrom app.models import Old\n")
    found = _codes(_check(root))
    assert "app/bom.py:1 SOT201" in found
    assert not any(c.endswith("SOT999") for c in found)


def test_empty_file_is_fine(make_project: Callable[..., Path]) -> None:
    root = _project_with(make_project, "empty.py", b"")
    result = _check(root)
    assert _codes(result) == ["app/user.py:1 SOT201"]
    assert result.files_checked == 4  # __init__, models, user, empty


def test_broken_symlink_is_sot999(make_project: Callable[..., Path]) -> None:
    root = make_project(BASE, CONFIG)
    os.symlink(root / "app" / "gone.py", root / "app" / "link.py")
    found = _codes(_check(root))
    assert "app/link.py:1 SOT999" in found
    assert "app/user.py:1 SOT201" in found


def test_symlink_loop_folder_does_not_hang(make_project: Callable[..., Path]) -> None:
    root = make_project(BASE, CONFIG)
    os.symlink(root / "app", root / "app" / "loop")
    found = _codes(_check(root))
    assert "app/user.py:1 SOT201" in found


def test_unreadable_file_is_sot999(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Permission errors (simulated: tests may run as root) are findings, not crashes."""
    import ssotlint.engine as engine
    from ssotlint.source import SourceError

    root = make_project({**BASE, "app/secret.py": "x = 1\n"}, CONFIG)
    real = engine.read_source

    def read(path: Path) -> bytes:
        if Path(path).name == "secret.py":
            raise SourceError("cannot read: Permission denied")
        return real(path)

    monkeypatch.setattr(engine, "read_source", read)
    found = _codes(_check(root))
    assert "app/secret.py:1 SOT999" in found
    assert "app/user.py:1 SOT201" in found


def test_file_too_large_is_sot999(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ssotlint.source as source

    monkeypatch.setattr(source, "MAX_FILE_BYTES", 100)
    root = _project_with(make_project, "huge.py", b"x = 1\n" * 50)
    found = _codes(_check(root))
    assert "app/huge.py:1 SOT999" in found
    assert "app/user.py:1 SOT201" in found


def test_deeply_nested_expression_does_not_crash(make_project: Callable[..., Path]) -> None:
    root = _project_with(
        make_project, "deep.py", b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n"
    )
    found = _codes(_check(root))
    assert "app/user.py:1 SOT201" in found
    assert any(c.startswith("app/deep.py:") and c.endswith("SOT999") for c in found)


def test_a_crashing_rule_is_reported_not_fatal(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ssotlint.rule import load_rules

    rule = load_rules()["SOT202"]

    def boom(self: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(rule, "check", boom)
    root = make_project(BASE, CONFIG)
    result = _check(root)
    internal = [d for d in result.diagnostics if d.code == "SOT999"]
    assert internal and all("SOT202" in d.message and "kaboom" in d.message for d in internal)
    assert "app/user.py:1 SOT201" in _codes(result)


def test_bad_files_are_never_fixed(make_project: Callable[..., Path]) -> None:
    data = b"from app.models import Old\nx = (\n"
    root = _project_with(make_project, "bad.py", data)
    _check(root, fix=True, unsafe_fixes=True)
    assert (root / "app" / "bad.py").read_bytes() == data


def test_cli_exit_code_and_output_with_bad_files(make_project: Callable[..., Path]) -> None:
    root = make_project(BASE, CONFIG)
    (root / "app" / "syntax.py").write_bytes(b"def (:\n")
    (root / "app" / "binary.py").write_bytes(b"\x00\x01\x02")
    (root / "app" / "new.py").write_bytes(b"type Alias = list[int]\n")
    proc = run_cli("check", "--format", "concise", "--no-cache", cwd=root)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    assert any(line.startswith("app/syntax.py:1:") and "SOT999" in line for line in lines)
    assert any(line.startswith("app/binary.py:1:1: SOT999") for line in lines)
    if sys.version_info < (3, 12):
        assert any(line.startswith("app/new.py:1:") and "SOT999" in line for line in lines)
    assert any(line.startswith("app/user.py:1:") and "SOT201" in line for line in lines)


def test_sot999_can_be_ignored(make_project: Callable[..., Path]) -> None:
    root = _project_with(make_project, "bad.py", b"x = (\n")
    result = _check(root, ignore=["SOT999"])
    assert _codes(result) == ["app/user.py:1 SOT201"]


def test_parallel_indexing_matches_serial(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ssotlint.engine as engine

    files = dict(BASE)
    for i in range(12):
        nxt = (i + 1) % 12
        files[f"app/m{i}.py"] = f"from app.models import Old\nfrom app.m{nxt} import y{i}\n"
    root = make_project(files, CONFIG)
    (root / "app" / "bad.py").write_bytes(b"x = '\xff'\n")
    serial = _codes(_check(root, jobs=1))
    monkeypatch.setattr(engine, "POOL_THRESHOLD", 1)
    parallel = _codes(_check(root, jobs=2))
    assert parallel == serial
    assert "app/bad.py:1 SOT999" in parallel
    assert len([c for c in parallel if c.endswith("SOT103")]) == 12
