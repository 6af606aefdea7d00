"""`# noqa: SOT…`, `# ssotlint: ignore[…]` and `# ssotlint: ignore-file[…]`.

A suppression covers every physical line of the logical line (statement) it
sits on, as flake8's noqa does for multi-line statements.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

from ssotlint.diagnostics import Diagnostic

NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.I)
INLINE = re.compile(r"#\s*ssotlint:\s*ignore\[(?P<codes>[^\]]*)\]")
FILE = re.compile(r"#\s*ssotlint:\s*ignore-file\[(?P<codes>[^\]]*)\]")
ALL = "*"


@dataclass
class Suppression:
    line: int  # where the comment is
    column: int
    end_column: int
    codes: tuple[str, ...]  # () means every code (bare noqa)
    kind: str  # 'noqa' | 'ignore' | 'ignore-file'
    lines: range  # physical lines covered
    used: set[str] = field(default_factory=set)

    def covers(self, diag: Diagnostic) -> bool:
        if self.kind != "ignore-file" and diag.line not in self.lines:
            return False
        return not self.codes or any(diag.code.startswith(c) for c in self.codes)


def _codes(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    return tuple(c.upper() for c in re.split(r"[,\s]+", raw.strip()) if c)


def parse(text: str) -> list[Suppression]:
    if "noqa" not in text.lower() and "ssotlint:" not in text:
        return []
    found: list[Suppression] = []
    try:
        # newline=None: a lone \r ends a line, as it does for Python (and ast's line numbers)
        tokens = list(tokenize.generate_tokens(io.StringIO(text, newline=None).readline))
    except (tokenize.TokenError, SyntaxError):
        return []
    start: int | None = None  # first line of the current logical line
    pending: list[tokenize.TokenInfo] = []

    def flush(lines: range | None) -> None:
        for comment in pending:
            line = comment.start[0]
            found.extend(_from_comment(comment, lines or range(line, line + 1)))
        pending.clear()

    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            pending.append(tok)
        elif tok.type == tokenize.NL:
            if start is None:  # a blank or comment-only line between statements
                flush(None)
        elif tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            flush(range(start, tok.start[0] + 1) if start is not None else None)
            start = None
        elif tok.type not in (tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING):
            if start is None:
                start = tok.start[0]
    flush(None)
    return found


def _from_comment(tok: tokenize.TokenInfo, lines: range) -> list[Suppression]:
    out = []
    line, col = tok.start
    text = tok.string
    for regex, kind in ((NOQA, "noqa"), (INLINE, "ignore"), (FILE, "ignore-file")):
        for match in regex.finditer(text):
            codes = _codes(match.group("codes"))
            if kind == "noqa" and match.group("codes") is None:
                rest = text[match.end() :]
                if rest.startswith(":"):
                    continue
            start, end = col + match.start() + 1, col + match.end() + 1
            out.append(Suppression(line, start, end, codes, kind, lines))
    return out


def apply(
    diagnostics: list[Diagnostic], suppressions: list[Suppression]
) -> tuple[list[Diagnostic], list[Suppression]]:
    """Drop suppressed diagnostics; mark which suppressions were used."""
    kept = []
    for diag in diagnostics:
        hit = False
        for sup in suppressions:
            if sup.covers(diag):
                sup.used.add(diag.code)
                # a prefix code (SOT2) counts as used by every code it covers
                sup.used.update(c for c in sup.codes if diag.code.startswith(c))
                hit = True
        if not hit:
            kept.append(diag)
    return kept, suppressions
