"""SOT201 deprecated-symbol

Finds every reference to a deprecated symbol: a name configured in
`[tool.ssotlint.deprecated]`, or a first-party class/function decorated with
PEP 702 `@deprecated(...)` (decorators from `deprecated.decorators`).

Unlike ruff's banned-api (TID251), which matches the import path as written,
ssotlint resolves what an import binds, so the symbol is caught however it
enters a file:

- `from app.schemas.agent_models import DeepAgentState` (direct),
- `from app.agents.state import DeepAgentState` (a re-export, any number of hops),
- `from ... import DeepAgentState as AgentState` (aliases; later subclassing or
  `isinstance` uses the alias, so the import is where it is reported),
- `import app.schemas.agent_models as models; models.DeepAgentState()`
  (reported at the attribute use).

It is reported where the name enters the file (the import) and at attribute uses.

**Fix** (safe) when the entry has a `replacement` and `drop-in = true`: the
import and every use are renamed with libcst's `RenameCommand`. Otherwise
there is no fix: the message says what to use instead.

```toml
[tool.ssotlint.deprecated]
"app.schemas.agent_models.DeepAgentState" = { message = "use UserExecutionContext", replacement = "app.services.user_execution_context.UserExecutionContext", drop-in = true }
```
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ssotlint.rules._shared import (
    DeprecatedTarget,
    attribute_references,
    deprecated_symbols,
    flagged_import,
    lookup_deprecated,
    node_span,
    resolve_reference,
)

from ssotlint.diagnostics import Fix
from ssotlint.index import ImportRecord, Kind, Resolution
from ssotlint.rule import Example, FixContext, Rule

if TYPE_CHECKING:
    import libcst as cst

CONFIG = """
[tool.ssotlint.deprecated]
"app.models.DeepAgentState" = { message = "use UserExecutionContext", replacement = "app.context.UserExecutionContext", drop-in = true }
"app.models.LegacyConfig" = { message = "use Settings" }
"""

MODELS = "class DeepAgentState:\n    pass\n\n\nclass LegacyConfig:\n    pass\n"
CONTEXT = "class UserExecutionContext:\n    pass\n"


def _files(**extra: str) -> dict[str, str]:
    return {
        "app/__init__.py": "",
        "app/models.py": MODELS,
        "app/context.py": CONTEXT,
        **{k.replace("__", "/") + ".py": v for k, v in extra.items()},
    }


class DeprecatedSymbol(Rule):
    code = "SOT201"
    slug = "deprecated-symbol"
    summary = "a reference that resolves to a deprecated symbol (configured or PEP 702)"
    fix_summary = "safe rename when the replacement is marked drop-in"

    VALID = (
        Example(_files(app__ok="from app.context import UserExecutionContext\n"), CONFIG),
        Example(_files(app__ok="from app import models\n\nmodels.other = 1\n"), CONFIG),
    )
    INVALID = (
        Example(
            _files(app__user="from app.models import DeepAgentState\n\nstate = DeepAgentState()\n"),
            CONFIG,
            expected=("app/user.py:1 SOT201",),
            fixed={
                "app/user.py": "from app.context import UserExecutionContext\n\n"
                "state = UserExecutionContext()\n"
            },
        ),
        Example(
            _files(
                app__state="from app.models import DeepAgentState\n",
                app__user="from app.state import DeepAgentState as S\n\n\nclass Mine(S):\n    pass\n",
            ),
            CONFIG,
            expected=("app/state.py:1 SOT201", "app/user.py:1 SOT201"),
            fixed={
                "app/user.py": "from app.context import UserExecutionContext\n\n\n"
                "class Mine(UserExecutionContext):\n    pass\n"
            },
        ),
        Example(
            _files(app__user="import app.models as m\n\nm.DeepAgentState()\nm.LegacyConfig()\n"),
            CONFIG,
            expected=("app/user.py:3 SOT201", "app/user.py:4 SOT201"),
            fixed={  # the drop-in rename; LegacyConfig has no replacement: reported only
                "app/user.py": "import app.models as m, app.context\n\n"
                "app.context.UserExecutionContext()\nm.LegacyConfig()\n"
            },
        ),
        Example(
            _files(
                app__user="def f():\n    from .models import LegacyConfig\n    return LegacyConfig\n"
            ),
            CONFIG,
            expected=("app/user.py:2 SOT201",),
        ),
        Example(
            {
                "pkg/__init__.py": "",
                "pkg/old.py": "from typing_extensions import deprecated\n\n\n"
                "@deprecated('use new_api')\ndef old_api():\n    pass\n",
                "pkg/use.py": "from pkg.old import old_api\n",
            },
            expected=("pkg/use.py:1 SOT201",),
        ),
    )

    def check(self) -> None:
        targets = deprecated_symbols(self.ctx.index, self.ctx.config)
        index = self.ctx.index
        for imp in self.ctx.record.imports:
            if not imp.is_from or imp.name is None:
                continue
            first_party = index.is_first_party(imp.module)
            res = index.resolve(imp.module, imp.name) if targets else Resolution(Kind.UNKNOWN)
            hit = lookup_deprecated(targets, f"{imp.module}.{imp.name}", res) if targets else None
            if first_party:
                self.ctx.site(self.code, hit is None)
            if hit is not None:
                self._report_import(imp, hit, res)
        if targets:
            self._attribute_uses(targets)

    def _report_import(self, imp: ImportRecord, hit: DeprecatedTarget, res: Resolution) -> None:
        via = ""
        if res.via and res.kind is Kind.DEFINITION:
            via = f" (re-exported by `{imp.module}`)"
        fix = None
        reexported = self.ctx.index.is_reexported(self.ctx.record.module, imp.bound_name)
        if reexported:
            via += "; re-exported from here, so other modules' imports must move first"
        if self._drop_in(hit) and not reexported:
            fix = Fix(
                "safe",
                f"replace with `{hit.replacement}`",
                {
                    "old": f"{imp.module}.{imp.name}",
                    "new": hit.replacement,
                    "line": imp.stmt_line,
                    "module": imp.module if imp.level else "",
                },
            )
        self.ctx.report(self.code, imp.span, _message(imp.name or "", hit) + via, fix, hit.qualname)

    def _drop_in(self, hit: DeprecatedTarget) -> bool:
        """Is there a rename fix: a drop-in replacement that is not deprecated itself?"""
        if not (hit.drop_in and hit.replacement and hit.replacement != hit.qualname):
            return False
        targets = deprecated_symbols(self.ctx.index, self.ctx.config)
        res = self.ctx.index.resolve_dotted(hit.replacement)
        if lookup_deprecated(targets, hit.replacement, res) is not None:
            return False
        module, _, name = hit.replacement.rpartition(".")
        if not module or not self.ctx.index.module_exists(module):
            return True  # an attribute path (`pkg.Class.attr`): nothing to import-check
        return flagged_import(self.ctx.index, self.ctx.config, module, name) is None

    def _attribute_uses(self, targets: dict[str, DeprecatedTarget]) -> None:
        """`models.DeepAgentState` where `models` is an imported module."""
        names = {q.rsplit(".", 1)[-1] for q in targets}
        for node, full in attribute_references(self.ctx, names):
            found = resolve_reference(self.ctx, full)
            if found is None:
                continue
            res, owner = found
            hit = lookup_deprecated(targets, f"{owner}.{node.attr}", res)
            if hit is None:
                continue
            fix = None
            if self._drop_in(hit):
                fix = Fix(
                    "safe",
                    f"replace with `{hit.replacement}`",
                    {
                        "old": f"{owner}.{node.attr}",
                        "new": hit.replacement,
                        "line": 0,
                        "module": "",
                    },
                )
            self.ctx.site(self.code, False)  # attribute references count for the score too
            self.ctx.report(
                self.code, node_span(self.ctx, node), _message(node.attr, hit), fix, hit.qualname
            )

    @classmethod
    def apply_fixes(cls, module: cst.Module, fixes: Sequence[Fix], ctx: FixContext) -> cst.Module:
        from ssotlint.fixes import rename_qualified

        renames = sorted({(f.data["old"], f.data["new"]) for f in fixes})
        relative = {int(f.data["line"]): str(f.data["module"]) for f in fixes if f.data["module"]}
        return rename_qualified(module, renames, relative)


def _message(name: str, hit: DeprecatedTarget) -> str:
    text = f"`{name}` is deprecated"
    if hit.source == "decorator":
        text += " (@deprecated)"
    if hit.message:
        text += f": {hit.message}"
    if hit.replacement:
        text += f"; use `{hit.replacement}`"
    return text
