"""The flake8 plugin, tested by running the real `flake8` in subprocesses on the example."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import EXAMPLE, run_cli

from ssotlint.engine import POOL_THRESHOLD

pytest.importorskip("flake8")

LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+[0-9]+) (?P<text>.*)$"
)
Finding = tuple[str, int, int, str]  # path, line, column (1-based), code

TEST_FILE = "netra_backend/tests/e2e/test_workflow_orchestrator_golden_path.py"
ORCHESTRATOR = "netra_backend/app/agents/workflow_orchestrator.py"
CLEAN_FILE = "netra_backend/app/services/user_execution_context.py"  # no findings
DUPLICATE = "netra_backend/app/agents/base/execution_context.py"
WRONG_IMPORT = "from netra_backend.app.agents.base.execution_context import ExecutionStatus\n"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A private copy of the example monorepo (without any cache)."""
    root = tmp_path / "golden-path"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".ssotlint_cache", "__pycache__"))
    return root


def flake8(
    *args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real flake8 (with every installed plugin) in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "flake8", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        input=stdin,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def parse(out: str) -> list[tuple[str, int, int, str, str]]:
    found = []
    for raw in out.splitlines():
        m = LINE.match(raw)
        assert m is not None, f"unexpected flake8 output line: {raw!r}"
        path = m["path"].removeprefix("./")
        found.append((path, int(m["line"]), int(m["col"]), m["code"], m["text"]))
    return found


def findings(out: str, prefix: str = "SOT") -> set[Finding]:
    return {(p, ln, col, code) for p, ln, col, code, _ in parse(out) if code.startswith(prefix)}


def ssotlint_json(root: Path, *paths: str) -> list[dict[str, object]]:
    proc = run_cli("check", "--format", "json", "--exit-zero", *paths, cwd=root)
    assert proc.returncode == 0, proc.stderr
    return list(json.loads(proc.stdout))


def as_findings(items: list[dict[str, object]]) -> set[Finding]:
    return {(str(d["path"]), int(d["line"]), int(d["column"]), str(d["code"])) for d in items}  # type: ignore[call-overload]


def test_sot_codes_line_and_column_match_ssotlint_check(example: Path) -> None:
    expected = ssotlint_json(example)
    assert {d["code"] for d in expected} >= {"SOT101", "SOT102", "SOT103", "SOT201", "SOT202"}
    proc = flake8("--select", "SOT", ".", cwd=example)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    got = parse(proc.stdout)
    assert {(p, ln, c, code) for p, ln, c, code, _ in got} == as_findings(expected)
    # The same message text as `ssotlint check`.
    messages = {(p, ln, c, code): text for p, ln, c, code, text in got}
    for d in expected:
        key = (d["path"], d["line"], d["column"], d["code"])
        assert messages[key] == d["message"]  # type: ignore[index]


def test_one_file_matches_ssotlint_check_of_that_file(example: Path) -> None:
    for rel in (TEST_FILE, DUPLICATE, "netra_backend/app/websocket_core/types.py"):
        expected = as_findings(ssotlint_json(example, rel))
        assert expected, rel
        proc = flake8("--select", "SOT", rel, cwd=example)
        assert findings(proc.stdout) == expected, proc.stdout + proc.stderr


def test_select_sot_shows_only_sot_codes(example: Path) -> None:
    everything = parse(flake8(TEST_FILE, ORCHESTRATOR, cwd=example).stdout)
    assert any(not code.startswith("SOT") for _, _, _, code, _ in everything), (
        "expected pycodestyle findings (E501) in the example without --select"
    )
    assert any(code.startswith("SOT") for _, _, _, code, _ in everything)
    only = parse(flake8("--select", "SOT", TEST_FILE, ORCHESTRATOR, cwd=example).stdout)
    assert only and all(code.startswith("SOT") for _, _, _, code, _ in only)


def test_noqa_silences_that_line_only(example: Path) -> None:
    target = example / ORCHESTRATOR
    lines = target.read_text().splitlines(keepends=True)
    assert lines[4].startswith("from netra_backend.app.schemas import ExecutionStatus")
    before = findings(flake8("--select", "SOT", ORCHESTRATOR, cwd=example).stdout)
    assert (ORCHESTRATOR, 5, 39, "SOT102") in before

    lines[4] = lines[4].rstrip("\n") + "  # noqa: SOT102\n"
    target.write_text("".join(lines))
    proc = flake8("--select", "SOT", ORCHESTRATOR, cwd=example)
    assert findings(proc.stdout) == before - {(ORCHESTRATOR, 5, 39, "SOT102")}
    assert "SOT901" not in proc.stdout  # the suppression is used

    # A noqa naming another code does not silence SOT102.
    lines[4] = lines[4].replace("# noqa: SOT102", "# noqa: E501")
    target.write_text("".join(lines))
    assert (ORCHESTRATOR, 5, 39, "SOT102") in findings(
        flake8("--select", "SOT", ORCHESTRATOR, cwd=example).stdout
    )

    # A bare noqa silences everything on the line.
    lines[4] = lines[4].replace("# noqa: E501", "# noqa")
    target.write_text("".join(lines))
    assert findings(flake8("--select", "SOT", ORCHESTRATOR, cwd=example).stdout) == before - {
        (ORCHESTRATOR, 5, 39, "SOT102")
    }


def _insert_after_imports(text: str, new: str) -> tuple[str, int]:
    """`text` with `new` inserted after the last top-level import; the new line's number."""
    lines = text.splitlines(keepends=True)
    last = max(i for i, line in enumerate(lines) if line.startswith(("import ", "from ")))
    lines.insert(last + 1, new)
    return "".join(lines), last + 2


def test_stdin_buffer_reports_new_cross_file_violation(example: Path) -> None:
    disk = (example / CLEAN_FILE).read_text()
    assert findings(flake8("--select", "SOT", CLEAN_FILE, cwd=example).stdout) == set()
    buffer, line = _insert_after_imports(disk, WRONG_IMPORT)
    col = WRONG_IMPORT.index("ExecutionStatus") + 1

    proc = flake8(
        "--select", "SOT", "--stdin-display-name", CLEAN_FILE, "-", cwd=example, stdin=buffer
    )
    got = parse(proc.stdout)
    assert [(p, ln, c, code) for p, ln, c, code, _ in got] == [(CLEAN_FILE, line, col, "SOT102")]
    assert "different object" in got[0][4]
    # The disk copy is untouched and still clean.
    assert (example / CLEAN_FILE).read_text() == disk
    assert findings(flake8("--select", "SOT", CLEAN_FILE, cwd=example).stdout) == set()

    # Editors often pass an absolute path and run from elsewhere.
    absolute = str(example / CLEAN_FILE)
    proc = flake8(
        "--select", "SOT", "--stdin-display-name", absolute, "-", cwd=example.parent, stdin=buffer
    )
    assert findings(proc.stdout) == {(absolute, line, col, "SOT102")}


def test_stdin_buffer_is_what_the_index_sees(example: Path) -> None:
    # A new duplicate enum typed into a clean file: SOT101 needs the buffer's own definition in
    # the project index (the disk copy has none).
    disk = (example / CLEAN_FILE).read_text()
    buffer = (
        disk
        + "\n\nfrom enum import Enum\n\n\nclass ExecutionStatus(Enum):\n    PENDING = 'pending'\n"
    )
    line = buffer.splitlines().index("class ExecutionStatus(Enum):") + 1
    proc = flake8(
        "--select", "SOT", "--stdin-display-name", CLEAN_FILE, "-", cwd=example, stdin=buffer
    )
    got = parse(proc.stdout)
    assert [(p, ln, c, code) for p, ln, c, code, _ in got] == [(CLEAN_FILE, line, 1, "SOT101")]
    assert "and 2 other modules" in got[0][4]


def test_stdin_buffer_with_shifted_and_fixed_lines(example: Path) -> None:
    disk = (example / ORCHESTRATOR).read_text()
    on_disk = findings(flake8("--select", "SOT", ORCHESTRATOR, cwd=example).stdout)
    assert on_disk == {(ORCHESTRATOR, 5, 39, "SOT102")}
    shifted = "# one\n# two\n# three\n" + disk
    proc = flake8(
        "--select", "SOT", "--stdin-display-name", ORCHESTRATOR, "-", cwd=example, stdin=shifted
    )
    assert findings(proc.stdout) == {(ORCHESTRATOR, 8, 39, "SOT102")}
    fixed = disk.replace(
        "from netra_backend.app.schemas import ExecutionStatus",
        "from netra_backend.app.schemas.core_enums import ExecutionStatus",
    )
    proc = flake8(
        "--select", "SOT", "--stdin-display-name", ORCHESTRATOR, "-", cwd=example, stdin=fixed
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == ""


def test_stdin_without_project_file_name_reports_nothing(example: Path) -> None:
    proc = flake8("--select", "SOT", "-", cwd=example, stdin=WRONG_IMPORT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = flake8(
        "--select", "SOT", "--stdin-display-name", "backup/execution_context.py", "-",
        cwd=example, stdin=WRONG_IMPORT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr  # excluded by [tool.ssotlint]


def test_parallel_jobs_give_the_same_results_as_serial(example: Path) -> None:
    expected = as_findings(ssotlint_json(example))
    shutil.rmtree(example / ".ssotlint_cache")
    # Cold cache: several worker processes build and write the index at once.
    parallel = flake8("--select", "SOT", "-j", "2", ".", cwd=example)
    serial = flake8("--select", "SOT", "-j", "1", ".", cwd=example)
    assert parallel.stderr == serial.stderr == ""
    assert parallel.stdout == serial.stdout
    assert findings(parallel.stdout) == expected
    shutil.rmtree(example / ".ssotlint_cache", ignore_errors=True)
    again = flake8("--select", "SOT", "-j", "4", ".", cwd=example)
    assert again.stdout == serial.stdout, again.stderr
    # The shared cache is whole (no torn or leftover temp files) and still used by the CLI.
    cache = example / ".ssotlint_cache"
    leftovers = [p.name for p in cache.rglob(".*") if p.is_file() and p.name != ".gitignore"]
    assert leftovers == []
    assert as_findings(ssotlint_json(example)) == expected


def test_parallel_workers_index_a_large_project_cold(example: Path) -> None:
    # flake8 -j workers are daemonic pool processes: indexing many stale files there must not
    # try to start a process pool of its own ("daemonic processes are not allowed to have
    # children").
    count = POOL_THRESHOLD + 20
    gen = example / "gen"
    gen.mkdir()
    (gen / "__init__.py").write_text("")
    line = "from netra_backend.app.schemas.agent_models import DeepAgentState\n"
    for n in range(count):
        (gen / f"m{n}.py").write_text(line)
    proc = flake8("--select", "SOT", "-j", "2", "gen/m0.py", "gen/m1.py", TEST_FILE, cwd=example)
    assert proc.stderr == ""
    got = findings(proc.stdout)
    assert {("gen/m0.py", 1, 52, "SOT201"), ("gen/m1.py", 1, 52, "SOT201")} <= got
    assert got == as_findings(ssotlint_json(example, "gen/m0.py", "gen/m1.py", TEST_FILE))


def test_select_and_extend_ignore(example: Path) -> None:
    expected = as_findings(ssotlint_json(example))
    only_201 = findings(flake8("--select", "SOT201", ".", cwd=example).stdout, prefix="")
    assert only_201 == {f for f in expected if f[3] == "SOT201"}
    assert only_201

    proc = flake8("--extend-ignore", "SOT2", ".", cwd=example)
    got = findings(proc.stdout)
    assert got == {f for f in expected if not f[3].startswith("SOT2")}
    assert any(f[3].startswith("SOT1") for f in got)
    assert any(not code.startswith("SOT") for _, _, _, code, _ in parse(proc.stdout))

    proc = flake8("--select", "SOT", "--extend-ignore", "SOT103,SOT201", ".", cwd=example)
    assert findings(proc.stdout) == {f for f in expected if f[3] not in ("SOT103", "SOT201")}


ALT_CONFIG = """\
[tool.ssotlint]
exclude = ["backup/**"]
select = ["SOT2"]

[tool.ssotlint.deprecated."netra_backend.app.websocket_core.old_manager"]
replacement = "netra_backend.app.websocket_core.manager"
"""


def test_ssotlint_config_option_and_flake8_config_file(example: Path) -> None:
    (example / "alt.toml").write_text(ALT_CONFIG)
    default = findings(flake8("--select", "SOT", ".", cwd=example).stdout)
    assert any(code.startswith("SOT1") for *_, code in default)
    # alt.toml: only SOT2, and DeepAgentState is not deprecated there; the module and the
    # PEP 702 `@deprecated` ExecutionEngine (line 6 of the test file) still are.
    expected = {f for f in default if f[3] == "SOT202"} | {(TEST_FILE, 6, 55, "SOT201")}
    assert expected < default
    proc = flake8("--select", "SOT", "--ssotlint-config", "./alt.toml", ".", cwd=example)
    assert findings(proc.stdout) == expected, proc.stderr

    # The same through flake8's own config file, its path relative to that file's folder
    # (flake8 runs in a subfolder and finds ../.flake8).
    (example / ".flake8").write_text("[flake8]\nssotlint-config = ./alt.toml\n")
    proc = flake8("--select", "SOT", ".", cwd=example / "netra_backend")
    got = {("netra_backend/" + p, ln, c, code) for p, ln, c, code in findings(proc.stdout)}
    assert got == expected, proc.stderr

    # A missing file is reported, not a crash.
    (example / ".flake8").unlink()
    proc = flake8("--select", "SOT", "--ssotlint-config", "./nope.toml", CLEAN_FILE, cwd=example)
    got_lines = parse(proc.stdout)
    assert [(p, ln, c, code) for p, ln, c, code, _ in got_lines] == [(CLEAN_FILE, 1, 1, "SOT999")]
    assert "nope.toml" in got_lines[0][4]


def test_tool_ssotlint_in_pyproject_is_found_from_the_file(example: Path) -> None:
    pyproject = example / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            'exclude = ["backup/**"]', 'exclude = ["backup/**"]\nignore = ["SOT102"]'
        )
    )
    # Run from outside the project: the project is found from the file's path.
    proc = flake8("--select", "SOT", str(example / TEST_FILE), cwd=example.parent)
    codes = sorted(code for *_, code in findings(proc.stdout))
    assert "SOT102" not in codes
    assert "SOT103" in codes and "SOT201" in codes


def test_config_error_is_a_finding_not_a_crash(example: Path) -> None:
    pyproject = example / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("fail-under = 90.0", "fail-under = 'high'"))
    proc = flake8("--select", "SOT", CLEAN_FILE, cwd=example)
    got = parse(proc.stdout)
    assert [(p, ln, c, code) for p, ln, c, code, _ in got] == [(CLEAN_FILE, 1, 1, "SOT999")]
    assert "fail-under" in got[0][4]
    assert "Traceback" not in proc.stderr


def test_disk_changes_to_other_files_are_picked_up(example: Path) -> None:
    assert (TEST_FILE, 4, 61, "SOT102") in findings(
        flake8("--select", "SOT", TEST_FILE, cwd=example).stdout
    )
    # The duplicate enum goes away: the import of it becomes an unresolved one (SOT103).
    dup = example / DUPLICATE
    text = dup.read_text()
    start = text.index("class ExecutionStatus(Enum):")
    end = text.index("@dataclass")
    dup.write_text(text[:start] + text[end:])
    got = findings(flake8("--select", "SOT", TEST_FILE, cwd=example).stdout)
    assert (TEST_FILE, 4, 61, "SOT103") in got
    assert (TEST_FILE, 4, 61, "SOT102") not in got


IN_PROCESS = """
import sys
from pathlib import Path
from flake8.main.cli import main

def run():
    try:
        main(["--select", "SOT", sys.argv[1]])
    except SystemExit:
        pass
    sys.stdout.write("--- end of run ---\\n")
    sys.stdout.flush()

run()
dup = Path(sys.argv[2])
text = dup.read_text()
dup.write_text(text[: text.index("class ExecutionStatus(Enum):")] + text[text.index("@dataclass"):])
run()
"""


def test_long_lived_process_sees_disk_changes(example: Path) -> None:
    # Editor servers (the VS Code flake8 extension) run flake8 in-process, many times.
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(IN_PROCESS), TEST_FILE, DUPLICATE],
        cwd=example,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    first, second, _ = proc.stdout.split("--- end of run ---\n")
    assert (TEST_FILE, 4, 61, "SOT102") in findings(first)
    assert (TEST_FILE, 4, 61, "SOT103") in findings(second)
    assert (TEST_FILE, 4, 61, "SOT102") not in findings(second)


def _age(root: Path, seconds: int = 3600) -> None:
    """Date every folder and file back, as in a checkout that is not being edited."""
    past = os.stat(root).st_mtime - seconds
    for path in [root, *root.rglob("*")]:
        os.utime(path, (past, past))


def test_warm_file_list_sees_new_and_ignored_files(example: Path) -> None:
    (example / ".gitignore").write_text("# nothing yet\n")
    _age(example)
    assert findings(flake8("--select", "SOT", CLEAN_FILE, cwd=example).stdout) == set()
    tree = example / ".ssotlint_cache"
    assert list(tree.rglob("tree.pickle")), "the file list of an unchanged tree is cached"

    # A new module: its folder's mtime changes, so the cached file list is not used.
    extra = example / "netra_backend/app/agents/extra.py"
    extra.write_text(WRONG_IMPORT)
    got = findings(
        flake8("--select", "SOT", "netra_backend/app/agents/extra.py", cwd=example).stdout
    )
    assert got == {("netra_backend/app/agents/extra.py", 1, 61, "SOT102")}

    # A .gitignore edited in place (its folder's mtime does not change) is seen too.
    _age(example)
    flake8("--select", "SOT", CLEAN_FILE, cwd=example)  # re-cache the listing
    with (example / ".gitignore").open("a") as handle:
        handle.write("netra_backend/app/agents/extra.py\n")
    proc = flake8("--select", "SOT", "netra_backend/app/agents/extra.py", cwd=example)
    assert proc.stdout == "", proc.stdout

    # A removed module: the import of it becomes unresolved in other files.
    _age(example)
    flake8("--select", "SOT", CLEAN_FILE, cwd=example)
    (example / "netra_backend/app/agents/base/execution_result.py").unlink()
    got = findings(flake8("--select", "SOT", ORCHESTRATOR, cwd=example).stdout)
    assert any(f[1] == 4 and f[3] == "SOT103" for f in got), got  # import of execution_result


def test_project_reached_through_a_symlink(example: Path) -> None:
    link = example.parent / "linked"
    link.symlink_to(example, target_is_directory=True)
    expected = as_findings(ssotlint_json(example, TEST_FILE))
    proc = flake8("--select", "SOT", TEST_FILE, cwd=link)
    assert findings(proc.stdout) == expected, proc.stderr
    proc = flake8("--select", "SOT", str(link / TEST_FILE), cwd=example.parent)
    assert {(TEST_FILE, *f[1:]) for f in findings(proc.stdout)} == expected, proc.stderr


BROKEN_RULES = """
import sys
from flake8.main.cli import main
from ssotlint.engine import Session

def boom(self, relpath, data):
    raise RuntimeError("simulated bug")

Session.check_buffer = boom
main(sys.argv[1:])
"""


def test_an_internal_error_is_a_finding_not_a_crash(example: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", BROKEN_RULES, "--select", "SOT,E501", TEST_FILE],
        cwd=example,
        capture_output=True,
        text=True,
        timeout=300,
    )
    got = parse(proc.stdout)
    assert (TEST_FILE, 1, 1, "SOT999") in {(p, ln, c, code) for p, ln, c, code, _ in got}
    assert any("simulated bug" in text for *_, text in got)
    assert any(code == "E501" for _, _, _, code, _ in got)  # the rest of flake8 still ran
    assert "Traceback" not in proc.stderr
