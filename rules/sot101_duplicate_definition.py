"""SOT101 duplicate-definition

Finds an Enum (a class whose base, through first-party classes, is `enum.Enum`,
`IntEnum`, `StrEnum`, `Flag` or `IntFlag`) whose name is defined in two or more
first-party modules. With `canonical.kinds = ["class"]` every class counts.

Two enums with equal members are still different objects: `A.DONE == B.DONE` is
False, so code that imports the wrong one fails silently (the seed's
`ExecutionStatus` bug). The message says when the copies have the same members
(the identity trap) and lists the differences when they do not.

The canonical home comes from `canonical.symbols`, then `canonical.modules`; each
other definition is reported, naming the canonical one and the number of other
copies. With no canonical home configured, every definition is reported and the
message suggests the most imported one; then definitions that all have members,
none of them shared, are a name clash and not reported: Home Assistant's
`braviatv` `SourceType` (APP, CHANNEL, INPUT) and `device_tracker` `SourceType`
(GPS, ROUTER, ...) share a name, not an idea. Configure a home for the name to
have every definition reported.

**Fix** (unsafe): replace the duplicate class with `from CANONICAL import Name`
when the canonical enum has every member of the duplicate with an equal value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ssotlint.rules._shared import Tracked, members_comparison, tracked_names

from ssotlint.diagnostics import Fix
from ssotlint.index import ClassRecord
from ssotlint.rule import Example, FixContext, Rule

if TYPE_CHECKING:
    import libcst as cst

CANON = "from enum import Enum\n\n\nclass Status(Enum):\n    DONE = 'done'\n    FAILED = 'failed'\n"
COPY = "import enum\n\n\nclass Status(enum.Enum):\n    DONE = 'done'\n    FAILED = 'failed'\n"
CONFIG = '[tool.ssotlint.canonical]\nsymbols = { Status = "app.enums" }\n'


class DuplicateDefinition(Rule):
    code = "SOT101"
    slug = "duplicate-definition"
    summary = "an Enum (or class) whose name is defined in 2+ first-party modules"
    fix_summary = "unsafe: replace the duplicate with an import of the canonical definition"

    VALID = (
        Example({"app/__init__.py": "", "app/enums.py": CANON, "app/other.py": "Status = 1\n"}),
        Example(
            {
                "app/__init__.py": "",
                "app/a.py": "class Status:\n    pass\n",
                "app/b.py": "class Status:\n    pass\n",
            }
        ),
    )
    INVALID = (
        Example(
            {"app/__init__.py": "", "app/enums.py": CANON, "app/copy.py": COPY},
            CONFIG,
            expected=("app/copy.py:4 SOT101",),
            unsafe_fixes=True,
            fixed={"app/copy.py": "import enum\n\n\nfrom app.enums import Status\n"},
        ),
        Example(
            {
                "app/__init__.py": "",
                "app/enums.py": CANON,
                "app/base.py": "import enum\n\n\nclass Base(enum.IntEnum):\n    pass\n",
                "app/copy.py": "from app.base import Base\n\n\nclass Status(Base):\n    DONE = 1\n",
            },
            CONFIG,
            expected=("app/copy.py:4 SOT101",),
        ),
        Example(
            {"app/__init__.py": "", "app/a.py": CANON, "app/b.py": COPY},
            expected=("app/a.py:4 SOT101", "app/b.py:4 SOT101"),
        ),
        Example(
            {
                "app/__init__.py": "",
                "app/a.py": "class Config:\n    pass\n",
                "app/b.py": "class Config:\n    pass\n",
            },
            '[tool.ssotlint.canonical]\nkinds = ["class"]\nmodules = ["app.a"]\n',
            expected=("app/b.py:1 SOT101",),
            unsafe_fixes=True,
            fixed={"app/b.py": "from app.a import Config\n"},
        ),
    )

    def check(self) -> None:
        rec = self.ctx.record
        tracked = tracked_names(self.ctx.index, self.ctx.config)
        for cls in rec.classes.values():
            info = tracked.get(cls.name)
            if info is None or info.definition_in(rec.module) is not cls:
                continue
            modules = sorted({m for m, _ in info.definitions})
            if len(modules) < 2:
                self.ctx.site(self.code, True)
                continue
            if info.home == rec.module:
                self.ctx.site(self.code, True)
                continue
            self.ctx.site(self.code, False)
            self._report(cls, info, modules)

    def _report(self, cls: ClassRecord, info: Tracked, modules: list[str]) -> None:
        rec = self.ctx.record
        others = [m for m in modules if m != rec.module]
        reference_module = info.effective_home
        canonical = info.definition_in(reference_module) if reference_module else None
        if info.home:
            copies = len(others) - (1 if info.home in others else 0)
            msg = f"`{cls.name}` is also defined in canonical `{info.home}`"
            if copies:
                msg += f" and {copies} other module{'s' if copies > 1 else ''}"
        else:
            msg = (
                f"`{cls.name}` is defined in {len(modules)} modules ({', '.join(others)} and here)"
            )
            msg += f"; none is canonical: suggest `{info.suggested}` (most imported)"
            msg += f" and set canonical.symbols.{cls.name}"
        fix = None
        if canonical is not None and reference_module != rec.module:
            same, detail = members_comparison(cls, canonical)
            if same:
                msg += (
                    "; same members and values, but a different object: `==` between them is False"
                )
            else:
                msg += f"; members differ ({detail})"
            covered = dict(canonical.members)
            if info.home and all(covered.get(k) == v for k, v in cls.members):
                fix = Fix(
                    "unsafe",
                    f"replace with `from {info.home} import {cls.name}`",
                    {"name": cls.name, "line": cls.span.line, "module": info.home},
                )
        self.ctx.report(self.code, cls.span, msg, fix, cls.name)

    @classmethod
    def apply_fixes(cls, module: cst.Module, fixes: Sequence[Fix], ctx: FixContext) -> cst.Module:
        import libcst as cst

        from ssotlint.fixes import dotted_node

        targets = {str(f.data["name"]): str(f.data["module"]) for f in fixes}
        body: list[cst.BaseStatement] = []
        for stmt in module.body:
            if isinstance(stmt, cst.ClassDef) and stmt.name.value in targets:
                name = stmt.name.value
                imp = cst.ImportFrom(
                    module=dotted_node(targets[name]),
                    names=[cst.ImportAlias(name=cst.Name(name))],
                )
                lead = stmt.leading_lines
                if stmt.decorators:
                    lead = stmt.decorators[0].leading_lines
                body.append(cst.SimpleStatementLine(body=[imp], leading_lines=lead))
            else:
                body.append(stmt)
        return module.with_changes(body=body)
