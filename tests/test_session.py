"""The long-lived Session (flake8 plugin, editors): persisted project facts, libcst kept lazy."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ssotlint.cli import resolve_config
from ssotlint.engine import FACTS_CACHE, Session

FILES = {
    "app/__init__.py": "",
    "app/enums.py": "import enum\n\n\nclass Status(enum.Enum):\n    DONE = 'done'\n",
    "app/copy.py": "import enum\n\n\nclass Status(enum.Enum):\n    DONE = 'done'\n",
    "app/use.py": "from app.copy import Status\n\n\ndef f():\n    return Status.DONE\n",
}
CONFIG = '[tool.ssotlint.canonical]\nsymbols = { Status = "app.enums" }\n'


def _codes(session: Session, rel: str, data: bytes | None = None) -> list[str]:
    if data is None:
        data = (session.config.root / rel).read_bytes()
    return [f"{d.path}:{d.line} {d.code}" for d in session.check_buffer(rel, data)]


def test_facts_are_stored_and_reused_by_the_next_session(
    make_project: Callable[..., Path],
) -> None:
    root = make_project(FILES, CONFIG)
    config = resolve_config(None, root)
    first = Session(config)
    assert first.index.facts == {}
    expected = ["app/use.py:1 SOT102"]
    assert _codes(first, "app/use.py") == expected
    assert "tracked-names" in first.index.facts
    second = Session(config)
    assert second.index.facts == first.index.facts  # loaded, not recomputed
    assert not second.index.facts_added
    assert _codes(second, "app/use.py") == expected
    assert not second.index.facts_added


def test_facts_of_another_project_state_are_not_used(make_project: Callable[..., Path]) -> None:
    root = make_project(FILES, CONFIG)
    config = resolve_config(None, root)
    _codes(Session(config), "app/use.py")
    assert Session(config).index.facts
    # a third definition changes what is tracked: the stored facts no longer apply
    (root / "app/third.py").write_text("import enum\n\n\nclass Mode(enum.Enum):\n    A = 1\n")
    (root / "app/fourth.py").write_text("import enum\n\n\nclass Mode(enum.Enum):\n    A = 1\n")
    session = Session(config)
    assert session.index.facts == {}
    assert _codes(session, "app/third.py") == ["app/third.py:4 SOT101"]
    assert sorted(session.index.facts["tracked-names"]) == ["Mode", "Status"]


def test_edited_buffer_keeps_facts_only_while_its_shape_holds(
    make_project: Callable[..., Path],
) -> None:
    root = make_project(FILES, CONFIG)
    session = Session(resolve_config(None, root))
    disk = (root / "app/copy.py").read_bytes()
    assert _codes(session, "app/copy.py") == ["app/copy.py:4 SOT101"]
    # an edit inside the class body keeps the shape: same facts, same finding
    moved = disk.replace(b"import enum\n", b"import enum\n# a comment\n")
    assert _codes(session, "app/copy.py", moved) == ["app/copy.py:5 SOT101"]
    # renaming the class drops the duplicate: the facts must be recomputed for the buffer
    renamed = disk.replace(b"class Status", b"class Other")
    assert _codes(session, "app/copy.py", renamed) == []
    assert _codes(session, "app/use.py") == ["app/use.py:1 SOT102"]  # disk state again


def test_a_session_check_does_not_import_libcst(make_project: Callable[..., Path]) -> None:
    """libcst costs ~0.25 s to import: only fixes and CST visitors may need it."""
    root = make_project(FILES, CONFIG)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from ssotlint.cli import resolve_config\n"
        "from ssotlint.engine import Session\n"
        f"root = Path({str(root)!r})\n"
        "s = Session(resolve_config(None, root))\n"
        "found = s.check_buffer('app/use.py', (root / 'app/use.py').read_bytes())\n"
        "print(len(found), 'libcst' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["1", "False"]


def test_facts_live_in_their_own_cache_entry(make_project: Callable[..., Path]) -> None:
    root = make_project(FILES, CONFIG)
    session = Session(resolve_config(None, root))
    _codes(session, "app/use.py")
    assert list((root / ".ssotlint_cache").glob(f"*/{FACTS_CACHE}.pickle"))


def test_rules_can_ask_for_the_batched_cst_pass(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`cst_visitor` hooks run in one libcst pass; a failing visitor is a finding, not a crash."""
    import libcst as cst

    from ssotlint.cstpass import RuleVisitor
    from ssotlint.rule import load_rules

    rule = load_rules()["SOT202"]

    class PrintCalls(RuleVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            if isinstance(node.func, cst.Name) and node.func.value == "print":
                self.report_node(node, "print call")

    monkeypatch.setattr(rule, "cst_visitor", lambda self: PrintCalls(self.code, self.ctx))
    files = {"app/__init__.py": "", "app/p.py": "x = 1\nif x:\n    print(x)\n"}
    root = make_project(files)
    session = Session(resolve_config(None, root), use_cache=False)
    found = session.check_buffer("app/p.py", (root / "app/p.py").read_bytes())
    assert [(d.code, d.line, d.column, d.end_column, d.message) for d in found] == [
        ("SOT202", 3, 5, 13, "print call")
    ]

    class Broken(RuleVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            raise ValueError("boom")

    monkeypatch.setattr(rule, "cst_visitor", lambda self: Broken(self.code, self.ctx))
    found = session.check_buffer("app/p.py", (root / "app/p.py").read_bytes())
    assert [d.code for d in found] == ["SOT999"]
    assert "boom" in found[0].message
