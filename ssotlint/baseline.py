"""Baselines: adopt ssotlint on a legacy tree, then ratchet.

A fingerprint is rule + path + symbol + the normalised source line, so it
survives edits elsewhere in the file and line shifts; entries are counted, so
two identical violations in one file stay two.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ssotlint.diagnostics import Diagnostic
from ssotlint.source import SourceError, decode, read_source, write_atomic

VERSION = 1


class BaselineError(Exception):
    """An unreadable or malformed baseline file (exit 2)."""


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _normalise(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip()


class LineReader:
    """Source lines by path, read once per path."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cache: dict[str, list[str]] = {}

    def line(self, path: str, number: int) -> str:
        if path not in self.cache:
            try:
                # Python's line breaks only: str.splitlines() also breaks on \f, \x1c, \u2028...
                self.cache[path] = _LINE_BREAK.split(decode(read_source(self.root / path)).text)
            except SourceError:
                self.cache[path] = []
        lines = self.cache[path]
        return lines[number - 1] if 0 < number <= len(lines) else ""


def fingerprint(diag: Diagnostic, reader: LineReader) -> str:
    text = _normalise(reader.line(diag.path, diag.line))
    blob = "\0".join((diag.code, diag.path, diag.symbol, text)).encode()
    return hashlib.sha256(blob).hexdigest()[:32]


@dataclass
class Baseline:
    counts: Counter[str]
    entries: dict[str, dict[str, Any]]  # fingerprint -> {code, path, symbol}
    score: float | None

    @classmethod
    def build(
        cls, diagnostics: Sequence[Diagnostic], reader: LineReader, score: float | None
    ) -> Baseline:
        counts: Counter[str] = Counter()
        entries: dict[str, dict[str, Any]] = {}
        for diag in diagnostics:
            fp = fingerprint(diag, reader)
            counts[fp] += 1
            entries[fp] = {"code": diag.code, "path": diag.path, "symbol": diag.symbol}
        return cls(counts, entries, score)

    def dumps(self) -> str:
        items = [
            {**self.entries[fp], "fingerprint": fp, "count": self.counts[fp]} for fp in self.counts
        ]
        items.sort(key=lambda e: (e["path"], e["code"], e["symbol"], e["fingerprint"]))
        data = {"version": VERSION, "score": self.score, "violations": items}
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text("")
        write_atomic(path, self.dumps().encode())

    @classmethod
    def load(cls, path: Path) -> Baseline:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise BaselineError(
                f"{path}: no such baseline (create it with `ssotlint baseline`)"
            ) from exc
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BaselineError(f"{path}: not a readable baseline: {exc}") from exc
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise BaselineError(f"{path}: not an ssotlint baseline (version {VERSION})")
        counts: Counter[str] = Counter()
        entries: dict[str, dict[str, Any]] = {}
        try:
            for item in data["violations"]:
                fp = item["fingerprint"]
                entry = {k: item[k] for k in ("code", "path", "symbol")}
                if not all(isinstance(v, str) for v in (fp, *entry.values())):
                    raise TypeError("fingerprint, code, path and symbol must be strings")
                counts[fp] += int(item["count"])
                entries[fp] = entry
            score = data.get("score")
            if score is not None and (isinstance(score, bool) or not math.isfinite(float(score))):
                raise ValueError(f"score {score!r} is not a number")
            return cls(counts, entries, None if score is None else float(score))
        except (KeyError, TypeError, ValueError) as exc:
            raise BaselineError(f"{path}: malformed baseline entry: {exc}") from exc


@dataclass
class BaselineMatch:
    new: list[Diagnostic]
    fixed: list[dict[str, Any]]  # baseline entries that no longer occur (with remaining count)


def match(
    diagnostics: Sequence[Diagnostic], baseline: Baseline, reader: LineReader
) -> BaselineMatch:
    remaining = Counter(baseline.counts)
    new = []
    for diag in diagnostics:
        fp = fingerprint(diag, reader)
        if remaining[fp] > 0:
            remaining[fp] -= 1
        else:
            new.append(diag)
    fixed = [
        {**baseline.entries[fp], "count": n}
        for fp, n in sorted(
            remaining.items(), key=lambda kv: (baseline.entries[kv[0]]["path"], kv[0])
        )
        if n > 0
    ]
    return BaselineMatch(new, fixed)
