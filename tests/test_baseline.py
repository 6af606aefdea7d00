"""Baselines: adopt ssotlint on legacy code, then ratchet (fingerprints, counts, score gate)."""

from __future__ import annotations

import json
import random
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import EXAMPLE, Cli, run_cli

from ssotlint.baseline import Baseline, BaselineError, LineReader, fingerprint, match
from ssotlint.diagnostics import Diagnostic

BASELINE = ".ssotlint-baseline.json"


CONFIG = """
[tool.ssotlint.deprecated]
"app.models.DeepAgentState" = { message = "use UserExecutionContext" }
"""

MODELS = "class DeepAgentState:\n    pass\n\n\nclass Fine:\n    pass\n"
USE = "import app.models as m\n\n\ndef run():\n    return m.DeepAgentState()\n"


def project(make_project: Callable[..., Path], use: str = USE, config: str = CONFIG) -> Path:
    return make_project({"app/__init__.py": "", "app/models.py": MODELS, "app/use.py": use}, config)


def findings(cli: Cli, root: Path, *args: str) -> tuple[int, list[dict], str]:
    code, out, err = cli(root, "check", "--format", "json", *args)
    assert code in (0, 1), err
    return code, json.loads(out), err


def write_baseline(cli: Cli, root: Path, *args: str) -> dict:
    code, _, err = cli(root, "baseline", *args)
    assert code == 0, err
    return json.loads((root / BASELINE).read_text())


# --------------------------------------------------------------------------------------------
# The file
# --------------------------------------------------------------------------------------------


def test_baseline_file_is_sorted_stable_and_deterministic(tmp_path: Path, cli: Cli) -> None:
    root = tmp_path / "gp"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".ssotlint_cache", BASELINE))
    code, _, err = cli(root, "baseline")
    assert code == 0, err
    assert BASELINE in err
    first = (root / BASELINE).read_bytes()
    data = json.loads(first)
    assert first.decode() == json.dumps(data, indent=2, sort_keys=True) + "\n"
    assert data["version"] == 1 and isinstance(data["score"], float)
    keys = [(v["path"], v["code"], v["symbol"], v["fingerprint"]) for v in data["violations"]]
    assert keys == sorted(keys)
    assert len({v["fingerprint"] for v in data["violations"]}) == len(data["violations"])
    # One (counted) entry per current finding.
    _, found, _ = findings(cli, root)
    assert sum(v["count"] for v in data["violations"]) == len(found)
    assert Counter(
        (v["path"], v["code"]) for v in data["violations"] for _ in range(v["count"])
    ) == Counter((f["path"], f["code"]) for f in found)
    # Twice (cached), from a sub-folder, and without the cache: the same bytes.
    cli(root, "baseline")
    assert (root / BASELINE).read_bytes() == first
    cli(root / "netra_backend" / "app", "baseline", "--no-cache")
    assert (root / BASELINE).read_bytes() == first
    proc = run_cli("baseline", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert (root / BASELINE).read_bytes() == first
    # The baseline matches the tree it was written from.
    code, found, err = findings(cli, root, "--baseline", BASELINE)
    assert (code, found) == (0, [])
    assert "fixed since baseline" not in err


def test_baseline_output_option(cli: Cli, make_project: Callable[..., Path]) -> None:
    root = project(make_project)
    code, _, err = cli(root, "baseline", "--output", "ci/base.json")
    assert code == 0, err
    assert not (root / BASELINE).exists()
    data = json.loads((root / "ci" / "base.json").read_text())
    assert [v["code"] for v in data["violations"]] == ["SOT201"]
    code, found, _ = findings(cli, root, "--baseline", "ci/base.json")
    assert (code, found) == (0, [])


def test_dumps_does_not_depend_on_finding_order(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\ny = 2\nz = 3\n")
    (tmp_path / "b.py").write_text("x = 1\n")
    diags = [
        Diagnostic("SOT201", "b.py", 1, 1, 1, 2, "m", symbol="s"),
        Diagnostic("SOT101", "a.py", 2, 1, 2, 2, "m", symbol="t"),
        Diagnostic("SOT101", "a.py", 1, 1, 1, 2, "m", symbol="t"),
        Diagnostic("SOT101", "a.py", 1, 1, 1, 2, "m", symbol="t"),
        Diagnostic("SOT202", "a.py", 3, 1, 3, 2, "m", symbol="u"),
    ]
    reader = LineReader(tmp_path)
    expected = Baseline.build(diags, reader, 50.0).dumps()
    rng = random.Random(7)
    for _ in range(5):
        shuffled = diags[:]
        rng.shuffle(shuffled)
        assert Baseline.build(shuffled, LineReader(tmp_path), 50.0).dumps() == expected
    data = json.loads(expected)
    assert [v["count"] for v in data["violations"] if v["symbol"] == "t"] == [1, 2] or [
        v["count"] for v in data["violations"] if v["symbol"] == "t"
    ] == [2, 1]
    path = tmp_path / "base.json"
    path.write_text(expected)
    loaded = Baseline.load(path)
    assert loaded.dumps() == expected


# --------------------------------------------------------------------------------------------
# Fingerprints: stable under unrelated edits, new when the finding changes
# --------------------------------------------------------------------------------------------


def test_line_shift_keeps_the_match(cli: Cli, make_project: Callable[..., Path]) -> None:
    root = project(make_project)
    write_baseline(cli, root)
    _, before, _ = findings(cli, root, "--no-baseline")
    use = root / "app" / "use.py"
    use.write_text(
        '"""Docs."""\n\nimport os\nimport sys\n\n\n\n' + use.read_text() + "\n\nX = os.sep\n"
    )
    _, now, _ = findings(cli, root)
    assert [f["line"] for f in now] == [before[0]["line"] + 7]
    code, found, err = findings(cli, root, "--baseline", BASELINE)
    assert (code, found) == (0, [])
    assert "fixed since baseline" not in err
    # Re-indenting the offending line (whitespace is normalised) keeps it matched too.
    use.write_text(
        use.read_text().replace(
            "    return m.DeepAgentState()", "    if True:\n        return m.DeepAgentState()"
        )
    )
    code, found, _ = findings(cli, root, "--baseline", BASELINE)
    assert (code, found) == (0, [])
    # CRLF line endings are an unrelated edit as well.
    use.write_bytes(use.read_bytes().replace(b"\n", b"\r\n"))
    code, found, _ = findings(cli, root, "--baseline", BASELINE)
    assert (code, found) == (0, [])


def test_changed_offending_line_is_new(cli: Cli, make_project: Callable[..., Path]) -> None:
    root = project(make_project)
    write_baseline(cli, root)
    use = root / "app" / "use.py"
    use.write_text(
        use.read_text().replace("return m.DeepAgentState()", "return m.DeepAgentState(1)")
    )
    code, found, err = findings(cli, root, "--baseline", BASELINE)
    assert code == 1
    assert [(f["code"], f["path"], f["line"]) for f in found] == [("SOT201", "app/use.py", 5)]
    assert "fixed since baseline" in err  # the old fingerprint no longer occurs
    code, out, _ = cli(root, "check", "--baseline", BASELINE)
    assert code == 1 and "app/use.py" in out and "SOT201" in out


def test_renamed_file_is_new(cli: Cli, make_project: Callable[..., Path]) -> None:
    root = project(make_project)
    write_baseline(cli, root)
    (root / "app" / "use.py").rename(root / "app" / "user.py")
    code, found, err = findings(cli, root, "--baseline", BASELINE)
    assert code == 1
    assert [(f["code"], f["path"]) for f in found] == [("SOT201", "app/user.py")]
    assert "fixed: app/use.py SOT201" in err


def test_identical_violations_are_counted(cli: Cli, make_project: Callable[..., Path]) -> None:
    two = "import app.models as m\n\nA = m.DeepAgentState()\nB = 1\nA = m.DeepAgentState()\n"
    root = project(make_project, use=two)
    data = write_baseline(cli, root)
    assert [(v["code"], v["count"]) for v in data["violations"]] == [("SOT201", 2)]
    code, found, _ = findings(cli, root, "--baseline", BASELINE)
    assert (code, found) == (0, [])
    use = root / "app" / "use.py"
    use.write_text(two + "A = m.DeepAgentState()\n")
    code, found, _ = findings(cli, root, "--baseline", BASELINE)
    assert code == 1
    assert len(found) == 1 and found[0]["code"] == "SOT201"
    # Back to one: nothing new, one fixed.
    use.write_text("import app.models as m\n\nA = m.DeepAgentState()\n")
    code, found, err = findings(cli, root, "--baseline", BASELINE)
    assert (code, found) == (0, [])
    assert "1 baseline finding(s) fixed since baseline" in err


def test_removed_violation_shows_as_fixed(cli: Cli, make_project: Callable[..., Path]) -> None:
    root = project(make_project)
    write_baseline(cli, root)
    (root / "app" / "use.py").write_text(
        "import app.models as m\n\n\ndef run():\n    return m.Fine()\n"
    )
    code, out, err = cli(root, "check", "--baseline", BASELINE)
    assert code == 0
    assert "All checks passed" in out
    assert "fixed since baseline" in err and "ssotlint baseline" in err
    assert "fixed: app/use.py SOT201 app.models.DeepAgentState" in err
    # Paths narrow what is reported, fixed entries included.
    (root / "app" / "other.py").write_text("X = 1\n")
    code, _, err = cli(root, "check", "app/other.py", "--baseline", BASELINE)
    assert code == 0
    assert "fixed since baseline" not in err


def test_match_unit(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("bad()\nbad()\nok()\n")
    d1 = Diagnostic("SOT201", "a.py", 1, 1, 1, 4, "m", symbol="bad")
    d2 = Diagnostic("SOT201", "a.py", 2, 1, 2, 4, "m", symbol="bad")
    reader = LineReader(tmp_path)
    assert fingerprint(d1, reader) == fingerprint(d2, reader)
    assert fingerprint(d1, reader) != fingerprint(
        Diagnostic("SOT202", "a.py", 1, 1, 1, 4, "m", symbol="bad"), reader
    )
    assert fingerprint(d1, reader) != fingerprint(
        Diagnostic("SOT201", "a.py", 1, 1, 1, 4, "m", symbol="other"), reader
    )
    base = Baseline.build([d1, d2], reader, 90.0)
    result = match([d1], base, reader)
    assert result.new == [] and [e["count"] for e in result.fixed] == [1]
    result = match([d1, d2, d1], base, reader)
    assert result.new == [d1] and result.fixed == []


def test_fingerprint_line_follows_python_line_numbers(
    cli: Cli, make_project: Callable[..., Path]
) -> None:
    """Form feeds (and other characters str.splitlines() breaks on) are not line breaks for
    Python: the fingerprint must read the offending line, not a neighbour."""
    use = "import os\n\x0c\nimport app.models as m\n\nX = m.DeepAgentState()  # \x1c\nY = 1\n"
    root = project(make_project, use=use)
    _, found, _ = findings(cli, root)
    assert [f["line"] for f in found] == [5]
    reader = LineReader(root)
    assert reader.line("app/use.py", 5) == "X = m.DeepAgentState()  # \x1c"
    assert reader.line("app/use.py", 6) == "Y = 1"
    write_baseline(cli, root)
    path = root / "app" / "use.py"
    path.write_text(use.replace("X = m.DeepAgentState()", "X = m.DeepAgentState(2)"))
    code, found, _ = findings(cli, root, "--baseline", BASELINE)
    assert code == 1 and len(found) == 1


# --------------------------------------------------------------------------------------------
# score --baseline
# --------------------------------------------------------------------------------------------


def test_score_baseline_fails_on_regression(cli: Cli, make_project: Callable[..., Path]) -> None:
    # A from-import is an examined SOT201 site (an attribute use is reported but not counted).
    root = project(make_project, use="from app.models import DeepAgentState, Fine\n")
    data = write_baseline(cli, root)
    code, out, err = cli(root, "score", "--format", "json", "--baseline", BASELINE)
    assert code == 0, err
    scored = json.loads(out)
    assert scored["baseline_score"] == data["score"] == scored["score"]
    assert scored["change"] == 0.0
    # A new violation: the score drops.
    (root / "app" / "more.py").write_text("from app.models import DeepAgentState\n")
    code, out, err = cli(root, "score", "--baseline", BASELINE)
    assert code == 1
    assert f"score dropped from {data['score']:.1f}" in err
    assert f"baseline score {data['score']:.1f}, change -" in out
    code, out, _ = cli(root, "score", "--format", "markdown", "--baseline", BASELINE)
    assert code == 1 and "vs baseline" in out
    proc = run_cli("score", "--baseline", BASELINE, cwd=root)
    assert proc.returncode == 1 and "score dropped" in proc.stderr
    # Fixed (better than the baseline): exit 0 with a positive change.
    (root / "app" / "more.py").unlink()
    (root / "app" / "use.py").write_text("from app.models import Fine\n")
    code, out, err = cli(root, "score", "--format", "json", "--baseline", BASELINE)
    assert code == 0, err
    assert json.loads(out)["change"] > 0


def test_config_baseline_is_used_automatically(cli: Cli, make_project: Callable[..., Path]) -> None:
    root = project(make_project, config='baseline = "ci/ssot-baseline.json"\n' + CONFIG)
    # Not written yet: check runs without one.
    code, found, _ = findings(cli, root)
    assert code == 1 and len(found) == 1
    code, _, err = cli(root, "baseline")
    assert code == 0, err
    assert (root / "ci" / "ssot-baseline.json").is_file()
    assert not (root / BASELINE).exists()
    code, found, _ = findings(cli, root)
    assert (code, found) == (0, [])
    code, found, _ = findings(cli, root / "app")  # from a sub-folder too
    assert (code, found) == (0, [])
    code, found, _ = findings(cli, root, "--no-baseline")
    assert code == 1 and [f["code"] for f in found] == ["SOT201"]
    proc = run_cli("check", cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run_cli("check", "--no-baseline", cwd=root)
    assert proc.returncode == 1
    # An explicit --baseline wins over the configured one.
    (root / "empty.json").write_text('{"version": 1, "score": 100.0, "violations": []}\n')
    code, found, _ = findings(cli, root, "--baseline", "empty.json")
    assert code == 1 and len(found) == 1


# --------------------------------------------------------------------------------------------
# Malformed baselines: exit 2, a message, no traceback
# --------------------------------------------------------------------------------------------

ENTRY = '{"fingerprint": "ab", "count": 1, "code": "SOT201", "path": "app/use.py", "symbol": "s"}'

MALFORMED = {
    "empty": "",
    "truncated": '{"version": 1, "violations": [',
    "list": "[]",
    "string": '"baseline"',
    "other-version": '{"version": 2, "violations": []}',
    "no-violations": '{"version": 1, "score": 1.0}',
    "violations-not-list": '{"version": 1, "violations": 5}',
    "entry-not-object": '{"version": 1, "violations": [1]}',
    "entry-missing-key": '{"version": 1, "violations": [{"fingerprint": "ab", "count": 1}]}',
    "bad-count": '{"version": 1, "violations": ['
    + ENTRY.replace('"count": 1', '"count": "many"')
    + "]}",
    "bad-score": '{"version": 1, "score": "high", "violations": []}',
    "nan-score": '{"version": 1, "score": NaN, "violations": []}',
    "list-score": '{"version": 1, "score": [1], "violations": []}',
    "non-string-path": '{"version": 1, "violations": ['
    + ENTRY.replace('"app/use.py"', "5")
    + ", "
    + ENTRY.replace('"ab"', '"cd"').replace('"app/use.py"', '"zzz.py"')
    + "]}",
}


@pytest.mark.parametrize("content", list(MALFORMED.values()), ids=list(MALFORMED))
@pytest.mark.parametrize("command", ["check", "score"])
def test_malformed_baseline_is_exit_2(
    cli: Cli, make_project: Callable[..., Path], content: str, command: str
) -> None:
    root = project(make_project)
    (root / "bad.json").write_text(content)
    code, out, err = cli(root, command, "--baseline", "bad.json")
    assert code == 2, (out, err)
    assert "baseline" in err and "bad.json" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("kind", ["missing", "directory", "binary"])
def test_unreadable_baseline_is_exit_2(make_project: Callable[..., Path], kind: str) -> None:
    root = project(make_project)
    if kind == "directory":
        (root / "bad.json").mkdir()
    elif kind == "binary":
        (root / "bad.json").write_bytes(b"\xff\xfe\x00garbage")
    proc = run_cli("check", "--baseline", "bad.json", cwd=root)
    assert proc.returncode == 2, proc.stderr
    assert "baseline" in proc.stderr and "bad.json" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_malformed_configured_baseline_is_exit_2(make_project: Callable[..., Path]) -> None:
    root = project(make_project, config='baseline = "base.json"\n' + CONFIG)
    (root / "base.json").write_text("{not json")
    proc = run_cli("check", cwd=root)
    assert proc.returncode == 2
    assert "base.json" in proc.stderr and "Traceback" not in proc.stderr
    # --no-baseline does not even read it.
    proc = run_cli("check", "--no-baseline", cwd=root)
    assert proc.returncode == 1, proc.stderr


def test_load_rejects_malformed_entries(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(MALFORMED["non-string-path"])
    with pytest.raises(BaselineError):
        Baseline.load(path)


def test_baseline_unwritable_output_is_exit_2(make_project: Callable[..., Path]) -> None:
    root = project(make_project)
    (root / "blocker").write_text("a file, not a folder\n")
    proc = run_cli("baseline", "--output", "blocker/base.json", cwd=root)
    assert proc.returncode == 2, proc.stderr
    assert "blocker" in proc.stderr and "Traceback" not in proc.stderr
