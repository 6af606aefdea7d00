"""SOT103 unresolved-import

Finds imports that fail at import time because a first-party symbol moved or a
module went away:

- `from M import N` where `M` is first-party and `N` is not there: not defined,
  assigned, imported or a submodule of `M`;
- `from pkg.gone import X` / `import pkg.gone` where `pkg` is first-party but
  `pkg/gone.py` does not exist.

A star import or a module-level `__getattr__` in `M` makes the answer unknown,
so nothing is reported. Imports under `if TYPE_CHECKING:` are checked too (they
break type checking; the message says so). Imports inside
`try: ... except ImportError:` are reported with a note that the fallback always
runs; turn that off with `[tool.ssotlint.imports] check-try-except = false`
(`check-type-checking = false` likewise).

**Fix** (safe) when `N` has a canonical home (`canonical.symbols`) or exactly
one first-party definition: the import is rewritten there, keeping aliases.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ssotlint.diagnostics import Fix
from ssotlint.index import ImportRecord, Kind
from ssotlint.rule import Example, FixContext, Rule

if TYPE_CHECKING:
    import libcst as cst

FILES = {
    "app/__init__.py": "",
    "app/base/__init__.py": "",
    "app/base/context.py": "class ExecutionContext:\n    pass\n",
    "app/base/result.py": "class ExecutionResult:\n    pass\n",
}


class UnresolvedImport(Rule):
    code = "SOT103"
    slug = "unresolved-import"
    summary = "an import of a first-party name or module that does not exist"
    fix_summary = "safe rewrite to the one first-party module that defines the name"

    VALID = (
        Example({**FILES, "app/use.py": "from app.base import context, result\n"}),
        Example(
            {
                **FILES,
                "app/star.py": "from app.base.context import *\n",
                "app/use.py": "from app.star import anything\n",
            }
        ),
        Example(
            {
                **FILES,
                "app/lazy.py": "def __getattr__(name):\n    return name\n",
                "app/use.py": "from app.lazy import anything\n",
            }
        ),
        Example({**FILES, "app/use.py": "import os\nfrom requests import get\n"}),
        Example(
            {
                **FILES,
                "app/use.py": "try:\n    from app.gone import X\nexcept ImportError:\n    X = None\n",
            },
            "[tool.ssotlint.imports]\ncheck-try-except = false\n",
        ),
    )
    INVALID = (
        Example(
            {
                **FILES,
                "app/use.py": "from app.base.context import ExecutionContext, ExecutionResult as R\n",
            },
            expected=("app/use.py:1 SOT103",),
            fixed={
                "app/use.py": "from app.base.context import ExecutionContext\n"
                "from app.base.result import ExecutionResult as R\n"
            },
        ),
        Example(
            {**FILES, "app/use.py": "from .gone import ExecutionResult\nimport app.missing\n"},
            expected=("app/use.py:1 SOT103", "app/use.py:2 SOT103"),
            fixed={
                "app/use.py": "from app.base.result import ExecutionResult\nimport app.missing\n"
            },
        ),
        Example(
            {
                **FILES,
                "app/use.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
                "    from app.base.context import Nope\n",
            },
            expected=("app/use.py:4 SOT103",),
        ),
    )

    def check(self) -> None:
        index = self.ctx.index
        config = self.ctx.config
        for imp in self.ctx.record.imports:
            if imp.type_checking and not config.imports_check_type_checking:
                continue
            if imp.try_import_error and not config.imports_check_try_except:
                continue
            if imp.level and not imp.module:
                self.ctx.site(self.code, False)
                self.ctx.report(
                    self.code, imp.span, "relative import goes beyond the top-level package"
                    + self._note(imp), symbol=imp.name or "",
                )  # fmt: skip
                continue
            if not index.is_first_party(imp.module):
                continue
            if not imp.is_from:
                exists = index.module_exists(imp.module)
                self.ctx.site(self.code, exists)
                if not exists:
                    self.ctx.report(
                        self.code, imp.span,
                        f"module `{imp.module}` does not exist" + self._note(imp),
                        symbol=imp.module,
                    )  # fmt: skip
                continue
            assert imp.name is not None
            res = index.resolve(imp.module, imp.name)
            broken = res.kind in (Kind.MISSING, Kind.NO_MODULE)
            self.ctx.site(self.code, not broken)
            if broken:
                self._report(imp, res.kind)

    def _note(self, imp: ImportRecord) -> str:
        if imp.type_checking:
            return " (under TYPE_CHECKING: this breaks type checking, not run time)"
        if imp.try_import_error:
            return " (inside try/except ImportError: the fallback always runs)"
        return ""

    def _report(self, imp: ImportRecord, kind: Kind) -> None:
        name = imp.name or ""
        if kind is Kind.NO_MODULE:
            msg = f"module `{imp.module}` does not exist, so `{name}` cannot be imported from it"
        else:
            msg = f"`{name}` is not defined in `{imp.module}`"
        home = self._home(name, imp.module)
        fix = None
        if home is not None:
            msg += f"; it is defined in `{home}`"
            fix = Fix(
                "safe",
                f"import `{name}` from `{home}`",
                {"line": imp.span.line, "column": imp.span.column, "module": home},
            )
        self.ctx.report(self.code, imp.span, msg + self._note(imp), fix, name)

    def _home(self, name: str, current: str) -> str | None:
        index = self.ctx.index
        configured = self.ctx.config.canonical_symbols.get(name)
        if configured is not None and configured != current:
            return configured if index.resolve(configured, name).found else None
        candidates = index.derived("definitions-by-name", index.definitions_named).get(name, [])
        candidates = [m for m in candidates if m != current and m != self.ctx.record.module]
        return candidates[0] if len(candidates) == 1 else None

    @classmethod
    def apply_fixes(cls, module: cst.Module, fixes: Sequence[Fix], ctx: FixContext) -> cst.Module:
        from ssotlint.fixes import apply_name_moves

        return apply_name_moves(module, fixes)
