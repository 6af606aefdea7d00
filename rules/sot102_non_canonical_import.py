"""SOT102 non-canonical-import

Finds imports of a tracked name (configured in `canonical.symbols` /
`canonical.modules`, or an enum defined in several modules) from any module
but its canonical home: absolute, relative, nested in functions or
`if TYPE_CHECKING:`, and `import a.b as m` followed by `m.Name`.

It tells apart the two cases:

- **a different object**: the import binds a duplicate definition. This is the
  seed's bug: the test imported `ExecutionStatus` from
  `agents.base.execution_context`, the code compared against
  `schemas.core_enums.ExecutionStatus`, and `==` was always False;
- **the same object via a re-export**: harmless today, but it ties the code to
  a module that is not the source of truth. Reported only when the home is
  configured: with none, the "home" is a suggestion (the most imported
  definition), and a package's public re-export of it is not worth a finding.

**Fix**: rewrite the import to the canonical module, keeping the local name
(`as` alias) and splitting `from m import A, B` when only `A` moves. Safe for
re-exports; unsafe when it switches objects. Attribute uses (`m.Name`) are
reported without a fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ssotlint.rules._shared import (
    Tracked,
    attribute_references,
    flagged_import,
    node_span,
    resolve_reference,
    tracked_names,
)

from ssotlint.diagnostics import Fix
from ssotlint.index import ImportRecord, Kind, Resolution
from ssotlint.rule import Example, FixContext, Rule

if TYPE_CHECKING:
    import libcst as cst

CANON = "from enum import Enum\n\n\nclass Status(Enum):\n    DONE = 'done'\n"
FILES = {
    "app/__init__.py": "",
    "app/enums.py": CANON,
    "app/context.py": CANON + "\n\nclass Context:\n    pass\n",
    "app/schemas/__init__.py": "from app.enums import Status\n",
}
CONFIG = '[tool.ssotlint.canonical]\nsymbols = { Status = "app.enums" }\n'


class NonCanonicalImport(Rule):
    code = "SOT102"
    slug = "non-canonical-import"
    summary = "an import of a tracked name from a module other than its canonical home"
    fix_summary = (
        "rewrite to the canonical module: safe for re-exports, unsafe when it switches objects"
    )

    VALID = (
        Example({**FILES, "app/use.py": "from app.enums import Status\n"}, CONFIG),
        Example({**FILES, "app/use.py": "from .enums import Status as S\n"}, CONFIG),
        Example(  # no configured home: the re-export of the suggested one is the same object
            {
                **FILES,
                "app/use.py": "from app.schemas import Status\n",
                "app/more.py": "from app.enums import Status\n",
            }
        ),
    )
    INVALID = (
        Example(
            {**FILES, "app/use.py": "from app.context import Status, Context\n"},
            CONFIG,
            expected=("app/use.py:1 SOT102",),
            unsafe_fixes=True,
            fixed={"app/use.py": "from app.context import Context\nfrom app.enums import Status\n"},
        ),
        Example(
            {
                **FILES,
                "app/use.py": "def f():\n    from .schemas import Status as S\n    return S\n",
            },
            CONFIG,
            expected=("app/use.py:2 SOT102",),
            fixed={"app/use.py": "def f():\n    from app.enums import Status as S\n    return S\n"},
        ),
        Example(
            {**FILES, "app/use.py": "import app.context as ctx\n\nctx.Status.DONE\n"},
            CONFIG,
            expected=("app/use.py:3 SOT102",),
        ),
        Example(  # no configured home: the duplicate is still a different object
            {
                **FILES,
                "app/use.py": "from app.context import Status\n",
                "app/more.py": "from app.enums import Status\n",
            },
            expected=("app/use.py:1 SOT102",),
        ),
    )

    def check(self) -> None:
        tracked = tracked_names(self.ctx.index, self.ctx.config)
        if not tracked:
            return
        index = self.ctx.index
        for imp in self.ctx.record.imports:
            if not imp.is_from or imp.name is None or not index.is_first_party(imp.module):
                continue
            res = index.resolve(imp.module, imp.name)
            info = _tracked_definition(tracked, res)
            if info is None:
                continue
            home = info.effective_home
            if home == self.ctx.record.module:
                continue  # the home module itself: importing from itself is never the fix
            if info.home is None and res.module == home:
                # The same object through a re-export (a package's public `__init__`, say) of a
                # home nobody configured: no `==` bug, and only a suggestion to move towards.
                self.ctx.site(self.code, True)
                continue
            ok = home is None or imp.module == home
            self.ctx.site(self.code, ok)
            if not ok and home is not None:
                self._report(imp, res, info, home)
        self._attribute_uses(tracked)

    def _report(self, imp: ImportRecord, res: Resolution, info: Tracked, home: str) -> None:
        name = res.name
        canonical_note = "" if info.home else " (suggested: no canonical home is configured)"
        if res.module == home:
            msg = (
                f"`{name}` imported from `{imp.module}`, a re-export of the canonical "
                f"`{home}.{name}`{canonical_note}: import it from `{home}`"
            )
            applicability = "safe"
        else:
            msg = (
                f"`{name}` imported from `{imp.module}` is a different object than the canonical "
                f"`{home}.{name}`{canonical_note} (duplicate defined in `{res.module}`): "
                "`==` between them is False"
            )
            applicability = "unsafe"
        fix = None
        if (
            info.home
            and self.ctx.index.resolve(home, name).found
            and flagged_import(self.ctx.index, self.ctx.config, home, name) is None
        ):
            fix = Fix(
                applicability,
                f"import `{name}` from `{home}`",
                {"line": imp.span.line, "column": imp.span.column, "module": home},
            )
        self.ctx.report(self.code, imp.span, msg, fix, name)

    def _attribute_uses(self, tracked: dict[str, Tracked]) -> None:
        """`ctx.Status` where `ctx` is an imported module other than the canonical home."""
        for node, full in attribute_references(self.ctx, tracked):
            found = resolve_reference(self.ctx, full)
            if found is None:
                continue
            res, owner = found
            info = _tracked_definition(tracked, res)
            if info is None or info.effective_home in (None, owner):
                continue
            home = info.effective_home
            if info.home is None and res.module == home:
                continue  # a re-export of a suggested (unconfigured) home: same object
            kind = "a re-export of" if res.module == home else "a different object than"
            self.ctx.site(self.code, False)
            self.ctx.report(
                self.code,
                node_span(self.ctx, node),
                f"`{res.name}` read from `{owner}`, {kind} the canonical `{home}.{res.name}`",
                symbol=res.name,
            )

    @classmethod
    def apply_fixes(cls, module: cst.Module, fixes: Sequence[Fix], ctx: FixContext) -> cst.Module:
        from ssotlint.fixes import apply_name_moves

        return apply_name_moves(module, fixes)


def _tracked_definition(tracked: dict[str, Tracked], res: Resolution) -> Tracked | None:
    if res.kind is not Kind.DEFINITION:
        return None
    info = tracked.get(res.name)
    if info is None:
        return None
    if info.definition_in(res.module) is None and res.module != info.home:
        return None
    return info
