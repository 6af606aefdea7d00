"""SOT901 unused-suppression

Finds a `# noqa: SOT…`, `# ssotlint: ignore[SOT…]` or
`# ssotlint: ignore-file[SOT…]` comment that suppresses nothing: the finding it
was written for is gone, and the stale comment would hide the next real one.
Only enabled SOT codes are considered, so `# noqa: E501` is left alone.

A suppression covers every physical line of the statement it sits on, like
flake8's noqa for multi-line statements.

**Fix** (safe): remove the unused codes, or the whole comment when none is left.
"""

from __future__ import annotations

from ssotlint.rule import Example, Rule

CONFIG = '[tool.ssotlint.deprecated]\n"app.old" = { replacement = "app.new" }\n'
FILES = {"app/__init__.py": "", "app/old.py": "X = 1\n", "app/new.py": "X = 1\n"}


class UnusedSuppression(Rule):
    code = "SOT901"
    slug = "unused-suppression"
    summary = "a suppression comment that suppresses nothing"
    fix_summary = "safe: remove it"

    VALID = (
        Example(
            {**FILES, "app/use.py": "from app.old import X  # noqa: SOT202\n"},
            CONFIG,
            select=("SOT",),
        ),
        Example(
            {**FILES, "app/use.py": "from app.old import (  # noqa: SOT202\n    X,\n)\n"},
            CONFIG,
            select=("SOT",),
        ),
        Example({**FILES, "app/use.py": "import os  # noqa: E401\n"}, CONFIG, select=("SOT",)),
    )
    INVALID = (
        Example(
            {**FILES, "app/use.py": "from app.new import X  # noqa: SOT202\n"},
            CONFIG,
            select=("SOT",),
            expected=("app/use.py:1 SOT901",),
            fixed={"app/use.py": "from app.new import X\n"},
        ),
        Example(
            {**FILES, "app/use.py": "from app.old import X  # ssotlint: ignore[SOT202, SOT101]\n"},
            CONFIG,
            select=("SOT",),
            expected=("app/use.py:1 SOT901",),
            fixed={"app/use.py": "from app.old import X  # ssotlint: ignore[SOT202]\n"},
        ),
    )
