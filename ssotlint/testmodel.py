"""How test runners see a test file: pytest settings, test classes, hooks, fixtures.

Shared by SOT301 and SOT401-SOT404. Everything is read statically: test modules
and their first-party base classes are parsed with `ast` (lazily, once per
process), installed pytest plugins are located through their `pytest11` entry
points and parsed, never imported.
"""

from __future__ import annotations

import ast
import configparser
import fnmatch
import importlib.metadata
import re
import sys
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from ssotlint.index import Kind, ModuleRecord, ProjectIndex, Span, _Columns, content_digest, dotted
from ssotlint.source import SourceError, decode, read_source

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

UNITTEST = "unittest"
ASYNC_UNITTEST = "async-unittest"
PYTEST = "pytest"
UNKNOWN = "unknown"

SYNC_UNITTEST_BASES = frozenset({"unittest.TestCase", "unittest.case.TestCase"})
RUNNER_METHODS = ("_callTestMethod", "_callSetUp", "run", "__call__", "debug", "_setup_and_call")
ASYNC_UNITTEST_BASES = frozenset(
    {"unittest.IsolatedAsyncioTestCase", "unittest.async_case.IsolatedAsyncioTestCase"}
)
HOOKS = {
    UNITTEST: ("setUp", "tearDown", "setUpClass", "tearDownClass"),
    ASYNC_UNITTEST: (
        "setUp", "tearDown", "setUpClass", "tearDownClass", "asyncSetUp", "asyncTearDown",
    ),
    PYTEST: ("setup_method", "teardown_method", "setup_class", "teardown_class"),
}  # fmt: skip
CLASS_HOOKS = frozenset({"setUpClass", "tearDownClass", "setup_class", "teardown_class"})
HOOK_LIKE = frozenset(
    {
        "setUp", "tearDown", "setUpClass", "tearDownClass", "asyncSetUp", "asyncTearDown",
        "asyncSetUpClass", "asyncTearDownClass", "setup_method", "teardown_method",
        "setup_class", "teardown_class", "setUpModule", "tearDownModule",
    }
)  # fmt: skip
ASYNC_MARKS = ("asyncio", "anyio", "trio", "gen_test")  # gen_test: pytest-tornasync/-tornado


# --- pytest settings ----------------------------------------------------------------


@dataclass(frozen=True)
class PytestSettings:
    python_files: tuple[str, ...] = ("test_*.py", "*_test.py")
    python_classes: tuple[str, ...] = ("Test",)
    python_functions: tuple[str, ...] = ("test",)
    testpaths: tuple[str, ...] = ()
    rootdir: str = ""  # relative to the project root ('' = the root)
    asyncio_mode: str = "strict"
    usefixtures: tuple[str, ...] = ()
    source: str = "defaults"
    trio_mode: bool = False  # pytest-trio runs every async test
    plugins: tuple[str, ...] = ()  # `-p NAME` in addopts


def _split(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if isinstance(value, str):
        return tuple(value.split())
    return ()


_SETTINGS: dict[tuple[object, ...], PytestSettings] = {}
_INI_FILES = ("pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")


def pytest_settings(root: Path) -> PytestSettings:
    """The first pytest config found at the root, in pytest's order (re-read when edited)."""
    stamp: list[object] = [str(root)]
    for name in _INI_FILES:
        try:
            st = (root / name).stat()
            stamp.append((name, st.st_mtime_ns, st.st_size))
        except OSError:
            stamp.append(None)
    key = tuple(stamp)
    if key not in _SETTINGS:
        _SETTINGS[key] = _read_pytest_settings(root)
    return _SETTINGS[key]


def _read_pytest_settings(root: Path) -> PytestSettings:
    candidates: list[tuple[Path, str]] = [
        (root / "pytest.ini", "pytest"),
        (root / ".pytest.ini", "pytest"),
        (root / "pyproject.toml", "toml"),
        (root / "tox.ini", "pytest"),
        (root / "setup.cfg", "tool:pytest"),
    ]
    for path, section in candidates:
        if not path.is_file():
            continue
        values: dict[str, object] = {}
        if section == "toml":
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
            table = data.get("tool", {}).get("pytest", {}).get("ini_options")
            if not isinstance(table, dict):
                continue
            values = dict(table)
        else:
            parser = configparser.ConfigParser(interpolation=None)
            try:
                parser.read(path, encoding="utf-8")
            except (configparser.Error, UnicodeDecodeError):
                continue
            if not parser.has_section(section):
                if path.name == "pytest.ini":
                    return PytestSettings(source=str(path.name))
                continue
            values = dict(parser.items(section))
        defaults = PytestSettings()
        return PytestSettings(
            python_files=_split(values.get("python_files")) or defaults.python_files,
            python_classes=_split(values.get("python_classes")) or defaults.python_classes,
            python_functions=_split(values.get("python_functions")) or defaults.python_functions,
            testpaths=_split(values.get("testpaths")),
            asyncio_mode=_asyncio_mode(values),
            usefixtures=_split(values.get("usefixtures")),
            source=path.name,
            trio_mode=str(values.get("trio_mode", "")).strip().lower() in ("true", "1", "on"),
            plugins=_addopts_plugins(values),
        )
    return PytestSettings()


def _asyncio_mode(values: dict[str, object]) -> str:
    """`asyncio_mode`, or `--asyncio-mode=auto` in `addopts` (which wins, as on a command line)."""
    addopts = values.get("addopts", "")
    text = " ".join(addopts) if isinstance(addopts, list) else str(addopts)
    found = re.search(r"--asyncio-mode[= ]\s*(\w+)", text)
    return found.group(1) if found else str(values.get("asyncio_mode", "strict")).strip()


def _addopts_plugins(values: dict[str, object]) -> tuple[str, ...]:
    """`-p NAME` / `-pNAME` in `addopts`: plugins pytest loads early (`-p no:NAME` disables)."""
    addopts = values.get("addopts", "")
    words = (" ".join(addopts) if isinstance(addopts, list) else str(addopts)).split()
    out = []
    for i, word in enumerate(words):
        if word == "-p":
            name = words[i + 1] if i + 1 < len(words) else ""
        elif word.startswith("-p") and not word.startswith("--"):
            name = word[2:]
        else:
            continue
        if name and not name.startswith("no:"):
            out.append(name)
    return tuple(out)


@lru_cache(maxsize=1)
def entry_point_plugin_names() -> frozenset[str]:
    """Names of the installed pytest11 entry points (`-p anyio` names a plugin, not a module)."""
    return frozenset(ep.name for ep in importlib.metadata.entry_points(group="pytest11"))


def pytest_settings_for(root: Path, relpath: str) -> PytestSettings:
    """The settings pytest uses for a file: the first config found from the file's folder upward
    to the project root (pytest's rootdir when it runs there); its `rootdir` names that folder."""
    folder = relpath.rpartition("/")[0]
    key = (root, folder)
    if key not in _SETTINGS_FOR:
        _SETTINGS_FOR[key] = _settings_for_folder(root, folder)
    return _SETTINGS_FOR[key]


_SETTINGS_FOR: dict[tuple[Path, str], PytestSettings] = {}


def forget_settings() -> None:
    """Drop per-folder answers (a new run may follow an edit of a pytest config)."""
    from ssotlint.plugin_fixtures import forget_declarations

    _SETTINGS_FOR.clear()
    forget_declarations()


def _settings_for_folder(root: Path, folder: str) -> PytestSettings:
    parts = folder.split("/") if folder else []
    for i in range(len(parts), 0, -1):
        folder = "/".join(parts[:i])
        settings = pytest_settings(root / folder)
        if settings.source != "defaults":
            return replace(settings, rootdir=folder)
    return pytest_settings(root)


@lru_cache(maxsize=16)
def _project_plugins(root: Path, stamp: tuple[object, ...]) -> tuple[str, ...]:
    modules: list[str] = []
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
        table = data.get("project", {}).get("entry-points", {}).get("pytest11", {})
        if isinstance(table, dict):
            modules += [str(v) for v in table.values()]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        pass
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(root / "setup.cfg", encoding="utf-8")
        if parser.has_option("options.entry_points", "pytest11"):
            for line in parser.get("options.entry_points", "pytest11").splitlines():
                if "=" in line:
                    modules.append(line.split("=", 1)[1])
    except (configparser.Error, UnicodeDecodeError):
        pass
    return tuple(m.split(":")[0].strip() for m in modules if m.strip())


def project_plugins(root: Path) -> tuple[str, ...]:
    """Modules the project registers itself as `pytest11` plugins: a plugin's own test suite
    runs with the plugin installed, so its fixtures are those of the source, whatever version
    of it the current environment holds."""
    stamp: list[object] = []
    for name in ("pyproject.toml", "setup.cfg"):
        try:
            st = (root / name).stat()
            stamp.append((st.st_mtime_ns, st.st_size))
        except OSError:
            stamp.append(None)
    return _project_plugins(root, tuple(stamp))


def inputs_fingerprint(root: Path, relpaths: Iterable[str]) -> str:
    """What the test rules read besides the indexed `.py` files, as (name, mtime, size) stamps:
    pytest configs in every folder that holds a file (the nearest one is a test's rootdir),
    conftest.py files there (one outside the `src` roots is read from disk), and the root's
    packaging files (a plugin project's own `pytest11` entry points). For a results-cache key."""
    folders = {""}
    for rel in relpaths:
        parts = rel.split("/")[:-1]
        folders.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
    stamps = []
    for folder in sorted(folders):
        base = root / folder if folder else root
        for name in (*_INI_FILES, "conftest.py"):
            try:
                st = (base / name).stat()
            except OSError:
                continue
            stamps.append(f"{folder}/{name}:{st.st_mtime_ns}:{st.st_size}")
    from ssotlint.plugin_fixtures import declaration_stamp

    stamps.append(repr(declaration_stamp(root)))  # declared plugins (SOT403)
    return ";".join(stamps)


def _name_matches(name: str, patterns: Iterable[str]) -> bool:
    for pattern in patterns:
        if any(ch in pattern for ch in "*?["):
            if fnmatch.fnmatchcase(name, pattern):
                return True
        elif name.startswith(pattern):
            return True
    return False


def is_test_file(relpath: str, settings: PytestSettings) -> bool:
    base = relpath.rsplit("/", 1)[-1]
    if not any(fnmatch.fnmatchcase(base, p) for p in settings.python_files):
        return False
    if settings.testpaths:
        prefix = f"{settings.rootdir}/" if settings.rootdir else ""
        if not relpath.startswith(prefix):
            return False
        rel = relpath[len(prefix) :]
        folders = ["/".join(rel.split("/")[:i]) for i in range(1, rel.count("/") + 2)]
        for tp in settings.testpaths:
            tp = tp.strip("/").removeprefix("./")
            if tp in (".", "") or any(fnmatch.fnmatchcase(f, tp) for f in folders):
                return True  # testpaths may be globs (pytest >= 7)
        return False
    return True


# --- class and function models ----------------------------------------------------------


@dataclass
class BodyFacts:
    assigns: set[str] = field(default_factory=set)
    reads: list[tuple[str, Span]] = field(default_factory=list)
    self_calls: set[str] = field(default_factory=set)
    super_calls: set[str] = field(default_factory=set)
    unawaited_self_calls: list[tuple[str, Span]] = field(default_factory=list)
    dynamic: bool = False
    skips: bool = False


@dataclass
class FunctionInfo:
    name: str
    span: Span
    is_async: bool
    decorators: list[str]
    decorator_nodes: list[ast.expr]
    params: list[tuple[str, bool, Span]]  # (name, has default, where); positional, keyword
    node: ast.FunctionDef | ast.AsyncFunctionDef | None = field(default=None, repr=False)
    receiver: str | None = None
    columns: _Columns | None = field(default=None, repr=False)
    _body: BodyFacts | None = field(default=None, repr=False)

    @property
    def body(self) -> BodyFacts:
        """What the body does with `self`, scanned on first use: most methods of a big base
        class are never reached from a hook, so they are never scanned."""
        if self._body is None:
            self._body = BodyFacts()
            if self.node is not None and self.columns is not None:
                _scan_body(self.node.body, self._body, self.receiver, self.columns)
        return self._body

    @property
    def assigns(self) -> set[str]:
        return self.body.assigns

    @property
    def reads(self) -> list[tuple[str, Span]]:
        return self.body.reads

    @property
    def self_calls(self) -> set[str]:
        return self.body.self_calls

    @property
    def super_calls(self) -> set[str]:
        return self.body.super_calls

    @property
    def unawaited_self_calls(self) -> list[tuple[str, Span]]:
        return self.body.unawaited_self_calls

    @property
    def dynamic(self) -> bool:
        """setattr(self, <non-literal>) / self.__dict__: unknowable."""
        return self.body.dynamic

    @property
    def skips(self) -> bool:
        """May skip the test: self.skipTest(), pytest.skip(), raise SkipTest."""
        return self.body.skips

    @property
    def is_classmethod(self) -> bool:
        return "classmethod" in self.decorators

    @property
    def is_staticmethod(self) -> bool:
        return "staticmethod" in self.decorators

    @property
    def is_fixture(self) -> bool:
        return any(_is_fixture_decorator(d) for d in self.decorators)

    @property
    def is_autouse_fixture(self) -> bool:
        for node in self.decorator_nodes:
            if isinstance(node, ast.Call) and _is_fixture_decorator(dotted(node.func) or ""):
                for kw in node.keywords:
                    if kw.arg == "autouse" and isinstance(kw.value, ast.Constant):
                        return bool(kw.value.value)
        return False


def _is_autouse(decorators: Iterable[ast.expr]) -> bool:
    for node in decorators:
        if isinstance(node, ast.Call) and _is_fixture_decorator(dotted(node.func) or ""):
            for kw in node.keywords:
                if kw.arg == "autouse" and isinstance(kw.value, ast.Constant):
                    return bool(kw.value.value)
    return False


def _is_fixture_decorator(name: str) -> bool:
    return name in ("fixture", "pytest.fixture", "pytest_asyncio.fixture") or name.endswith(
        ".fixture"
    )


@dataclass
class ClassInfo:
    module: str
    name: str
    span: Span
    bases: list[str]
    base_nodes: list[ast.expr]
    body_names: set[str]
    methods: dict[str, FunctionInfo]
    decorators: list[str]
    decorator_nodes: list[ast.expr]
    has_init: bool
    test_flag: bool | None = True  # `__test__` in the body (None: not a literal)
    mark_nodes: list[ast.expr] = field(default_factory=list)  # `pytestmark = ...` in the body


_SKIP_EXCEPTIONS = ("SkipTest", "Skipped")
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _scan_body(
    body: list[ast.stmt], facts: BodyFacts, receiver: str | None, columns: _Columns
) -> None:
    """What a method body does with its receiver: one iterative pre-order walk.

    An explicit stack instead of `ast.NodeVisitor`: about twice as fast, and this runs over
    every test method of a suite.
    """
    awaited: set[int] = set()
    discarded: set[int] = set()
    stack: list[ast.AST] = list(reversed(body))
    Attribute, Call, Name = ast.Attribute, ast.Call, ast.Name
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is Attribute:
            value = node.value  # type: ignore[attr-defined]
            if type(value) is Name and value.id == receiver:
                attr = node.attr  # type: ignore[attr-defined]
                if type(node.ctx) is ast.Load:  # type: ignore[attr-defined]
                    facts.reads.append((attr, columns.span(node)))
                else:
                    facts.assigns.add(attr)
                if attr == "__dict__":
                    facts.dynamic = True
        elif kind is Call:
            _scan_call(node, facts, receiver, columns, discarded)  # type: ignore[arg-type]
        elif kind is ast.Expr:
            discarded.add(id(node.value))  # type: ignore[attr-defined]
        elif kind is ast.Await:
            awaited.add(id(node.value))  # type: ignore[attr-defined]
        elif kind is ast.Raise:
            exc = node.exc  # type: ignore[attr-defined]
            exc = exc.func if isinstance(exc, Call) else exc
            if exc is not None and (dotted(exc) or "").rsplit(".", 1)[-1] in _SKIP_EXCEPTIONS:
                facts.skips = True
        elif kind in _FUNCTIONS and receiver is not None:
            args = node.args  # type: ignore[attr-defined]
            params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
            if any(p is not None and p.arg == receiver for p in params):
                # A nested class's method (or a lambda) whose own `self` is another object:
                # only its decorators and defaults run in this method's scope.
                decorators = getattr(node, "decorator_list", [])
                defaults = [*args.defaults, *(d for d in args.kw_defaults if d)]
                stack.extend(reversed([*decorators, *defaults]))
                continue
        for name in node._fields:
            child = getattr(node, name, None)
            if type(child) is list:
                for item in reversed(child):
                    if isinstance(item, ast.AST):
                        stack.append(item)
            elif isinstance(child, ast.AST):
                stack.append(child)


def _scan_call(
    node: ast.Call, facts: BodyFacts, receiver: str | None, columns: _Columns, discarded: set[int]
) -> None:
    func = node.func
    if isinstance(func, ast.Attribute):
        if func.attr == "skipTest":
            facts.skips = True
        value = func.value
        if isinstance(value, ast.Name) and value.id == receiver:
            facts.self_calls.add(func.attr)
            if id(node) in discarded:  # `self.x()` alone; `asyncio.run(self.x())` runs it
                facts.unawaited_self_calls.append((func.attr, columns.span(node)))
        elif (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "super"
        ):
            facts.super_calls.add(func.attr)
        elif func.attr == "skip" and dotted(func) == "pytest.skip":
            facts.skips = True
    elif isinstance(func, ast.Name):
        if func.id == "skip":
            facts.skips = True
        elif func.id == "setattr" and node.args and isinstance(node.args[0], ast.Name):
            if node.args[0].id == receiver:
                if len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                    facts.assigns.add(str(node.args[1].value))
                else:
                    facts.dynamic = True


def _params(args: ast.arguments, columns: _Columns) -> list[tuple[str, bool, Span]]:
    positional = [*args.posonlyargs, *args.args]
    defaults_from = len(positional) - len(args.defaults)
    out = [(a.arg, i >= defaults_from, columns.span(a)) for i, a in enumerate(positional)]
    out += [
        (a.arg, d is not None, columns.span(a))
        for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=False)
    ]
    return out


def function_info(
    node: ast.FunctionDef | ast.AsyncFunctionDef, columns: _Columns, in_class: bool
) -> FunctionInfo:
    decorators = [
        dotted(d.func if isinstance(d, ast.Call) else d) or "?" for d in node.decorator_list
    ]
    info = FunctionInfo(
        node.name,
        columns.span(node),
        isinstance(node, ast.AsyncFunctionDef),
        decorators,
        list(node.decorator_list),
        _params(node.args, columns),
    )
    if in_class and "staticmethod" not in decorators:
        positional = [*node.args.posonlyargs, *node.args.args]
        if positional:
            info.receiver = positional[0].arg
    info.node = node
    info.columns = columns
    return info


def class_info(module: str, node: ast.ClassDef, columns: _Columns) -> ClassInfo:
    methods: dict[str, FunctionInfo] = {}
    body_names: set[str] = set()
    for stmt in node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            methods[stmt.name] = function_info(stmt, columns, True)
            body_names.add(stmt.name)
        elif isinstance(stmt, ast.ClassDef):
            body_names.add(stmt.name)
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                body_names.update(_target_names(target))
        elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
            body_names.update(_target_names(stmt.target))
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            body_names.update((a.asname or a.name).split(".")[0] for a in stmt.names)
        elif isinstance(stmt, (ast.If, ast.Try, ast.With, ast.For)):
            for sub in ast.walk(stmt):
                if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    body_names.add(sub.name)
                elif isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                    body_names.add(sub.id)
    return ClassInfo(
        module,
        node.name,
        columns.span(node),
        [dotted(b) or "?" for b in node.bases],
        list(node.bases),
        body_names,
        methods,
        [dotted(d.func if isinstance(d, ast.Call) else d) or "?" for d in node.decorator_list],
        list(node.decorator_list),
        "__init__" in methods,
        *_class_body_extras(node, methods),
    )


def _class_body_extras(
    node: ast.ClassDef, methods: dict[str, FunctionInfo]
) -> tuple[bool | None, list[ast.expr]]:
    """`__test__`, `pytestmark` and `name = classmethod(name)` in a class body."""
    test_flag: bool | None = True
    mark_nodes: list[ast.expr] = []
    for stmt in node.body:
        if not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or stmt.value is None:
            continue
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        names = {n for target in targets for n in _target_names(target)}
        value = stmt.value
        if "__test__" in names:
            test_flag = bool(value.value) if isinstance(value, ast.Constant) else None
        if "pytestmark" in names:
            mark_nodes = list(value.elts) if isinstance(value, (ast.List, ast.Tuple)) else [value]
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id in ("classmethod", "staticmethod")
        ):
            for name in names & set(methods):
                methods[name].decorators.append(value.func.id)
    return test_flag, mark_nodes


def _target_names(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for elt in target.elts:
            yield from _target_names(elt)


@dataclass
class ParsedModule:
    tree: ast.Module
    columns: _Columns
    classes: dict[str, ClassInfo]


class ModuleCache:
    """Parsed first-party modules, keyed by content digest, shared per process.

    Least recently used entries are dropped past `limit`: a whole tree per module kept for
    the process's life was most of the memory of a large run (about 85 MiB per Django copy),
    and grew with every edit in a long-lived editor process.
    """

    def __init__(self, limit: int = 256) -> None:
        self.entries: dict[tuple[str, str], ParsedModule | None] = {}
        self.limit = limit

    def get(self, index: ProjectIndex, root: Path, module: str) -> ParsedModule | None:
        rec = index.modules.get(module)
        if rec is None or rec.error is not None:
            return None
        key = (module, rec.digest)
        if key in self.entries:
            parsed = self.entries.pop(key)  # re-inserted: most recently used last
        else:
            try:
                data = read_source(root / rec.relpath)
                if content_digest(data) != rec.digest:
                    # not the text the index holds (an unsaved buffer not `put` here, or the
                    # file changed since indexing): unknown, and nothing cached for it
                    return None
                parsed = parse_module(module, decode(data).text)
            except (SourceError, SyntaxError, RecursionError, ValueError):
                parsed = None
            if len(self.entries) >= self.limit:
                del self.entries[next(iter(self.entries))]
        self.entries[key] = parsed
        return parsed

    def put(self, rec: ModuleRecord, parsed: ParsedModule) -> None:
        """`rec`'s module as a rule parsed it (maybe an unsaved buffer): what `get` returns."""
        key = (rec.module, rec.digest)
        self.entries.pop(key, None)
        if len(self.entries) >= self.limit:
            del self.entries[next(iter(self.entries))]
        self.entries[key] = parsed


def parse_module(module: str, text: str, tree: ast.Module | None = None) -> ParsedModule:
    """`tree`: the text's parse if the caller has it (a rule's shared `ctx.tree`)."""
    tree = ast.parse(text) if tree is None else tree
    columns = _Columns(text)
    classes = {
        node.name: class_info(module, node, columns)
        for node in tree.body
        if isinstance(node, ast.ClassDef)
    }
    return ParsedModule(tree, columns, classes)


MODULES = ModuleCache()


# --- the runner's view of a class -----------------------------------------------------


@dataclass
class Lineage:
    """A class with its first-party ancestry (most-derived first) and external bases."""

    classes: list[ClassInfo]
    external: list[str]  # qualified names of non-first-party bases
    unresolved: bool  # a base we could not follow

    @property
    def framework(self) -> str:
        ext = set(self.external) - {"object", "builtins.object"}
        if ext & ASYNC_UNITTEST_BASES:
            return ASYNC_UNITTEST
        if ext & SYNC_UNITTEST_BASES:
            return UNITTEST
        if self.unresolved or ext:
            return UNKNOWN
        return PYTEST

    @property
    def complete(self) -> bool:
        """Do we know every attribute and hook of the class (no unknown bases)?"""
        ext = set(self.external) - {"object", "builtins.object"}
        return not self.unresolved and ext <= SYNC_UNITTEST_BASES | ASYNC_UNITTEST_BASES

    @property
    def custom_runner(self) -> bool:
        """A first-party class reimplements how tests are called (e.g. Django awaits them)."""
        return any(self.defines(name) for name in RUNNER_METHODS)

    def qualnames(self) -> list[str]:
        return [f"{c.module}.{c.name}" for c in self.classes]

    @property
    def collected(self) -> bool | None:
        """pytest's `__test__` flag, inherited: False means never collected, None unknown."""
        for cls in self.classes:
            if "__test__" in cls.body_names:
                return cls.test_flag
        return True

    def find(self, method: str, after: int = -1) -> tuple[int, FunctionInfo] | None:
        for i, cls in enumerate(self.classes):
            if i > after and method in cls.methods:
                return i, cls.methods[method]
        return None

    def defines(self, name: str) -> bool:
        return any(name in c.body_names for c in self.classes)


def lineage(index: ProjectIndex, root: Path, cls: ClassInfo, _depth: int = 0) -> Lineage:
    classes = [cls]
    external: list[str] = []
    unresolved = False
    if _depth > 30:
        return Lineage(classes, external, True)
    for base in cls.bases:
        if base == "?":
            unresolved = True
            continue
        res = index.resolve_local(cls.module, base)
        if res.kind is Kind.EXTERNAL:
            external.append(res.qualname)
        elif res.kind is Kind.DEFINITION:
            parsed = MODULES.get(index, root, res.module)
            base_info = parsed.classes.get(res.name) if parsed else None
            if base_info is None:
                unresolved = True
                continue
            sub = lineage(index, root, base_info, _depth + 1)
            for c in sub.classes:
                if all(c is not k for k in classes):
                    classes.append(c)
            external += [e for e in sub.external if e not in external]
            unresolved = unresolved or sub.unresolved
        elif base in ("object",):
            continue
        else:
            unresolved = True
    return Lineage(classes, external, unresolved)


@lru_cache(maxsize=1)
def unittest_attributes() -> frozenset[str]:
    import unittest  # stdlib, imported on first use: the warm path never needs it

    names = set(dir(unittest.IsolatedAsyncioTestCase)) | set(dir(unittest.TestCase))
    names |= set(vars(unittest.TestCase()))
    names |= set(vars(unittest.IsolatedAsyncioTestCase()))
    return frozenset(names)


def reachable_methods(lin: Lineage, starts: Iterable[str]) -> dict[str, set[int]]:
    """Methods a runner reaches from `starts`: name -> indexes in the lineage it runs at."""
    reached: dict[str, set[int]] = {}
    work: list[tuple[str, int]] = []
    for name in starts:
        found = lin.find(name)
        if found is not None:
            work.append((name, found[0]))
    while work:
        name, at = work.pop()
        if at in reached.setdefault(name, set()):
            continue
        reached[name].add(at)
        info = lin.classes[at].methods[name]
        for call in info.self_calls:
            found = lin.find(call)
            if found is not None:
                work.append((call, found[0]))
        for call in info.super_calls:
            found = lin.find(call, after=at)
            if found is not None:
                work.append((call, found[0]))
    return reached


def hook_names(framework: str, lin: Lineage, pytest_runs: bool = False) -> list[str]:
    """The methods a runner calls on its own. When pytest runs the suite (`pytest_runs`), it
    also calls its xunit hooks (`setup_method`, `setup_class`, ...) and autouse fixtures on
    `unittest.TestCase` classes; a plain unittest runner (Django's, `python -m unittest`) not."""
    names = [*HOOKS.get(framework, ()), "__init_subclass__"]  # a base's runs at class creation
    if framework in (UNITTEST, ASYNC_UNITTEST):
        names.append("__init__")
        # First-party bases that reimplement the runner protocol (Django's
        # SimpleTestCase.__call__ -> _setup_and_call -> _pre_setup) run those methods too.
        names += [name for name in RUNNER_METHODS if lin.find(name) is not None]
        if pytest_runs:
            names += HOOKS[PYTEST]
    if framework == PYTEST or (pytest_runs and framework in (UNITTEST, ASYNC_UNITTEST)):
        for cls in lin.classes:
            names += [m.name for m in cls.methods.values() if m.is_fixture]
    return names


# --- test module helpers -----------------------------------------------------------------


def marks(decorators: Iterable[ast.expr]) -> list[tuple[str, ast.expr]]:
    """`pytest.mark.X` decorators / marks: (X, node)."""
    out = []
    for node in decorators:
        target = node.func if isinstance(node, ast.Call) else node
        name = dotted(target) or ""
        if ".mark." in f".{name}" or name.startswith("mark."):
            out.append((name.rsplit(".", 1)[-1], node))
    return out


def module_marks(tree: ast.Module) -> list[tuple[str, ast.expr]]:
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in stmt.targets
        ):
            values = (
                stmt.value.elts if isinstance(stmt.value, (ast.List, ast.Tuple)) else [stmt.value]
            )
            return marks(expand_aliases(values, tree))
    return []


def expand_aliases(decorators: Iterable[ast.expr], tree: ast.Module) -> list[ast.expr]:
    """Decorators with module-level mark aliases (`slow = pytest.mark.slow` ... `@slow`)
    replaced by the marks they stand for; everything else unchanged."""
    aliases = _mark_aliases(tree)
    return [aliases.get(n.id, n) if isinstance(n, ast.Name) else n for n in decorators]


@lru_cache(maxsize=64)
def _mark_aliases(tree: ast.Module) -> dict[str, ast.expr]:
    out: dict[str, ast.expr] = {}
    for stmt in tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and stmt.targets[0].id != "pytestmark"
            and marks([stmt.value])
        ):
            out[stmt.targets[0].id] = stmt.value
    return out


def is_async_marked(mark_names: Iterable[str]) -> bool:
    return any(m in ASYNC_MARKS for m in mark_names)


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


# --- fixtures ---------------------------------------------------------------------------


@dataclass
class FixtureScope:
    names: set[str] = field(default_factory=set)
    uncertain: bool = False  # star import, pytest_generate_tests, unknown plugin: don't report
    # fixtures exist that we cannot see (a star import, an unknown or unreadable plugin or
    # conftest): any of them may be autouse and set attributes or call methods
    hidden: bool = False
    plugins: list[str] = field(default_factory=list)
    async_runner: bool = False  # a hook that may run async tests itself (pytest_pyfunc_call, ...)
    requests: dict[str, set[str]] = field(default_factory=dict)  # fixture -> fixtures it requests
    autouse: set[str] = field(default_factory=set)
    # attributes set on test classes from outside: `request.cls.db = ...` / `request.instance.x`
    # in fixtures (key "*"), `TestA.x = ...` (key "TestA"); DYNAMIC: `setattr(request.cls, name)`
    foreign: dict[str, set[str]] = field(default_factory=dict)
    # fixture functions registered under another name (`@pytest.fixture(name="db")`):
    # a module importing the function gets the fixture under that name
    renamed: dict[str, str] = field(default_factory=dict)


def fixture_name(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    for dec in node.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        if not _is_fixture_decorator(dotted(target) or ""):
            continue
        if isinstance(dec, ast.Call):
            for kw in dec.keywords:
                if kw.arg == "name" and isinstance(kw.value, ast.Constant):
                    return str(kw.value.value)
        return node.name
    return None


_SCOPE_MEMO: OrderedDict[int, tuple[ast.Module, FixtureScope]] = OrderedDict()


def module_fixtures(tree: ast.Module) -> FixtureScope:
    """Fixtures a module provides to pytest: defined, imported (maybe fixtures), or unknowable.
    Memoised per tree (conftests are asked once per test file and rule): do not mutate."""
    hit = _SCOPE_MEMO.get(id(tree))
    if hit is not None and hit[0] is tree:
        _SCOPE_MEMO.move_to_end(id(tree))
        return hit[1]
    scope = _module_fixtures(tree)
    _SCOPE_MEMO[id(tree)] = (tree, scope)
    if len(_SCOPE_MEMO) > 256:
        _SCOPE_MEMO.popitem(last=False)
    return scope


# module-level compound statements whose bodies bind names in the module namespace
_BLOCKS = tuple(
    getattr(ast, name)
    for name in ("If", "Try", "TryStar", "With", "AsyncWith", "For", "AsyncFor", "While", "Match")
    if hasattr(ast, name)
)


def _module_fixtures(tree: ast.Module) -> FixtureScope:
    scope = FixtureScope()
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            name = fixture_name(stmt)
            if name is not None:
                scope.names.add(name)
                if name != stmt.name:
                    scope.renamed[stmt.name] = name
                info_args = [*stmt.args.posonlyargs, *stmt.args.args, *stmt.args.kwonlyargs]
                scope.requests[name] = {a.arg for a in info_args}
                if _is_autouse(stmt.decorator_list):
                    scope.autouse.add(name)
            if stmt.name == "pytest_generate_tests":
                scope.uncertain = True
            scope.async_runner = scope.async_runner or _runs_async_tests(stmt)
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                if alias.name == "*":
                    scope.uncertain = scope.hidden = True
                else:
                    scope.names.add(alias.asname or alias.name)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                for name in _target_names(target):
                    if name == "pytest_plugins":
                        plugins = None if stmt.value is None else _string_list(stmt.value)
                        if plugins is None:
                            scope.uncertain = scope.hidden = True
                        else:
                            scope.plugins += plugins
                    elif isinstance(stmt.value, (ast.Call, ast.Name, ast.Attribute)):
                        # `x = pytest.fixture(f)`, fixture factories, `db = fixtures.db` aliases
                        scope.names.add(name)
        elif isinstance(stmt, _BLOCKS):  # `with open(...) as f: exec(...); from x import *`
            uncertain, hidden = _defines_fixtures_dynamically(stmt, scope.names)
            scope.uncertain = scope.uncertain or uncertain
            scope.hidden = scope.hidden or hidden
    registers: list[ast.Call] = []
    scope.foreign = _foreign_attrs(tree, registers)
    _registered_plugins(tree, scope, registers)
    return scope


def _registered_plugins(tree: ast.Module, scope: FixtureScope, registers: list[ast.Call]) -> None:
    """`config.pluginmanager.register(DbPlugin())`: the fixtures of a plugin object. A class
    of this module is read; anything else cannot be known."""
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    for node in registers:
        arg = node.args[0] if node.args else None
        target = arg.func if isinstance(arg, ast.Call) else arg
        cls = classes.get(target.id) if isinstance(target, ast.Name) else None
        if cls is None:
            scope.uncertain = scope.hidden = True
            continue
        for sub in ast.walk(cls):
            if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = fixture_name(sub)
                if name is not None:
                    scope.names.add(name)


DYNAMIC = "?"


def _assignment_and_call_nodes(tree: ast.Module) -> Iterator[ast.AST]:
    """Assignment targets and statement-level calls of every statement, nested or not.

    Much cheaper than `ast.walk` over every expression: attributes are set on classes from
    outside by assignments, `setattr(...)` and `pluginmanager.register(...)` statements."""
    stack: list[ast.stmt] = list(reversed(tree.body))
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                yield from _store_attributes(target)
        elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
            yield from _store_attributes(stmt.target)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            yield stmt.value
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    yield from _store_attributes(item.optional_vars)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            yield from _store_attributes(stmt.target)
        for name in ("body", "orelse", "finalbody"):
            block = getattr(stmt, name, None)
            if isinstance(block, list):
                stack.extend(reversed(block))
        for handler in getattr(stmt, "handlers", ()) or ():
            stack.extend(reversed(handler.body))
        for case in getattr(stmt, "cases", ()) or ():
            stack.extend(reversed(case.body))


def _store_attributes(target: ast.expr) -> Iterator[ast.Attribute]:
    if isinstance(target, ast.Attribute):
        yield target
    elif isinstance(target, (ast.Tuple, ast.List)):
        for elt in target.elts:
            yield from _store_attributes(elt)
    elif isinstance(target, ast.Starred):
        yield from _store_attributes(target.value)


def _foreign_attrs(tree: ast.Module, registers: list[ast.Call]) -> dict[str, set[str]]:
    """Attributes set on classes from outside (see `FixtureScope.foreign`); also collects the
    `pluginmanager.register(...)` calls into `registers` (one walk of the tree for both)."""
    out: dict[str, set[str]] = {}

    def owner_key(owner: ast.expr) -> str | None:
        if isinstance(owner, ast.Attribute) and owner.attr in ("cls", "instance"):
            return "*"  # request.cls / request.instance / item.cls
        return owner.id if isinstance(owner, ast.Name) and owner.id[:1].isupper() else None

    for node in _assignment_and_call_nodes(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            key = owner_key(node.value)
            if key is not None:
                out.setdefault(key, set()).add(node.attr)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "register"
            and (dotted(node.func.value) or "").endswith("pluginmanager")
        ):
            registers.append(node)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "setattr"
            and len(node.args) > 1
        ):
            key = owner_key(node.args[0])
            if key is not None:
                name = node.args[1]
                literal = name.value if isinstance(name, ast.Constant) else None
                out.setdefault(key, set()).add(literal if isinstance(literal, str) else DYNAMIC)
    return out


_DISK_SCOPES: dict[tuple[str, int, int], FixtureScope] = {}


def file_fixtures(path: Path) -> FixtureScope:
    """Fixtures of a conftest.py that the project index does not hold (outside the src roots,
    excluded): pytest loads it all the same, so it is read from disk."""
    try:
        st = path.stat()
        key = (str(path), st.st_mtime_ns, st.st_size)
        if key not in _DISK_SCOPES:
            _DISK_SCOPES[key] = module_fixtures(ast.parse(decode(read_source(path)).text))
        return _DISK_SCOPES[key]
    except (OSError, SourceError, SyntaxError, ValueError, RecursionError):
        return FixtureScope(uncertain=True, hidden=True)


ITEM_HOOKS = frozenset(
    {"pytest_collection_modifyitems", "pytest_itemcollected", "pytest_pycollect_makeitem",
     "pytest_runtest_setup", "pytest_runtest_call"}
)  # fmt: skip


def _runs_async_tests(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A conftest hook that calls test functions itself (`pytest_pyfunc_call`), or one that
    adds an async mark to collected items (`item.add_marker(pytest.mark.asyncio)`)."""
    if node.name == "pytest_pyfunc_call":
        return True
    if node.name not in ITEM_HOOKS:
        return False
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and sub.attr in ASYNC_MARKS:
            return True
        if isinstance(sub, ast.Constant) and sub.value in ASYNC_MARKS:
            return True
    return False


def _defines_fixtures_dynamically(stmt: ast.stmt, names: set[str]) -> tuple[bool, bool]:
    """A module-level block (`if`/`try`/`with`/loops): every name it may bind as a fixture is
    added to `names` (either branch may run); True when it cannot be read (star import,
    `pytest_plugins`, `pytest_generate_tests`), and whether fixtures we cannot see may come
    from it (star import, `pytest_plugins`): (uncertain, hidden)."""
    uncertain = hidden = False
    for node in ast.walk(stmt):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            name = fixture_name(node)
            if name is not None:
                names.add(name)
            uncertain = uncertain or node.name == "pytest_generate_tests"
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    uncertain = hidden = True
                else:
                    names.add(alias.asname or alias.name)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            for target in node.targets:
                names.update(_target_names(target))
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            if node.id == "pytest_plugins":
                uncertain = hidden = True
    return uncertain, hidden


def _string_list(node: ast.expr) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.List, ast.Tuple)):
        out = []
        for elt in node.elts:
            if not (isinstance(elt, ast.Constant) and isinstance(elt.value, str)):
                return None
            out.append(elt.value)
        return out
    return None


def _scan_package_fixtures(folder: Path, limit: int = 400) -> set[str]:
    names: set[str] = set()
    files = [folder] if folder.is_file() else sorted(folder.rglob("*.py"))[:limit]
    for path in files:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if "fixture" not in text:
            continue
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = fixture_name(node)
                if name is not None:
                    names.add(name)
            elif isinstance(node, ast.Assign):
                names |= _assigned_fixture_names(node)
    return names


def _assigned_fixture_names(node: ast.Assign) -> set[str]:
    """`mocker = pytest.fixture()(_mocker)` / `x = pytest.fixture(f, name="y")` (pytest-mock)."""
    call = node.value
    if not isinstance(call, ast.Call):
        return set()
    inner = call.func if isinstance(call.func, ast.Call) else call
    if not _is_fixture_decorator(dotted(inner.func) or ""):
        return set()
    for kw in inner.keywords:
        if kw.arg == "name" and isinstance(kw.value, ast.Constant):
            return {str(kw.value.value)}
    return {name for target in node.targets for name in _target_names(target)}


BUILTIN_FIXTURES = frozenset(
    {
        "cache", "capfd", "capfdbinary", "caplog", "capsys", "capsysbinary", "capteesys",
        "doctest_namespace", "monkeypatch", "pytestconfig", "record_property",
        "record_testsuite_property", "record_xml_attribute", "recwarn", "request", "subtests",
        "tmp_path", "tmp_path_factory", "tmpdir", "tmpdir_factory", "testdir", "pytester",
        "linecomp", "LineMatcher",
    }
)  # fmt: skip


def _locate_module(dist: importlib.metadata.Distribution, module: str) -> Path | None:
    rel = module.replace(".", "/")
    for file in dist.files or ():
        text = str(file).replace("\\", "/")
        if text in (f"{rel}.py", f"{rel}/__init__.py"):
            return Path(str(dist.locate_file(file)))
    return None


@lru_cache(maxsize=1)
def environment_fingerprint() -> str:
    """Installed pytest plugins (names and versions): cached findings depend on them."""
    items = sorted(
        f"{ep.name}={ep.value}@{getattr(getattr(ep, 'dist', None), 'version', '?')}"
        for ep in importlib.metadata.entry_points(group="pytest11")
    )
    return ";".join(items)


_PRIMED: frozenset[str] | None = None  # installed_fixtures() as the on-disk cache has it


def installed_fixtures() -> frozenset[str]:
    """pytest's built-in fixtures and those of installed plugins (pytest11 entry points)."""
    return _PRIMED if _PRIMED is not None else _scan_installed_fixtures()


def installed_fixtures_key() -> str:
    """What installed_fixtures() depends on: the plugins and pytest itself, with versions."""
    try:
        pytest_version = importlib.metadata.version("pytest")
    except importlib.metadata.PackageNotFoundError:
        pytest_version = "-"
    return f"{environment_fingerprint()}|pytest={pytest_version}"


def prime_installed_fixtures(names: frozenset[str] | None) -> None:
    """Use `names` (stored for this environment) instead of scanning site-packages again."""
    global _PRIMED
    _PRIMED = names


def scanned_installed_fixtures() -> frozenset[str] | None:
    """installed_fixtures() if this process scanned for it (so it can be stored), else None."""
    if _scan_installed_fixtures.cache_info().currsize:
        return _scan_installed_fixtures()
    return None


@lru_cache(maxsize=1)
def _scan_installed_fixtures() -> frozenset[str]:
    names = set(BUILTIN_FIXTURES)
    try:
        pytest_dist = importlib.metadata.distribution("pytest")
        located = _locate_module(pytest_dist, "_pytest")
        if located is not None:
            names |= _scan_package_fixtures(located.parent)
    except importlib.metadata.PackageNotFoundError:
        pass
    seen: set[Path] = set()
    for ep in importlib.metadata.entry_points(group="pytest11"):
        dist = getattr(ep, "dist", None)
        module = ep.value.split(":")[0].strip()
        if dist is None:
            continue
        path = _locate_module(dist, module.split(".")[0]) or _locate_module(dist, module)
        if path is None:  # an editable install's RECORD lists only its .pth / finder
            path = _spec_path(module.split(".")[0])
        if path is None:
            continue
        folder = path.parent if path.name == "__init__.py" else path
        if folder in seen:
            continue
        seen.add(folder)
        names |= _scan_package_fixtures(folder)
    return frozenset(names)


@lru_cache(maxsize=256)
def external_module_fixtures(module: str) -> frozenset[str] | None:
    """Fixtures of a non-first-party `pytest_plugins` module, found on disk, never imported."""
    if "." not in module:  # pytest's own plugins by short name: `pytest_plugins = "pytester"`
        try:
            builtin = _locate_module(importlib.metadata.distribution("pytest"), f"_pytest.{module}")
        except importlib.metadata.PackageNotFoundError:
            builtin = None
        if builtin is not None:
            return frozenset(_scan_package_fixtures(builtin))
    for dist in importlib.metadata.distributions():
        path = _locate_module(dist, module)
        if path is not None:
            return frozenset(_scan_package_fixtures(path))
    top, _, rest = module.partition(".")
    path = _spec_path(top)  # editable installs
    if path is not None and rest:
        sub = path.parent.joinpath(*rest.split("."))
        in_package = path.name == "__init__.py"
        candidates = (sub.with_suffix(".py"), sub / "__init__.py") if in_package else ()
        path = next((p for p in candidates if p.is_file()), None)
    return None if path is None else frozenset(_scan_package_fixtures(path))


def _spec_path(top: str) -> Path | None:
    """Where the import system would load a top-level module from (editable installs map it
    through a .pth path or a finder). Only the finders are asked: nothing is imported."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.has_location or not spec.origin:
        return None
    return Path(spec.origin)


def parametrize_names(decorators: Iterable[ast.expr], tree: ast.Module) -> set[str] | None:
    """Argnames of `parametrize` marks; None when they cannot be read statically."""
    names: set[str] = set()
    for mark, node in marks(decorators):
        if mark != "parametrize":
            continue
        if not isinstance(node, ast.Call) or not (node.args or node.keywords):
            return None
        first = (
            node.args[0]
            if node.args
            else next((kw.value for kw in node.keywords if kw.arg == "argnames"), None)
        )
        if first is None:
            return None
        value = _constant_value(first, tree)
        if value is None:
            return None
        names |= set(value)
    return names


def _constant_value(node: ast.expr, tree: ast.Module) -> list[str] | None:
    if isinstance(node, ast.Name):
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == node.id for t in stmt.targets
            ):
                return _constant_value(stmt.value, tree)
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [n.strip() for n in node.value.split(",") if n.strip()]
    items = _string_list(node)
    if items is not None:
        return [n.strip() for n in items]
    return None


def usefixtures_names(decorators: Iterable[ast.expr]) -> list[tuple[str, ast.expr]]:
    out: list[tuple[str, ast.expr]] = []
    for mark, node in marks(decorators):
        if mark == "usefixtures" and isinstance(node, ast.Call):
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    out.append((arg.value, arg))
    return out


PATCH_DECORATORS = ("patch", "patch.object", "patch.multiple", "patch.dict")
KEEPS_ASYNC = frozenset(
    {"staticmethod", "classmethod", "skip", "skipIf", "skipUnless", "expectedFailure"}
)


def keeps_coroutine(decorators: Iterable[ast.expr]) -> bool:
    """Do these decorators leave an `async def` a coroutine function for the runner to see?
    Marks, `mock.patch*` and unittest's skips do; an unknown decorator may wrap the test in a
    sync function that runs the loop itself (`@async_test`), so in doubt: no."""
    for node in decorators:
        name = dotted(node.func if isinstance(node, ast.Call) else node) or "?"
        short = name.split("mock.")[-1] if "mock." in name else name
        if ".mark." in f".{name}" or name.startswith("mark.") or short in PATCH_DECORATORS:
            continue
        if name.rsplit(".", 1)[-1] in KEEPS_ASYNC and name.split(".")[0] in (
            "unittest", "skip", "skipIf", "skipUnless", "expectedFailure", "staticmethod",
            "classmethod",
        ):  # fmt: skip
            continue
        return False
    return True


def injected_by_patches(decorators: Iterable[ast.expr]) -> int | None:
    """How many positional args mock.patch decorators inject; None for unknown decorators."""
    count = 0
    for node in decorators:
        target = node.func if isinstance(node, ast.Call) else node
        name = dotted(target) or "?"
        short = name.split("mock.")[-1] if "mock." in name else name
        if short in ("patch", "patch.object"):
            new_pos = 1 if short == "patch" else 2
            has_new = len(node.args) > new_pos if isinstance(node, ast.Call) else False
            if isinstance(node, ast.Call) and any(
                kw.arg in ("new", "new_callable") for kw in node.keywords
            ):
                has_new = has_new or any(kw.arg == "new" for kw in node.keywords)
            if not has_new:
                count += 1
        elif short in ("patch.dict",):
            continue
        elif short == "patch.multiple":
            return None
        elif (
            name in ("staticmethod", "classmethod")
            or _is_fixture_decorator(name)
            or ".mark." in f".{name}"
            or name.startswith("mark.")
        ):
            continue
        else:
            return None
    return count
