"""The command line: exit codes, path narrowing over a whole-project index, selection, docs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Cli, run_cli

from ssotlint import __version__
from ssotlint.rule import load_rules

CONFIG = """
[tool.ssotlint.deprecated]
"app.old_manager" = { replacement = "app.manager" }
"app.models.Old" = { message = "use New" }
"""
FILES = {
    "app/__init__.py": "",
    "app/manager.py": "class Manager:\n    pass\n",
    "app/old_manager.py": "from app.manager import Manager\n",
    "app/models.py": "class Old:\n    pass\n\n\nclass New:\n    pass\n",
    # SOT103: `Moved` lives in app.models.new_home, not app.models
    "app/user.py": "from app.models import Old\nfrom app.shapes import Moved\n",
    "app/shapes.py": "X = 1\n",
    "app/home.py": "class Moved:\n    pass\n",
    "app/legacy/__init__.py": "",
    "app/legacy/old.py": "from app.models import Old\nfrom app.old_manager import Manager\n",
    "scripts/tool.py": "from app.models import Old\n",
}


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    return make_project(FILES, CONFIG)


def _found(cli: Cli, cwd: Path, *args: str) -> list[str]:
    code, out, err = cli(cwd, "check", "--no-cache", "--format", "json", *args)
    assert code in (0, 1), err
    found = [f"{d['path']}:{d['line']} {d['code']}" for d in json.loads(out)]
    assert code == (1 if found else 0)
    return found


ALL = [
    "app/legacy/old.py:1 SOT201",
    "app/legacy/old.py:2 SOT202",
    "app/user.py:1 SOT201",
    "app/user.py:2 SOT103",
    "scripts/tool.py:1 SOT201",
]


def test_whole_project(cli: Cli, project: Path) -> None:
    assert _found(cli, project) == ALL


def test_exit_codes(cli: Cli, project: Path, make_project: Callable[..., Path]) -> None:
    assert cli(project, "check", "--no-cache")[0] == 1
    assert cli(project, "check", "--no-cache", "--exit-zero")[0] == 0
    code, out, _ = cli(project, "check", "--no-cache", "--exit-zero", "--format", "concise")
    assert code == 0 and len(out.splitlines()) == len(ALL)  # still reported
    clean = make_project({"app/__init__.py": "", "app/a.py": "x = 1\n"}, name="clean")
    assert cli(clean, "check", "--no-cache")[0] == 0
    broken = make_project({"app/a.py": "x = 1\n"}, "src = 1\n", name="broken")
    assert cli(broken, "check", "--no-cache")[0] == 2
    assert cli(broken, "check", "--no-cache", "--exit-zero")[0] == 2


def test_usage_errors_are_exit_2(cli: Cli, project: Path) -> None:
    for args in (("check", "--no-such-flag"), ("frobnicate",), ()):
        with pytest.raises(SystemExit) as info:
            cli(project, *args)
        assert info.value.code == 2, args
    assert cli(project, "check", "--jobs", "0")[0] == 2


def test_paths_narrow_reports_but_index_covers_project(cli: Cli, project: Path) -> None:
    # the SOT103 in app/user.py depends on app/shapes.py, which is not passed
    assert _found(cli, project, "app/user.py") == ["app/user.py:1 SOT201", "app/user.py:2 SOT103"]
    assert _found(cli, project, "app/legacy") == ALL[:2]
    assert _found(cli, project, "app/legacy/old.py", "scripts/tool.py") == [
        ALL[0], ALL[1], ALL[4]
    ]  # fmt: skip
    assert _found(cli, project, "app/shapes.py") == []


def test_cross_file_duplicate_found_when_one_file_is_passed(
    cli: Cli, make_project: Callable[..., Path]
) -> None:
    enum = "from enum import Enum\n\n\nclass Color(Enum):\n    RED = 1\n"
    root = make_project(
        {"app/__init__.py": "", "app/canon.py": enum, "app/dup.py": enum},
        '[tool.ssotlint.canonical]\nmodules = ["app.canon"]\n',
    )
    assert _found(cli, root, "app/dup.py") == ["app/dup.py:4 SOT101"]
    assert _found(cli, root, "app/canon.py") == []


def test_paths_relative_to_a_subfolder(cli: Cli, project: Path) -> None:
    """Run from inside the project: the root is found upward, paths stay root-relative."""
    assert _found(cli, project / "app", "user.py") == [
        "app/user.py:1 SOT201",
        "app/user.py:2 SOT103",
    ]
    assert _found(cli, project / "app" / "legacy") == ALL


def test_absolute_path(cli: Cli, project: Path, tmp_path: Path) -> None:
    assert _found(cli, tmp_path, str(project / "scripts" / "tool.py")) == [ALL[4]]


def test_select_and_ignore(cli: Cli, project: Path) -> None:
    assert _found(cli, project, "--select", "SOT202") == ["app/legacy/old.py:2 SOT202"]
    assert _found(cli, project, "--select", "sot1") == ["app/user.py:2 SOT103"]
    assert _found(cli, project, "--select", "SOT103,SOT202") == [ALL[1], ALL[3]]
    assert _found(cli, project, "--ignore", "SOT201") == [ALL[1], ALL[3]]
    assert _found(cli, project, "--ignore", "SOT2") == [ALL[3]]
    # the more specific wins: select SOT2 but ignore SOT201
    assert _found(cli, project, "--select", "SOT2", "--ignore", "SOT201") == [ALL[1]]


def test_config_select_and_ignore(cli: Cli, make_project: Callable[..., Path]) -> None:
    root = make_project(FILES, CONFIG.replace("[tool", 'ignore = ["SOT201"]\n[tool', 1))
    assert _found(cli, root) == [ALL[1], ALL[3]]
    root = make_project(FILES, CONFIG.replace("[tool", 'select = ["SOT103"]\n[tool', 1), name="p2")
    assert _found(cli, root) == [ALL[3]]
    # --select on the command line replaces the configured selection
    assert _found(cli, root, "--select", "SOT202") == [ALL[1]]


def test_per_file_ignores(cli: Cli, make_project: Callable[..., Path]) -> None:
    config = 'per-file-ignores = { "scripts/**" = ["SOT201"], "app/legacy/*.py" = ["SOT2"] }\n'
    root = make_project(FILES, config + CONFIG)
    assert _found(cli, root) == ["app/user.py:1 SOT201", "app/user.py:2 SOT103"]


def test_exclude_removes_files_from_reports(cli: Cli, make_project: Callable[..., Path]) -> None:
    root = make_project(FILES, 'exclude = ["app/legacy/**", "scripts"]\n' + CONFIG)
    assert _found(cli, root) == ["app/user.py:1 SOT201", "app/user.py:2 SOT103"]


def test_gitignore_is_honoured(cli: Cli, project: Path) -> None:
    (project / ".gitignore").write_text("scripts/\n# comment\n*.tmp\n")
    assert _found(cli, project) == ALL[:4]


def test_rules_lists_every_code(cli: Cli, project: Path) -> None:
    code, out, _ = cli(project, "rules")
    assert code == 0
    rules = load_rules()
    listed = [line.split()[0] for line in out.splitlines() if line.strip()]
    assert listed == sorted(rules)
    for code_, cls in rules.items():
        assert any(line.startswith(code_) and cls.slug in line for line in out.splitlines())
    assert {"SOT101", "SOT102", "SOT103", "SOT201", "SOT202", "SOT901", "SOT999"} <= set(listed)


def test_rule_prints_docs(cli: Cli, project: Path) -> None:
    code, out, _ = cli(project, "rule", "SOT201")
    assert code == 0
    assert out.splitlines()[0].startswith("SOT201")
    assert "deprecated-symbol" in out.splitlines()[0]
    assert len(out.splitlines()) > 5
    assert cli(project, "rule", "sot201")[1] == out
    assert cli(project, "rule", "deprecated-symbol")[1] == out  # by slug


def test_unknown_rule_is_exit_2(cli: Cli, project: Path) -> None:
    code, out, err = cli(project, "rule", "SOT777")
    assert code == 2
    assert out == ""
    assert "SOT777" in err


def test_python_dash_m_and_console_script(project: Path) -> None:
    proc = run_cli("--version", cwd=project)
    assert proc.returncode == 0
    assert __version__ in proc.stdout
    proc = run_cli("check", "--no-cache", "--format", "json", "app/user.py", cwd=project)
    assert proc.returncode == 1, proc.stderr
    assert [d["code"] for d in json.loads(proc.stdout)] == ["SOT201", "SOT103"]
    script = Path(sys.executable).with_name("ssotlint")
    if script.exists():
        env = {**os.environ, "NO_COLOR": "1"}
        proc2 = subprocess.run(
            [str(script), "rule", "SOT999"], cwd=project, capture_output=True, text=True,
            env=env, timeout=120,
        )  # fmt: skip
        assert proc2.returncode == 0
        assert proc2.stdout.startswith("SOT999")


def test_no_project_config_lints_the_current_folder(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "a.py").write_text("from pkg.b import Missing\n")
    (tmp_path / "pkg" / "b.py").write_text("X = 1\n")
    assert _found(cli, tmp_path) == ["pkg/a.py:1 SOT103"]


def test_per_file_ignores_pattern_without_slash_matches_at_any_depth(
    cli: Cli, make_project: Callable[..., Path]
) -> None:
    """Like `exclude` and .gitignore (and flake8/ruff): `old.py` means every old.py."""
    root = make_project(
        FILES, 'per-file-ignores = { "old.py" = ["SOT2"], "tool.py" = ["SOT201"] }\n' + CONFIG
    )
    assert _found(cli, root) == ["app/user.py:1 SOT201", "app/user.py:2 SOT103"]


def test_per_file_ignores_folder_pattern(cli: Cli, make_project: Callable[..., Path]) -> None:
    root = make_project(
        FILES, 'per-file-ignores = { "legacy/" = ["SOT2"], "scripts" = ["SOT201"] }\n' + CONFIG
    )
    assert _found(cli, root) == ["app/user.py:1 SOT201", "app/user.py:2 SOT103"]
