"""Output formats: the public JSON shape, GitHub annotations, concise, text and --statistics."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Cli

from ssotlint.diagnostics import Diagnostic, Fix
from ssotlint.output import render_github, render_json, render_text

CONFIG = """
[tool.ssotlint.canonical]
modules = ["app.schemas.enums"]

[tool.ssotlint.deprecated]
"app.old_manager" = { replacement = "app.manager" }
"app.models.Old" = { message = "use New" }
"""
FILES = {
    "app/__init__.py": "",
    "app/manager.py": "class Manager:\n    pass\n",
    "app/old_manager.py": "from app.manager import Manager\n",
    "app/models.py": "class Old:\n    pass\n\n\nclass New:\n    pass\n",
    "app/schemas/__init__.py": "",
    "app/schemas/enums.py": "from enum import Enum\n\n\nclass Color(Enum):\n    RED = 1\n",
    "app/legacy/__init__.py": "",
    "app/legacy/colors.py": "from enum import Enum\n\n\nclass Color(Enum):\n    RED = 1\n",
    "app/z_use.py": "from app.models import Old\nfrom app.old_manager import Manager\n"
    "from app.models import Old as O2, New\n",
    "app/a_use.py": "import app.models\n\nx = app.models.Old\n",
    "app/broken.py": "def (:\n",
}
ANSI = re.compile(r"\x1b\[")


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    return make_project(FILES, CONFIG)


def _json(cli: Cli, root: Path, *args: str) -> list[dict[str, object]]:
    code, out, err = cli(root, "check", "--no-cache", "--format", "json", *args)
    assert code in (0, 1), err
    data = json.loads(out)
    assert isinstance(data, list)
    return data


def test_json_shape(cli: Cli, project: Path) -> None:
    data = _json(cli, project)
    assert data, "the project has findings"
    required = {
        "code", "slug", "message", "path", "line", "column", "end_line", "end_column", "fix"
    }  # fmt: skip
    for item in data:
        assert required <= set(item), item
        assert re.fullmatch(r"SOT\d{3}", str(item["code"]))
        assert isinstance(item["slug"], str) and item["slug"]
        assert isinstance(item["message"], str) and item["message"]
        path = str(item["path"])
        assert "\\" not in path and not path.startswith(("/", "./"))
        assert (project / path).is_file()
        for key in ("line", "column", "end_line", "end_column"):
            assert isinstance(item[key], int) and item[key] >= 1, (key, item)
        assert (item["end_line"], item["end_column"]) >= (item["line"], item["column"])
        fix = item["fix"]
        if fix is not None:
            assert isinstance(fix, dict)
            assert fix["applicability"] in ("safe", "unsafe")
            assert isinstance(fix["message"], str) and fix["message"]


def test_json_content_and_positions(cli: Cli, project: Path) -> None:
    data = _json(cli, project)
    by_key = {(d["path"], d["line"], d["code"]): d for d in data}
    slugs = {d["code"]: d["slug"] for d in data}
    assert slugs["SOT201"] == "deprecated-symbol"
    assert slugs["SOT202"] == "deprecated-module"
    assert slugs["SOT101"] == "duplicate-definition"
    assert slugs["SOT999"] == "parse-error"
    old = by_key[("app/z_use.py", 1, "SOT201")]
    line = FILES["app/z_use.py"].splitlines()[0]
    assert old["column"] == line.index("Old") + 1  # 1-based
    assert old["end_column"] == old["column"] + len("Old")
    assert old["fix"] is None  # no drop-in replacement configured
    mod = by_key[("app/z_use.py", 2, "SOT202")]
    assert mod["fix"] == {"applicability": "safe", "message": mod["fix"]["message"]}  # type: ignore[index]
    dup = by_key[("app/legacy/colors.py", 4, "SOT101")]
    assert dup["column"] == 1
    assert dup["fix"]["applicability"] == "unsafe"  # type: ignore[index]
    assert "app.schemas.enums" in str(dup["message"])
    assert by_key[("app/broken.py", 1, "SOT999")]["fix"] is None


def test_json_is_sorted(cli: Cli, project: Path) -> None:
    data = _json(cli, project)
    keys = [(d["path"], d["line"], d["column"], d["code"]) for d in data]
    assert keys == sorted(keys)  # type: ignore[type-var]
    assert len({d["path"] for d in data}) >= 3


def test_json_sort_breaks_ties_by_code() -> None:
    diags = [
        Diagnostic("SOT202", "b.py", 1, 1, 1, 2, "m"),
        Diagnostic("SOT201", "b.py", 1, 1, 1, 2, "m"),
        Diagnostic("SOT999", "a/z.py", 9, 1, 9, 1, "m"),
        Diagnostic("SOT101", "b.py", 1, 5, 1, 6, "m", Fix("unsafe", "do it")),
    ]
    out = io.StringIO()
    render_json(sorted(diags, key=Diagnostic.sort_key), {"SOT101": "duplicate-definition"}, out)
    data = json.loads(out.getvalue())
    assert [(d["path"], d["column"], d["code"]) for d in data] == [
        ("a/z.py", 1, "SOT999"), ("b.py", 1, "SOT201"), ("b.py", 1, "SOT202"), ("b.py", 5, "SOT101")
    ]  # fmt: skip
    assert data[3]["fix"] == {"applicability": "unsafe", "message": "do it"}
    assert data[3]["slug"] == "duplicate-definition"


def test_json_empty_is_an_empty_array(cli: Cli, make_project: Callable[..., Path]) -> None:
    root = make_project({"app/__init__.py": "", "app/a.py": "x = 1\n"})
    code, out, _ = cli(root, "check", "--no-cache", "--format", "json")
    assert code == 0
    assert json.loads(out) == []


def test_github_format(cli: Cli, project: Path) -> None:
    code, out, _ = cli(project, "check", "--no-cache", "--format", "github")
    assert code == 1
    lines = out.splitlines()
    data = _json(cli, project)
    assert len(lines) == len(data)
    for line, item in zip(lines, data, strict=True):
        assert line.startswith("::error ")
        assert f"file={item['path']}," in line
        assert f"line={item['line']}," in line
        assert f"col={item['column']}" in line
        assert "::" + str(item["code"]) in line


def test_github_escapes_newlines_and_commas() -> None:
    out = io.StringIO()
    diag = Diagnostic("SOT201", "a,b/c:d.py", 2, 3, 2, 4, "50% bad\nsecond line")
    render_github([diag], {"SOT201": "deprecated-symbol"}, out)
    text = out.getvalue()
    assert text.count("\n") == 1
    assert "file=a%2Cb/c%3Ad.py," in text
    assert text.rstrip("\n").endswith("::SOT201 50%25 bad%0Asecond line")


def test_concise_format(cli: Cli, project: Path) -> None:
    code, out, _ = cli(project, "check", "--no-cache", "--format", "concise")
    assert code == 1
    data = _json(cli, project)
    lines = out.splitlines()
    assert len(lines) == len(data)
    pattern = re.compile(r"^(?P<path>[\w/.]+):(?P<line>\d+):(?P<col>\d+): (?P<code>SOT\d{3})\b")
    for line, item in zip(lines, data, strict=True):
        m = pattern.match(line)
        assert m, line
        assert (m["path"], int(m["line"]), int(m["col"]), m["code"]) == (
            item["path"], item["line"], item["column"], item["code"]
        )  # fmt: skip
        assert str(item["message"]) in line


def test_text_format_summary(cli: Cli, project: Path) -> None:
    code, out, _ = cli(project, "check", "--no-cache")
    assert code == 1
    assert not ANSI.search(out)
    data = _json(cli, project)
    files = len({d["path"] for d in data})
    assert re.search(rf"Found {len(data)} violations in {files} files", out)
    assert "fixable with `ssotlint check --fix`" in out
    assert "--unsafe-fixes" in out  # SOT101's fix is unsafe
    # every finding appears with its position, code and whole message (no wrapping)
    for item in data:
        assert f"{item['line']}:{item['column']} {item['code']}" in out
        assert str(item["message"]) in out


def test_text_format_clean(cli: Cli, make_project: Callable[..., Path]) -> None:
    root = make_project({"app/__init__.py": "", "app/a.py": "x = 1\n"})
    code, out, _ = cli(root, "check", "--no-cache")
    assert code == 0
    assert out.strip() == "All checks passed (2 files)."


def test_text_piped_from_a_real_process_has_no_ansi(project: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env["TERM"] = "xterm-256color"
    proc = subprocess.run(
        [sys.executable, "-m", "ssotlint", "check", "--no-cache"],
        cwd=project, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert not ANSI.search(proc.stdout)
    assert not ANSI.search(proc.stderr)
    assert proc.stdout.splitlines()[-1].startswith(("Found ", "[*]", "1 more", "2 more"))
    assert "violations in" in proc.stdout


def test_text_with_color_uses_ansi(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import old\n")
    out = io.StringIO()
    diag = Diagnostic("SOT202", "a.py", 1, 8, 1, 11, "old module")
    render_text([diag], {"SOT202": "deprecated-module"}, tmp_path, out, True, 1, False)
    assert ANSI.search(out.getvalue())


def test_statistics(cli: Cli, project: Path) -> None:
    data = _json(cli, project)
    code, out, _ = cli(project, "check", "--no-cache", "--statistics")
    assert code == 1
    counts: dict[str, int] = {}
    for item in data:
        counts[str(item["code"])] = counts.get(str(item["code"]), 0) + 1
    for code_, count in counts.items():
        assert re.search(rf"^\s*{count}\s+{code_}\s+\S", out, re.M), (code_, out)
    assert re.search(r"^\s*1\s+SOT202\s+deprecated-module \(1 fixable\)$", out, re.M)
    code, plain, _ = cli(project, "check", "--no-cache")
    assert not re.search(r"^\s*\d+\s+SOT202\s+deprecated-module", plain, re.M)


def test_formats_agree_on_findings(cli: Cli, project: Path) -> None:
    data = _json(cli, project)
    _, concise, _ = cli(project, "check", "--no-cache", "--format", "concise")
    _, github, _ = cli(project, "check", "--no-cache", "--format", "github")
    assert len(concise.splitlines()) == len(github.splitlines()) == len(data)


def test_unknown_format_is_a_usage_error(cli: Cli, project: Path) -> None:
    with pytest.raises(SystemExit) as info:
        cli(project, "check", "--format", "xml")
    assert info.value.code == 2
