"""Per-file test-suite analysis shared by SOT301 and SOT401-SOT404."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ssotlint.index import Kind
from ssotlint.rule import FileContext
from ssotlint.testmodel import (
    ASYNC_UNITTEST,
    HOOK_LIKE,
    MODULES,
    PYTEST,
    UNITTEST,
    ClassInfo,
    FixtureScope,
    FunctionInfo,
    Lineage,
    ParsedModule,
    PytestSettings,
    _name_matches,
    expand_aliases,
    file_fixtures,
    hook_names,
    is_test_file,
    lineage,
    marks,
    module_fixtures,
    module_marks,
    parse_module,
    pytest_settings_for,
    reachable_methods,
)


@dataclass
class TestClass:
    info: ClassInfo
    lineage: Lineage
    framework: str
    reached: dict[str, set[int]]  # from the runner's hooks only
    called: dict[str, set[int]]  # from hooks and tests

    @property
    def qualname(self) -> str:
        return f"{self.info.module}.{self.info.name}"

    def test_methods(self, settings: PytestSettings) -> list[FunctionInfo]:
        prefixes = (
            ("test",)
            if self.framework in (UNITTEST, ASYNC_UNITTEST)
            else (settings.python_functions)
        )
        return [m for m in self.info.methods.values() if _name_matches(m.name, prefixes)]


@dataclass
class TestFile:
    settings: PytestSettings
    parsed: ParsedModule
    classes: list[TestClass]
    functions: list[FunctionInfo]  # module-level test functions
    mark_names: list[str]
    extra: dict[str, object] = field(default_factory=dict)


def analyse(ctx: FileContext) -> TestFile | None:
    if "tests" in ctx.shared:
        cached: TestFile | None = ctx.shared["tests"]
        return cached
    result = _analyse(ctx)
    ctx.shared["tests"] = result
    return result


def _analyse(ctx: FileContext) -> TestFile | None:
    settings = pytest_settings_for(ctx.config.root, ctx.path)
    if not is_test_file(ctx.path, settings):
        return None
    parsed = parse_module(ctx.record.module, ctx.text, ctx.tree)  # one parse for every rule
    MODULES.put(ctx.record, parsed)  # its own classes as bases: the buffer's, not the disk's
    deleted = {  # `del BaseTests` at module level: a common way to hide a base from pytest
        target.id
        for stmt in parsed.tree.body
        if isinstance(stmt, ast.Delete)
        for target in stmt.targets
        if isinstance(target, ast.Name)
    }
    # pytest runs the file (and so calls its xunit hooks on unittest classes too) when a pytest
    # config is found or the module imports pytest; otherwise assume a plain unittest runner
    pytest_runs = settings.source != "defaults" or any(
        (isinstance(stmt, ast.Import) and any(a.name.split(".")[0] == "pytest" for a in stmt.names))
        or (isinstance(stmt, ast.ImportFrom) and (stmt.module or "").split(".")[0] == "pytest")
        for stmt in parsed.tree.body
    )
    classes = []
    for info in parsed.classes.values():
        lin = lineage(ctx.index, ctx.config.root, info)
        framework = lin.framework
        if info.name in deleted or lin.collected is not True:
            continue  # `__test__ = False` (inherited), or not knowable
        if framework == PYTEST:
            if not _name_matches(info.name, settings.python_classes) or info.has_init:
                continue
        elif framework not in (UNITTEST, ASYNC_UNITTEST):
            if not _name_matches(info.name, settings.python_classes):
                continue
        starts = hook_names(framework, lin, pytest_runs)
        reached = reachable_methods(lin, starts)
        tests = [
            m.name
            for m in info.methods.values()
            if _name_matches(
                m.name, ("test",) if framework != PYTEST else settings.python_functions
            )
        ]
        called = reachable_methods(lin, [*starts, *tests])
        if info.name in _base_names(ctx):
            # A base or mixin of other classes (Django's `TestFinders`): its subclasses
            # provide what it reads and are checked themselves.
            continue
        classes.append(TestClass(info, lin, framework, reached, called))
    functions = []
    for stmt in parsed.tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and _name_matches(
            stmt.name, settings.python_functions
        ):
            from ssotlint.testmodel import function_info

            functions.append(function_info(stmt, parsed.columns, False))
    marks = [name for name, _ in module_marks(parsed.tree)]
    return TestFile(settings, parsed, classes, functions, marks)


def _base_names(ctx: FileContext) -> set[str]:
    """Names that some first-party class uses as a base (last dotted part)."""

    def build() -> set[str]:
        return {
            base.rsplit(".", 1)[-1] for _, cls in ctx.index.iter_classes() for base in cls.bases
        }

    return ctx.index.derived("base-names", build)


def resolved_bases(ctx: FileContext, names: tuple[str, ...]) -> set[str]:
    """Configured base classes as the qualified names of their definitions."""
    out = set(names)
    for name in names:
        res = ctx.index.resolve_dotted(name)
        if res.kind is Kind.DEFINITION:
            out.add(res.qualname)
    return out


def class_marks(
    ctx: FileContext, tests: TestFile, cls: TestClass
) -> list[tuple[ast.Module, list[ast.expr]]] | None:
    """The marks on a test class as pytest sees them: its decorators and body `pytestmark`,
    and those of its first-party bases (pytest reads marks through the MRO), each with the tree
    of the module that holds it (parametrize argnames may name a variable there). None when a
    base's module cannot be read."""
    out = []
    for klass in cls.lineage.classes:
        if klass is cls.info:
            tree = tests.parsed.tree
        else:
            parsed = MODULES.get(ctx.index, ctx.config.root, klass.module)
            if parsed is None:
                return None
            tree = parsed.tree
        nodes = expand_aliases([*klass.decorator_nodes, *klass.mark_nodes], tree)
        out.append((tree, [node for _, node in marks(nodes)]))
    return out


def is_hook_like(name: str) -> bool:
    return name in HOOK_LIKE


def conftest_chain(ctx: FileContext, settings: PytestSettings) -> list[FixtureScope]:
    """Fixture scopes of every conftest.py from the rootdir down to the file's folder."""
    scopes = []
    folder = PurePosixPath(ctx.path).parent
    parts = [] if str(folder) == "." else list(folder.parts)
    for i in range(len(parts) + 1):
        rel = "/".join([*parts[:i], "conftest.py"])
        rec = ctx.index.by_path.get(rel)
        if rec is None:
            if (ctx.config.root / rel).is_file():
                scopes.append(file_fixtures(ctx.config.root / rel))
            continue
        parsed = MODULES.get(ctx.index, ctx.config.root, rec.module)
        if parsed is None:
            scopes.append(FixtureScope(uncertain=True, hidden=True))
            continue
        scopes.append(module_fixtures(parsed.tree))
    return scopes
