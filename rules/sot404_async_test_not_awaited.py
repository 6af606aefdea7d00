"""SOT404 async-test-not-awaited

Finds an `async def` test, or async setup/teardown hook, that its runner calls
without awaiting: the call returns a coroutine, the test "passes" without
running a line, and the log fills with "coroutine ... was never awaited" (the
seed's warnings).

- async tests and async `setUp`/`tearDown` in a `unittest.TestCase` that is not
  an `IsolatedAsyncioTestCase` (directly or through first-party bases);
- async `setUp`/`tearDown` even in an `IsolatedAsyncioTestCase` (only
  `asyncSetUp`/`asyncTearDown` are awaited);
- async tests in pytest-style classes and modules when no async plugin covers
  them: pytest-asyncio's `asyncio_mode = auto` (or `--asyncio-mode=auto` in
  `addopts`), pytest-trio's `trio_mode`, an `asyncio`/`anyio`/`trio` mark on the
  function, the class (or a first-party base) or the module's `pytestmark`, anyio's
  plugin (the test's fixtures include `anyio_backend`), or a conftest hook that
  runs coroutines itself (`pytest_pyfunc_call`) or adds an async mark;
- async `setup_method`/`teardown_method` (pytest never awaits them);
- an async method called as `self.method()` without `await` from a sync hook.

Classes whose first-party bases reimplement how tests are called (for example
Django's `SimpleTestCase`, which runs async tests itself) are skipped, and so are
async tests with a decorator that may wrap them in a sync function (`@async_test`).

**Fix** (unsafe): move a `unittest.TestCase` class onto `tests.async-base` when
it is configured.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ssotlint.rules._testsuite import TestClass, TestFile, analyse, class_marks, conftest_chain
from ssotlint.rules.sot301_non_ssot_test_base import swap_bases

from ssotlint.diagnostics import Fix
from ssotlint.rule import Example, FixContext, Rule
from ssotlint.testmodel import (
    ASYNC_UNITTEST,
    HOOK_LIKE,
    PYTEST,
    SYNC_UNITTEST_BASES,
    UNITTEST,
    FixtureScope,
    FunctionInfo,
    expand_aliases,
    is_async_marked,
    keeps_coroutine,
    marks,
    module_fixtures,
    usefixtures_names,
)

if TYPE_CHECKING:
    import libcst as cst

CONFIG = """
[tool.ssotlint.tests]
bases = ["tf.base.SSotAsyncTestCase"]
async-base = "tf.base.SSotAsyncTestCase"
"""
FILES = {
    "tf/__init__.py": "",
    "tf/base.py": "import unittest\n\n\nclass SSotAsyncTestCase(unittest.IsolatedAsyncioTestCase):\n    pass\n",
    "tests/__init__.py": "",
}


class AsyncTestNotAwaited(Rule):
    code = "SOT404"
    slug = "async-test-not-awaited"
    summary = "an async test or hook that its runner calls without awaiting"
    fix_summary = "unsafe: move the class onto tests.async-base"

    VALID = (
        Example(
            {
                **FILES,
                "tests/test_a.py": "from tf.base import SSotAsyncTestCase\n\n\nclass TestA(SSotAsyncTestCase):\n    async def test_x(self):\n        pass\n",
            }
        ),
        Example(
            {
                **FILES,
                "tests/test_a.py": "import pytest\n\n\n@pytest.mark.asyncio\nasync def test_x():\n    pass\n",
            }
        ),
        Example(
            {
                **FILES,
                "tests/test_a.py": "import pytest\n\npytestmark = pytest.mark.anyio\n\n\nclass TestA:\n    async def test_x(self):\n        pass\n",
            }
        ),
        Example(
            {**FILES, "tests/test_a.py": "async def test_x():\n    pass\n"},
            '[tool.ssotlint.tests]\n\n[tool.pytest.ini_options]\nasyncio_mode = "auto"\n',
        ),
    )
    INVALID = (
        Example(
            {
                **FILES,
                "tests/test_a.py": "import unittest\n\n\nclass TestA(unittest.TestCase):\n    async def test_x(self):\n        pass\n",
            },
            CONFIG,
            expected=("tests/test_a.py:5 SOT404",),
            unsafe_fixes=True,
            fixed={
                "tests/test_a.py": "from tf.base import SSotAsyncTestCase\n\n\nclass TestA(SSotAsyncTestCase):\n    async def test_x(self):\n        pass\n"
            },
        ),
        Example(
            {
                **FILES,
                "tests/test_a.py": "async def test_x():\n    pass\n\n\nclass TestB:\n    async def setup_method(self):\n        pass\n",
            },
            expected=("tests/test_a.py:1 SOT404", "tests/test_a.py:6 SOT404"),
        ),
        Example(
            {
                **FILES,
                "tests/test_a.py": "class TestA:\n    def setup_method(self):\n        self.connect()\n\n    async def connect(self):\n        pass\n",
            },
            expected=("tests/test_a.py:3 SOT404",),
        ),
    )

    def check(self) -> None:
        tests = analyse(self.ctx)
        if tests is None:
            return
        settings, tree = tests.settings, tests.parsed.tree
        scopes = [module_fixtures(tree), *conftest_chain(self.ctx, settings)]
        # pytest-asyncio's auto mode, pytest-trio's trio_mode, a conftest hook that runs or marks
        # async tests itself (`pytest_pyfunc_call`, `item.add_marker(pytest.mark.asyncio)`)
        auto = settings.asyncio_mode == "auto" or settings.trio_mode
        auto = auto or any(s.async_runner for s in scopes)
        self._anyio = _AnyioFixtures(scopes, settings.usefixtures)
        module_async = is_async_marked(tests.mark_names)
        for func in tests.functions:
            if not func.is_async:
                continue
            decorators = expand_aliases(func.decorator_nodes, tree)
            if not keeps_coroutine(decorators):
                continue  # `@async_test`-style wrappers may run the loop themselves: in doubt
            covered = auto or module_async or is_async_marked(m for m, _ in marks(decorators))
            covered = covered or self._anyio.runs(func, decorators)
            self.ctx.site(self.code, covered)
            if not covered:
                self._report(func, "pytest runs it without an async plugin: mark it "
                             "`@pytest.mark.asyncio`/`anyio` or set asyncio_mode = auto", None)  # fmt: skip
        for cls in tests.classes:
            self._check_class(cls, tests, auto, module_async)

    def _check_class(self, cls: TestClass, tests: TestFile, auto: bool, module_async: bool) -> None:
        if cls.lineage.custom_runner or not cls.lineage.complete:
            return
        groups = class_marks(self.ctx, tests, cls)  # own and inherited, body pytestmark too
        if groups is None:
            return
        class_nodes = [node for _, nodes in groups for node in nodes]
        class_async = module_async or is_async_marked(m for m, _ in marks(class_nodes))
        tree = tests.parsed.tree
        for method in cls.info.methods.values():
            is_test = (
                method.name.startswith("test")
                if cls.framework != PYTEST
                else method.name in {m.name for m in cls.test_methods(tests.settings)}
            )
            is_hook = method.name in HOOK_LIKE and method.name in cls.called
            if not method.is_async or not (is_test or is_hook):
                continue
            decorators = expand_aliases(method.decorator_nodes, tree)
            if not keeps_coroutine(decorators):
                continue  # in doubt: a wrapper may run the coroutine itself
            marked = class_async or is_async_marked(m for m, _ in marks(decorators))
            if cls.framework == PYTEST and is_test:
                marked = marked or self._anyio.runs(method, decorators, cls, class_nodes)
            reason = self._reason(cls, method, is_test, auto, marked)
            self.ctx.site(self.code, reason is None)
            if reason is not None:
                self._report(method, reason, cls)
        # async methods called from sync hooks without await
        lin = cls.lineage
        for name, where in cls.reached.items():
            for i in where:
                hook = lin.classes[i].methods[name]
                if hook.is_async or lin.classes[i] is not cls.info:
                    continue
                for callee, span in hook.unawaited_self_calls:
                    found = lin.find(callee)
                    if found is not None and found[1].is_async:
                        self.ctx.site(self.code, False)
                        self.ctx.report(
                            self.code, span,
                            f"`self.{callee}()` is async but `{name}` calls it without await: "
                            "the coroutine never runs",
                            symbol=f"{cls.info.name}.{callee}",
                        )  # fmt: skip

    def _reason(
        self, cls: TestClass, method: FunctionInfo, is_test: bool, auto: bool, class_async: bool
    ) -> str | None:
        if cls.framework == UNITTEST:
            return "unittest.TestCase calls it without awaiting (use IsolatedAsyncioTestCase)"
        if cls.framework == ASYNC_UNITTEST:
            if method.name in ("setUp", "tearDown", "setUpClass", "tearDownClass"):
                return "IsolatedAsyncioTestCase calls it without awaiting (only asyncSetUp/asyncTearDown and tests are awaited)"
            return None
        if cls.framework == PYTEST:
            if not is_test:
                return "pytest never awaits setup/teardown methods (use an async fixture)"
            if auto or class_async:
                return None
            return "pytest runs it without an async plugin: mark it `@pytest.mark.asyncio`/`anyio` or set asyncio_mode = auto"
        return None

    def _report(self, func: FunctionInfo, reason: str, cls: TestClass | None) -> None:
        fix = None
        config = self.ctx.config
        if cls is not None and cls.framework == UNITTEST and config.test_async_base:
            replace = [
                i for i, base in enumerate(cls.info.bases)
                if self.ctx.index.resolve_local(cls.info.module, base).qualname in SYNC_UNITTEST_BASES
            ]  # fmt: skip
            if replace:
                fix = Fix(
                    "unsafe",
                    f"derive from `{config.test_async_base.rsplit('.', 1)[-1]}`",
                    {"class": cls.info.name, "line": cls.info.span.line,
                     "base": config.test_async_base, "replace": replace},
                )  # fmt: skip
        what = "hook" if func.name in HOOK_LIKE else "test"
        self.ctx.report(
            self.code, func.span, f"async {what} `{func.name}` is never awaited: {reason}", fix,
            func.name,
        )  # fmt: skip

    @classmethod
    def apply_fixes(cls, module: cst.Module, fixes: Sequence[Fix], ctx: FixContext) -> cst.Module:
        targets = {str(f.data["class"]): dict(f.data) for f in fixes}
        return swap_bases(module, list(targets.values()))


class _AnyioFixtures:
    """anyio's pytest plugin runs any coroutine test whose fixtures include `anyio_backend`,
    marked or not: requested directly, through `usefixtures`, an autouse fixture, or another
    fixture that requests it (transitively)."""

    def __init__(self, scopes: list[FixtureScope], ini_uses: tuple[str, ...]) -> None:
        self.scopes = scopes
        self.ini_uses = ini_uses

    def runs(
        self, func: FunctionInfo, decorators: list[ast.expr], cls: TestClass | None = None,
        class_marks: Sequence[ast.expr] = (),
    ) -> bool:  # fmt: skip
        local: dict[str, set[str]] = {}  # the class's fixture methods (and bases')
        wanted = {name for name, _, _ in func.params} | set(self.ini_uses)
        wanted |= {name for name, _ in usefixtures_names([*decorators, *class_marks])}
        for scope in self.scopes:
            wanted |= scope.autouse
        for klass in cls.lineage.classes if cls is not None else ():
            for method in klass.methods.values():
                if method.is_fixture:
                    local[method.name] = {name for name, _, _ in method.params}
                    if method.is_autouse_fixture:
                        wanted.add(method.name)
        seen: set[str] = set()
        todo = list(wanted)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            if name.startswith("anyio_backend"):
                return True
            todo += local.get(name, ())
            for scope in self.scopes:
                todo += scope.requests.get(name, ())
        return False
