"""SOT999 parse-error

A file that cannot be read or parsed: a syntax error (including syntax newer
than the running Python), bytes that do not decode in the declared encoding,
NUL bytes, a file too large to lint, a file that vanished or cannot be read.
It is reported and the run goes on with every other file; a file in this state
is never fixed. Also used for an internal error of a rule on one file, so one
bad file never ends a run.

No fix.
"""

from __future__ import annotations

from ssotlint.rule import Example, Rule


class ParseError(Rule):
    code = "SOT999"
    slug = "parse-error"
    summary = "a file that cannot be read or parsed"

    VALID = (Example({"app/__init__.py": "", "app/ok.py": "x = 1\n"}),)
    INVALID = (
        Example(
            {"app/__init__.py": "", "app/bad.py": "x = (\n"}, expected=("app/bad.py:1 SOT999",)
        ),
    )
