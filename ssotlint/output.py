"""Reporting: every output format is rendered here from the same sorted diagnostics."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from ssotlint.diagnostics import Diagnostic
from ssotlint.source import SourceError, decode, read_source

FORMATS = ("text", "concise", "json", "sarif", "github", "junit")


def to_json_obj(diag: Diagnostic, slugs: Mapping[str, str]) -> dict[str, Any]:
    return {
        "code": diag.code,
        "slug": slugs.get(diag.code, ""),
        "message": diag.message,
        "path": diag.path,
        "line": diag.line,
        "column": diag.column,
        "end_line": diag.end_line,
        "end_column": diag.end_column,
        "fix": None
        if diag.fix is None
        else {"applicability": diag.fix.applicability, "message": diag.fix.message},
        "symbol": diag.symbol,
    }


def render_json(diags: Sequence[Diagnostic], slugs: Mapping[str, str], out: TextIO) -> None:
    json.dump([to_json_obj(d, slugs) for d in diags], out, indent=2, sort_keys=True)
    out.write("\n")


def render_concise(diags: Sequence[Diagnostic], out: TextIO) -> None:
    for d in diags:
        marker = " [*]" if d.fix else ""
        out.write(f"{d.path}:{d.line}:{d.column}: {d.code}{marker} {d.message}\n")


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(diags: Sequence[Diagnostic], slugs: Mapping[str, str], out: TextIO) -> None:
    for d in diags:
        title = _gh_escape(f"{d.code} {slugs.get(d.code, '')}".strip(), prop=True)
        out.write(
            f"::error title={title},file={_gh_escape(d.path, True)},line={d.line},"
            f"col={d.column},endLine={d.end_line},endColumn={d.end_column}::"
            f"{_gh_escape(d.code + ' ' + d.message)}\n"
        )


def render_text(
    diags: Sequence[Diagnostic],
    slugs: Mapping[str, str],
    root: Path,
    out: TextIO,
    color: bool,
    files_checked: int,
    statistics: bool,
) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(file=out, force_terminal=color, no_color=not color, highlight=False,
                      width=120 if not color else None, soft_wrap=not color)  # fmt: skip
    current = None
    lines: list[str] = []
    for d in diags:
        if d.path != current:
            current = d.path
            console.print(Text(d.path, style="bold underline"))
            try:  # as the linter read it: its encoding, never a FIFO
                text = decode(read_source(root / d.path)).text
                text = text.replace("\r\n", "\n").replace("\r", "\n")
                lines = text.split("\n")  # splitlines() would break at \x0c too
            except SourceError:
                lines = []
        head = Text.assemble(
            (f"  {d.line}:{d.column} ", "dim"),
            (d.code, "bold red"),
            (" [*]" if d.fix else "", "cyan"),
            " ",
            d.message,
            (f"  ({slugs.get(d.code, '')})", "dim"),
        )
        console.print(head)
        if 0 < d.line <= len(lines) and lines[d.line - 1].strip():
            snippet = lines[d.line - 1]
            if color:
                from rich.syntax import Syntax  # pygments: slow to import, only for a terminal

                console.print(
                    Syntax(snippet, "python", line_numbers=True, start_line=d.line,
                           theme="ansi_dark", word_wrap=True),
                    style="",
                )  # fmt: skip
            else:
                console.print(f"    {d.line} | {snippet}")
    _summary(console, diags, files_checked, statistics, slugs)


def _summary(
    console: Any,
    diags: Sequence[Diagnostic],
    files_checked: int,
    statistics: bool,
    slugs: Mapping[str, str],
) -> None:
    if statistics and diags:
        counts = Counter(d.code for d in diags)
        fixable = Counter(d.code for d in diags if d.fix)
        for code, count in sorted(counts.items()):
            mark = f" ({fixable[code]} fixable)" if fixable[code] else ""
            console.print(f"{count:6d}  {code}  {slugs.get(code, '')}{mark}")
    if not diags:
        console.print(f"All checks passed ({files_checked} files).")
        return
    fixable_safe = sum(1 for d in diags if d.fix and d.fix.applicability == "safe")
    fixable_unsafe = sum(1 for d in diags if d.fix and d.fix.applicability == "unsafe")
    files = len({d.path for d in diags})
    console.print(
        f"Found {len(diags)} violation{'s' if len(diags) != 1 else ''} in {files} "
        f"file{'s' if files != 1 else ''} ({files_checked} checked)."
    )
    if fixable_safe:
        console.print(f"[*] {fixable_safe} fixable with `ssotlint check --fix`.")
    if fixable_unsafe:
        console.print(f"{fixable_unsafe} more fixable with `--fix --unsafe-fixes`.")


def render_sarif(
    diags: Sequence[Diagnostic],
    rules: Mapping[str, Any],
    fingerprints: Sequence[str],
    fix_edits: Mapping[int, list[dict[str, Any]]],
    version: str,
    out: TextIO,
) -> None:
    """SARIF 2.1.0 with rule docs, relative URIs, regions, fingerprints and fixes."""
    codes = sorted(rules)
    rule_index = {code: i for i, code in enumerate(codes)}
    driver_rules = []
    for code in codes:
        cls = rules[code]
        docs = cls.docs()
        first_para = docs.split("\n\n")[1] if "\n\n" in docs else cls.summary
        driver_rules.append(
            {
                "id": code,
                "name": "".join(p.capitalize() for p in cls.slug.split("-")),
                "shortDescription": {"text": cls.summary},
                "fullDescription": {"text": " ".join(first_para.split())},
                "help": {"text": docs, "markdown": docs},
                "helpUri": f"https://github.com/ssotlint/ssotlint/blob/main/docs/rules/{code}.md",
                "defaultConfiguration": {"level": "error"},
                "properties": {"tags": [cls.slug], "fix": cls.fix_summary},
            }
        )
    results = []
    for i, d in enumerate(diags):
        uri = quote(d.path)  # a relative URI reference: percent-encode spaces, ':', '#', ...
        result: dict[str, Any] = {
            "ruleId": d.code,
            "level": "error",
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": d.line,
                            "startColumn": d.column,
                            "endLine": d.end_line,
                            "endColumn": d.end_column,
                        },
                    }
                }
            ],
            "partialFingerprints": {"ssotlint/v1": fingerprints[i]},
        }
        if d.code in rule_index:
            result["ruleIndex"] = rule_index[d.code]
        if d.fix is not None:
            result["properties"] = {"fixApplicability": d.fix.applicability}
            edits = fix_edits.get(i)
            if edits:
                result["fixes"] = [
                    {
                        "description": {"text": f"{d.fix.message} ({d.fix.applicability})"},
                        "artifactChanges": [
                            {
                                "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                                "replacements": edits,
                            }
                        ],
                    }
                ]
        results.append(result)
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ssotlint",
                        "version": version,
                        "informationUri": "https://github.com/ssotlint/ssotlint",
                        "rules": driver_rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the project root"}}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    json.dump(sarif, out, indent=2, sort_keys=True)
    out.write("\n")


_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render_junit(diags: Sequence[Diagnostic], checked: Sequence[str], out: TextIO) -> None:
    """JUnit XML: one testsuite per checked file, one failing testcase per finding."""
    from xml.etree import ElementTree as ET

    by_path: dict[str, list[Diagnostic]] = {p: [] for p in checked}
    for d in diags:
        by_path.setdefault(d.path, []).append(d)
    root = ET.Element(
        "testsuites",
        name="ssotlint",
        tests=str(sum(max(1, len(v)) for v in by_path.values())),
        failures=str(len(diags)),
    )
    for path in sorted(by_path):
        found = by_path[path]
        suite = ET.SubElement(
            root, "testsuite", name=path, tests=str(max(1, len(found))),
            failures=str(len(found)), errors="0", skipped="0",
        )  # fmt: skip
        if not found:
            ET.SubElement(suite, "testcase", classname=path, name="ssotlint", file=path)
        for d in found:
            case = ET.SubElement(
                suite, "testcase", classname=path, name=f"{d.code} {d.line}:{d.column}",
                file=path, line=str(d.line),
            )  # fmt: skip
            failure = ET.SubElement(case, "failure", message=d.message, type=d.code)
            failure.text = f"{d.path}:{d.line}:{d.column}: {d.code} {d.message}"
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    # Characters XML 1.0 cannot carry (control characters, lone surrogates) can only sit in
    # attribute values and text here: spell them as \xNN so the document stays well-formed.
    xml = ET.tostring(root, encoding="unicode")
    out.write(_XML_INVALID.sub(lambda m: f"\\x{ord(m.group()):02x}", xml))
    out.write("\n")
