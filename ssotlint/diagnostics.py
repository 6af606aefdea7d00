"""Diagnostics are small typed records: rules only collect them, reporting happens in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Fix:
    applicability: str  # 'safe' | 'unsafe'
    message: str
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    path: str  # relative to the project root, '/' separators
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    fix: Fix | None = None
    symbol: str = ""  # the name involved, for baseline fingerprints

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)


@dataclass(slots=True)
class Sites:
    """Per-rule counts for the compliance score: examined and compliant sites."""

    examined: int = 0
    compliant: int = 0

    def add(self, compliant: bool) -> None:
        self.examined += 1
        if compliant:
            self.compliant += 1
