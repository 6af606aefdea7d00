"""SOT401 missing-test-attribute

Finds `self.X` / `cls.X` read in a test class where nothing that runs assigns
`X`. What counts as assigning: the class body and the bodies of its first-party
bases (class attributes, methods, properties, nested classes), and `self.X = …`,
`cls.X = …` or `setattr(self, "X", …)` in a method that the class's runner
reaches — pytest calls `setup_method`, `setup_class` and fixtures; unittest calls
`setUp`, `setUpClass` and, for `IsolatedAsyncioTestCase`, `asyncSetUp` — and in
every method those call through `self.method()` or `super().method()`,
including the configured bases' own hooks read from their source (a base whose
`setup_method` calls `self.setUp()` makes `setUp` run). Assignments in the test
method itself also count for that test.

This is the seed's staging failure: `test_user` and `logger` were assigned in an
`asyncSetUpClass` that no runner calls, so every test died with "Missing
`test_user` attribute". The message names where the attribute *is* assigned.

Attributes set from outside count too: `request.cls.x = …` / `request.instance.x`
in a fixture of the module or its conftest chain, `TestA.x = …` in the module, a
base's `__init_subclass__`. When pytest runs the file (a pytest config is found or
the module imports pytest) it also calls `setup_method`/`setup_class` and autouse
fixtures on `unittest.TestCase` classes; otherwise a plain unittest runner is assumed.

Classes with bases ssotlint cannot read (third-party mixins), `__getattr__`,
dynamic `setattr`, or hooks that may skip the class (`self.skipTest()` in an
abstract base's `setUp`) are skipped: in doubt, no report. No fix.
"""

from __future__ import annotations

from ssotlint.rules._testsuite import TestClass, analyse, conftest_chain

from ssotlint.rule import Example, Rule
from ssotlint.testmodel import (
    ASYNC_UNITTEST,
    DYNAMIC,
    UNITTEST,
    PytestSettings,
    module_fixtures,
    reachable_methods,
    unittest_attributes,
)

BASE = (
    "import unittest\n\n\nclass AsyncBase(unittest.IsolatedAsyncioTestCase):\n"
    "    async def asyncSetUp(self):\n        self.env = {}\n\n\n"
    "class PytestBase:\n    def setup_method(self):\n        self.setUp()\n\n"
    "    def setUp(self):\n        pass\n"
)
FILES = {"tf/__init__.py": "", "tf/base.py": BASE, "tests/__init__.py": ""}


class MissingTestAttribute(Rule):
    code = "SOT401"
    slug = "missing-test-attribute"
    summary = "a test reads self.X that nothing which runs ever assigns"

    VALID = (
        Example(  # a conftest star-imports fixtures we cannot see: any of them may set it up
            {
                **FILES,
                "tests/conftest.py": "from the_projects_test_plugin import *  # noqa: F403\n",
                "tests/test_a.py": "class TestA:\n    def setup_test(self):\n        self.client = 1\n\n"
                "    def test_x(self):\n        assert self.client\n",
            }
        ),
        Example(
            {
                **FILES,
                "tests/test_a.py": "from tf.base import PytestBase\n\n\nclass TestA(PytestBase):\n"
                "    def setUp(self):\n        self._init()\n\n    def _init(self):\n"
                "        self.user = 1\n\n    def test_x(self):\n        assert self.user\n",
            }
        ),
        Example(
            {
                **FILES,
                "tests/test_a.py": "from tf.base import AsyncBase\n\n\nclass TestA(AsyncBase):\n"
                "    limit = 3\n\n    @classmethod\n    def setUpClass(cls):\n        cls.shared = 1\n\n"
                "    async def test_x(self):\n        assert self.env and self.shared and self.limit\n"
                "        self.assertTrue(self.helper())\n\n    def helper(self):\n        return 1\n",
            }
        ),
        Example(
            {
                **FILES,
                "tests/test_a.py": "class TestA:\n    @pytest.fixture(autouse=True)\n"
                "    def _setup(self):\n        setattr(self, 'db', 1)\n\n"
                "    def test_x(self):\n        local = 1\n        self.tmp = local\n"
                "        assert self.db and self.tmp\n",
            }
        ),
    )
    INVALID = (
        Example(
            {
                **FILES,
                "tests/test_a.py": "from tf.base import AsyncBase\n\n\nclass TestA(AsyncBase):\n"
                "    @classmethod\n    async def asyncSetUpClass(cls):\n        cls.test_user = 1\n\n"
                "    async def test_x(self):\n        assert self.test_user\n",
            },
            expected=("tests/test_a.py:10 SOT401",),
        ),
        Example(
            {
                **FILES,
                "tests/test_a.py": "import unittest\n\n\nclass TestA(unittest.TestCase):\n"
                "    def setup_method(self):\n        self.logger = 1\n\n"
                "    def test_x(self):\n        self.logger.info('x')\n",
            },
            expected=("tests/test_a.py:9 SOT401",),
        ),
        Example(
            {
                **FILES,
                "tests/test_a.py": "class TestA:\n    def setUp(self):\n        self.client = 1\n\n"
                "    def test_x(self):\n        assert self.client\n",
            },
            expected=("tests/test_a.py:6 SOT401",),
        ),
    )

    def check(self) -> None:
        tests = analyse(self.ctx)
        if tests is None:
            return
        self._scopes = [
            module_fixtures(tests.parsed.tree),
            *conftest_chain(self.ctx, tests.settings),
        ]
        if any(scope.hidden for scope in self._scopes):
            # fixtures we cannot see (a star import, an unreadable plugin) may be autouse
            # and call any method or set any attribute (SQLAlchemy's `setup_test`)
            return
        for cls in tests.classes:
            if (
                not cls.lineage.complete
                or cls.lineage.defines("__getattr__")
                or cls.lineage.defines("__getattribute__")
            ):
                continue
            missing = self._missing(cls, tests.settings)
            self.ctx.site(self.code, not missing)

    def _missing(self, cls: TestClass, settings: PytestSettings) -> bool:
        lin = cls.lineage
        if any(
            lin.classes[i].methods[name].dynamic
            for name, where in cls.called.items()
            for i in where
        ):
            return False
        if any(
            lin.classes[i].methods[name].skips for name, where in cls.reached.items() for i in where
        ):
            return False  # an abstract base that skips itself in setUp (`if type(self) is Base`)
        available: set[str] = set()
        for klass in lin.classes:
            available |= klass.body_names
        # set from outside: `request.cls.db = ...` in a fixture, `TestA.x = ...` in the module
        owners = {"*", *(klass.name for klass in lin.classes)}
        for scope in self._scopes:
            for owner in owners & set(scope.foreign):
                available |= scope.foreign[owner]
        if DYNAMIC in available:
            return False
        if cls.framework in (UNITTEST, ASYNC_UNITTEST):
            available |= unittest_attributes()
        for name, where in cls.reached.items():
            for i in where:
                available |= lin.classes[i].methods[name].assigns
        reported: set[str] = set()
        prefixes = ("test",) if cls.framework in (UNITTEST, ASYNC_UNITTEST) else None
        tests = (
            cls.test_methods(settings)
            if prefixes is None
            else [m for m in cls.info.methods.values() if m.name.startswith("test")]
        )
        for test in tests:
            local = set(available)
            for name, where in reachable_methods(lin, [test.name]).items():
                for i in where:
                    local |= lin.classes[i].methods[name].assigns
            for attr, span in test.reads:
                if attr in local or attr in reported or attr.startswith("__"):
                    continue
                reported.add(attr)
                self.ctx.report(
                    self.code, span, self._message(cls, attr), symbol=f"{cls.info.name}.{attr}"
                )
        return bool(reported)

    def _message(self, cls: TestClass, attr: str) -> str:
        where = []
        for klass in cls.lineage.classes:
            for method in klass.methods.values():
                if attr in method.assigns:
                    where.append((klass, method))
        msg = (
            f"`self.{attr}` is read in a test of `{cls.info.name}` but nothing that runs assigns it"
        )
        if where:
            klass, method = where[0]
            owner = "" if klass is cls.info else f" (in `{klass.name}`)"
            runner = _runner_name(cls)
            msg += f": only assigned in `{method.name}`{owner}, which {runner} never calls"
        return msg


def _runner_name(cls: TestClass) -> str:
    for klass in cls.lineage.classes[1:]:
        return f"`{klass.name}`"
    if cls.framework == UNITTEST:
        return "unittest.TestCase"
    if cls.framework == ASYNC_UNITTEST:
        return "IsolatedAsyncioTestCase"
    return "pytest"
