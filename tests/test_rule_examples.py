"""Every rule's VALID/INVALID examples, turned into test cases (the pyupgrade habit)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ssotlint.cli import resolve_config
from ssotlint.engine import CheckOptions, run_check
from ssotlint.rule import Example, Rule, load_rules

RULES = load_rules()


def _cases(kind: str) -> list[pytest.param]:
    out = []
    for code, cls in RULES.items():
        for i, example in enumerate(getattr(cls, kind)):
            out.append(pytest.param(cls, example, id=f"{code}-{kind.lower()}-{i}"))
    return out


def _lint(root: Path, cls: type[Rule], example: Example, **kwargs: object) -> list[str]:
    config = resolve_config(None, root)
    select = [cls.code, *example.select]
    options = CheckOptions(select=select, use_cache=False, **kwargs)  # type: ignore[arg-type]
    result = run_check(config, options)
    return sorted(f"{d.path}:{d.line} {d.code}" for d in result.diagnostics if d.code == cls.code)


def test_every_rule_has_examples_and_docs() -> None:
    assert len(RULES) >= 7
    for code, cls in RULES.items():
        assert cls.VALID, f"{code} has no VALID examples"
        assert cls.INVALID, f"{code} has no INVALID examples"
        assert cls.slug and cls.summary
        assert code in cls.docs().splitlines()[0], f"{code} docs must start with its code"


@pytest.mark.parametrize(("cls", "example"), _cases("VALID"))
def test_valid(cls: type[Rule], example: Example, make_project: Callable[..., Path]) -> None:
    root = make_project(example.files, example.config)
    assert _lint(root, cls, example) == []


@pytest.mark.parametrize(("cls", "example"), _cases("INVALID"))
def test_invalid(cls: type[Rule], example: Example, make_project: Callable[..., Path]) -> None:
    root = make_project(example.files, example.config)
    assert _lint(root, cls, example) == sorted(example.expected)
    if not example.fixed:  # the no-op table: no fix offered, so --fix changes nothing
        before = {rel: (root / rel).read_bytes() for rel in example.files}
        _lint(root, cls, example, fix=True, unsafe_fixes=True)
        assert {rel: (root / rel).read_bytes() for rel in example.files} == before
        return
    _lint(root, cls, example, fix=True, unsafe_fixes=example.unsafe_fixes)
    for rel, expected in example.fixed.items():
        assert (root / rel).read_text() == expected, rel
    # Fixes are idempotent: a second run changes nothing.
    before = {rel: (root / rel).read_text() for rel in example.files}
    _lint(root, cls, example, fix=True, unsafe_fixes=example.unsafe_fixes)
    assert {rel: (root / rel).read_text() for rel in example.files} == before
