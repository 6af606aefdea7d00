"""SOT301 non-ssot-test-base

Finds a test class that does not derive, through first-party classes, from one
of the mandated bases in `tests.bases` (for example `SSotBaseTestCase` and
`SSotAsyncTestCase`). Test classes are found as pytest collects them
(`python_files` and `python_classes` from `[tool.pytest.ini_options]`,
`pytest.ini`, `tox.ini` or `setup.cfg`; default `test_*.py`/`*_test.py` and
`Test*`), plus every `unittest.TestCase` subclass in a test file. The rule is
silent until `tests.bases` is configured.

Test classes that skip the mandated bases miss the shared setup (the seed's
staging suite lost its `logger` this way) and the isolation the bases provide.

**Fix** (unsafe): `unittest.TestCase` becomes the sync base;
`IsolatedAsyncioTestCase`, or a class with `async def test_*`, becomes
`tests.async-base`; a plain pytest-style class gets the base added. The import
of the base is added and an import left unused is dropped.

```toml
[tool.ssotlint.tests]
bases = ["test_framework.base.SSotBaseTestCase", "test_framework.base.SSotAsyncTestCase"]
async-base = "test_framework.base.SSotAsyncTestCase"
```
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ssotlint.rules._testsuite import TestClass, analyse, resolved_bases

from ssotlint.diagnostics import Fix
from ssotlint.rule import Example, FixContext, Rule
from ssotlint.testmodel import ASYNC_UNITTEST, ASYNC_UNITTEST_BASES, SYNC_UNITTEST_BASES

if TYPE_CHECKING:
    import libcst as cst

CONFIG = """
[tool.ssotlint.tests]
bases = ["tf.base.SSotBaseTestCase", "tf.base.SSotAsyncTestCase"]
async-base = "tf.base.SSotAsyncTestCase"
"""
BASE = (
    "import unittest\n\n\nclass SSotBaseTestCase(unittest.TestCase):\n    pass\n\n\n"
    "class SSotAsyncTestCase(unittest.IsolatedAsyncioTestCase):\n    pass\n"
)
FILES = {"tf/__init__.py": "", "tf/base.py": BASE, "tests/__init__.py": ""}


class NonSsotTestBase(Rule):
    code = "SOT301"
    slug = "non-ssot-test-base"
    summary = "a test class that does not derive from a mandated SSOT base"
    fix_summary = "unsafe: swap in the sync/async SSOT base and fix imports"

    VALID = (
        Example(
            {
                **FILES,
                "tests/test_a.py": "from tf.base import SSotBaseTestCase\n\n\n"
                "class Middle(SSotBaseTestCase):\n    pass\n\n\n"
                "class TestA(Middle):\n    def test_x(self):\n        pass\n",
            },
            CONFIG,
        ),
        Example(
            {
                **FILES,
                "tests/helpers.py": "import unittest\n\n\nclass TestLike(unittest.TestCase):\n    pass\n",
            },
            CONFIG,
        ),
        Example(
            {
                **FILES,
                "tests/test_a.py": "import unittest\n\n\nclass TestA(unittest.TestCase):\n    pass\n",
            }
        ),
    )
    INVALID = (
        Example(
            {
                **FILES,
                "tests/test_a.py": "import unittest\n\n\nclass TestA(unittest.TestCase):\n    def test_x(self):\n        pass\n",
            },
            CONFIG,
            expected=("tests/test_a.py:4 SOT301",),
            unsafe_fixes=True,
            fixed={
                "tests/test_a.py": "from tf.base import SSotBaseTestCase\n\n\n"
                "class TestA(SSotBaseTestCase):\n    def test_x(self):\n        pass\n"
            },
        ),
        Example(
            {
                **FILES,
                "tests/test_a.py": "import unittest\n\n\nclass TestA(unittest.TestCase):\n"
                "    async def test_x(self):\n        pass\n\n\nunittest.main\n",
            },
            CONFIG,
            expected=("tests/test_a.py:4 SOT301",),
            unsafe_fixes=True,
            fixed={
                "tests/test_a.py": "import unittest\nfrom tf.base import SSotAsyncTestCase\n\n\n"
                "class TestA(SSotAsyncTestCase):\n"
                "    async def test_x(self):\n        pass\n\n\nunittest.main\n"
            },
        ),
        Example(
            {**FILES, "tests/test_a.py": "class TestPlain:\n    def test_x(self):\n        pass\n"},
            CONFIG,
            expected=("tests/test_a.py:1 SOT301",),
            unsafe_fixes=True,
            fixed={
                "tests/test_a.py": "from tf.base import SSotBaseTestCase\n\n"
                "class TestPlain(SSotBaseTestCase):\n    def test_x(self):\n        pass\n"
            },
        ),
    )

    def check(self) -> None:
        config = self.ctx.config
        if not config.test_bases:
            return
        tests = analyse(self.ctx)
        if tests is None:
            return
        bases = resolved_bases(self.ctx, config.test_bases)
        for cls in tests.classes:
            ok = bool(bases & set(cls.lineage.qualnames()))
            self.ctx.site(self.code, ok)
            if not ok:
                self._report(cls)

    def _report(self, cls: TestClass) -> None:
        config = self.ctx.config
        wanted = self._target(cls)
        names = ", ".join(b.rsplit(".", 1)[-1] for b in config.test_bases)
        msg = f"test class `{cls.info.name}` does not derive from a mandated base ({names})"
        fix = None
        if wanted is not None:
            fix = Fix(
                "unsafe",
                f"derive from `{wanted.rsplit('.', 1)[-1]}`",
                {"class": cls.info.name, "line": cls.info.span.line, "base": wanted,
                 "replace": self._replaceable(cls)},
            )  # fmt: skip
        self.ctx.report(self.code, cls.info.span, msg, fix, cls.info.name)

    def _target(self, cls: TestClass) -> str | None:
        config = self.ctx.config
        is_async = cls.framework == ASYNC_UNITTEST or any(
            m.is_async for m in cls.info.methods.values() if m.name.startswith("test")
        )
        if is_async:
            return config.test_async_base
        sync = [b for b in config.test_bases if b != config.test_async_base]
        return sync[0] if sync else None

    def _replaceable(self, cls: TestClass) -> list[int]:
        """Indexes of bases that are the stdlib unittest classes (to be swapped)."""
        out = []
        for i, base in enumerate(cls.info.bases):
            res = self.ctx.index.resolve_local(cls.info.module, base)
            if res.qualname in SYNC_UNITTEST_BASES | ASYNC_UNITTEST_BASES:
                out.append(i)
        return out

    @classmethod
    def apply_fixes(cls, module: cst.Module, fixes: Sequence[Fix], ctx: FixContext) -> cst.Module:
        return swap_bases(module, [dict(f.data) for f in fixes])


def _swap_bases_command() -> type:
    """The codemod class, built on first use (libcst.codemod is slow to import)."""
    import libcst as cst
    from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
    from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

    class _SwapBases(VisitorBasedCodemodCommand):
        def __init__(self, context: CodemodContext, targets: list[dict[str, object]]) -> None:
            super().__init__(context)
            self.targets = {str(t["class"]): t for t in targets}

        def leave_ClassDef(
            self, original_node: cst.ClassDef, updated_node: cst.ClassDef
        ) -> cst.ClassDef:
            target = self.targets.get(updated_node.name.value)
            if target is None:
                return updated_node
            module, _, name = str(target["base"]).rpartition(".")
            replace = [int(i) for i in target["replace"]]  # type: ignore[attr-defined]
            new_base = cst.Arg(value=cst.Name(name))
            args = list(updated_node.bases)
            removed: list[cst.BaseExpression] = []
            if replace:
                first = replace[0]
                removed = [args[i].value for i in replace]
                args = [
                    a.with_changes(value=cst.Name(name)) if i == first else a
                    for i, a in enumerate(args)
                    if i == first or i not in replace
                ]
            else:
                args = [new_base, *args]
            fixed = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in args]
            AddImportsVisitor.add_needed_import(self.context, module, name)
            for expr in removed:
                self._drop_import(expr)
            lpar = updated_node.lpar if updated_node.lpar else cst.LeftParen()
            rpar = updated_node.rpar if updated_node.rpar else cst.RightParen()
            return updated_node.with_changes(bases=fixed, lpar=lpar, rpar=rpar)

        def _drop_import(self, expr: cst.BaseExpression) -> None:
            if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
                RemoveImportsVisitor.remove_unused_import(self.context, expr.value.value)
            elif isinstance(expr, cst.Name):
                RemoveImportsVisitor.remove_unused_import(self.context, "unittest", expr.value)

    return _SwapBases


def swap_bases(module: cst.Module, targets: list[dict[str, object]]) -> cst.Module:
    import libcst as cst
    from libcst.codemod import CodemodContext, TransformSuccess, transform_module

    command = _swap_bases_command()(CodemodContext(), targets)
    result = transform_module(command, module.code)
    if not isinstance(result, TransformSuccess):
        raise ValueError("base swap failed")
    return result.code if isinstance(result.code, cst.Module) else cst.parse_module(result.code)
