"""SOT402 uncalled-setup-hook

Finds a setup/teardown-looking method in a test class that the class's
framework never calls, so whatever it prepares never happens:

- `asyncSetUpClass` / `asyncTearDownClass` on any class (not a unittest hook);
- `setUp` / `tearDown` on a pytest-style class whose bases do not forward to them
  (pytest calls `setup_method`);
- `setup_method` / `setup_class` on a `unittest.TestCase` (unittest calls `setUp`);
- `asyncSetUp` on a sync `unittest.TestCase`;
- `setUpClass` / `setup_class` without `@classmethod` (the runner's call fails).

A hook counts as called when the runner reaches it directly or through the
bases' own hooks (read from their source: a base whose `setup_method` calls
`self.setUp()` makes `setUp` a real hook) or a test calls it. Attributes
assigned only in such a method show up in SOT401's message. No fix.
"""

from __future__ import annotations

from ssotlint.rules._testsuite import analyse

from ssotlint.rule import Example, Rule
from ssotlint.testmodel import ASYNC_UNITTEST, CLASS_HOOKS, HOOK_LIKE, PYTEST, UNITTEST

FILES = {
    "tf/__init__.py": "",
    "tf/base.py": "class Base:\n    def setup_method(self):\n        self.setUp()\n\n    def setUp(self):\n        pass\n",
    "tests/__init__.py": "",
}


class UncalledSetupHook(Rule):
    code = "SOT402"
    slug = "uncalled-setup-hook"
    summary = "a setup/teardown method that the test framework never calls"

    VALID = (
        Example(
            {
                **FILES,
                "tests/test_a.py": "from tf.base import Base\n\n\nclass TestA(Base):\n    def setUp(self):\n        self.x = 1\n\n    def test_x(self):\n        pass\n",
            }
        ),
        Example(
            {
                **FILES,
                "tests/test_a.py": "import unittest\n\n\nclass TestA(unittest.IsolatedAsyncioTestCase):\n    async def asyncSetUp(self):\n        pass\n\n    @classmethod\n    def setUpClass(cls):\n        pass\n",
            }
        ),
        Example(
            {
                **FILES,
                "tests/test_a.py": "class TestA:\n    def setup_method(self, method):\n        pass\n\n    @classmethod\n    def setup_class(cls):\n        pass\n",
            }
        ),
    )
    INVALID = (
        Example(
            {
                **FILES,
                "tests/test_a.py": "import unittest\n\n\nclass TestA(unittest.IsolatedAsyncioTestCase):\n    @classmethod\n    async def asyncSetUpClass(cls):\n        cls.user = 1\n",
            },
            expected=("tests/test_a.py:6 SOT402",),
        ),
        Example(
            {
                **FILES,
                "tests/test_a.py": "class TestA:\n    def setUp(self):\n        pass\n\n    def test_x(self):\n        pass\n",
            },
            expected=("tests/test_a.py:2 SOT402",),
        ),
        Example(
            {
                **FILES,
                "tests/test_a.py": "import unittest\n\n\nclass TestA(unittest.TestCase):\n    def setup_method(self):\n        pass\n\n    def setUpClass(cls):\n        pass\n",
            },
            expected=("tests/test_a.py:5 SOT402", "tests/test_a.py:8 SOT402"),
        ),
    )

    def check(self) -> None:
        tests = analyse(self.ctx)
        if tests is None:
            return
        for cls in tests.classes:
            if cls.framework not in (UNITTEST, ASYNC_UNITTEST, PYTEST) or not cls.lineage.complete:
                continue
            if cls.lineage.custom_runner:
                continue
            bad = False
            for method in cls.info.methods.values():
                if method.name not in HOOK_LIKE:
                    continue
                problem = self._problem(cls.framework, method.name, method.is_classmethod,
                                        method.name in cls.called)  # fmt: skip
                if problem:
                    bad = True
                    self.ctx.report(
                        self.code, method.span,
                        f"`{method.name}` on `{cls.info.name}` {problem}",
                        symbol=f"{cls.info.name}.{method.name}",
                    )  # fmt: skip
            self.ctx.site(self.code, not bad)

    @staticmethod
    def _problem(framework: str, name: str, is_classmethod: bool, called: bool) -> str | None:
        if called:
            if name in CLASS_HOOKS and not is_classmethod:
                return "must be a @classmethod: the runner calls it on the class and fails"
            return None
        runner = {
            UNITTEST: "unittest.TestCase",
            ASYNC_UNITTEST: "IsolatedAsyncioTestCase",
            PYTEST: "pytest",
        }[framework]
        expected = {
            UNITTEST: "setUp/tearDown/setUpClass",
            ASYNC_UNITTEST: "setUp/asyncSetUp/setUpClass",
            PYTEST: "setup_method/setup_class or a fixture",
        }[framework]
        return f"is never called: {runner} calls {expected}, and nothing here calls `{name}`"
