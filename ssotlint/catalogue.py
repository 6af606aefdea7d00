"""Rule codes and slugs without importing the rules.

Importing the rules means importing libcst (~0.25 s). A warm `ssotlint check`
answers from the cache and must not pay for that, so validation, selection and
output read this table; `tests/test_docs.py` keeps it equal to the rule modules.
"""

from __future__ import annotations

SLUGS: dict[str, str] = {
    "SOT101": "duplicate-definition",
    "SOT102": "non-canonical-import",
    "SOT103": "unresolved-import",
    "SOT201": "deprecated-symbol",
    "SOT202": "deprecated-module",
    "SOT301": "non-ssot-test-base",
    "SOT401": "missing-test-attribute",
    "SOT402": "uncalled-setup-hook",
    "SOT403": "missing-fixture",
    "SOT404": "async-test-not-awaited",
    "SOT901": "unused-suppression",
    "SOT999": "parse-error",
}
