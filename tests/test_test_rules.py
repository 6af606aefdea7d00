"""SOT301 and SOT401-SOT404: every resolution path of issue 4, one positive and one negative case.

Each case is a tiny project (files, extra pyproject config) linted in-process with one or more
rules; `expected` lists `path:line CODE` for every report. Cases named `regression-*` reproduce,
in a few inline lines, a pattern that produced a false positive on a real test suite (see
docs/real-code-tests.md).
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest

from ssotlint import testmodel
from ssotlint.cli import resolve_config
from ssotlint.engine import CheckOptions, run_check

MakeProject = Callable[..., Path]

TESTS_CONFIG = """
[tool.ssotlint.tests]
bases = ["test_framework.ssot.base_test_case.SSotBaseTestCase", "test_framework.ssot.base_test_case.SSotAsyncTestCase"]
async-base = "test_framework.ssot.base_test_case.SSotAsyncTestCase"
"""
FRAMEWORK = {
    "test_framework/__init__.py": "",
    "test_framework/ssot/__init__.py": "",
    "test_framework/ssot/base_test_case.py": """\
import unittest


class SSotBaseTestCase(unittest.TestCase):
    def setUp(self):
        self.env = {}


class SSotAsyncTestCase(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.env = {}


class PytestBase:
    def setup_method(self, method):
        self.setUp()

    def setUp(self):
        pass
""",
}
ASYNC_TEST = "async def test_x():\n    pass\n"


def _files(files: Mapping[str, str]) -> dict[str, str]:
    return {rel: textwrap.dedent(text) for rel, text in files.items()}


def lint(root: Path, select: Sequence[str], **options: object) -> list[str]:
    config = resolve_config(None, root)
    opts = CheckOptions(select=list(select), use_cache=False, **options)  # type: ignore[arg-type]
    result = run_check(config, opts)
    return sorted(f"{d.path}:{d.line} {d.code}" for d in result.diagnostics)


def messages(root: Path, select: Sequence[str]) -> list[str]:
    result = run_check(
        resolve_config(None, root), CheckOptions(select=list(select), use_cache=False)
    )
    return [d.message for d in result.diagnostics]


def case(
    id: str, select: str, files: Mapping[str, str], expected: Sequence[str] = (), config: str = ""
) -> object:
    return pytest.param(select.split(","), files, config, sorted(expected), id=id)


# --- pytest settings: where they come from and what they change -------------------------------
# SOT404 reports an unmarked `async def test_*` in a test file: a probe for "is this a test file /
# test function / test class" and for `asyncio_mode`.

SETTINGS = [
    case(
        "ini_options-python_files-pos",
        "SOT404",
        {"tests/check_a.py": ASYNC_TEST},
        ["tests/check_a.py:1 SOT404"],
        '[tool.pytest.ini_options]\npython_files = ["check_*.py"]\n',
    ),
    case(
        "ini_options-python_files-neg",
        "SOT404",
        {"tests/test_a.py": ASYNC_TEST},
        [],
        '[tool.pytest.ini_options]\npython_files = ["check_*.py"]\n',
    ),
    case(
        "pytest.ini-python_files-pos",
        "SOT404",
        {"pytest.ini": "[pytest]\npython_files = check_*.py\n", "tests/check_a.py": ASYNC_TEST},
        ["tests/check_a.py:1 SOT404"],
    ),
    case(
        "pytest.ini-python_files-neg",
        "SOT404",
        {"pytest.ini": "[pytest]\npython_files = check_*.py\n", "tests/test_a.py": ASYNC_TEST},
    ),
    case(
        "setup.cfg-python_files-pos",
        "SOT404",
        {"setup.cfg": "[tool:pytest]\npython_files = check_*.py\n", "tests/check_a.py": ASYNC_TEST},
        ["tests/check_a.py:1 SOT404"],
    ),
    case(
        "setup.cfg-python_files-neg",
        "SOT404",
        {"setup.cfg": "[tool:pytest]\npython_files = check_*.py\n", "tests/test_a.py": ASYNC_TEST},
    ),
    case(
        "setup.cfg-other-section-ignored",
        "SOT404",
        {"setup.cfg": "[pytest]\npython_files = check_*.py\n", "tests/test_a.py": ASYNC_TEST},
        ["tests/test_a.py:1 SOT404"],
    ),
    case(
        "tox.ini-python_files-pos",
        "SOT404",
        {"tox.ini": "[pytest]\npython_files = check_*.py\n", "tests/check_a.py": ASYNC_TEST},
        ["tests/check_a.py:1 SOT404"],
    ),
    case(
        "tox.ini-python_files-neg",
        "SOT404",
        {"tox.ini": "[pytest]\npython_files = check_*.py\n", "tests/test_a.py": ASYNC_TEST},
    ),
    # first found wins, in pytest's order: pytest.ini, pyproject.toml, tox.ini, setup.cfg
    case(
        "order-pytest.ini-over-pyproject",
        "SOT404",
        {
            "pytest.ini": "[pytest]\npython_files = check_*.py\n",
            "tests/check_a.py": ASYNC_TEST,
            "tests/test_b.py": ASYNC_TEST,
        },
        ["tests/check_a.py:1 SOT404"],
        '[tool.pytest.ini_options]\npython_files = ["test_*.py"]\n',
    ),
    case(
        "order-empty-pytest.ini-still-wins",
        "SOT404",
        {"pytest.ini": "", "tests/check_a.py": ASYNC_TEST, "tests/test_b.py": ASYNC_TEST},
        ["tests/test_b.py:1 SOT404"],
        '[tool.pytest.ini_options]\npython_files = ["check_*.py"]\n',
    ),
    case(
        "order-pyproject-over-tox.ini",
        "SOT404",
        {
            "tox.ini": "[pytest]\npython_files = check_*.py\n",
            "tests/check_a.py": ASYNC_TEST,
            "tests/test_b.py": ASYNC_TEST,
        },
        ["tests/test_b.py:1 SOT404"],
        '[tool.pytest.ini_options]\npython_files = ["test_*.py"]\n',
    ),
    case(
        "order-tox.ini-over-setup.cfg",
        "SOT404",
        {
            "tox.ini": "[pytest]\npython_files = check_*.py\n",
            "tests/check_a.py": ASYNC_TEST,
            "setup.cfg": "[tool:pytest]\npython_files = test_*.py\n",
            "tests/test_b.py": ASYNC_TEST,
        },
        ["tests/check_a.py:1 SOT404"],
    ),
    case(
        "order-tox.ini-without-section-skipped",
        "SOT404",
        {
            "tox.ini": "[tox]\nenvlist = py\n",
            "tests/check_a.py": ASYNC_TEST,
            "setup.cfg": "[tool:pytest]\npython_files = check_*.py\n",
            "tests/test_b.py": ASYNC_TEST,
        },
        ["tests/check_a.py:1 SOT404"],
    ),
    case(
        "python_classes-pos",
        "SOT404",
        {"tests/test_a.py": "class CheckA:\n    async def test_x(self):\n        pass\n"},
        ["tests/test_a.py:2 SOT404"],
        '[tool.pytest.ini_options]\npython_classes = ["Check"]\n',
    ),
    case(
        "python_classes-neg",
        "SOT404",
        {"tests/test_a.py": "class TestA:\n    async def test_x(self):\n        pass\n"},
        [],
        '[tool.pytest.ini_options]\npython_classes = ["Check"]\n',
    ),
    case(
        "python_classes-glob",
        "SOT404",
        {"tests/test_a.py": "class ATests:\n    async def test_x(self):\n        pass\n"},
        ["tests/test_a.py:2 SOT404"],
        '[tool.pytest.ini_options]\npython_classes = "*Tests"\n',
    ),
    case(
        "python_functions-pos",
        "SOT404",
        {"tests/test_a.py": "async def check_x():\n    pass\n"},
        ["tests/test_a.py:1 SOT404"],
        '[tool.pytest.ini_options]\npython_functions = "check_"\n',
    ),
    case(
        "python_functions-neg",
        "SOT404",
        {"tests/test_a.py": ASYNC_TEST},
        [],
        '[tool.pytest.ini_options]\npython_functions = "check_"\n',
    ),
    case(
        "testpaths-pos-and-neg",
        "SOT404",
        {"tests/test_a.py": ASYNC_TEST, "other/test_b.py": ASYNC_TEST},
        ["tests/test_a.py:1 SOT404"],
        '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
    ),
    case(
        "testpaths-glob",
        "SOT404",
        {"svc/a/tests/test_a.py": ASYNC_TEST, "svc/a/test_b.py": ASYNC_TEST},
        ["svc/a/tests/test_a.py:1 SOT404"],
        '[tool.pytest.ini_options]\ntestpaths = ["svc/*/tests"]\n',
    ),
    case(
        "asyncio_mode-auto",
        "SOT404",
        {"tests/test_a.py": ASYNC_TEST},
        [],
        '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n',
    ),
    case(
        "asyncio_mode-strict",
        "SOT404",
        {"tests/test_a.py": ASYNC_TEST},
        ["tests/test_a.py:1 SOT404"],
        '[tool.pytest.ini_options]\nasyncio_mode = "strict"\n',
    ),
    case(
        "asyncio_mode-auto-pytest.ini",
        "SOT404",
        {"pytest.ini": "[pytest]\nasyncio_mode = auto\n", "tests/test_a.py": ASYNC_TEST},
    ),
    case(
        "asyncio_mode-auto-setup.cfg",
        "SOT404",
        {"setup.cfg": "[tool:pytest]\nasyncio_mode = auto\n", "tests/test_a.py": ASYNC_TEST},
    ),
    case(
        "asyncio_mode-auto-tox.ini",
        "SOT404",
        {"tox.ini": "[pytest]\nasyncio_mode = auto\n", "tests/test_a.py": ASYNC_TEST},
    ),
    case(
        "regression-asyncio_mode-in-addopts",
        "SOT404",
        {"tests/test_a.py": ASYNC_TEST},
        [],
        '[tool.pytest.ini_options]\naddopts = "-ra --asyncio-mode=auto"\n',
    ),
    case(
        "regression-trio_mode",
        "SOT404",
        {"tests/test_a.py": ASYNC_TEST},
        [],
        "[tool.pytest.ini_options]\ntrio_mode = true\n",
    ),
    # a service's own pytest.ini is its rootdir: its settings apply below it, not beside it
    case(
        "regression-nested-rootdir-config",
        "SOT404",
        {
            "svc/pytest.ini": "[pytest]\nasyncio_mode = auto\ntestpaths = tests\n",
            "svc/tests/test_a.py": ASYNC_TEST,
            "svc/test_b.py": ASYNC_TEST,
            "other/tests/test_c.py": ASYNC_TEST,
        },
        ["other/tests/test_c.py:1 SOT404"],
    ),
]


# --- SOT301: test classes and mandated bases ---------------------------------------------------

SOT301 = [
    case(
        "unittest-subclass-without-Test-prefix-pos",
        "SOT301",
        {
            **FRAMEWORK,
            "tests/test_a.py": "import unittest\n\n\nclass Checks(unittest.TestCase):\n"
            "    def test_x(self):\n        pass\n",
        },
        ["tests/test_a.py:4 SOT301"],
        TESTS_CONFIG,
    ),
    case(
        "unittest-subclass-outside-test-files-neg",
        "SOT301",
        {
            **FRAMEWORK,
            "tests/helpers.py": "import unittest\n\n\nclass TestA(unittest.TestCase):\n"
            "    def test_x(self):\n        pass\n",
        },
        [],
        TESTS_CONFIG,
    ),
    case(
        "plain-class-not-collected-neg",
        "SOT301",
        {**FRAMEWORK, "tests/test_a.py": "class Helper:\n    def test_x(self):\n        pass\n"},
        [],
        TESTS_CONFIG,
    ),
    case(
        "first-party-bases-in-another-package-neg",
        "SOT301",
        {
            **FRAMEWORK,
            "tests/__init__.py": "",
            "tests/support/__init__.py": "",
            "tests/support/mixins.py": "from test_framework.ssot.base_test_case import SSotBaseTestCase\n\n\n"
            "class Middle(SSotBaseTestCase):\n    pass\n",
            "tests/test_a.py": "from tests.support.mixins import Middle\n\n\nclass TestA(Middle):\n"
            "    def test_x(self):\n        pass\n",
        },
        [],
        TESTS_CONFIG,
    ),
    case(
        "first-party-bases-in-another-package-pos",
        "SOT301",
        {
            **FRAMEWORK,
            "tests/__init__.py": "",
            "tests/support/__init__.py": "",
            "tests/support/mixins.py": "import unittest\n\n\nclass Middle(unittest.TestCase):\n    pass\n",
            "tests/test_a.py": "from tests.support.mixins import Middle\n\n\nclass TestA(Middle):\n"
            "    def test_x(self):\n        pass\n",
        },
        ["tests/test_a.py:4 SOT301"],
        TESTS_CONFIG,
    ),
    case(
        "silent-without-configured-bases",
        "SOT301",
        {
            "tests/test_a.py": "import unittest\n\n\nclass TestA(unittest.TestCase):\n"
            "    def test_x(self):\n        pass\n"
        },
    ),
    case(
        "regression-__test__-False-not-collected",
        "SOT301",
        {
            **FRAMEWORK,
            "tests/test_a.py": "class TestBase:\n    __test__ = False\n\n"
            "    def test_x(self):\n        pass\n\n\nclass TestSub(TestBase):\n    pass\n",
        },
        [],
        TESTS_CONFIG,
    ),
    case(
        "regression-__test__-True-again-collected",
        "SOT301",
        {
            **FRAMEWORK,
            "tests/test_a.py": "class TestBase:\n    __test__ = False\n\n\n"
            "class TestSub(TestBase):\n    __test__ = True\n",
        },
        ["tests/test_a.py:5 SOT301"],
        TESTS_CONFIG,
    ),
    case(
        "regression-del-base-not-collected",
        "SOT301",
        {
            **FRAMEWORK,
            "tests/test_a.py": "import unittest\n\n\nclass Base(unittest.TestCase):\n"
            "    def test_x(self):\n        pass\n\n\ndel Base\n",
        },
        [],
        TESTS_CONFIG,
    ),
]


# --- SOT401 / SOT402: hooks, reachability, where attributes come from --------------------------


def _cls(body: str, bases: str = "", header: str = "") -> dict[str, str]:
    head = f"class TestA({bases}):\n" if bases else "class TestA:\n"
    text = textwrap.indent(textwrap.dedent(body).lstrip("\n"), "    ")
    return {**FRAMEWORK, "tests/test_a.py": header + head + text}


UNITTEST = "import unittest\n\n\n"
FRAMEWORK_IMPORT = "from test_framework.ssot.base_test_case import PytestBase, SSotAsyncTestCase, SSotBaseTestCase\n\n\n"

SOT401 = [
    # pytest-style classes: setup_method, setup_class, autouse fixtures
    case(
        "pytest-setup_method-neg",
        "SOT401",
        _cls("""
        def setup_method(self):
            self.user = 1

        def test_x(self):
            assert self.user
        """),
    ),
    case(
        "pytest-setup_method-pos",
        "SOT401",
        _cls("""
        def test_x(self):
            assert self.user
        """),
        ["tests/test_a.py:3 SOT401"],
    ),
    case(
        "pytest-setup_class-neg",
        "SOT401",
        _cls("""
        @classmethod
        def setup_class(cls):
            cls.user = 1

        def test_x(self):
            assert self.user
        """),
    ),
    case(
        "pytest-setup_class-pos-setUpClass-is-not-a-pytest-hook",
        "SOT401",
        _cls("""
        @classmethod
        def setUpClass(cls):
            cls.user = 1

        def test_x(self):
            assert self.user
        """),
        ["tests/test_a.py:7 SOT401"],
    ),
    case(
        "pytest-autouse-fixture-neg",
        "SOT401",
        _cls(
            """
        @pytest.fixture(autouse=True)
        def _user(self):
            self.user = 1

        def test_x(self):
            assert self.user
        """,
            header="import pytest\n\n\n",
        ),
    ),
    case(
        "pytest-autouse-fixture-pos",
        "SOT401",
        _cls(
            """
        @pytest.fixture(autouse=True)
        def _user(self):
            self.other = 1

        def test_x(self):
            assert self.user
        """,
            header="import pytest\n\n\n",
        ),
        ["tests/test_a.py:10 SOT401"],
    ),
    # unittest: setUp, setUpClass; IsolatedAsyncioTestCase: asyncSetUp
    case(
        "unittest-setUp-neg",
        "SOT401",
        _cls(
            """
        def setUp(self):
            self.user = 1

        def test_x(self):
            assert self.user
        """,
            "unittest.TestCase",
            UNITTEST,
        ),
    ),
    case(
        "unittest-setup_method-pos",
        "SOT401",
        _cls(
            """
        def setup_method(self):
            self.user = 1

        def test_x(self):
            assert self.user
        """,
            "unittest.TestCase",
            UNITTEST,
        ),
        ["tests/test_a.py:9 SOT401"],
    ),
    case(
        "unittest-setUpClass-neg",
        "SOT401",
        _cls(
            """
        @classmethod
        def setUpClass(cls):
            cls.user = 1

        def test_x(self):
            assert self.user
        """,
            "unittest.TestCase",
            UNITTEST,
        ),
    ),
    case(
        "unittest-asyncSetUpClass-pos",
        "SOT401",
        _cls(
            """
        @classmethod
        async def asyncSetUpClass(cls):
            cls.user = 1

        async def test_x(self):
            assert self.user
        """,
            "unittest.IsolatedAsyncioTestCase",
            UNITTEST,
        ),
        ["tests/test_a.py:10 SOT401"],
    ),
    case(
        "async-unittest-asyncSetUp-neg",
        "SOT401",
        _cls(
            """
        async def asyncSetUp(self):
            self.user = 1

        async def test_x(self):
            assert self.user
        """,
            "unittest.IsolatedAsyncioTestCase",
            UNITTEST,
        ),
    ),
    case(
        "sync-unittest-asyncSetUp-pos",
        "SOT401",
        _cls(
            """
        async def asyncSetUp(self):
            self.user = 1

        def test_x(self):
            assert self.user
        """,
            "unittest.TestCase",
            UNITTEST,
        ),
        ["tests/test_a.py:9 SOT401"],
    ),
    # a configured base's own hooks, read from its source: PytestBase.setup_method -> self.setUp()
    case(
        "base-forwards-setup_method-to-setUp-neg",
        "SOT401",
        _cls(
            """
        def setUp(self):
            self.user = 1

        def test_x(self):
            assert self.user
        """,
            "PytestBase",
            FRAMEWORK_IMPORT,
        ),
    ),
    case(
        "no-forwarding-base-setUp-never-runs-pos",
        "SOT401",
        _cls("""
        def setUp(self):
            self.user = 1

        def test_x(self):
            assert self.user
        """),
        ["tests/test_a.py:6 SOT401"],
    ),
    case(
        "base-hook-assigns-neg",
        "SOT401",
        _cls(
            """
        async def test_x(self):
            assert self.env
        """,
            "SSotAsyncTestCase",
            FRAMEWORK_IMPORT,
        ),
    ),
    # calls followed within the class
    case(
        "setup_method-calls-helper-neg",
        "SOT401",
        _cls("""
        def setup_method(self):
            self._init_user()

        def _init_user(self):
            self.user = 1

        def test_x(self):
            assert self.user
        """),
    ),
    case(
        "helper-never-called-pos",
        "SOT401",
        _cls("""
        def setup_method(self):
            pass

        def _init_user(self):
            self.user = 1

        def test_x(self):
            assert self.user
        """),
        ["tests/test_a.py:9 SOT401"],
    ),
    case(
        "super-call-into-base-hook-neg",
        "SOT401",
        {
            "tests/test_a.py": "class Base:\n    def setup_method(self, method):\n        self.a = 1\n\n\n"
            "class TestA(Base):\n    def setup_method(self, method):\n        super().setup_method(method)\n"
            "        self.b = 2\n\n    def test_x(self):\n        assert self.a and self.b\n"
        },
    ),
    case(
        "override-without-super-pos",
        "SOT401",
        {
            "tests/test_a.py": "class Base:\n    def setup_method(self, method):\n        self.a = 1\n\n\n"
            "class TestA(Base):\n    def setup_method(self, method):\n        self.b = 2\n\n"
            "    def test_x(self):\n        assert self.a and self.b\n"
        },
        ["tests/test_a.py:11 SOT401"],
    ),
    # what counts as assigned
    case(
        "class-body-property-method-setattr-neg",
        "SOT401",
        _cls("""
        limit = 3

        @property
        def name(self):
            return "n"

        def helper(self):
            return 1

        def setup_method(self):
            setattr(self, "db", 1)

        def test_x(self):
            assert self.limit and self.name and self.helper() and self.db
        """),
    ),
    case(
        "setattr-other-name-pos",
        "SOT401",
        _cls("""
        def setup_method(self):
            setattr(self, "database", 1)

        def test_x(self):
            assert self.db
        """),
        ["tests/test_a.py:6 SOT401"],
    ),
    case(
        "setattr-dynamic-name-neg",
        "SOT401",
        _cls("""
        def setup_method(self):
            for name in ("db",):
                setattr(self, name, 1)

        def test_x(self):
            assert self.db
        """),
    ),
    case(
        "first-party-base-body-neg",
        "SOT401",
        {
            **FRAMEWORK,
            "tests/__init__.py": "",
            "tests/base.py": "class Base:\n    client = None\n\n    @property\n    def user(self):\n        return 1\n",
            "tests/test_a.py": "from tests.base import Base\n\n\nclass TestA(Base):\n"
            "    def test_x(self):\n        assert self.client and self.user\n",
        },
    ),
    case(
        "first-party-base-body-pos",
        "SOT401",
        {
            **FRAMEWORK,
            "tests/__init__.py": "",
            "tests/base.py": "class Base:\n    client = None\n",
            "tests/test_a.py": "from tests.base import Base\n\n\nclass TestA(Base):\n"
            "    def test_x(self):\n        assert self.client and self.user\n",
        },
        ["tests/test_a.py:6 SOT401"],
    ),
    case(
        "cls-in-classmethod-reached-from-hook-neg",
        "SOT401",
        _cls(
            """
        @classmethod
        def setUpClass(cls):
            super().setUpClass()
            cls._make_user()

        @classmethod
        def _make_user(cls):
            cls.user = 1

        def test_x(self):
            assert self.user
        """,
            "unittest.TestCase",
            UNITTEST,
        ),
    ),
    case(
        "cls-in-classmethod-not-reached-pos",
        "SOT401",
        _cls(
            """
        @classmethod
        def _make_user(cls):
            cls.user = 1

        def test_x(self):
            assert self.user
        """,
            "unittest.TestCase",
            UNITTEST,
        ),
        ["tests/test_a.py:10 SOT401"],
    ),
    case(
        "assigned-in-the-test-itself-neg",
        "SOT401",
        _cls("""
        def test_x(self):
            self.user = 1
            assert self.user
        """),
    ),
    case(
        "unknown-third-party-base-neg",
        "SOT401",
        {
            "tests/test_a.py": "from somewhere import Mixin\n\n\nclass TestA(Mixin):\n"
            "    def test_x(self):\n        assert self.user\n"
        },
    ),
    # regressions from real suites and real patterns
    case(
        "regression-nested-class-self-is-another-object",
        "SOT401",
        _cls("""
        def test_x(self):
            class C:
                x = 1

                def compute(self):
                    return self.x + 1

            assert C().compute()
        """),
    ),
    case(
        "regression-nested-class-does-not-assign-outer",
        "SOT401",
        _cls("""
        def test_x(self):
            class C:
                def __init__(self):
                    self.user = 1

            assert self.user
        """),
        ["tests/test_a.py:7 SOT401"],
    ),
    case(
        "regression-request-cls-in-conftest-fixture",
        "SOT401",
        {
            "tests/conftest.py": "import pytest\n\n\n@pytest.fixture(scope='class')\ndef db_class(request):\n"
            "    request.cls.db = object()\n",
            "tests/test_a.py": "import pytest\n\n\n@pytest.mark.usefixtures('db_class')\nclass TestA:\n"
            "    def test_x(self):\n        assert self.db\n",
        },
    ),
    case(
        "regression-request-cls-other-name-pos",
        "SOT401",
        {
            "tests/conftest.py": "import pytest\n\n\n@pytest.fixture(scope='class')\ndef db_class(request):\n"
            "    request.cls.database = object()\n",
            "tests/test_a.py": "import pytest\n\n\n@pytest.mark.usefixtures('db_class')\nclass TestA:\n"
            "    def test_x(self):\n        assert self.db\n",
        },
        ["tests/test_a.py:7 SOT401"],
    ),
    case(
        "regression-class-attribute-set-from-module",
        "SOT401",
        {
            "tests/test_a.py": "class TestA:\n    def test_x(self):\n        assert self.impl\n\n\nTestA.impl = 1\n"
        },
    ),
    case(
        "regression-abstract-base-skips-itself",
        "SOT401",
        _cls(
            """
        def setUp(self):
            if type(self) is TestA:
                self.skipTest("abstract")

        def test_x(self):
            assert self.impl
        """,
            "unittest.TestCase",
            UNITTEST,
        ),
    ),
    case(
        "regression-base-__init_subclass__-sets-cls-attribute",
        "SOT401",
        {
            "tests/__init__.py": "",
            "tests/base.py": "class Base:\n    def __init_subclass__(cls, **kwargs):\n"
            "        super().__init_subclass__(**kwargs)\n        cls.registry = {}\n",
            "tests/test_a.py": "from tests.base import Base\n\n\nclass TestA(Base):\n    def test_x(self):\n"
            "        assert self.registry and self.missing\n",
        },
        ["tests/test_a.py:6 SOT401"],
    ),
    # pytest (a pytest config, or the module imports pytest) calls its xunit hooks and autouse
    # fixtures on unittest.TestCase classes too; python -m unittest / Django's runner do not
    case(
        "regression-unittest-setup_class-run-by-pytest-config",
        "SOT401",
        _cls(
            """
        @classmethod
        def setup_class(cls):
            cls.tzinfos = {}

        def setup_method(self, method):
            self.user = 1

        def test_x(self):
            assert self.tzinfos and self.user
        """,
            "unittest.TestCase",
            UNITTEST,
        ),
        [],
        "[tool.pytest.ini_options]\nxfail_strict = true\n",
    ),
    case(
        "regression-unittest-autouse-fixture-module-imports-pytest",
        "SOT401",
        _cls(
            """
        @pytest.fixture(autouse=True)
        def _inject(self, caplog):
            self._caplog = caplog

        def test_x(self):
            assert self._caplog
        """,
            "unittest.TestCase",
            "import unittest\n\nimport pytest\n\n\n",
        ),
    ),
    case(
        "regression-__test__-False-mixin",
        "SOT401",
        {
            "tests/test_a.py": "class TestBase:\n    __test__ = False\n\n    def test_x(self):\n"
            "        assert self.impl\n\n\nclass TestImpl(TestBase):\n    __test__ = True\n    impl = 1\n"
        },
    ),
]

SOT402 = [
    case(
        "asyncSetUpClass-pos",
        "SOT402",
        _cls(
            """
        @classmethod
        async def asyncSetUpClass(cls):
            cls.user = 1
        """,
            "unittest.IsolatedAsyncioTestCase",
            UNITTEST,
        ),
        ["tests/test_a.py:6 SOT402"],
    ),
    case(
        "asyncSetUp-on-async-case-neg",
        "SOT402",
        _cls(
            """
        async def asyncSetUp(self):
            pass
        """,
            "unittest.IsolatedAsyncioTestCase",
            UNITTEST,
        ),
    ),
    case(
        "asyncSetUp-on-sync-case-pos",
        "SOT402",
        _cls(
            """
        async def asyncSetUp(self):
            pass
        """,
            "unittest.TestCase",
            UNITTEST,
        ),
        ["tests/test_a.py:5 SOT402"],
    ),
    case(
        "setUp-on-pytest-class-pos",
        "SOT402",
        _cls("""
        def setUp(self):
            pass

        def test_x(self):
            pass
        """),
        ["tests/test_a.py:2 SOT402"],
    ),
    case(
        "setUp-forwarded-by-base-neg",
        "SOT402",
        _cls(
            """
        def setUp(self):
            pass
        """,
            "PytestBase",
            FRAMEWORK_IMPORT,
        ),
    ),
    case(
        "setup_method-on-unittest-pos",
        "SOT402",
        _cls(
            """
        def setup_method(self):
            pass
        """,
            "unittest.TestCase",
            UNITTEST,
        ),
        ["tests/test_a.py:5 SOT402"],
    ),
    case(
        "setUp-on-unittest-neg",
        "SOT402",
        _cls(
            """
        def setUp(self):
            pass

        def tearDown(self):
            pass
        """,
            "unittest.TestCase",
            UNITTEST,
        ),
    ),
    case(
        "setUpClass-without-classmethod-pos",
        "SOT402",
        _cls(
            """
        def setUpClass(cls):
            pass
        """,
            "unittest.TestCase",
            UNITTEST,
        ),
        ["tests/test_a.py:5 SOT402"],
    ),
    case(
        "setUpClass-with-classmethod-neg",
        "SOT402",
        _cls(
            """
        @classmethod
        def setUpClass(cls):
            pass
        """,
            "unittest.TestCase",
            UNITTEST,
        ),
    ),
    case(
        "hook-called-by-a-test-neg",
        "SOT402",
        _cls("""
        def setUp(self):
            pass

        def test_x(self):
            self.setUp()
        """),
    ),
    case(
        "regression-setup_method-on-unittest-run-by-pytest",
        "SOT402",
        _cls(
            """
        def setup_method(self, method):
            pass

        @classmethod
        def setup_class(cls):
            pass

        @classmethod
        async def asyncSetUpClass(cls):
            pass
        """,
            "unittest.TestCase",
            UNITTEST,
        ),
        ["tests/test_a.py:13 SOT402"],
        "[tool.pytest.ini_options]\n",
    ),
    case(
        "regression-classmethod-by-assignment",
        "SOT402",
        _cls(
            """
        def setUpClass(cls):
            pass

        setUpClass = classmethod(setUpClass)
        """,
            "unittest.TestCase",
            UNITTEST,
        ),
    ),
]


# --- SOT403: fixture resolution -------------------------------------------------------------

CONFTEST = "import pytest\n\n\n@pytest.fixture\ndef db():\n    return 1\n"


def _t(body: str, header: str = "import pytest\n\n\n") -> dict[str, str]:
    return {"tests/test_a.py": header + textwrap.dedent(body).lstrip("\n")}


SOT403 = [
    case(
        "module-fixture-neg",
        "SOT403",
        _t("""
        @pytest.fixture
        def db():
            return 1


        def test_x(db):
            pass
        """),
    ),
    case(
        "module-missing-pos",
        "SOT403",
        _t("def test_x(db):\n    pass\n"),
        ["tests/test_a.py:4 SOT403"],
    ),
    case(
        "imported-fixture-neg",
        "SOT403",
        {
            "tests/__init__.py": "",
            "tests/fixtures.py": CONFTEST,
            "tests/test_a.py": "from tests.fixtures import db\n\n\ndef test_x(db):\n    pass\n",
        },
    ),
    case(
        "class-and-base-fixtures-neg",
        "SOT403",
        _t("""
        class Base:
            @pytest.fixture
            def db(self):
                return 1


        class TestA(Base):
            @pytest.fixture(name="client")
            def make_client(self, db):
                return db

            def test_x(self, db, client):
                pass
        """),
    ),
    case(
        "fixture-of-another-class-pos",
        "SOT403",
        _t("""
        class TestA:
            @pytest.fixture
            def db(self):
                return 1


        class TestB:
            def test_x(self, db):
                pass
        """),
        ["tests/test_a.py:11 SOT403"],
    ),
    case(
        "conftest-chain-neg",
        "SOT403",
        {
            "conftest.py": CONFTEST,
            "tests/conftest.py": "import pytest\n\n\n@pytest.fixture\ndef client(db):\n    return db\n",
            "tests/unit/test_a.py": "def test_x(db, client):\n    pass\n",
        },
    ),
    case(
        "sibling-conftest-pos",
        "SOT403",
        {"tests/api/conftest.py": CONFTEST, "tests/unit/test_a.py": "def test_x(db):\n    pass\n"},
        ["tests/unit/test_a.py:1 SOT403"],
    ),
    case(
        "child-conftest-pos",
        "SOT403",
        {"tests/sub/conftest.py": CONFTEST, "tests/test_a.py": "def test_x(db):\n    pass\n"},
        ["tests/test_a.py:1 SOT403"],
    ),
    case(
        "regression-conftest-outside-src-roots",
        "SOT403",
        {"conftest.py": CONFTEST, "backend/tests/test_a.py": "def test_x(db):\n    pass\n"},
        [],
        'src = ["backend"]\n',
    ),
    case(
        "regression-conftest-try-import",
        "SOT403",
        {
            "tests/conftest.py": "try:\n    from http.server import HTTPServer\nexcept ImportError:\n"
            "    HTTPServer = None\n" + CONFTEST,
            "tests/test_a.py": "def test_x(db, nope):\n    pass\n",
        },
        ["tests/test_a.py:1 SOT403"],
    ),
    case(
        "regression-conftest-fixture-under-if",
        "SOT403",
        {
            "tests/conftest.py": "import sys\nimport pytest\n\nif sys.platform:\n"
            "    @pytest.fixture\n    def db():\n        return 1\n",
            "tests/test_a.py": "def test_x(db):\n    pass\n",
        },
    ),
    case(
        "pytest_plugins-in-conftest-neg",
        "SOT403",
        {
            "tests/__init__.py": "",
            "tests/plugins/__init__.py": "",
            "tests/plugins/dbs.py": CONFTEST,
            "tests/conftest.py": "pytest_plugins = ['tests.plugins.dbs']\n",
            "tests/test_a.py": "def test_x(db):\n    pass\n",
        },
    ),
    case(
        "pytest_plugins-in-test-module-neg",
        "SOT403",
        {
            "tests/__init__.py": "",
            "tests/plugins/__init__.py": "",
            "tests/plugins/dbs.py": CONFTEST,
            "tests/test_a.py": "pytest_plugins = 'tests.plugins.dbs'\n\n\ndef test_x(db):\n    pass\n",
        },
    ),
    case(
        "pytest_plugins-first-party-pos",
        "SOT403",
        {
            "tests/__init__.py": "",
            "tests/plugins/__init__.py": "",
            "tests/plugins/dbs.py": CONFTEST,
            "tests/test_a.py": "pytest_plugins = ['tests.plugins.dbs']\n\n\ndef test_x(db, cache_client):\n    pass\n",
        },
        ["tests/test_a.py:4 SOT403"],
    ),
    case(
        "regression-pytest_plugins-nested",
        "SOT403",
        {
            "tests/__init__.py": "",
            "tests/plugins/__init__.py": "",
            "tests/plugins/dbs.py": CONFTEST,
            "tests/plugins/all.py": "pytest_plugins = ['tests.plugins.dbs']\n",
            "tests/conftest.py": "pytest_plugins = ['tests.plugins.all']\n",
            "tests/test_a.py": "def test_x(db):\n    pass\n",
        },
    ),
    case(
        "regression-pytest_plugins-builtin-pytester",
        "SOT403",
        {
            "tests/test_a.py": "pytest_plugins = 'pytester'\n\n\ndef test_x(pytester, nope):\n    pass\n"
        },
        ["tests/test_a.py:4 SOT403"],
    ),
    case(
        "regression-addopts-p-plugin",
        "SOT403",
        {
            "tests/__init__.py": "",
            "tests/plug.py": CONFTEST,
            "tests/test_a.py": "def test_x(db, nope):\n    pass\n",
        },
        ["tests/test_a.py:1 SOT403"],
        '[tool.pytest.ini_options]\naddopts = "-p tests.plug -p no:cacheprovider -p pytest_mock"\n',
    ),
    case(
        "regression-conftest-fixture-alias",
        "SOT403",
        {
            "tests/__init__.py": "",
            "tests/fixtures.py": CONFTEST,
            "tests/conftest.py": "from tests import fixtures\n\ndb = fixtures.db\n",
            "tests/test_a.py": "def test_x(db):\n    pass\n",
        },
    ),
    case(
        "regression-conftest-registers-plugin-class",
        "SOT403",
        {
            "tests/conftest.py": "import pytest\n\n\nclass DbPlugin:\n    @pytest.fixture\n    def db(self):\n"
            "        return 1\n\n\ndef pytest_configure(config):\n    config.pluginmanager.register(DbPlugin())\n",
            "tests/test_a.py": "def test_x(db, nope):\n    pass\n",
        },
        ["tests/test_a.py:1 SOT403"],
    ),
    case(
        "regression-conftest-registers-unknown-plugin-in-doubt",
        "SOT403",
        {
            "tests/conftest.py": "from somewhere import Plugin\n\n\ndef pytest_configure(config):\n"
            "    config.pluginmanager.register(Plugin(), 'p')\n",
            "tests/test_a.py": "def test_x(db):\n    pass\n",
        },
    ),
    case(
        "pytest_plugins-unknown-module-in-doubt",
        "SOT403",
        {
            "tests/test_a.py": "pytest_plugins = ['no_such_plugin_xyz']\n\n\ndef test_x(nope):\n    pass\n"
        },
    ),
    case(
        "builtins-neg",
        "SOT403",
        _t("""
        def test_x(tmp_path, tmp_path_factory, monkeypatch, capsys, capfd, caplog, recwarn,
                   request, pytestconfig, record_property, doctest_namespace, cache):
            pass
        """),
    ),
    case(
        "builtins-typo-pos",
        "SOT403",
        _t("def test_x(tmpath):\n    pass\n"),
        ["tests/test_a.py:4 SOT403"],
    ),
    case(
        "extra-fixtures-neg",
        "SOT403",
        _t("def test_x(db):\n    pass\n"),
        [],
        '[tool.ssotlint.tests]\nextra-fixtures = ["db"]\n',
    ),
    case(
        "extra-fixtures-pos",
        "SOT403",
        _t("def test_x(db, redis_client):\n    pass\n"),
        ["tests/test_a.py:4 SOT403"],
        '[tool.ssotlint.tests]\nextra-fixtures = ["db"]\n',
    ),
    case(
        "fixture-name-kwarg-neg",
        "SOT403",
        {
            "tests/conftest.py": (
                "import pytest\n\n\n@pytest.fixture(name='client')\ndef _make_client():\n    return 1\n"
            ),
            "tests/test_a.py": "def test_x(client):\n    pass\n",
        },
    ),
    case(
        "fixture-name-kwarg-function-name-pos",
        "SOT403",
        {
            "tests/conftest.py": (
                "import pytest\n\n\n@pytest.fixture(name='client')\ndef _make_client():\n    return 1\n"
            ),
            "tests/test_a.py": "def test_x(_make_client):\n    pass\n",
        },
        ["tests/test_a.py:1 SOT403"],
    ),
    case(
        "parametrize-string-list-tuple-kw-neg",
        "SOT403",
        _t("""
        @pytest.mark.parametrize("a, b", [(1, 2)])
        @pytest.mark.parametrize(["c", "d"], [(1, 2)])
        @pytest.mark.parametrize(("e",), [(1,)])
        @pytest.mark.parametrize(argnames="f", argvalues=[1])
        def test_x(a, b, c, d, e, f):
            pass
        """),
    ),
    case(
        "parametrize-other-name-pos",
        "SOT403",
        _t("""
        @pytest.mark.parametrize("a", [1])
        def test_x(a, b):
            pass
        """),
        ["tests/test_a.py:5 SOT403"],
    ),
    case(
        "parametrize-variable-and-stacked-neg",
        "SOT403",
        _t("""
        ARGS = "a,b"
        parametrize_c = pytest.mark.parametrize("c", [1])


        @parametrize_c
        @pytest.mark.parametrize(ARGS, [(1, 2)])
        def test_x(a, b, c):
            pass
        """),
    ),
    case(
        "parametrize-dynamic-argnames-in-doubt",
        "SOT403",
        _t("""
        @pytest.mark.parametrize(make_names(), [1])
        def test_x(a, nope):
            pass
        """),
    ),
    case(
        "parametrize-indirect-neg",
        "SOT403",
        _t("""
        @pytest.fixture
        def user(request):
            return request.param


        @pytest.mark.parametrize("user", ["a"], indirect=True)
        def test_x(user):
            pass
        """),
    ),
    case(
        "parametrize-indirect-fixture-requests-missing-pos",
        "SOT403",
        _t("""
        @pytest.fixture
        def user(request, account):
            return request.param


        @pytest.mark.parametrize("user", ["a"], indirect=True)
        def test_x(user):
            pass
        """),
        ["tests/test_a.py:5 SOT403"],
    ),
    case(
        "regression-class-body-pytestmark-parametrize",
        "SOT403",
        _t("""
        class TestA:
            pytestmark = pytest.mark.parametrize("a", [1, 2])

            def test_x(self, a):
                pass
        """),
    ),
    case(
        "class-decorator-parametrize-pos",
        "SOT403",
        _t("""
        @pytest.mark.parametrize("a", [1])
        class TestA:
            def test_x(self, a, b):
                pass
        """),
        ["tests/test_a.py:6 SOT403"],
    ),
    case(
        "regression-inherited-class-parametrize",
        "SOT403",
        {
            "tests/__init__.py": "",
            "tests/base.py": "import pytest\n\nARGS = 'a'\n\n\n@pytest.mark.parametrize(ARGS, [1])\nclass Base:\n    pass\n",
            "tests/test_a.py": "from tests.base import Base\n\n\nclass TestA(Base):\n    def test_x(self, a):\n        pass\n",
        },
    ),
    case(
        "module-pytestmark-parametrize-neg",
        "SOT403",
        _t("""
        pytestmark = [pytest.mark.parametrize("a", [1])]


        def test_x(a):
            pass
        """),
    ),
    case(
        "defaulted-params-neg",
        "SOT403",
        _t("""
        def test_x(a=1, *, b=2, **kwargs):
            pass
        """),
    ),
    case(
        "mock-patch-decorators-neg",
        "SOT403",
        _t(
            """
        @mock.patch("os.getcwd")
        @mock.patch.object(os, "getpid")
        @patch("os.listdir")
        def test_x(listdir, getpid, getcwd, tmp_path):
            pass
        """,
            "import os\nfrom unittest import mock\nfrom unittest.mock import patch\n\n\n",
        ),
    ),
    case(
        "mock-patch-with-new-injects-nothing-pos",
        "SOT403",
        _t(
            """
        @mock.patch("os.getcwd", new=lambda: "/")
        def test_x(getcwd):
            pass
        """,
            "from unittest import mock\n\n\n",
        ),
        ["tests/test_a.py:5 SOT403"],
    ),
    case(
        "regression-class-level-mock-patch",
        "SOT403",
        _t(
            """
        @mock.patch("os.getcwd")
        class TestA:
            def test_x(self, getcwd, tmp_path):
                pass

            @pytest.fixture
            def helper(self, nope):
                pass
        """,
            "import pytest\nfrom unittest import mock\n\n\n",
        ),
        ["tests/test_a.py:11 SOT403"],
    ),
    case(
        "unknown-decorator-in-doubt",
        "SOT403",
        _t(
            """
        @given(st.integers())
        def test_x(n):
            pass
        """,
            "from hypothesis import given, strategies as st\n\n\n",
        ),
    ),
    case(
        "regression-mark-alias-decorator",
        "SOT403",
        _t("""
        skip_pypy = pytest.mark.skipif(False, reason="pypy")


        @skip_pypy
        def test_x(db):
            pass
        """),
        ["tests/test_a.py:8 SOT403"],
    ),
    case(
        "usefixtures-function-pos-and-neg",
        "SOT403",
        {
            "tests/conftest.py": CONFTEST,
            "tests/test_a.py": "import pytest\n\n\n@pytest.mark.usefixtures('db', 'missing_db')\ndef test_x():\n    pass\n",
        },
        ["tests/test_a.py:4 SOT403"],
    ),
    case(
        "usefixtures-class-pos-and-neg",
        "SOT403",
        {
            "tests/conftest.py": CONFTEST,
            "tests/test_a.py": "import pytest\n\n\n@pytest.mark.usefixtures('db')\nclass TestA:\n"
            "    pytestmark = pytest.mark.usefixtures('missing_db')\n\n    def test_x(self):\n        pass\n",
        },
        ["tests/test_a.py:6 SOT403"],
    ),
    case(
        "usefixtures-module-pytestmark-pos-and-neg",
        "SOT403",
        {
            "tests/conftest.py": CONFTEST,
            "tests/test_a.py": "import pytest\n\npytestmark = [pytest.mark.usefixtures('db'), pytest.mark.usefixtures('missing_db')]\n\n\n"
            "def test_x():\n    pass\n",
        },
        ["tests/test_a.py:3 SOT403"],
    ),
    case(
        "fixtures-requesting-fixtures-pos-and-neg",
        "SOT403",
        {
            "tests/conftest.py": CONFTEST,
            "tests/test_a.py": "import pytest\n\n\n@pytest.fixture\ndef user(db):\n    return db\n\n\n"
            "@pytest.fixture\ndef account(user, wallet):\n    return user\n\n\ndef test_x(account):\n    pass\n",
        },
        ["tests/test_a.py:10 SOT403"],
    ),
    case(
        "pytest_generate_tests-in-module-in-doubt",
        "SOT403",
        _t("""
        def pytest_generate_tests(metafunc):
            metafunc.parametrize("anything", [1])


        def test_x(anything):
            pass
        """),
    ),
    case(
        "pytest_generate_tests-in-conftest-in-doubt",
        "SOT403",
        {
            "tests/conftest.py": "def pytest_generate_tests(metafunc):\n    pass\n",
            "tests/test_a.py": "def test_x(anything):\n    pass\n",
        },
    ),
    case(
        "pytest_generate_tests-in-class-in-doubt",
        "SOT403",
        _t("""
        class TestA:
            def pytest_generate_tests(self, metafunc):
                pass

            def test_x(self, anything):
                pass
        """),
    ),
    case(
        "conftest-star-import-inside-with-in-doubt",  # SQLAlchemy's bootstrap conftest
        "SOT403",
        {
            "tests/__init__.py": "",
            "tests/conftest.py": "with open(__file__) as f:\n    from bootstrap_plugin import *\n",
            "tests/test_a.py": "def test_x(anything):\n    pass\n",
        },
    ),
    case(
        "conftest-pytest_generate_tests-keeps-sot401",  # it parametrizes; it sets no attributes
        "SOT401",
        {
            "tests/__init__.py": "",
            "tests/conftest.py": "def pytest_generate_tests(metafunc):\n    pass\n",
            "tests/test_a.py": "class TestA:\n    def test_x(self):\n        assert self.client\n",
        },
        ["tests/test_a.py:3 SOT401"],
    ),
    case(
        "conftest-star-import-inside-with-sot401",
        "SOT401",
        {
            "tests/__init__.py": "",
            "tests/conftest.py": "with open(__file__) as f:\n    from bootstrap_plugin import *\n",
            "tests/test_a.py": "class TestA:\n    def setup_test(self):\n        self.a = 1\n\n"
            "    def test_x(self):\n        assert self.a\n",
        },
    ),
    case(
        "star-import-in-doubt",
        "SOT403",
        {
            "tests/__init__.py": "",
            "tests/helpers.py": "x = 1\n",
            "tests/test_a.py": "from tests.helpers import *\n\n\ndef test_x(anything):\n    pass\n",
        },
    ),
    case(
        "unittest-methods-not-checked",
        "SOT403",
        _cls(
            """
        def test_x(self, anything=None):
            pass
        """,
            "unittest.TestCase",
            UNITTEST,
        ),
    ),
    case(
        "own-pytest11-plugin-neg",
        "SOT403",
        {
            "myplug/__init__.py": "",
            "myplug/plugin.py": CONFTEST,
            "tests/test_a.py": "def test_x(db):\n    pass\n",
        },
        [],
        '\n[project]\nname = "myplug"\n\n[project.entry-points.pytest11]\nmyplug = "myplug.plugin"\n',
    ),
    case(
        "own-pytest11-plugin-undeclared-pos",
        "SOT403",
        {
            "myplug/__init__.py": "",
            "myplug/plugin.py": CONFTEST,
            "tests/test_a.py": "def test_x(db):\n    pass\n",
        },
        ["tests/test_a.py:1 SOT403"],
    ),
    case(
        "regression-own-pytest11-plugin-setup.cfg",
        "SOT403",
        {
            "setup.cfg": "[options.entry_points]\npytest11 =\n    myplug = myplug.plugin\n",
            "myplug/__init__.py": "",
            "myplug/plugin.py": CONFTEST,
            "tests/test_a.py": "def test_x(db):\n    pass\n",
        },
    ),
]


# --- SOT404: which runner awaits what ---------------------------------------------------------

SOT404 = [
    case(
        "unittest-async-test-pos",
        "SOT404",
        _cls(
            """
        async def test_x(self):
            pass
        """,
            "unittest.TestCase",
            UNITTEST,
        ),
        ["tests/test_a.py:5 SOT404"],
    ),
    case(
        "isolated-asyncio-neg",
        "SOT404",
        _cls(
            """
        async def asyncSetUp(self):
            pass

        async def test_x(self):
            pass
        """,
            "unittest.IsolatedAsyncioTestCase",
            UNITTEST,
        ),
    ),
    case(
        "through-first-party-sync-base-pos",
        "SOT404",
        {
            "tests/__init__.py": "",
            "tests/base.py": "import unittest\n\n\nclass Base(unittest.TestCase):\n    pass\n",
            "tests/test_a.py": "from tests.base import Base\n\n\nclass TestA(Base):\n    async def test_x(self):\n        pass\n",
        },
        ["tests/test_a.py:5 SOT404"],
    ),
    case(
        "through-first-party-async-base-neg",
        "SOT404",
        {
            **FRAMEWORK,
            "tests/test_a.py": FRAMEWORK_IMPORT
            + "class TestA(SSotAsyncTestCase):\n    async def test_x(self):\n        pass\n",
        },
    ),
    case(
        "async-setUp-on-isolated-case-pos",
        "SOT404",
        _cls(
            """
        async def setUp(self):
            pass
        """,
            "unittest.IsolatedAsyncioTestCase",
            UNITTEST,
        ),
        ["tests/test_a.py:5 SOT404"],
    ),
    case(
        "pytest-function-unmarked-pos", "SOT404", _t(ASYNC_TEST, ""), ["tests/test_a.py:1 SOT404"]
    ),
    case(
        "pytest-asyncio-auto-mode-neg",
        "SOT404",
        _t(ASYNC_TEST + "\n\nclass TestA:\n    async def test_y(self):\n        pass\n", ""),
        [],
        '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n',
    ),
    case(
        "mark-asyncio-function-neg",
        "SOT404",
        _t("""
        @pytest.mark.asyncio
        async def test_x():
            pass
        """),
    ),
    case(
        "mark-other-function-pos",
        "SOT404",
        _t("""
        @pytest.mark.slow
        async def test_x():
            pass
        """),
        ["tests/test_a.py:5 SOT404"],
    ),
    case(
        "mark-asyncio-class-neg",
        "SOT404",
        _t("""
        @pytest.mark.asyncio
        class TestA:
            async def test_x(self):
                pass
        """),
    ),
    case(
        "unmarked-class-pos",
        "SOT404",
        _t("""
        class TestA:
            async def test_x(self):
                pass
        """),
        ["tests/test_a.py:5 SOT404"],
    ),
    case(
        "module-pytestmark-asyncio-neg",
        "SOT404",
        _t("""
        pytestmark = pytest.mark.asyncio


        async def test_x():
            pass


        class TestA:
            async def test_y(self):
                pass
        """),
    ),
    case(
        "module-pytestmark-other-pos",
        "SOT404",
        _t("""
        pytestmark = [pytest.mark.slow]


        async def test_x():
            pass
        """),
        ["tests/test_a.py:7 SOT404"],
    ),
    case(
        "anyio-mark-neg",
        "SOT404",
        _t("""
        @pytest.mark.anyio
        async def test_x():
            pass
        """),
    ),
    case(
        "regression-anyio_backend-requested",
        "SOT404",
        {
            "tests/conftest.py": "import pytest\n\n\n@pytest.fixture\ndef client(anyio_backend):\n    return 1\n",
            "tests/test_a.py": "async def test_x(anyio_backend):\n    pass\n\n\nasync def test_y(client):\n    pass\n\n\n"
            "async def test_z(tmp_path):\n    pass\n",
        },
        ["tests/test_a.py:9 SOT404"],
    ),
    case(
        "regression-class-body-pytestmark",
        "SOT404",
        _t("""
        class TestA:
            pytestmark = pytest.mark.asyncio

            async def test_x(self):
                pass
        """),
    ),
    case(
        "regression-inherited-class-mark",
        "SOT404",
        {
            "tests/__init__.py": "",
            "tests/base.py": "import pytest\n\n\n@pytest.mark.asyncio\nclass AsyncBase:\n    pass\n",
            "tests/test_a.py": "from tests.base import AsyncBase\n\n\nclass TestA(AsyncBase):\n    async def test_x(self):\n        pass\n",
        },
    ),
    case(
        "regression-mark-alias",
        "SOT404",
        _t("""
        async_test = pytest.mark.asyncio


        @async_test
        async def test_x():
            pass
        """),
    ),
    case(
        "regression-sync-wrapper-decorator",
        "SOT404",
        _t(
            """
        def run_async(func):
            def wrapper(*args):
                return asyncio.run(func(*args))
            return wrapper


        @run_async
        async def test_x():
            pass


        class TestA(unittest.TestCase):
            @run_async
            async def test_y(self):
                pass
        """,
            "import asyncio\nimport unittest\n\n\n",
        ),
    ),
    case(
        "patch-keeps-it-async-pos",
        "SOT404",
        _t(
            """
        @mock.patch("os.getcwd")
        async def test_x(getcwd):
            pass
        """,
            "from unittest import mock\n\n\n",
        ),
        ["tests/test_a.py:5 SOT404"],
    ),
    case(
        "regression-conftest-pyfunc_call-runner",
        "SOT404",
        {
            "tests/conftest.py": "import asyncio\nimport inspect\n\n\ndef pytest_pyfunc_call(pyfuncitem):\n"
            "    if inspect.iscoroutinefunction(pyfuncitem.obj):\n"
            "        asyncio.run(pyfuncitem.obj(**pyfuncitem.funcargs))\n        return True\n",
            "tests/test_a.py": ASYNC_TEST,
        },
    ),
    case(
        "regression-conftest-adds-asyncio-mark",
        "SOT404",
        {
            "tests/conftest.py": "import pytest\n\n\ndef pytest_collection_modifyitems(items):\n"
            "    for item in items:\n        item.add_marker(pytest.mark.asyncio)\n",
            "tests/test_a.py": ASYNC_TEST,
        },
    ),
    case(
        "conftest-unrelated-hook-pos",
        "SOT404",
        {
            "tests/conftest.py": "import pytest\n\n\ndef pytest_collection_modifyitems(items):\n"
            "    for item in items:\n        item.add_marker(pytest.mark.slow)\n",
            "tests/test_a.py": ASYNC_TEST,
        },
        ["tests/test_a.py:1 SOT404"],
    ),
    case(
        "async-setup_method-pos",
        "SOT404",
        _cls("""
        async def setup_method(self):
            pass

        def test_x(self):
            pass
        """),
        ["tests/test_a.py:2 SOT404"],
    ),
    case(
        "async-setup_method-even-in-auto-mode",
        "SOT404",
        _cls("""
        async def setup_method(self):
            pass

        async def test_x(self):
            pass
        """),
        ["tests/test_a.py:2 SOT404"],
        '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n',
    ),
    case(
        "async-helper-from-sync-hook-pos",
        "SOT404",
        _cls("""
        def setup_method(self):
            self.connect()

        async def connect(self):
            pass
        """),
        ["tests/test_a.py:3 SOT404"],
    ),
    case(
        "regression-async-helper-run-by-the-loop",
        "SOT404",
        _cls(
            """
        def setup_method(self):
            asyncio.run(self.connect())
            self.loop = asyncio.new_event_loop()
            self.loop.run_until_complete(self.connect())
            coro = self.connect()
            asyncio.run(coro)
            self.connect()

        async def connect(self):
            pass
        """,
            header="import asyncio\n\n\n",
        ),
        ["tests/test_a.py:11 SOT404"],
    ),
    case(
        "regression-tornado-gen_test-mark",
        "SOT404",
        _t("""
        @pytest.mark.gen_test
        async def test_x():
            pass
        """),
    ),
    case(
        "async-helper-awaited-from-async-hook-neg",
        "SOT404",
        _cls(
            """
        async def asyncSetUp(self):
            await self.connect()

        async def connect(self):
            pass
        """,
            "unittest.IsolatedAsyncioTestCase",
            UNITTEST,
        ),
    ),
]


@pytest.mark.parametrize(
    ("select", "files", "config", "expected"), SETTINGS + SOT301 + SOT401 + SOT402 + SOT403 + SOT404
)
def test_resolution(
    make_project: MakeProject,
    request: pytest.FixtureRequest,
    select: list[str],
    files: Mapping[str, str],
    config: str,
    expected: list[str],
) -> None:
    root = make_project(_files(files), config)
    result = run_check(resolve_config(None, root), CheckOptions(select=select, use_cache=False))
    assert sorted(f"{d.path}:{d.line} {d.code}" for d in result.diagnostics) == expected
    # A negative case must pass because the rule looked and found nothing, not because it never
    # looked: only the cases about what is not a test, or what is in doubt, examine nothing.
    examined = sum(sites.examined for sites in result.sites.values())
    case_id = request.node.callspec.id
    assert (examined == 0) == (case_id in NOT_EXAMINED), (case_id, examined)


NOT_EXAMINED = {
    # not a test file / class / function as pytest collects them
    "ini_options-python_files-neg", "pytest.ini-python_files-neg", "setup.cfg-python_files-neg",
    "tox.ini-python_files-neg", "python_classes-neg", "python_functions-neg",
    "unittest-subclass-outside-test-files-neg", "plain-class-not-collected-neg",
    "regression-__test__-False-not-collected", "regression-del-base-not-collected",
    "silent-without-configured-bases", "unittest-methods-not-checked",
    # in doubt: nothing reported, nothing counted
    "unknown-third-party-base-neg", "pytest_plugins-unknown-module-in-doubt",
    "parametrize-dynamic-argnames-in-doubt", "unknown-decorator-in-doubt",
    "pytest_generate_tests-in-module-in-doubt", "pytest_generate_tests-in-conftest-in-doubt",
    "pytest_generate_tests-in-class-in-doubt", "star-import-in-doubt",
    "regression-conftest-registers-unknown-plugin-in-doubt",
    "regression-sync-wrapper-decorator",
    "conftest-star-import-inside-with-in-doubt", "conftest-star-import-inside-with-sot401",
}  # fmt: skip


# --- messages and fixes ---------------------------------------------------------------------------


def test_sot401_message_names_the_uncalled_hook(make_project: MakeProject) -> None:
    root = make_project(
        _cls(
            """
        @classmethod
        async def asyncSetUpClass(cls):
            cls.test_user = 1
            cls.logger = 2

        async def test_x(self):
            assert self.test_user and self.logger and self.missing
        """,
            "SSotAsyncTestCase",
            FRAMEWORK_IMPORT,
        ),
        TESTS_CONFIG,
    )
    found = messages(root, ["SOT401"])
    assert len(found) == 3
    assert "`self.test_user`" in found[0]
    assert "only assigned in `asyncSetUpClass`, which `SSotAsyncTestCase` never calls" in found[0]
    assert "only assigned in `asyncSetUpClass`" in found[1] and "`self.logger`" in found[1]
    assert "`self.missing`" in found[2] and "only assigned" not in found[2]


def test_sot402_message_names_the_expected_hooks(make_project: MakeProject) -> None:
    root = make_project(
        _cls(
            """
        def setup_method(self):
            pass
        """,
            "unittest.TestCase",
            UNITTEST,
        )
    )
    (msg,) = messages(root, ["SOT402"])
    assert "`setup_method` on `TestA` is never called" in msg and "setUp" in msg


def test_sot403_message_suggests_a_close_fixture(make_project: MakeProject) -> None:
    root = make_project(
        {"tests/conftest.py": CONFTEST, "tests/test_a.py": "def test_x(dbb):\n    pass\n"}
    )
    (msg,) = messages(root, ["SOT403"])
    assert "fixture `dbb` (requested by `test_x`)" in msg and "did you mean `db`?" in msg


FIXES = [
    pytest.param(
        "SOT301",
        "import unittest\n\n\nclass TestA(unittest.TestCase):\n    def test_x(self):\n        pass\n",
        "from test_framework.ssot.base_test_case import SSotBaseTestCase\n\n\n"
        "class TestA(SSotBaseTestCase):\n    def test_x(self):\n        pass\n",
        id="sot301-sync-base-import-added-unittest-dropped",
    ),
    pytest.param(
        "SOT301",
        "from unittest import IsolatedAsyncioTestCase\n\n\nclass TestA(IsolatedAsyncioTestCase):\n"
        "    async def test_x(self):\n        pass\n",
        "from test_framework.ssot.base_test_case import SSotAsyncTestCase\n\n\n"
        "class TestA(SSotAsyncTestCase):\n    async def test_x(self):\n        pass\n",
        id="sot301-isolated-asyncio-to-async-base",
    ),
    pytest.param(
        "SOT301",
        "import unittest\n\n\nclass TestA(unittest.TestCase):\n    async def test_x(self):\n        pass\n",
        "from test_framework.ssot.base_test_case import SSotAsyncTestCase\n\n\n"
        "class TestA(SSotAsyncTestCase):\n    async def test_x(self):\n        pass\n",
        id="sot301-async-tests-choose-async-base",
    ),
    pytest.param(
        "SOT301",
        "import unittest\n\n\nclass TestA(unittest.TestCase):\n    def test_x(self):\n        pass\n\n\n"
        "if __name__ == '__main__':\n    unittest.main()\n",
        "import unittest\nfrom test_framework.ssot.base_test_case import SSotBaseTestCase\n\n\n"
        "class TestA(SSotBaseTestCase):\n    def test_x(self):\n        pass\n\n\n"
        "if __name__ == '__main__':\n    unittest.main()\n",
        id="sot301-unittest-import-kept-while-used",
    ),
    pytest.param(
        "SOT301",
        "import unittest\n\n\nclass Mixin:\n    pass\n\n\nclass TestA(Mixin, unittest.TestCase):\n"
        "    def test_x(self):\n        pass\n",
        "from test_framework.ssot.base_test_case import SSotBaseTestCase\n\n\nclass Mixin:\n    pass\n\n\n"
        "class TestA(Mixin, SSotBaseTestCase):\n    def test_x(self):\n        pass\n",
        id="sot301-swap-keeps-other-bases",
    ),
    pytest.param(
        "SOT301",
        "import pytest\n\n\nclass TestPlain:\n    def test_x(self):\n        pass\n",
        "import pytest\nfrom test_framework.ssot.base_test_case import SSotBaseTestCase\n\n\n"
        "class TestPlain(SSotBaseTestCase):\n    def test_x(self):\n        pass\n",
        id="sot301-plain-class-gets-the-base",
    ),
    pytest.param(
        "SOT404",
        "import unittest\n\n\nclass TestA(unittest.TestCase):\n    async def test_x(self):\n        pass\n",
        "from test_framework.ssot.base_test_case import SSotAsyncTestCase\n\n\n"
        "class TestA(SSotAsyncTestCase):\n    async def test_x(self):\n        pass\n",
        id="sot404-move-onto-async-base",
    ),
]


@pytest.mark.parametrize(("code", "before", "after"), FIXES)
def test_unsafe_fix_exact_text(
    make_project: MakeProject, code: str, before: str, after: str
) -> None:
    root = make_project({**FRAMEWORK, "tests/test_a.py": before}, TESTS_CONFIG)
    reported = lint(root, [code], fix=True)  # unsafe: not applied without --unsafe-fixes
    assert len(reported) == 1 and reported[0].endswith(code)
    assert (root / "tests/test_a.py").read_text() == before
    lint(root, [code], fix=True, unsafe_fixes=True)
    assert (root / "tests/test_a.py").read_text() == after
    assert lint(root, [code]) == []
    lint(root, [code], fix=True, unsafe_fixes=True)  # idempotent
    assert (root / "tests/test_a.py").read_text() == after


# --- installed plugins: found on disk through pytest11 entry points, never imported --------------


def test_installed_plugin_fixture(make_project: MakeProject) -> None:
    """pytest-mock is in the `test` extra: its `mocker` comes from its pytest11 entry point."""
    assert importlib.util.find_spec("pytest_mock") is not None, "install the `test` extra"
    assert "mocker" in testmodel.installed_fixtures()  # `mocker = pytest.fixture()(_mocker)`
    root = make_project(
        {"tests/test_a.py": "def test_x(mocker, class_mocker, mocker_typo):\n    pass\n"}
    )
    assert lint(root, ["SOT403"]) == ["tests/test_a.py:1 SOT403"]


def test_editable_installed_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An editable install's RECORD lists only a .pth: the module is found through the finders."""
    site, src = tmp_path / "site", tmp_path / "src"
    dist = site / "ssot_probe_plugin-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: ssot-probe-plugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[pytest11]\nprobe = ssot_probe_plugin.plugin\n")
    (dist / "RECORD").write_text("__editable__.ssot_probe_plugin-0.1.pth,,\n")
    (src / "ssot_probe_plugin").mkdir(parents=True)
    (src / "ssot_probe_plugin" / "__init__.py").write_text("")
    (src / "ssot_probe_plugin" / "plugin.py").write_text(
        "import pytest\n\n\n@pytest.fixture\ndef probe_fixture():\n    return 1\n"
    )
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.syspath_prepend(str(src))  # what the .pth would add
    importlib.invalidate_caches()
    assert "probe_fixture" in testmodel._scan_installed_fixtures.__wrapped__()  # uncached
    assert testmodel.external_module_fixtures.__wrapped__("ssot_probe_plugin.plugin") == {
        "probe_fixture"
    }
    assert testmodel.external_module_fixtures.__wrapped__("ssot_probe_plugin.nope") is None
    assert "ssot_probe_plugin" not in sys.modules  # found, never imported


def test_inputs_fingerprint_sees_nested_configs_and_outside_conftests(tmp_path: Path) -> None:
    """Per-folder pytest configs and off-index conftests change findings: a cache key needs them."""
    (tmp_path / "svc" / "tests").mkdir(parents=True)
    (tmp_path / "svc" / "tests" / "test_a.py").write_text(ASYNC_TEST)
    before = testmodel.inputs_fingerprint(tmp_path, ["svc/tests/test_a.py"])
    (tmp_path / "svc" / "pytest.ini").write_text("[pytest]\nasyncio_mode = auto\n")
    with_ini = testmodel.inputs_fingerprint(tmp_path, ["svc/tests/test_a.py"])
    (tmp_path / "conftest.py").write_text(CONFTEST)
    with_conftest = testmodel.inputs_fingerprint(tmp_path, ["svc/tests/test_a.py"])
    assert len({before, with_ini, with_conftest}) == 3
    assert testmodel.inputs_fingerprint(tmp_path, ["svc/tests/test_a.py"]) == with_conftest


def _missing_fixtures(root: Path) -> list[str]:
    from ssotlint.cli import resolve_config
    from ssotlint.engine import CheckOptions, run_check

    result = run_check(resolve_config(None, root), CheckOptions(select=["SOT403"], use_cache=False))
    return [d.message.split("`")[1] for d in result.diagnostics]


@pytest.fixture
def bare_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in pre-commit's hook venv: pytest's own fixtures, no plugin installed."""
    import ssotlint.rules.sot403_missing_fixture as sot403

    import ssotlint.plugin_fixtures as plugin_fixtures

    monkeypatch.setattr(sot403, "installed_fixtures", lambda: testmodel.BUILTIN_FIXTURES)
    monkeypatch.setattr(plugin_fixtures, "_installed", lambda dist: False)


@pytest.mark.parametrize(
    ("declared_in", "text"),
    [
        ("requirements-dev.txt", "pytest>=8\npytest-mock==3.14.0  # mocks\n"),
        (
            "pyproject.toml",
            '[project.optional-dependencies]\ntest = ["pytest", "pytest_mock>=3"]\n',
        ),
        ("requirements/test.in", "Pytest-Mock\n"),
        ("tox.ini", "[testenv]\ndeps =\n    pytest-mock\n"),
    ],
)
def test_declared_but_absent_plugin_fixtures_are_known(
    make_project: Callable[..., Path], bare_environment: None, declared_in: str, text: str
) -> None:
    """A declared plugin's well-known fixtures (`mocker`) are not "missing" where the plugin
    is not installed; anything else still is."""
    files = {
        "tests/__init__.py": "",
        "tests/test_a.py": "def test_a(mocker, snapshot_typo):\n    pass\n",
    }
    root = make_project(files)
    assert _missing_fixtures(root) == ["mocker", "snapshot_typo"]  # nothing declared
    path = root / declared_in
    path.parent.mkdir(parents=True, exist_ok=True)
    before = path.read_text() if path.exists() else ""
    path.write_text(before + text)
    assert _missing_fixtures(root) == ["snapshot_typo"]


def test_a_plugin_name_inside_another_word_is_not_a_declaration(
    make_project: Callable[..., Path], bare_environment: None
) -> None:
    root = make_project(
        {"tests/__init__.py": "", "tests/test_a.py": "def test_a(mocker):\n    pass\n"}
    )
    (root / "requirements.txt").write_text("my-pytest-mock-fork==1.0\npytest-mock-extra\n")
    assert _missing_fixtures(root) == ["mocker"]
