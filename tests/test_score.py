"""The compliance score (spec §5): hand-counted families, the arithmetic, gates and consistency."""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Cli, run_cli

from ssotlint.cli import resolve_config
from ssotlint.diagnostics import Diagnostic, Sites
from ssotlint.engine import CheckOptions, run_check
from ssotlint.score import FAMILIES, compute


def score_json(cli: Cli, root: Path, *extra: str) -> dict:
    code, out, err = cli(root, "score", "--format", "json", *extra)
    assert code in (0, 1), err
    return json.loads(out)


# --------------------------------------------------------------------------------------------
# Hand count of examples/golden-path
# --------------------------------------------------------------------------------------------


def _first_party(root: Path) -> set[str]:
    """Top-level packages/modules of the example (src = ["."], backup/ is excluded)."""
    tops = {p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    tops |= {p.stem for p in root.glob("*.py")}
    return tops - {"backup"}


def _python_files(root: Path) -> list[Path]:
    out = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if rel.parts[0] == "backup" or any(part.startswith(".") for part in rel.parts):
            continue
        out.append(rel)
    return out


def _imports(root: Path) -> list[tuple[str, int, str, str, str | None]]:
    """(path, line, 'import'|'from', absolute module, name) for every imported module or name,
    in every scope, with relative imports resolved; star imports bind no name and are skipped."""
    out: list[tuple[str, int, str, str, str | None]] = []
    for rel in _python_files(root):
        parts = list(rel.with_suffix("").parts)
        package = parts[:-1]  # the package of a module, or the package itself for __init__
        tree = ast.parse((root / rel).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    out.append((rel.as_posix(), node.lineno, "import", alias.name, None))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - (node.level - 1)]
                    module = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    module = node.module or ""
                for alias in node.names:
                    if alias.name != "*":
                        out.append((rel.as_posix(), node.lineno, "from", module, alias.name))
    return out


def _enum_classes(root: Path, names: set[str]) -> list[tuple[str, int, str]]:
    out = []
    for rel in _python_files(root):
        tree = ast.parse((root / rel).read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.name in names:
                out.append((rel.as_posix(), node.lineno, node.name))
    return out


# Tracked names (SOT1): `ExecutionStatus` is configured in canonical.symbols (and is an Enum
# defined in 3 modules: schemas/core_enums.py, agents/base/execution_context.py and
# websocket_core/types.py); `AgentType` is an Enum defined in the canonical module
# `core_enums` (canonical.modules). `MessageType` is an Enum defined once, outside the
# canonical module: not tracked.
TRACKED = {"ExecutionStatus", "AgentType"}

# The sites that do NOT comply, checked against the README's table of seeded cases.
SOT101_BAD = {
    ("netra_backend/app/agents/base/execution_context.py", 12),  # duplicate ExecutionStatus (#1)
    ("netra_backend/app/websocket_core/types.py", 12),  # third ExecutionStatus (#2)
}
SOT102_BAD = {
    ("netra_backend/app/agents/workflow_orchestrator.py", 5),  # via the schemas re-export (#4)
    ("netra_backend/tests/e2e/test_workflow_orchestrator_golden_path.py", 4),  # the duplicate (#3)
}
SOT103_BAD = {
    # ExecutionResult moved out of execution_context (#5)
    ("netra_backend/tests/e2e/test_workflow_orchestrator_golden_path.py", 5),
}
SOT201_BAD = {  # import sites; the attribute use reporting.py:12 is added in hand_count
    ("netra_backend/app/agents/state.py", 2),  # #6
    ("netra_backend/app/agents/supervisor.py", 5),  # #7
    ("netra_backend/app/agents/triage.py", 3),  # #8
    ("netra_backend/tests/e2e/test_workflow_orchestrator_golden_path.py", 6),  # #11 (@deprecated)
    ("netra_backend/tests/e2e/test_workflow_orchestrator_golden_path.py", 8),  # #10
}
SOT202_BAD = {
    ("netra_backend/app/routes/websocket_route.py", 2),  # plain import of old_manager (#13)
    ("netra_backend/app/websocket_core/bridge.py", 4),  # two names from old_manager (#12)
}


def hand_count(root: Path) -> dict[str, tuple[int, int]]:
    """code -> (examined, compliant), counted from the source without ssotlint."""
    tops = _first_party(root)
    imports = [i for i in _imports(root) if i[3].split(".")[0] in tops]
    froms = [i for i in imports if i[2] == "from"]

    def tally(sites: list[tuple[str, int]], bad: set[tuple[str, int]]) -> tuple[int, int]:
        return len(sites), sum(1 for s in sites if s not in bad)

    # SOT101: every first-party definition of a tracked name.
    sot101 = [(p, line) for p, line, _ in _enum_classes(root, TRACKED)]
    # SOT102: every first-party `from`-import of a tracked name (in this example each one
    # resolves to one of the tracked definitions).
    sot102 = [(p, line) for p, line, _, _, name in froms if name in TRACKED]
    # SOT103: every first-party import, `from` (one site per name) or plain.
    sot103 = [(p, line) for p, line, *_ in imports]
    # SOT201: every first-party `from`-import name, plus each reported attribute use
    # (`models.DeepAgentState()` in reporting.py:12), which counts as a non-compliant site.
    sot201 = [(p, line) for p, line, *_ in froms]
    attribute_uses = [("netra_backend/app/agents/reporting.py", 12)]
    # SOT202: every first-party import record (`from`: one per name; plain: one per module).
    sot202 = [(p, line) for p, line, *_ in imports]
    return {
        "SOT101": tally(sot101, SOT101_BAD),
        "SOT102": tally(sot102, SOT102_BAD),
        "SOT103": tally(sot103, SOT103_BAD),
        "SOT201": tally(sot201 + attribute_uses, SOT201_BAD | set(attribute_uses)),
        # bridge.py:4 imports two names from the deprecated module: two non-compliant sites
        "SOT202": (len(sot202), len(sot202) - 3),
    }


def test_hand_count_itself_matches_hand_verified_numbers(golden: Path) -> None:
    # Hand-verified by reading every file of the example:
    # - SOT101: ExecutionStatus x3 + AgentType x1 = 4 definitions, 2 duplicates.
    # - SOT102: from-imports of ExecutionStatus/AgentType: execution_result:5 (1), supervisor:6
    #   (2), triage:4 (2), workflow_orchestrator:5,6 (2), schemas/__init__:6 (2),
    #   test_workflow_orchestrator:4,9 (2), staging:5 (1) = 12, 2 non-canonical.
    # - first-party from-import names: execution_result 1, execution_engine 1, reporting 2
    #   (`..schemas import core_enums` included), state 1, supervisor 4, triage 4,
    #   workflow_orchestrator 5, schemas/__init__ 2, bridge 2, old_manager 2,
    #   test_workflow_orchestrator 7, test_golden_path_complete_staging 3,
    #   test_websocket_events_staging 3 = 37; plain first-party imports: reporting:2,
    #   websocket_route:2 = 2. So SOT201 = 37 + 1 attribute use, SOT202 = SOT103 = 39.
    counts = hand_count(golden)
    assert counts == {
        "SOT101": (4, 2),
        "SOT102": (12, 10),
        "SOT103": (39, 38),
        "SOT201": (38, 32),
        "SOT202": (39, 36),
    }


def test_golden_path_rule_sites_match_hand_count(golden: Path) -> None:
    config = resolve_config(None, golden)
    result = run_check(config, CheckOptions(use_cache=False))
    expected = hand_count(golden)
    got = {code: (s.examined, s.compliant) for code, s in result.sites.items() if code in expected}
    assert got == expected


def test_golden_path_score_families_match_hand_count(cli: Cli, golden: Path) -> None:
    data = score_json(cli, golden)
    hand = hand_count(golden)
    assert set(data["families"]) == set(FAMILIES) == {"SOT1", "SOT2", "SOT3", "SOT4"}
    for fam in data["families"].values():
        assert {"examined", "compliant", "percent", "weight", "description"} <= set(fam)
        assert 0 <= fam["compliant"] <= fam["examined"]
    for family, codes in (("SOT1", ("SOT101", "SOT102", "SOT103")), ("SOT2", ("SOT201", "SOT202"))):
        examined = sum(hand[c][0] for c in codes)
        compliant = sum(hand[c][1] for c in codes)
        fam = data["families"][family]
        assert (fam["examined"], fam["compliant"]) == (examined, compliant), family
        assert fam["percent"] == round(100 * compliant / examined, 1)
    assert (data["families"]["SOT1"]["examined"], data["families"]["SOT1"]["compliant"]) == (55, 50)
    assert (data["families"]["SOT2"]["examined"], data["families"]["SOT2"]["compliant"]) == (77, 68)
    # The score is the weighted mean of the families that examined something.
    used = [f for f in data["families"].values() if f["examined"] and f["weight"] > 0]
    mean = sum(f["weight"] * 100 * f["compliant"] / f["examined"] for f in used) / sum(
        f["weight"] for f in used
    )
    assert data["score"] == round(mean, 1)


def test_golden_path_top_packages(cli: Cli, golden: Path) -> None:
    data = score_json(cli, golden)
    _, out, _ = cli(golden, "check", "--format", "json")
    findings = json.loads(out)
    counts = Counter(
        "/".join(f["path"].split("/")[:-1][:3]) or "."
        for f in findings
        if f["code"][:4] in FAMILIES
    )
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    assert [(p["package"], p["violations"]) for p in data["top_packages"]] == ranked
    # Hand count: execution_context (SOT101), reporting, state, supervisor, triage (SOT201) and
    # workflow_orchestrator (SOT102) are the 6 findings under netra_backend/app/agents.
    assert {"package": "netra_backend/app/agents", "violations": 6} in data["top_packages"]


def test_fix_raises_score(cli: Cli, golden: Path) -> None:
    before = score_json(cli, golden)
    _, _, err = cli(golden, "check", "--fix", "--unsafe-fixes")
    assert "Fixed" in err
    after = score_json(cli, golden)
    assert after["score"] > before["score"]
    for family in ("SOT1", "SOT2"):
        b, a = before["families"][family], after["families"][family]
        assert a["compliant"] / a["examined"] > b["compliant"] / b["examined"], family
        assert a["examined"] - a["compliant"] < b["examined"] - b["compliant"], family


def _parse_formula(text: str) -> tuple[list[tuple[float, float]], list[float], float]:
    m = re.search(r"^score = \((.+)\) / \((.+)\) = (\d+\.\d)$", text, re.M)
    assert m, text
    terms = []
    for term in m.group(1).split(" + "):
        w, p = term.split(" x ")
        terms.append((float(w), float(p)))
    weights = [float(w) for w in m.group(2).split(" + ")]
    return terms, weights, float(m.group(3))


def out_lines(cli: Cli, root: Path) -> list[str]:
    """The --explain lines of the table output."""
    _, out, _ = cli(root, "score", "--explain")
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("SOT1: "))
    return lines[start:]


def test_explain_shows_the_arithmetic(cli: Cli, golden: Path) -> None:
    data = score_json(cli, golden)
    _, out, _ = cli(golden, "score", "--explain")
    assert "SOT1: 50 / 55 = 90.91%  (weight 3)" in out
    assert "SOT2: 68 / 77 = 88.31%  (weight 2)" in out
    terms, weights, value = _parse_formula(out)
    assert (3.0, 90.91) in terms and (2.0, 88.31) in terms
    assert weights == [w for w, _ in terms]
    assert value == data["score"]
    assert abs(sum(w * p for w, p in terms) / sum(weights) - value) < 0.05
    for family, fam in data["families"].items():
        if fam["examined"] == 0:
            assert f"{family}: no sites examined -> left out of the mean" in out
    # With JSON the arithmetic goes inside the document, so stdout stays one JSON value.
    _, out, _ = cli(golden, "score", "--format", "json", "--explain")
    explained = json.loads(out)
    assert {k: v for k, v in explained.items() if k != "explain"} == data
    assert explained["explain"] == out_lines(cli, golden)
    # and next to Markdown, for a PR comment.
    _, out, _ = cli(golden, "score", "--format", "markdown", "--explain")
    assert "score = (" in out and "| SOT1 " in out


def test_fail_under_below_and_above(golden: Path) -> None:
    proc = run_cli("score", "--format", "json", cwd=golden)
    value = json.loads(proc.stdout)["score"]
    above = round(value + 2.5, 1)
    below = round(value - 2.5, 1)
    proc = run_cli("score", "--fail-under", str(above), cwd=golden)
    assert proc.returncode == 1, proc.stderr
    m = re.search(r"score (\d+\.\d) is below fail-under (\d+\.\d) by (\d+\.\d)", proc.stderr)
    assert m, proc.stderr
    assert (float(m.group(1)), float(m.group(2)), float(m.group(3))) == (value, above, 2.5)
    assert "Traceback" not in proc.stderr
    proc = run_cli("score", "--fail-under", str(below), cwd=golden)
    assert proc.returncode == 0, proc.stderr
    assert "below" not in proc.stderr
    # Equal to the threshold is not below it.
    proc = run_cli("score", "--fail-under", str(value), cwd=golden)
    assert proc.returncode == 0, proc.stderr


def _set_fail_under(root: Path, value: float) -> None:
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text()
    new = re.sub(r"(?m)^fail-under = .*$", f"fail-under = {value}", text)
    assert new != text or f"fail-under = {value}" in text
    pyproject.write_text(new)


def test_config_fail_under_is_the_default(cli: Cli, golden: Path) -> None:
    value = score_json(cli, golden)["score"]
    _set_fail_under(golden, min(100.0, value + 1))
    code, _, err = cli(golden, "score")
    assert code == 1
    assert "below fail-under" in err
    # The command line overrides the config.
    code, _, err = cli(golden, "score", "--fail-under", "0")
    assert code == 0, err
    _set_fail_under(golden, max(0.0, value - 1))
    code, _, err = cli(golden, "score")
    assert code == 0, err
    code, _, err = cli(golden, "score", "--fail-under", "100")
    assert code == 1 and "below fail-under 100.0" in err


# --------------------------------------------------------------------------------------------
# Small projects: families left out of the mean, custom weights
# --------------------------------------------------------------------------------------------

# One first-party plain import of a module that does not exist: SOT103 examines 1 site (not
# compliant), SOT202 examines 1 (compliant: nothing is deprecated). No test classes.
BROKEN = {"app/__init__.py": "", "app/use.py": "import app.gone\n"}


def test_families_with_nothing_examined_are_left_out(
    cli: Cli, make_project: Callable[..., Path]
) -> None:
    root = make_project(BROKEN)
    data = score_json(cli, root)
    fams = data["families"]
    assert (fams["SOT1"]["examined"], fams["SOT1"]["compliant"]) == (1, 0)
    assert (fams["SOT2"]["examined"], fams["SOT2"]["compliant"]) == (1, 1)
    for family in ("SOT3", "SOT4"):
        assert fams[family]["examined"] == 0 and fams[family]["percent"] is None
    # (3 x 0 + 2 x 100) / (3 + 2): SOT3/SOT4 (weights 2 and 3) do not count as 0%.
    assert data["score"] == 40.0
    _, out, _ = cli(root, "score", "--explain")
    assert "SOT3: no sites examined -> left out of the mean" in out
    assert "score = (3 x 0.00 + 2 x 100.00) / (3 + 2) = 40.0" in out


def test_nothing_examined_scores_100(cli: Cli, make_project: Callable[..., Path]) -> None:
    root = make_project({"app/__init__.py": "", "app/a.py": "x = 1\n"})
    data = score_json(cli, root)
    assert all(f["examined"] == 0 for f in data["families"].values())
    assert data["score"] == 100.0


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        ("{ SOT1 = 1, SOT2 = 1 }", 50.0),
        ("{ SOT1 = 1, SOT2 = 3 }", 75.0),
        ("{ SOT2 = 0 }", 0.0),  # weight 0: SOT2 is left out, SOT1 keeps its default 3
        ("{ SOT1 = 0 }", 100.0),
        ("{ SOT3 = 100, SOT4 = 7 }", 40.0),  # nothing examined there: no effect
    ],
)
def test_custom_weights(
    cli: Cli, make_project: Callable[..., Path], weights: str, expected: float
) -> None:
    root = make_project(BROKEN, f"[tool.ssotlint.score]\nweights = {weights}\n")
    data = score_json(cli, root)
    assert data["score"] == expected
    _, out, _ = cli(root, "check", "--statistics")
    assert f"Compliance score: {expected:.1f}" in out


def test_custom_weights_on_golden_path(cli: Cli, golden: Path) -> None:
    with (golden / "pyproject.toml").open("a") as handle:
        handle.write(
            "\n[tool.ssotlint.score]\nweights = { SOT1 = 1, SOT2 = 0, SOT3 = 0, SOT4 = 0 }\n"
        )
    data = score_json(cli, golden)
    assert data["families"]["SOT1"]["weight"] == 1.0
    assert data["families"]["SOT2"]["weight"] == 0.0
    assert data["score"] == round(100 * 50 / 55, 1) == 90.9


@pytest.mark.parametrize("weights", ["{ SOT9 = 1 }", "{ SOT1 = -1 }", '{ SOT1 = "x" }', "3"])
def test_bad_weights_are_a_config_error(
    cli: Cli, make_project: Callable[..., Path], weights: str
) -> None:
    root = make_project(BROKEN, f"[tool.ssotlint.score]\nweights = {weights}\n")
    code, _, err = cli(root, "score")
    assert code == 2
    assert "weights" in err


# --------------------------------------------------------------------------------------------
# Determinism and one number everywhere
# --------------------------------------------------------------------------------------------


def test_score_json_is_byte_identical_across_runs(golden: Path) -> None:
    first = run_cli("score", "--format", "json", cwd=golden)
    second = run_cli("score", "--format", "json", cwd=golden)  # served from the cache
    third = run_cli("score", "--format", "json", "--no-cache", cwd=golden)
    # (the example's `fail-under = 90` may or may not pass, but always the same way)
    assert first.returncode == second.returncode == third.returncode, first.stderr
    assert first.stdout.encode() == second.stdout.encode() == third.stdout.encode()
    # Stable, sorted JSON.
    assert first.stdout == json.dumps(json.loads(first.stdout), indent=2, sort_keys=True) + "\n"
    md1 = run_cli("score", "--format", "markdown", cwd=golden).stdout
    md2 = run_cli("score", "--format", "markdown", cwd=golden).stdout
    assert md1 == md2


def test_same_score_in_every_output(cli: Cli, golden: Path) -> None:
    value = score_json(cli, golden)["score"]
    _, out, _ = cli(golden, "check", "--statistics")
    assert re.findall(r"^Compliance score: (\d+\.\d)$", out, re.M) == [f"{value:.1f}"]
    _, out, _ = cli(golden, "score")
    assert f"SSOT compliance score: {value:.1f}" in out
    _, out, _ = cli(golden, "score", "--format", "markdown")
    assert f"ssotlint compliance: **{value:.1f}**" in out
    code, _, err = cli(golden, "baseline")
    assert code == 0, err
    baseline = json.loads((golden / ".ssotlint-baseline.json").read_text())
    assert baseline["score"] == value
    # A baseline hides findings, not sites: the score under --baseline is the same.
    _, out, _ = cli(golden, "check", "--statistics", "--baseline", ".ssotlint-baseline.json")
    assert f"Compliance score: {value:.1f}" in out
    _, out, _ = cli(golden, "score", "--format", "json", "--baseline", ".ssotlint-baseline.json")
    data = json.loads(out)
    assert data["score"] == data["baseline_score"] == value and data["change"] == 0.0


def test_markdown_lists_every_family(cli: Cli, golden: Path) -> None:
    data = score_json(cli, golden)
    _, out, _ = cli(golden, "score", "--format", "markdown")
    for family, fam in data["families"].items():
        row = next(line for line in out.splitlines() if line.startswith(f"| {family} "))
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[1:3] == [str(fam["examined"]), str(fam["compliant"])]
        assert cells[3] == ("n/a" if fam["percent"] is None else f"{fam['percent']:.1f}%")


# --------------------------------------------------------------------------------------------
# compute() directly
# --------------------------------------------------------------------------------------------

WEIGHTS = {"SOT1": 3.0, "SOT2": 2.0, "SOT3": 2.0, "SOT4": 3.0}


def _diag(code: str, path: str) -> Diagnostic:
    return Diagnostic(code, path, 1, 1, 1, 2, "m")


def test_compute_weighted_mean_and_rounding() -> None:
    sites = {
        "SOT101": Sites(2, 1),
        "SOT103": Sites(1, 1),  # SOT1: 2/3
        "SOT201": Sites(3, 3),  # SOT2: 3/3
        "SOT301": Sites(0, 0),  # SOT3: nothing examined
        "SOT999": Sites(5, 0),  # not a scored family
    }
    score = compute(sites, [], WEIGHTS)
    fams = {f.family: f for f in score.families}
    assert (fams["SOT1"].examined, fams["SOT1"].compliant) == (3, 2)
    assert fams["SOT3"].percent is None and fams["SOT4"].percent is None
    assert score.value == round((3 * 200 / 3 + 2 * 100) / 5, 1) == 80.0
    assert compute({"SOT101": Sites(3, 2)}, [], WEIGHTS).value == 66.7
    assert compute({"SOT101": Sites(8, 7)}, [], WEIGHTS).value == 87.5
    assert compute({}, [], WEIGHTS).value == 100.0
    assert compute({"SOT101": Sites(4, 0)}, [], WEIGHTS).value == 0.0
    assert score.as_dict()["families"]["SOT3"]["percent"] is None


def test_compute_top_packages() -> None:
    diags = [
        _diag("SOT101", "pkg/a/b/c/x.py"),
        _diag("SOT201", "pkg/a/b/y.py"),
        _diag("SOT201", "z.py"),
        _diag("SOT999", "pkg/a/b/q.py"),  # not a scored family
        _diag("SOT202", "other/m.py"),
    ]
    score = compute({}, diags, WEIGHTS, top=2)
    assert score.top_packages == (("pkg/a/b", 2), (".", 1))
