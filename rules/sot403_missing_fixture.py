"""SOT403 missing-fixture

Finds a parameter of a pytest test or fixture that no fixture provides, the way
pytest resolves them: the test module (fixtures defined or imported there), its
classes and their bases, every `conftest.py` from the rootdir down to the test's
folder, `pytest_plugins` modules (first-party, or installed: read from disk),
pytest's built-in fixtures, the fixtures of installed plugins (found statically
in the modules of the `pytest11` entry points, never imported) and
`tests.extra-fixtures`. `@pytest.fixture(name=...)` is honoured. Also read: conftest
files outside the `src` roots (pytest loads them all the same), `-p NAME` in
`addopts`, plugins a conftest registers (`config.pluginmanager.register(...)`), and
the project's own `pytest11` entry points (a plugin's suite runs with it installed).

Where ssotlint runs without the project's test plugins (pre-commit's hook venv, a
lint-only CI job), a popular plugin that the project declares (`pytest-mock` in
`pyproject.toml`, `requirements*.txt`, `tox.ini`, ...) but that is not installed
contributes its well-known fixtures (`mocker`, `benchmark`, `snapshot`, ...) from
a built-in table (`ssotlint/plugin_fixtures.py`); for other plugins, install
them next to ssotlint (pre-commit: `additional_dependencies`) or list their
fixtures in `tests.extra-fixtures`.

Not reported: `parametrize` argnames (also through a module-level variable, a
stacked decorator, or `indirect`), parameters with defaults, `self`/`cls`,
arguments injected by `mock.patch` decorators, and `@pytest.mark.usefixtures`
names are checked as well. In doubt — a star import, `pytest_generate_tests`
in scope, dynamic parametrization, an unknown decorator, an unreadable
`pytest_plugins` — nothing is reported. Methods of `unittest.TestCase` classes
are not checked (pytest does not inject fixtures there).

The seed's staging suite asked for a `redis_client` fixture that nobody
defined; pytest only says so when the test runs. No fix.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Iterable

from ssotlint.rules._shared import node_span
from ssotlint.rules._testsuite import TestFile, analyse, class_marks, conftest_chain

from ssotlint.index import Kind, Span
from ssotlint.plugin_fixtures import declared_plugin_fixtures
from ssotlint.rule import Example, Rule
from ssotlint.testmodel import (
    MODULES,
    PYTEST,
    FixtureScope,
    FunctionInfo,
    entry_point_plugin_names,
    expand_aliases,
    external_module_fixtures,
    injected_by_patches,
    installed_fixtures,
    module_fixtures,
    module_marks,
    parametrize_names,
    project_plugins,
    usefixtures_names,
)

CONFTEST = "import pytest\n\n\n@pytest.fixture\ndef db():\n    return 1\n\n\n@pytest.fixture(name='client')\ndef make_client():\n    return 2\n"


class MissingFixture(Rule):
    code = "SOT403"
    slug = "missing-fixture"
    summary = "a test/fixture parameter that no fixture provides"

    VALID = (
        Example(  # a fixture function imported from another test module, registered by name=
            {
                "tests/__init__.py": "",
                "tests/test_types.py": "import pytest\n\n\n@pytest.fixture(name='TypedDict')\n"
                "def fixture_typed_dict():\n    return dict\n",
                "tests/test_titles.py": "from .test_types import fixture_typed_dict  # noqa: F401\n\n\n"
                "def test_title(TypedDict):\n    pass\n",
            }
        ),
        Example(
            {
                "tests/__init__.py": "",
                "tests/conftest.py": CONFTEST,
                "tests/unit/test_a.py": "import pytest\nfrom unittest import mock\n\nARGS = 'x, y'\n\n\n"
                "@pytest.mark.parametrize(ARGS, [(1, 2)])\n@pytest.mark.parametrize('z', [3])\n"
                "def test_x(x, y, z, db, client, tmp_path, monkeypatch, request, opt=None):\n    pass\n\n\n"
                "@mock.patch('os.getcwd')\ndef test_patched(getcwd, db):\n    pass\n\n\n"
                "@pytest.mark.usefixtures('db')\nclass TestA:\n    @pytest.fixture\n    def local(self, db):\n        return db\n\n"
                "    def test_y(self, local, client):\n        pass\n",
            }
        ),
        Example(
            {
                "tests/test_a.py": "def pytest_generate_tests(metafunc):\n    metafunc.parametrize('anything', [1])\n\n\n"
                "def test_x(anything):\n    pass\n"
            }
        ),
        Example(
            {
                "tests/test_a.py": "import unittest\n\n\nclass TestA(unittest.TestCase):\n    def test_x(self, *args):\n        pass\n",
                "tests/test_b.py": "from tests.helpers import *\n\n\ndef test_x(anything):\n    pass\n",
                "tests/helpers.py": "x = 1\n",
            }
        ),
    )
    INVALID = (
        Example(
            {
                "tests/__init__.py": "",
                "tests/conftest.py": CONFTEST,
                "tests/test_a.py": "def test_health(db, redis_client):\n    pass\n",
            },
            expected=("tests/test_a.py:1 SOT403",),
        ),
        Example(
            {
                "tests/test_a.py": "import pytest\n\n\n@pytest.fixture\ndef user(account):\n    return account\n\n\n"
                "@pytest.mark.usefixtures('missing_db')\ndef test_x(user):\n    pass\n",
            },
            expected=("tests/test_a.py:5 SOT403", "tests/test_a.py:9 SOT403"),
        ),
        Example(
            {
                "tests/sub/conftest.py": CONFTEST,
                "tests/test_a.py": "def test_x(db):\n    pass\n",
            },
            expected=("tests/test_a.py:1 SOT403",),
        ),
    )

    def check(self) -> None:
        tests = analyse(self.ctx)
        if tests is None:
            return
        scope = self._scope(tests)
        if scope.uncertain:
            return
        tree = tests.parsed.tree
        module_level = module_marks(tree)
        module_params = parametrize_names([node for _, node in module_level], tree)
        if module_params is None:
            return
        module_uses = usefixtures_names(node for _, node in module_level)
        for func in tests.functions:
            self._check_function(func, scope.names, module_params, [], tree, 0)
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and not any(
                f.name == stmt.name for f in tests.functions
            ):
                from ssotlint.testmodel import function_info

                info = function_info(stmt, tests.parsed.columns, False)
                if info.is_fixture:
                    self._check_function(info, scope.names, set(), [], tree, 0)
        for cls in tests.classes:
            if cls.framework != PYTEST:
                continue
            groups = class_marks(self.ctx, tests, cls)  # own and inherited, body pytestmark too
            class_params: set[str] | None = set() if groups is not None else None
            for mark_tree, nodes in groups or ():
                found = parametrize_names(nodes, mark_tree)
                if found is None or class_params is None:
                    class_params = None
                else:
                    class_params |= found
            # `@mock.patch(...)` on the class patches every test method: one more argument each
            patched = injected_by_patches(expand_aliases(cls.info.decorator_nodes, tree))
            if class_params is None or patched is None:
                continue
            names = set(scope.names)
            for klass in cls.lineage.classes:
                names |= {m.name for m in klass.methods.values() if m.is_fixture}
                names |= {n for m in klass.methods.values() for n in _fixture_alias(m)}
            if any("pytest_generate_tests" in k.methods for k in cls.lineage.classes):
                continue
            own = expand_aliases([*cls.info.decorator_nodes, *cls.info.mark_nodes], tree)
            self._check_uses(usefixtures_names(own), names)
            tests_here = {m.name for m in cls.test_methods(tests.settings)}
            for method in cls.info.methods.values():
                if method.name in tests_here or method.is_fixture:
                    skip = 0 if method.is_staticmethod else 1
                    skip += patched if method.name.startswith("test") else 0
                    self._check_function(
                        method, names, module_params | class_params, [], tree, skip
                    )
        self._check_uses(module_uses, scope.names)

    def _scope(self, tests: TestFile) -> FixtureScope:
        root = self.ctx.config.root
        scope = FixtureScope(
            names=set(installed_fixtures())
            | declared_plugin_fixtures(root)  # declared, not installed here (pre-commit)
            | set(self.ctx.config.test_extra_fixtures)
        )
        scopes = [
            module_fixtures(tests.parsed.tree),
            self._imported_fixtures(),
            *conftest_chain(self.ctx, tests.settings),
        ]
        own = [m for m in project_plugins(self.ctx.config.root) if self.ctx.index.is_first_party(m)]
        scopes.append(FixtureScope(plugins=own))  # a plugin project's own pytest11 modules
        early = [p for p in tests.settings.plugins if p not in entry_point_plugin_names()]
        scopes.append(FixtureScope(plugins=early))  # `-p NAME` in addopts
        for part in scopes:
            scope.names |= part.names
            scope.uncertain = scope.uncertain or part.uncertain
            for plugin in part.plugins:
                found = self._plugin_fixtures(plugin)
                if found is None:
                    scope.uncertain = True
                else:
                    scope.names |= found
        return scope

    def _imported_fixtures(self) -> FixtureScope:
        """`from tests.other import fixture_db` where `fixture_db` is `@pytest.fixture(name="db")`:
        pytest finds the function in this module and registers it as `db`."""
        scope = FixtureScope()
        index = self.ctx.index
        for imp in self.ctx.record.imports:
            if not imp.is_from or imp.name is None or imp.scope != "module":
                continue
            res = index.resolve(imp.module, imp.name)
            if res.kind is not Kind.DEFINITION:
                continue
            func = index.modules[res.module].functions.get(res.name)
            if func is None or not any(d.split(".")[-1] == "fixture" for d, _ in func.decorators):
                continue  # cheap: only a decorated fixture function is worth a parse
            parsed = MODULES.get(index, self.ctx.config.root, res.module)
            if parsed is not None:
                renamed = module_fixtures(parsed.tree).renamed.get(res.name)
                if renamed is not None:
                    scope.names.add(renamed)
        return scope

    def _plugin_fixtures(self, plugin: str, seen: set[str] | None = None) -> set[str] | None:
        index = self.ctx.index
        seen = set() if seen is None else seen
        if plugin in seen:
            return set()
        seen.add(plugin)
        if index.is_first_party(plugin):
            parsed = MODULES.get(index, self.ctx.config.root, plugin)
            if parsed is None:
                return None
            scope = module_fixtures(parsed.tree)
            names = None if scope.uncertain else set(scope.names)
            for nested in scope.plugins:  # a plugin's own `pytest_plugins` load too
                more = self._plugin_fixtures(nested, seen)
                names = None if more is None or names is None else names | more
            return names
        found = external_module_fixtures(plugin)
        return None if found is None else set(found)

    def _check_function(
        self,
        func: FunctionInfo,
        available: set[str],
        parametrized: set[str],
        extra: list[str],
        tree: ast.Module,
        receiver: int,
    ) -> None:
        decorators = expand_aliases(func.decorator_nodes, tree)  # `slow = pytest.mark.x`; `@slow`
        injected = injected_by_patches(decorators)
        own = parametrize_names(decorators, tree)
        if injected is None or own is None:
            return
        params = func.params[receiver + injected :]
        missing = False
        for name, has_default, span in params:
            if has_default or name == "request":
                continue
            if name in available or name in parametrized or name in own:
                continue
            missing = True
            self._report(name, span, func.name, available)
        self._check_uses(usefixtures_names(decorators), available)
        self.ctx.site(self.code, not missing)

    def _check_uses(self, uses: Iterable[tuple[str, ast.expr]], available: set[str]) -> None:
        for name, node in uses:
            if name in available:
                continue
            span = node_span(self.ctx, node)
            if span.line == span.end_line and span.end_column - span.column == len(name) + 2:
                # point at the fixture name, not at its quotes
                span = Span(span.line, span.column + 1, span.line, span.end_column - 1)
            self._report(name, span, "usefixtures", available)

    def _report(self, name: str, span: Span, where: str, available: set[str]) -> None:
        close = difflib.get_close_matches(name, sorted(available), n=1)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        self.ctx.report(
            self.code, span,
            f"fixture `{name}` (requested by `{where}`) is not defined in the module, its classes, "
            f"the conftest.py chain, pytest_plugins, pytest or installed plugins{hint}",
            symbol=name,
        )  # fmt: skip


def _fixture_alias(method: FunctionInfo) -> list[str]:
    out = []
    for node in method.decorator_nodes:
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "name" and isinstance(kw.value, ast.Constant):
                    out.append(str(kw.value.value))
    return out
