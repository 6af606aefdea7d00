"""Fixes: bytes-faithful (newlines, BOM, encoding, mode), refused when unsafe, idempotent."""

from __future__ import annotations

import compileall
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import libcst as cst
import pytest
from conftest import EXAMPLE, Cli

from ssotlint.cli import resolve_config
from ssotlint.engine import CheckOptions, RunResult, run_check
from ssotlint.rule import load_rules

CONFIG = """
[tool.ssotlint.deprecated]
"app.old_manager" = { replacement = "app.manager" }
"""
BASE = {
    "app/__init__.py": "",
    "app/manager.py": "class Manager:\n    pass\n",
    "app/old_manager.py": "from app.manager import Manager\n",
}
OLD = b"from app.old_manager import Manager"
NEW = b"from app.manager import Manager"


def _check(root: Path, **kwargs: object) -> RunResult:
    options = CheckOptions(use_cache=False, **kwargs)  # type: ignore[arg-type]
    return run_check(resolve_config(None, root), options)


def _project(make_project: Callable[..., Path], name: str, data: bytes) -> Path:
    root = make_project(BASE, CONFIG)
    (root / "app" / name).write_bytes(data)
    return root


def test_crlf_line_endings_are_preserved(make_project: Callable[..., Path]) -> None:
    data = b"import os\r\n" + OLD + b"\r\n\r\nx = Manager\r\n"
    root = _project(make_project, "use.py", data)
    result = _check(root, fix=True)
    assert result.fixed_files == {"app/use.py": 1}
    assert (root / "app/use.py").read_bytes() == b"import os\r\n" + NEW + b"\r\n\r\nx = Manager\r\n"
    assert result.diagnostics == []


def test_utf8_bom_is_preserved(make_project: Callable[..., Path]) -> None:
    data = b"\xef\xbb\xbf" + OLD + b'\nx = "\xc3\xa9"\n'
    root = _project(make_project, "use.py", data)
    _check(root, fix=True)
    assert (root / "app/use.py").read_bytes() == b"\xef\xbb\xbf" + NEW + b'\nx = "\xc3\xa9"\n'


def test_latin1_cookie_file_keeps_its_encoding(make_project: Callable[..., Path]) -> None:
    data = b"# -*- coding: latin-1 -*-\n" + OLD + b'\ns = "caf\xe9"\n'
    root = _project(make_project, "use.py", data)
    result = _check(root, fix=True)
    assert result.fixed_files == {"app/use.py": 1}
    assert (
        root / "app/use.py"
    ).read_bytes() == b"# -*- coding: latin-1 -*-\n" + NEW + b'\ns = "caf\xe9"\n'


def test_file_without_trailing_newline(make_project: Callable[..., Path]) -> None:
    root = _project(make_project, "use.py", OLD)
    _check(root, fix=True)
    assert (root / "app/use.py").read_bytes() == NEW


def test_mode_bits_are_kept(make_project: Callable[..., Path]) -> None:
    root = _project(make_project, "tool.py", b"#!/usr/bin/env python\n" + OLD + b"\n")
    root_file = root / "app/tool.py"
    os.chmod(root_file, 0o751)
    (root / "app/private.py").write_bytes(OLD + b"\n")
    os.chmod(root / "app/private.py", 0o600)
    result = _check(root, fix=True)
    assert set(result.fixed_files) == {"app/tool.py", "app/private.py"}
    assert root_file.read_bytes() == b"#!/usr/bin/env python\n" + NEW + b"\n"
    assert stat.S_IMODE(root_file.stat().st_mode) == 0o751
    assert stat.S_IMODE((root / "app/private.py").stat().st_mode) == 0o600
    leftovers = [p.name for p in (root / "app").iterdir() if "ssotlint-tmp" in p.name]
    assert leftovers == []


def test_read_only_file_is_reported_not_written(
    make_project: Callable[..., Path], cli: Cli
) -> None:
    root = _project(make_project, "ro.py", OLD + b"\n")
    path = root / "app/ro.py"
    os.chmod(path, 0o444)
    try:
        code, out, err = cli(root, "check", "--fix", "--no-cache", "--format", "concise")
        assert path.read_bytes() == OLD + b"\n"
        assert stat.S_IMODE(path.stat().st_mode) == 0o444
        assert "app/ro.py" in err and "not fixed" in err
        # the finding is still there, so the run still fails
        assert code == 1
        assert out.startswith("app/ro.py:1:") and "SOT202" in out
    finally:
        os.chmod(path, 0o644)


def test_write_failure_keeps_the_finding(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ssotlint.engine as engine

    root = _project(make_project, "use.py", OLD + b"\n")
    (root / "app/other.py").write_bytes(OLD + b"\n")

    def write(path: Path, data: bytes) -> None:
        if path.name == "use.py":
            raise PermissionError(13, "Permission denied")
        path.write_bytes(data)

    monkeypatch.setattr(engine, "write_atomic", write)
    result = _check(root, fix=True)
    assert result.fixed_files == {"app/other.py": 1}
    assert any("app/use.py" in e and "Permission denied" in e for e in result.fix_errors)
    assert [(d.path, d.code) for d in result.diagnostics] == [("app/use.py", "SOT202")]
    assert (root / "app/use.py").read_bytes() == OLD + b"\n"
    assert (root / "app/other.py").read_bytes() == NEW + b"\n"


def test_diff_writes_nothing_and_prints_a_unified_diff(
    make_project: Callable[..., Path], cli: Cli
) -> None:
    root = _project(make_project, "use.py", b"import os\n" + OLD + b"\n")
    before = (root / "app/use.py").stat().st_mtime_ns
    code, out, _ = cli(root, "check", "--diff", "--no-cache")
    assert code == 1
    assert (root / "app/use.py").read_bytes() == b"import os\n" + OLD + b"\n"
    assert (root / "app/use.py").stat().st_mtime_ns == before
    lines = out.splitlines()
    assert "--- a/app/use.py" in lines
    assert "+++ b/app/use.py" in lines
    assert any(line.startswith("@@ -1,2 +1,2 @@") for line in lines)
    assert "-" + OLD.decode() in lines
    assert "+" + NEW.decode() in lines
    assert " import os" in lines


def test_diff_with_fix_still_writes_nothing(make_project: Callable[..., Path], cli: Cli) -> None:
    root = _project(make_project, "use.py", OLD + b"\n")
    code, out, _ = cli(root, "check", "--fix", "--diff", "--no-cache")
    assert code == 1
    assert "+" + NEW.decode() in out.splitlines()
    assert (root / "app/use.py").read_bytes() == OLD + b"\n"


def test_diff_with_nothing_to_fix_is_exit_0(make_project: Callable[..., Path], cli: Cli) -> None:
    root = _project(make_project, "use.py", NEW + b"\n")
    code, out, _ = cli(root, "check", "--diff", "--no-cache")
    assert (code, out) == (0, "")


def test_fix_exit_codes(make_project: Callable[..., Path], cli: Cli) -> None:
    root = _project(make_project, "use.py", OLD + b"\n")
    code, _, err = cli(root, "check", "--fix", "--no-cache")
    assert code == 0, err  # everything was fixed
    assert "Fixed 1" in err
    # `import OLD` has no fix: violations left -> 1
    (root / "app/left.py").write_text("import app.old_manager\n")
    code, out, _ = cli(root, "check", "--fix", "--no-cache", "--format", "concise")
    assert code == 1
    assert out.startswith("app/left.py:1:")


def test_a_fix_that_would_not_parse_is_refused(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    rule = load_rules()["SOT202"]

    def broken(cls: type, module: cst.Module, fixes: object, ctx: object) -> cst.Module:
        bad = cst.SimpleStatementLine(body=[cst.Expr(cst.Name("def"))])
        return module.with_changes(body=[bad])  # code: "def\n"

    monkeypatch.setattr(rule, "apply_fixes", classmethod(broken))
    data = OLD + b"\n"
    root = _project(make_project, "use.py", data)
    result = _check(root, fix=True)
    assert (root / "app/use.py").read_bytes() == data
    assert result.fixed_files == {}
    assert any("app/use.py" in e and "refused" in e for e in result.fix_errors)
    assert [d.code for d in result.diagnostics] == ["SOT202"]
    code, _, err = cli(root, "check", "--fix", "--no-cache")
    assert code == 1
    assert "refused" in err
    assert (root / "app/use.py").read_bytes() == data


def test_a_fix_that_raises_is_refused(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = load_rules()["SOT202"]

    def boom(cls: type, module: cst.Module, fixes: object, ctx: object) -> cst.Module:
        raise ValueError("nope")

    monkeypatch.setattr(rule, "apply_fixes", classmethod(boom))
    root = _project(make_project, "use.py", OLD + b"\n")
    result = _check(root, fix=True)
    assert (root / "app/use.py").read_bytes() == OLD + b"\n"
    assert any("refused" in e for e in result.fix_errors)


def test_fix_that_does_not_remove_its_finding_is_not_written(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = load_rules()["SOT202"]

    def useless(cls: type, module: cst.Module, fixes: object, ctx: object) -> cst.Module:
        return cst.parse_module(module.code + "y = 2\n")

    monkeypatch.setattr(rule, "apply_fixes", classmethod(useless))
    root = _project(make_project, "use.py", OLD + b"\n")
    result = _check(root, fix=True)
    assert (root / "app/use.py").read_bytes() == OLD + b"\n"
    assert result.fixed_files == {}


def test_unsafe_fixes_need_the_flag(make_project: Callable[..., Path]) -> None:
    files = {
        "app/__init__.py": "",
        "app/enums.py": "from enum import Enum\n\n\nclass Color(Enum):\n    RED = 1\n",
        "app/dup.py": "from enum import Enum\n\n\nclass Color(Enum):\n    RED = 1\n",
    }
    root = make_project(files, '[tool.ssotlint.canonical]\nmodules = ["app.enums"]\n')
    result = _check(root, fix=True)
    assert result.fixed_files == {}
    dup = [d for d in result.diagnostics if d.code == "SOT101"]
    assert dup and dup[0].fix is not None and dup[0].fix.applicability == "unsafe"
    assert (root / "app/dup.py").read_text() == files["app/dup.py"]
    result = _check(root, fix=True, unsafe_fixes=True)
    assert result.fixed_files == {"app/dup.py": 1}
    assert "from app.enums import Color" in (root / "app/dup.py").read_text()
    assert "class Color" not in (root / "app/dup.py").read_text()


# --- the golden-path example ---------------------------------------------------------

GOLDEN_TEST = "netra_backend/tests/e2e/test_workflow_orchestrator_golden_path.py"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*.py"))
        if "__pycache__" not in p.parts and ".ssotlint_cache" not in p.parts
    }


@pytest.fixture(scope="module")
def fixed_golden(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    root = tmp_path_factory.mktemp("golden") / "golden-path"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("__pycache__", ".ssotlint_cache"))
    original = _snapshot(root)
    result = _check(root, fix=True, unsafe_fixes=True)
    assert result.fixed_files, "the example has fixable findings"
    return root, original


def test_golden_path_fix_is_idempotent(fixed_golden: tuple[Path, dict[str, bytes]]) -> None:
    root, original = fixed_golden
    after_first = _snapshot(root)
    assert after_first != original
    result = _check(root, fix=True, unsafe_fixes=True)
    assert result.fixed_files == {}
    assert result.fix_errors == []
    assert _snapshot(root) == after_first


def test_golden_path_fixed_code_compiles(fixed_golden: tuple[Path, dict[str, bytes]]) -> None:
    root, _ = fixed_golden
    assert compileall.compile_dir(str(root), quiet=2, force=True)


def test_golden_path_gets_the_seed_manual_fix(fixed_golden: tuple[Path, dict[str, bytes]]) -> None:
    root, _ = fixed_golden
    lines = (root / GOLDEN_TEST).read_text().splitlines()
    assert lines.count("from netra_backend.app.schemas.core_enums import ExecutionStatus") == 1
    bad = [
        line for line in lines
        if "execution_context import" in line and "ExecutionStatus" in line
    ]  # fmt: skip
    assert bad == []


def test_golden_path_relint_leaves_no_fixable_ssot_finding(
    fixed_golden: tuple[Path, dict[str, bytes]], cli: Cli
) -> None:
    import json

    root, _ = fixed_golden
    code, out, _ = cli(root, "check", "--no-cache", "--format", "json")
    found = json.loads(out)
    for item in found:
        if item["code"].startswith(("SOT10", "SOT20")):
            assert item["fix"] is None, item
    assert not [f for f in found if f["code"] == "SOT999"]
    assert code == (1 if found else 0)


def test_golden_path_safe_fix_keeps_the_unsafe_duplicate(
    tmp_path: Path,
) -> None:
    root = tmp_path / "golden-path"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("__pycache__", ".ssotlint_cache"))
    ctx_file = root / "netra_backend/app/agents/base/execution_context.py"
    before = ctx_file.read_bytes()
    _check(root, fix=True)
    assert b"class ExecutionStatus(Enum):" in ctx_file.read_bytes()
    assert ctx_file.read_bytes() == before


def test_fix_only_touches_the_passed_paths(make_project: Callable[..., Path]) -> None:
    root = _project(make_project, "a.py", OLD + b"\n")
    (root / "app/b.py").write_bytes(OLD + b"\n")
    result = _check(root, fix=True, paths=[root / "app/a.py"])
    assert result.fixed_files == {"app/a.py": 1}
    assert (root / "app/a.py").read_bytes() == NEW + b"\n"
    assert (root / "app/b.py").read_bytes() == OLD + b"\n"
    assert result.diagnostics == []  # only a.py is reported


def test_suppressed_findings_are_not_fixed(make_project: Callable[..., Path]) -> None:
    data = (
        OLD
        + b"  # noqa: SOT202\n"
        + b"from app.old_manager import Manager as M2  # ssotlint: ignore[SOT202]\n"
    )
    root = _project(make_project, "use.py", data)
    result = _check(root, fix=True)
    assert result.fixed_files == {}
    assert (root / "app/use.py").read_bytes() == data
    assert result.diagnostics == []


def test_mixed_line_endings_are_kept_line_by_line(make_project: Callable[..., Path]) -> None:
    data = b"import os\r\n" + OLD + b"\nx = Manager\r\n"
    root = _project(make_project, "use.py", data)
    _check(root, fix=True)
    assert (root / "app/use.py").read_bytes() == b"import os\r\n" + NEW + b"\nx = Manager\r\n"


def test_rename_fix_keeps_crlf_and_bom(make_project: Callable[..., Path]) -> None:
    config = CONFIG + '"app.models.Old" = { replacement = "app.models.New", drop-in = true }\n'
    root = make_project(
        {**BASE, "app/models.py": "class Old:\n    pass\n\n\nclass New:\n    pass\n"}, config
    )
    data = b"\xef\xbb\xbf# caf\xc3\xa9\r\nfrom app.models import Old\r\n\r\nx = Old()\r\n"
    (root / "app/use.py").write_bytes(data)
    result = _check(root, fix=True)
    assert result.fixed_files == {"app/use.py": 1}
    assert (root / "app/use.py").read_bytes() == (
        b"\xef\xbb\xbf# caf\xc3\xa9\r\nfrom app.models import New\r\n\r\nx = New()\r\n"
    )


@pytest.mark.parametrize("newline", [b"\r", b"\n", b"\r\n"])
def test_rename_fix_keeps_the_final_line_ending(
    make_project: Callable[..., Path], newline: bytes
) -> None:
    """libcst drops the last `\r` of a CR-only file; ssotlint puts it back."""
    config = CONFIG + '"app.models.Old" = { replacement = "app.models.New", drop-in = true }\n'
    root = make_project(
        {**BASE, "app/models.py": "class Old:\n    pass\n\n\nclass New:\n    pass\n"}, config
    )
    data = b"from app.models import Old" + newline + b"x = Old()" + newline
    (root / "app/use.py").write_bytes(data)
    assert _check(root, fix=True).fixed_files == {"app/use.py": 1}
    assert (root / "app/use.py").read_bytes() == data.replace(b"Old", b"New")


def test_diff_shows_unsafe_fixes_only_when_asked(
    make_project: Callable[..., Path], cli: Cli
) -> None:
    enum = "from enum import Enum\n\n\nclass Color(Enum):\n    RED = 1\n"
    root = make_project(
        {"app/__init__.py": "", "app/enums.py": enum, "app/dup.py": enum},
        '[tool.ssotlint.canonical]\nmodules = ["app.enums"]\n',
    )
    code, out, _ = cli(root, "check", "--diff", "--no-cache")
    assert (code, out) == (0, "")  # only an unsafe fix exists
    code, out, _ = cli(root, "check", "--diff", "--unsafe-fixes", "--no-cache")
    assert code == 1
    assert "+from app.enums import Color" in out.splitlines()
    assert "-class Color(Enum):" in out.splitlines()
    assert (root / "app/dup.py").read_text() == enum
