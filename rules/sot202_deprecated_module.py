"""SOT202 deprecated-module

Finds imports of a module configured as deprecated in `[tool.ssotlint.deprecated]`
(an old import path kept alive for compatibility, such as an old WebSocket
manager module), including its submodules, relative imports of it, and
`from package import old_module`.

**Fix** (safe): `from OLD import a, b` is rewritten to `from REPLACEMENT import a, b`
when the `replacement` module defines or re-exports every imported name, so
nothing changes but the path. Plain `import OLD` is reported without a fix,
because every `OLD.x` use would need checking too.

```toml
[tool.ssotlint.deprecated]
"app.websocket_core.old_manager" = { replacement = "app.websocket_core.manager" }
```
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ssotlint.rules._shared import DeprecatedTarget, deprecated_modules, flagged_import

from ssotlint.diagnostics import Fix
from ssotlint.index import ImportRecord
from ssotlint.rule import Example, FixContext, Rule

if TYPE_CHECKING:
    import libcst as cst

CONFIG = """
[tool.ssotlint.deprecated]
"app.old_manager" = { message = "old WebSocket path", replacement = "app.manager" }
"""

FILES = {
    "app/__init__.py": "",
    "app/manager.py": "class WebSocketManager:\n    pass\n\n\nclass Event:\n    pass\n",
    "app/old_manager.py": "from app.manager import WebSocketManager, Event\n\nEXTRA = 1\n",
}


class DeprecatedModule(Rule):
    code = "SOT202"
    slug = "deprecated-module"
    summary = "an import of a configured deprecated module"
    fix_summary = "safe rewrite to the replacement module when it provides every imported name"

    VALID = (
        Example({**FILES, "app/use.py": "from app.manager import WebSocketManager\n"}, CONFIG),
    )
    INVALID = (
        Example(
            {**FILES, "app/use.py": "from app.old_manager import WebSocketManager, Event\n"},
            CONFIG,
            expected=("app/use.py:1 SOT202",),
            fixed={"app/use.py": "from app.manager import WebSocketManager, Event\n"},
        ),
        Example(
            {
                **FILES,
                "app/use.py": "from .old_manager import (\n    WebSocketManager,  # keep\n)\n",
            },
            CONFIG,
            expected=("app/use.py:2 SOT202",),
            fixed={"app/use.py": "from app.manager import (\n    WebSocketManager,  # keep\n)\n"},
        ),
        Example(
            {**FILES, "app/use.py": "from app.old_manager import EXTRA\nimport app.old_manager\n"},
            CONFIG,
            expected=("app/use.py:1 SOT202", "app/use.py:2 SOT202"),
        ),
        Example(
            {**FILES, "app/use.py": "from app import old_manager\n"},
            CONFIG,
            expected=("app/use.py:1 SOT202",),
        ),
        Example(  # a replacement that is deprecated too gets no fix: no ping-pong between two
            {**FILES, "app/use.py": "from app.old_manager import WebSocketManager\n"},
            CONFIG + '"app.manager" = { replacement = "app.old_manager" }\n',
            expected=("app/old_manager.py:1 SOT202", "app/use.py:1 SOT202"),
        ),
    )

    def check(self) -> None:
        targets = deprecated_modules(self.ctx.index, self.ctx.config)
        index = self.ctx.index
        by_stmt: dict[int, list[ImportRecord]] = {}
        for imp in self.ctx.record.imports:
            hit = self._match(imp, targets)
            if index.is_first_party(imp.module):
                self.ctx.site(self.code, hit is None)
            if hit is not None:
                by_stmt.setdefault(imp.stmt_line, []).append(imp)
        for imports in by_stmt.values():
            first = imports[0]
            hit = self._match(first, targets)
            assert hit is not None
            self.ctx.report(
                self.code, first.span, self._message(first, hit), self._fix(imports, hit),
                hit.qualname,
            )  # fmt: skip

    @staticmethod
    def _match(imp: ImportRecord, targets: dict[str, DeprecatedTarget]) -> DeprecatedTarget | None:
        module = imp.module
        candidates = [module]
        if imp.is_from and imp.name:
            candidates.append(f"{module}.{imp.name}")
        for candidate in candidates:
            parts = candidate.split(".")
            for i in range(len(parts), 0, -1):
                hit = targets.get(".".join(parts[:i]))
                if hit is not None:
                    return hit
        return None

    def _message(self, imp: ImportRecord, hit: DeprecatedTarget) -> str:
        text = f"`{hit.qualname}` is a deprecated module"
        if hit.message:
            text += f": {hit.message}"
        if hit.replacement:
            text += f"; import from `{hit.replacement}`"
        return text

    def _fix(self, imports: list[ImportRecord], hit: DeprecatedTarget) -> Fix | None:
        first = imports[0]
        if (
            not hit.replacement
            or hit.replacement == hit.qualname
            or hit.replacement.startswith(hit.qualname + ".")  # still inside the deprecated one
            or hit.replacement == self.ctx.record.module  # a module cannot import from itself
            or not first.is_from
            or first.module != hit.qualname
        ):
            return None
        index, config = self.ctx.index, self.ctx.config
        for imp in imports:
            if imp.name is None or not index.resolve(hit.replacement, imp.name).found:
                return None
            if flagged_import(index, config, hit.replacement, imp.name) is not None:
                return None  # the rewritten import would be a finding too (or cycle back)
            target = f"{hit.replacement}.{imp.name}"
            if target == hit.qualname or target.startswith(hit.qualname + "."):
                return None  # `from app import utils` would import the deprecated module again
        return Fix(
            "safe",
            f"import from `{hit.replacement}`",
            {"line": first.stmt_line, "module": hit.replacement},
        )

    @classmethod
    def apply_fixes(cls, module: cst.Module, fixes: Sequence[Fix], ctx: FixContext) -> cst.Module:
        from ssotlint.fixes import replace_from_module

        return replace_from_module(
            module, {int(f.data["line"]): str(f.data["module"]) for f in fixes}
        )
