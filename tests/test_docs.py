"""docs/rules is generated from the rule modules; this keeps the two from drifting."""

from __future__ import annotations

from conftest import REPO

from ssotlint.docgen import expected_files


def test_rule_pages_match_rule_modules() -> None:
    folder = REPO / "docs" / "rules"
    for name, text in expected_files().items():
        page = folder / name
        assert page.is_file(), f"missing {page}: run `python -m ssotlint.docgen docs/rules`"
        assert page.read_text() == text, (
            f"{page} is stale: run `python -m ssotlint.docgen docs/rules`"
        )


def test_catalogue_matches_rule_modules() -> None:
    from ssotlint.catalogue import SLUGS
    from ssotlint.rule import load_rules

    assert {code: cls.slug for code, cls in load_rules().items()} == SLUGS
