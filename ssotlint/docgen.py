"""Generate `docs/rules/*.md` from the rule modules (a test keeps them in sync).

Run: `python -m ssotlint.docgen docs/rules`
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from ssotlint.rule import Example, Rule, load_rules


def _example_block(example: Example) -> str:
    parts = []
    if example.config.strip():
        parts.append(
            "```toml\n# pyproject.toml\n[tool.ssotlint]\n" + example.config.strip() + "\n```"
        )
    for path, text in example.files.items():
        if text.strip():
            parts.append(f"```python\n# {path}\n{text.rstrip()}\n```")
    if example.expected:
        parts.append("Reported: " + ", ".join(f"`{e}`" for e in example.expected))
    for path, text in example.fixed.items():
        kind = "unsafe " if example.unsafe_fixes else ""
        parts.append(f"After `--fix {'--unsafe-fixes' if kind else ''}`".rstrip() + ":\n\n"
                     f"```python\n# {path}\n{text.rstrip()}\n```")  # fmt: skip
    return "\n\n".join(parts)


def render(rule: type[Rule]) -> str:
    docs = rule.docs()
    _, _, body = docs.partition("\n")
    out = [f"# {rule.code} `{rule.slug}`", "", f"*{rule.summary}* — fix: {rule.fix_summary}", ""]
    out.append(textwrap.dedent(body).strip())
    out.append("")
    out.append("## Examples that are reported")
    for i, example in enumerate(rule.INVALID, 1):
        out += ["", f"### Invalid {i}", "", _example_block(example)]
    out += ["", "## Examples that are not reported"]
    for i, example in enumerate(rule.VALID, 1):
        out += ["", f"### Valid {i}", "", _example_block(example)]
    return "\n".join(out).rstrip() + "\n"


def render_index(rules: dict[str, type[Rule]]) -> str:
    rows = ["# Rules", "", "| code | slug | finds | fix |", "|---|---|---|---|"]
    for code, rule in rules.items():
        rows.append(f"| [{code}]({code}.md) | {rule.slug} | {rule.summary} | {rule.fix_summary} |")
    return "\n".join(rows) + "\n"


def expected_files() -> dict[str, str]:
    rules = load_rules()
    files = {f"{code}.md": render(rule) for code, rule in rules.items()}
    files["index.md"] = render_index(rules)
    return files


def main(argv: list[str]) -> int:
    target = Path(argv[0] if argv else "docs/rules")
    target.mkdir(parents=True, exist_ok=True)
    for name, text in expected_files().items():
        (target / name).write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
