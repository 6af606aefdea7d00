"""`# noqa: SOT…`, `# ssotlint: ignore[…]`, `# ssotlint: ignore-file[…]` and SOT901."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ssotlint.cli import resolve_config
from ssotlint.engine import CheckOptions, RunResult, run_check

CONFIG = """
[tool.ssotlint.deprecated]
"app.old_manager" = { replacement = "app.manager" }
"app.models.Old" = { message = "use New" }
"app.models.Older" = { message = "use New" }
"""
BASE = {
    "app/__init__.py": "",
    "app/manager.py": "class Manager:\n    pass\n",
    "app/old_manager.py": "from app.manager import Manager\n",
    "app/models.py": "class Old:\n    pass\n\n\nclass Older:\n    pass\n\n\nclass New:\n    pass\n",
}


def _lint(make_project: Callable[..., Path], text: str, **kwargs: object) -> tuple[Path, list[str]]:
    root = make_project({**BASE, "app/use.py": text}, CONFIG)
    return root, _found(root, **kwargs)


def _found(root: Path, **kwargs: object) -> list[str]:
    result = _run(root, **kwargs)
    return [f"{d.line} {d.code}" for d in result.diagnostics if d.path == "app/use.py"]


def _run(root: Path, **kwargs: object) -> RunResult:
    options = CheckOptions(use_cache=False, **kwargs)  # type: ignore[arg-type]
    return run_check(resolve_config(None, root), options)


def test_unsuppressed_baseline(make_project: Callable[..., Path]) -> None:
    _, found = _lint(make_project, "from app.models import Old\nfrom app.models import Older\n")
    assert found == ["1 SOT201", "2 SOT201"]


def test_noqa_code_on_one_line(make_project: Callable[..., Path]) -> None:
    text = "from app.models import Old  # noqa: SOT201\nfrom app.models import Older\n"
    assert _lint(make_project, text)[1] == ["2 SOT201"]


def test_noqa_with_other_code_does_not_suppress(make_project: Callable[..., Path]) -> None:
    text = "from app.models import Old  # noqa: SOT202\n"
    assert _lint(make_project, text)[1] == ["1 SOT201", "1 SOT901"]


def test_noqa_prefix_and_lists(make_project: Callable[..., Path]) -> None:
    text = (
        "from app.models import Old  # noqa: SOT2\n"
        "from app.models import Older  # noqa:SOT101,SOT201\n"
        "from app.models import Old as O2  # NOQA: sot201 E501\n"
    )
    assert _lint(make_project, text)[1] == ["2 SOT901"]  # SOT101 suppresses nothing


def test_noqa_on_last_line_covers_multiline_statement(make_project: Callable[..., Path]) -> None:
    text = "from app.models import (\n    Old,\n    Older,\n)  # noqa: SOT201\n"
    root, found = _lint(make_project, text)
    assert found == []
    # and without it both names are reported on their own lines
    (root / "app/use.py").write_text(text.replace("  # noqa: SOT201", ""))
    assert _found(root) == ["2 SOT201", "3 SOT201"]


def test_noqa_on_first_line_covers_multiline_statement(make_project: Callable[..., Path]) -> None:
    text = "from app.models import (  # noqa: SOT201\n    Old,\n    Older,\n)\n"
    assert _lint(make_project, text)[1] == []


def test_noqa_does_not_leak_to_the_next_statement(make_project: Callable[..., Path]) -> None:
    text = "from app.models import (\n    Old,\n)  # noqa: SOT201\nfrom app.models import Older\n"
    assert _lint(make_project, text)[1] == ["4 SOT201"]


def test_noqa_in_a_multiline_string_is_not_a_suppression(
    make_project: Callable[..., Path],
) -> None:
    text = 'DOC = """\n# noqa: SOT201\n"""\nfrom app.models import Old\n'
    assert _lint(make_project, text)[1] == ["4 SOT201"]


def test_ssotlint_ignore(make_project: Callable[..., Path]) -> None:
    text = (
        "from app.old_manager import Manager  # ssotlint: ignore[SOT202]\n"
        "from app.models import Old  # ssotlint: ignore[SOT202]\n"
    )
    assert _lint(make_project, text)[1] == ["2 SOT201", "2 SOT901"]


def test_ssotlint_ignore_multiple_codes(make_project: Callable[..., Path]) -> None:
    text = "from app.models import Old  # ssotlint: ignore[SOT201, SOT202]\n"
    # SOT202 is unused; SOT201 was used
    assert _lint(make_project, text)[1] == ["1 SOT901"]


def test_ignore_file(make_project: Callable[..., Path]) -> None:
    text = (
        '"""Docs."""\n'
        "# ssotlint: ignore-file[SOT201]\n"
        "from app.models import Old\n"
        "from app.models import Older\n"
        "from app.old_manager import Manager\n"
    )
    assert _lint(make_project, text)[1] == ["5 SOT202"]


def test_ignore_file_only_applies_to_its_file(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            **BASE,
            "app/use.py": "# ssotlint: ignore-file[SOT201]\nfrom app.models import Old\n",
            "app/other.py": "from app.models import Old\n",
        },
        CONFIG,
    )
    found = [(d.path, d.code) for d in _run(root).diagnostics]
    assert found == [("app/other.py", "SOT201")]


def test_bare_noqa_suppresses_everything_and_is_never_unused(
    make_project: Callable[..., Path],
) -> None:
    text = (
        "from app.models import Old  # noqa\n"
        "from app.old_manager import Manager  # noqa\n"
        "x = 1  # noqa\n"
    )
    assert _lint(make_project, text)[1] == []


def test_unused_noqa_is_sot901_with_a_fix(make_project: Callable[..., Path]) -> None:
    text = "import os  # noqa: SOT202\n"
    root = make_project({**BASE, "app/use.py": text}, CONFIG)
    result = _run(root)
    diags = [d for d in result.diagnostics if d.path == "app/use.py"]
    assert [(d.line, d.code) for d in diags] == [(1, "SOT901")]
    d = diags[0]
    assert d.column == text.index("#") + 1
    assert "SOT202" in d.message
    assert d.fix is not None and d.fix.applicability == "safe"


def test_sot901_fix_removes_the_comment(make_project: Callable[..., Path]) -> None:
    text = (
        "import os  # noqa: SOT202\n"
        "import sys  # noqa: SOT202, E501\n"
        "from app.models import Old  # ssotlint: ignore[SOT201, SOT202]\n"
        "x = 1  # keep me # noqa: SOT101\n"
    )
    root = make_project({**BASE, "app/use.py": text}, CONFIG)
    result = _run(root, fix=True)
    assert result.fixed_files == {"app/use.py": 4}
    assert (root / "app/use.py").read_text() == (
        "import os\n"
        "import sys  # noqa: E501\n"
        "from app.models import Old  # ssotlint: ignore[SOT201]\n"
        "x = 1  # keep me\n"
    )
    assert _found(root) == []


def test_sot901_fix_keeps_crlf(make_project: Callable[..., Path]) -> None:
    root = make_project(BASE, CONFIG)
    (root / "app/use.py").write_bytes(b"import os  # noqa: SOT202\r\nx = 1\r\n")
    _run(root, fix=True)
    assert (root / "app/use.py").read_bytes() == b"import os\r\nx = 1\r\n"


def test_foreign_noqa_codes_are_never_sot901(make_project: Callable[..., Path]) -> None:
    text = "x = 1  # noqa: E501\nimport os  # noqa: F401\ny = 2  # type: ignore  # noqa: E731\n"
    assert _lint(make_project, text)[1] == []


def test_sot901_only_for_enabled_rules(make_project: Callable[..., Path]) -> None:
    text = "import os  # noqa: SOT202\n"
    root, found = _lint(make_project, text, ignore=["SOT202"])
    assert found == []
    assert _found(root, ignore=["SOT901"]) == []


def test_suppression_of_a_disabled_rule_is_not_unused_noise(
    make_project: Callable[..., Path],
) -> None:
    text = "from app.models import Old  # noqa: SOT201\n"
    _, found = _lint(make_project, text, select=["SOT202", "SOT901"])
    assert found == []


def test_sot901_fix_keeps_lowercase_foreign_codes(make_project: Callable[..., Path]) -> None:
    """flake8 reads noqa codes case-insensitively; removing ours must keep theirs."""
    text = "import os  # noqa: e501, sot202\nimport sys  # NoQA: sot202\n"
    root = make_project({**BASE, "app/use.py": text}, CONFIG)
    assert _found(root) == ["1 SOT901", "2 SOT901"]
    _run(root, fix=True)
    assert (root / "app/use.py").read_text() == "import os  # noqa: e501\nimport sys\n"


def test_unused_ignore_file_is_sot901_and_fixable(make_project: Callable[..., Path]) -> None:
    text = "# ssotlint: ignore-file[SOT201]\nx = 1\n"
    root, found = _lint(make_project, text)
    assert found == ["1 SOT901"]
    _run(root, fix=True)
    assert "ssotlint" not in (root / "app/use.py").read_text()
    assert _found(root) == []
