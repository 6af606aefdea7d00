"""Property tests: generated modules and projects through every rule and every fix.

Two generators:

* hypothesmith (`from_grammar`, `from_node`): arbitrary valid Python, odd whitespace, form
  feeds, lone CRs, exotic comments, placed as a plain module and as a test module of a
  project whose config enables every rule, and again with a tail of fixable imports;
* `projects()`: small multi-module projects built from the shapes the rules care about
  (packages, namespace packages, absolute/relative/star/aliased/function-scoped/guarded
  imports, re-exports, `__all__`, duplicate enums, canonical homes, deprecated symbols and
  modules in config, PEP 702 decorators, unittest- and pytest-style test classes, fixtures,
  conftest files, async tests, suppression comments).

For each program: no exception escapes, no SOT999 except for a file that Python itself
cannot parse or a libcst limit (never an "internal error"), positions are inside the file;
with `--fix --unsafe-fixes` every written file parses with ast and libcst and keeps its
encoding, the fixed file lost at least one of the findings that had a fix, a fresh lint
equals the fix run's own findings, a cached lint equals an uncached one, the flake8
session agrees, and a second `--fix --unsafe-fixes` changes nothing.

The CI profile runs at least 500 programs; `SSOTLINT_FUZZ_EXAMPLES=N` runs N per test
(`SSOTLINT_FUZZ_RANDOM=1`: a new random seed each run). See docs/reliability.md.
"""

from __future__ import annotations

import ast
import gc
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import hypothesmith
import libcst as cst
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from ssotlint.cli import resolve_config
from ssotlint.engine import CheckOptions, RunResult, Session, run_check
from ssotlint.rule import load_rules
from ssotlint.source import decode, python_lines

FIXABLE = frozenset(
    code for code, rule in load_rules().items() if rule.fix_summary.strip().lower() != "none"
) | {"SOT901"}


SPAN_NAME = re.compile(r"\.*\w+(?:\.\w+)*\Z")
SPAN_COMMENT = re.compile(r"#.*\S\Z")
SPAN_START = re.compile(r"[@\w]")


def _examples(default: int) -> int:
    return int(os.environ.get("SSOTLINT_FUZZ_EXAMPLES", default))


def _settings(default: int) -> settings:
    return settings(
        # no Phase.target: hypothesmith's `target()` calls would hill-climb for a third of the time
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
        max_examples=_examples(default),
        deadline=None,
        derandomize=not os.environ.get("SSOTLINT_FUZZ_RANDOM"),
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )


# --- the properties ---------------------------------------------------------------------------


@contextmanager
def _project(files: Mapping[str, str | bytes], config: str) -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="ssotlint-fuzz-"))
    try:
        (root / "pyproject.toml").write_text("[tool.ssotlint]\n" + config)
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8")
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _lint(root: Path, **kwargs: object) -> RunResult:
    options = CheckOptions(use_cache=kwargs.pop("use_cache", False), jobs=1, **kwargs)  # type: ignore[arg-type]
    return run_check(resolve_config(None, root), options)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".ssotlint_cache" not in p.parts
    }


def _python_parses(data: bytes) -> bool:
    try:
        ast.parse(data)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def _rebinds(data: bytes) -> bool:
    """Does the module bind a name at top level to two different things (`from m import X as
    A` and `class A`, or two imports)? Repeating one import, or one local name, is no rebind."""
    sources: dict[str, set[str]] = {}
    for node in ast.parse(data).body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            sources.setdefault(node.name, set()).add("local")
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    sources.setdefault(target.id, set()).add("local")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            module = "." * getattr(node, "level", 0) + (getattr(node, "module", None) or "")
            for alias in node.names:
                bound = (alias.asname or alias.name).split(".")[0]
                sources.setdefault(bound, set()).add(f"{module}:{alias.name}")
    return any(len(found) > 1 for found in sources.values())


def _contradictory_config(root: Path) -> bool:
    return bool(resolve_config(None, root).contradictions())


def _key(d: object) -> tuple[object, ...]:
    return (d.path, d.line, d.column, d.end_line, d.end_column, d.code, d.message, d.fix)  # type: ignore[attr-defined]


def _assert_sane(result: RunResult, files: Mapping[str, bytes], stats: Counter[str]) -> None:
    """No internal error; SOT999 only where Python or libcst cannot parse; spans in the file."""
    for d in result.diagnostics:
        stats[d.code] += 1
        data = files[d.path]
        if d.code == "SOT999":
            assert "internal error" not in d.message, d
            assert d.message.startswith("libcst failed") or not _python_parses(data), d
            stats["libcst-limit" if d.message.startswith("libcst failed") else "bad-file"] += 1
            continue
        lines = python_lines(decode(data).text)
        assert 1 <= d.line <= d.end_line <= max(1, len(lines)), d
        line = lines[d.line - 1]
        assert 1 <= d.column <= len(line.rstrip("\r\n")) + 1, (d, line)
        # the span names something: a (dotted) name, `self.x`, a comment, a definition
        if d.end_line == d.line:
            assert d.column <= d.end_column, d
            span = line[d.column - 1 : d.end_column - 1]
            pattern = SPAN_COMMENT if d.code == "SOT901" else SPAN_NAME
        else:
            span, pattern = line[d.column - 1 :], SPAN_START
        assert pattern.match(span), (d, span, line)


def check_program(root: Path, stats: Counter[str], flake8: bool = False) -> None:
    """Every property above, on the project at `root`."""
    original = _snapshot(root)
    before = _lint(root)
    _assert_sane(before, original, stats)
    cached = _lint(root, use_cache=True)
    assert [_key(d) for d in cached.diagnostics] == [_key(d) for d in before.diagnostics]
    if flake8:
        _session_agrees(root, before)

    fixable: dict[str, Counter[str]] = {}
    counts: dict[str, Counter[str]] = {}
    for d in before.diagnostics:
        counts.setdefault(d.path, Counter())[d.code] += 1
        if d.fix is not None:
            fixable.setdefault(d.path, Counter())[d.code] += 1

    fixed = _lint(root, fix=True, unsafe_fixes=True, use_cache=True)
    after = _snapshot(root)
    _assert_sane(fixed, after, Counter())
    changed = {p for p in after if after[p] != original.get(p)}
    assert not [p for p in after if p not in original and ".ssotlint-tmp" in p]
    assert set(after) == set(original) | {p for p in after if p.startswith(".ssotlint_cache")}
    assert changed == set(fixed.fixed_files), (changed, fixed.fixed_files, fixed.fix_errors)
    assert not fixed.fix_errors or all("refused" in e for e in fixed.fix_errors), fixed.fix_errors
    # Every change comes from a rule's fix (the run's fix log, in the order applied). A file
    # with no fixable finding before the run may change only after another file did: a fix in
    # one file can create a finding in another (an import now resolves elsewhere), which a
    # later pass fixes.
    order = [path for path, _, _, _ in fixed.fix_log]
    for path, round_no, code, n in fixed.fix_log:
        assert code in FIXABLE and n > 0 and round_no >= 1, (path, round_no, code, n)
    assert set(order) == changed, (fixed.fix_log, changed)
    refused_in = {e.split(": ", 1)[0] for e in fixed.fix_errors}
    for path in changed:
        old, new = decode(original[path]), decode(after[path])
        assert (new.encoding, new.bom) == (old.encoding, old.bom), path
        ast.parse(after[path])
        cst.parse_module(new.text)
        if path not in fixable:
            earlier = order[: order.index(path)]
            assert any(p != path for p in earlier), f"{path} changed without a fixable finding"
            stats["fixed:after-another-file"] += 1
            continue
        left = Counter(d.code for d in fixed.diagnostics if d.path == path)
        gone = [c for c in fixable[path] if left[c] < counts[path][c]]
        assert gone or path in refused_in, f"{path}: fixed, no fixed finding went away: {left}"
        stats.update(f"fixed:{c}" for c in gone)

    fresh = _lint(root)
    assert [_key(d) for d in fresh.diagnostics] == [_key(d) for d in fixed.diagnostics]
    # a finding with a fix is gone after --fix, or the run said why not (never silently kept);
    # the acceptable whys: a libcst limit (the result would not parse), a module that binds one
    # name to two things (`from m import A as X` in a `try` and `X = None` after it...), and a
    # config that contradicts itself (a canonical home that is deprecated: SOT202 and SOT102
    # would move one import back and forth). Otherwise a refused fix is a rule offering a fix
    # that cannot work.
    contradictory = _contradictory_config(root)
    explained = {
        e.split(": ", 1)[0] + " " + e.split(": ", 1)[1].split()[0]
        for e in fixed.fix_errors
        if "would not parse" in e
        or ("undo an earlier fix" in e and contradictory)
        or _rebinds(after[e.split(": ", 1)[0]])
    }
    silent = [
        d for d in fresh.diagnostics if d.fix is not None and f"{d.path} {d.code}" not in explained
    ]
    assert not silent, (silent, fixed.fix_errors)
    stats.update(f"refused:{e.split(': ', 1)[1].split()[0]}" for e in fixed.fix_errors)
    warm = _lint(root, use_cache=True)
    assert [_key(d) for d in warm.diagnostics] == [_key(d) for d in fresh.diagnostics]

    again = _lint(root, fix=True, unsafe_fixes=True)
    assert again.fixed_files == {}, again.fixed_files
    assert _snapshot(root) == after
    if flake8 and changed:
        _session_agrees(root, fresh)


def _session_agrees(root: Path, result: RunResult) -> None:
    """The flake8/editor path (Session.check_buffer) finds what the CLI path finds."""
    try:
        session = Session(resolve_config(None, root), use_cache=False)
        for relpath in session.files:
            data = (root / relpath).read_bytes()
            got = [_key(d) for d in session.check_buffer(relpath, data)]
            want = [_key(d) for d in result.diagnostics if d.path == relpath]
            assert got == want, relpath
    finally:
        gc.unfreeze()


# --- hypothesmith modules ----------------------------------------------------------------------

HOST_CONFIG = """
[tool.ssotlint.canonical]
symbols = { Status = "app.enums" }

[tool.ssotlint.deprecated]
"app.models.Old" = { message = "use New", replacement = "app.models.New", drop-in = true }
"app.old_manager" = { replacement = "app.manager" }

[tool.ssotlint.tests]
bases = ["tf.base.SSotBaseTestCase", "tf.base.SSotAsyncTestCase"]
async-base = "tf.base.SSotAsyncTestCase"
"""
HOST_FILES = {
    "app/__init__.py": "",
    "app/models.py": "class Old:\n    pass\n\n\nclass New:\n    pass\n",
    "app/manager.py": "class Manager:\n    pass\n",
    "app/old_manager.py": "from app.manager import Manager\n",
    "app/enums.py": "from enum import Enum\n\n\nclass Status(Enum):\n    DONE = 'done'\n",
    "app/copy.py": "import enum\n\n\nclass Status(enum.Enum):\n    DONE = 'done'\n",
    "app/widgets.py": "class Widget:\n    pass\n",
    "tf/__init__.py": "",
    "tf/base.py": (
        "import unittest\n\n\nclass SSotBaseTestCase(unittest.TestCase):\n    pass\n\n\n"
        "class SSotAsyncTestCase(unittest.IsolatedAsyncioTestCase):\n    pass\n"
    ),
    "tests/__init__.py": "",
    "tests/conftest.py": "import pytest\n\n\n@pytest.fixture\ndef db():\n    return 1\n",
}
FIX_TAIL = """
from app.old_manager import Manager
from app.gone import Widget
from app.copy import Status
LIMIT = Manager, Widget, Status  # noqa: SOT202
"""
RENAME_TAIL = """
from app.models import Old
LIMIT = Old
"""
TEST_TAIL = """
import unittest


class TestTail(unittest.TestCase):
    async def test_x(self):
        return self.missing


def test_tail(db, no_such_fixture):
    pass
"""


def _host(source: str, rename: bool, tests: bool) -> dict[str, str | bytes]:
    """The project around `source`; `rename`/`tests`: add the costlier fixes (a libcst
    RenameCommand for SOT201, import rewriting for SOT301/SOT404) to this example."""
    try:
        data = source.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: not a file anyone can save
        assume(False)
    files: dict[str, str | bytes] = {
        **HOST_FILES,
        "app/gen.py": data,
        "tests/test_gen.py": data,
    }
    body = data if data.endswith((b"\n", b"\r")) or not data else data + b"\n"
    tails = [("app/gen_fix.py", FIX_TAIL + (RENAME_TAIL if rename else ""))]
    if tests:
        tails.append(("tests/test_gen_fix.py", TEST_TAIL))
    for rel, tail in tails:
        combined = body + tail.encode()
        if _python_parses(combined):
            files[rel] = combined
    return files


def _run_host(source: str, stats: Counter[str], rename: bool = True, tests: bool = True) -> None:
    files = _host(source, rename, tests)
    with _project(files, HOST_CONFIG) as root:
        check_program(root, stats)
    stats["programs"] += 1


def test_hypothesmith_grammar_modules() -> None:
    stats: Counter[str] = Counter()

    @_settings(160)
    @given(hypothesmith.from_grammar(), st.booleans(), st.booleans())
    def run(source: str, rename: bool, tests: bool) -> None:
        _run_host(source, stats, rename, tests)

    run()
    assert stats["programs"] >= min(_examples(160), 100)
    if _examples(160) < 160:
        return  # a quick local run: too few programs to demand full coverage
    assert {"fixed:SOT201", "fixed:SOT202", "fixed:SOT103", "fixed:SOT901"} <= set(stats), stats
    assert {"fixed:SOT301", "SOT401", "SOT403"} <= set(stats), stats


def test_hypothesmith_node_modules() -> None:
    stats: Counter[str] = Counter()

    @_settings(30)
    @given(hypothesmith.from_node(), st.booleans(), st.booleans())
    def run(source: str, rename: bool, tests: bool) -> None:
        _run_host(source, stats, rename, tests)

    run()
    assert stats["programs"] >= min(_examples(30), 20)


# --- generated projects -------------------------------------------------------------------------

PACKAGES = ("app", "core")
MODULE_NAMES = ("models", "enums", "utils", "old", "new", "api")
ENUMS = ("Status", "Color")
CLASSES = ("Widget", "Manager", "Old", "New")
FUNCS = ("helper", "legacy")
NAMES = (*ENUMS, *CLASSES, *FUNCS, "LIMIT", "Missing")
ATTRS = ("a", "b", "logger", "client")
FIXTURES = ("db", "client", "tmp_path", "missing_fixture", "p")
SUPPRESSIONS = (
    "", "", "", "", "  # noqa: SOT102", "  # noqa: SOT201, SOT103",
    "  # ssotlint: ignore[SOT202]", "  # noqa", "  # noqa:SOT1",
)  # fmt: skip


def _relative(from_module: str, is_package: bool, target: str) -> str | None:
    """`target` spelled relative to `from_module`'s package (None: no common package)."""
    package = from_module.split(".") if is_package else from_module.split(".")[:-1]
    parts = target.split(".")
    common = 0
    while common < min(len(package), len(parts) - 1) and package[common] == parts[common]:
        common += 1
    if common == 0:
        return None
    return "." * (len(package) - common + 1) + ".".join(parts[common:])


@st.composite
def _import(draw: st.DrawFn, module: str, is_package: bool, modules: list[str]) -> tuple[str, str]:
    """(statement, bound name)."""
    target = draw(st.sampled_from([*modules, "app.gone", "core.missing", "enum", "os"]))
    name = draw(st.sampled_from([*NAMES, *{m.rsplit(".", 1)[-1] for m in modules}]))
    alias = draw(st.sampled_from(["", "", f"{name}_alias", "Status"]))
    bound = alias or name
    spelled = target
    if draw(st.booleans()):
        rel = _relative(module, is_package, target)
        if rel is not None:
            spelled = rel
        elif draw(st.integers(0, 9)) == 0:
            spelled = "..." + target  # escapes the root: resolves to nothing
    as_ = f" as {alias}" if alias else ""
    form = draw(st.sampled_from(
        ["from", "from", "from", "import", "star", "function", "try", "type_checking", "multi"]
    ))  # fmt: skip
    sup = draw(st.sampled_from(SUPPRESSIONS))
    if form == "import" and not spelled.startswith("."):
        alias_mod = draw(st.sampled_from(["", " as mod_alias"]))
        return f"import {target}{alias_mod}{sup}\n", "mod_alias" if alias_mod else target.split(
            "."
        )[0]
    if form == "star":
        return f"from {spelled} import *{sup}\n", ""
    stmt = f"from {spelled} import {name}{as_}{sup}\n"
    if form == "function":
        return f"def uses_{bound}():\n    {stmt}    return {bound}\n", ""
    if form == "try":
        return f"try:\n    {stmt}except ImportError:\n    {bound} = None\n", bound
    if form == "type_checking":
        return f"from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    {stmt}", bound
    if form == "multi":
        other = draw(st.sampled_from(NAMES))
        return f"from {spelled} import (\n    {name}{as_},  # keep\n    {other},\n){sup}\n", bound
    return stmt, bound


@st.composite
def _enum(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(ENUMS))
    header, base = draw(st.sampled_from([
        ("from enum import Enum", "Enum"), ("import enum", "enum.Enum"),
        ("from enum import IntEnum", "IntEnum"), ("import enum as e", "e.StrEnum"),
    ]))  # fmt: skip
    members = draw(st.lists(st.sampled_from(["A", "B", "C"]), min_size=1, max_size=3, unique=True))
    values = draw(st.sampled_from(["same", "upper", "int"]))
    body = "".join(
        f"    {m} = {ord(m) if values == 'int' or 'Int' in base else repr(m if values == 'upper' else m.lower())}\n"
        for m in members
    )
    return f"{header}\n\n\nclass {name}({base}):\n{body}"


@st.composite
def _module_body(draw: st.DrawFn, module: str, is_package: bool, modules: list[str]) -> str:
    parts: list[str] = []
    bound: list[str] = []
    for i in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(
            ["enum", "class", "func", "const", "import", "import", "import", "use", "all", "getattr"]
        ))  # fmt: skip
        if kind == "enum":
            parts.append(draw(_enum()))
        elif kind == "class":
            name = draw(st.sampled_from(CLASSES))
            base = draw(st.sampled_from(["", "", *bound]))
            parts.append(f"class {name}({base}):\n    attr = {i}\n")
            bound.append(name)
        elif kind == "func":
            name = draw(st.sampled_from(FUNCS))
            deco = draw(st.sampled_from(["", "", "deprecated", "warnings"]))
            if deco == "deprecated":
                parts.append(f"from typing_extensions import deprecated\n\n\n@deprecated('gone')\n"
                             f"def {name}(a=1):\n    return a\n")  # fmt: skip
            elif deco == "warnings":
                parts.append(f"import warnings\n\n\n@warnings.deprecated('gone')\n"
                             f"def {name}(a=1):\n    return a\n")  # fmt: skip
            else:
                parts.append(f"def {name}(a=1):\n    return a\n")
            bound.append(name)
        elif kind == "const":
            parts.append(f"LIMIT = {i}\n")
            bound.append("LIMIT")
        elif kind == "import":
            stmt, name = draw(_import(module, is_package, modules))
            parts.append(stmt)
            if name:
                bound.append(name)
        elif kind == "use" and bound:
            name = draw(st.sampled_from(bound))
            use = draw(st.sampled_from([
                f"value_{i} = {name}()\n", f"check_{i} = isinstance(None, {name})\n",
                f"class Sub{i}({name}):\n    pass\n", f"attr_{i} = {name}.A\n",
                f"def call_{i}():\n    return {name}.__name__\n",
            ]))  # fmt: skip
            parts.append(use)
        elif kind == "all" and bound:
            names = draw(st.lists(st.sampled_from(bound), max_size=3, unique=True))
            parts.append(f"__all__ = {names!r}\n")
        elif kind == "getattr":
            parts.append("def __getattr__(name):\n    raise AttributeError(name)\n")
    return "\n\n".join(parts)


@st.composite
def _test_module(draw: st.DrawFn, classes: list[str]) -> str:
    out = [
        "import unittest\nimport pytest\nfrom tf.base import SSotBaseTestCase, SSotAsyncTestCase\n"
    ]
    if draw(st.integers(0, 4)) == 0:
        out.append(draw(st.sampled_from(
            ["pytestmark = pytest.mark.asyncio\n", "pytestmark = [pytest.mark.anyio]\n"]
        )))  # fmt: skip
    for i in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["unittest", "pytest-class", "function", "fixture"]))
        if kind == "fixture":
            name = draw(st.sampled_from(FIXTURES[:2]))
            autouse = draw(st.sampled_from(["", "autouse=True"]))
            param = draw(st.sampled_from(["", "db", "missing_fixture"]))
            out.append(f"@pytest.fixture({autouse})\ndef {name}({param}):\n    return 1\n")
        elif kind == "function":
            params = draw(st.lists(st.sampled_from(FIXTURES), max_size=2, unique=True))
            marks = draw(st.lists(st.sampled_from([
                '@pytest.mark.parametrize("p", [1, 2])\n', "@pytest.mark.asyncio\n",
                '@pytest.mark.usefixtures("db", "nope")\n', "@pytest.mark.anyio\n",
            ]), max_size=2, unique=True))  # fmt: skip
            is_async = draw(st.sampled_from(["", "async "]))
            out.append(
                "".join(marks) + f"{is_async}def test_f{i}({', '.join(params)}):\n    pass\n"
            )
        else:
            if kind == "unittest":
                base = draw(st.sampled_from([
                    "unittest.TestCase", "unittest.IsolatedAsyncioTestCase", "SSotBaseTestCase",
                    "SSotAsyncTestCase", *classes,
                ]))  # fmt: skip
            else:
                base = draw(st.sampled_from(["", "object", *classes]))
            hooks = draw(st.lists(st.sampled_from([
                "setUp", "asyncSetUp", "setUpClass", "classmethod setUpClass", "setup_method",
                "asyncSetUpClass", "tearDown", "fixture", "async setUp",
            ]), max_size=3, unique=True))  # fmt: skip
            body = []
            for hook in hooks:
                attr = draw(st.sampled_from(ATTRS))
                if hook == "fixture":
                    body.append(
                        f"    @pytest.fixture(autouse=True)\n    def _setup(self):\n        self.{attr} = 1\n"
                    )
                elif hook.startswith("classmethod "):
                    body.append(
                        f"    @classmethod\n    def {hook.split()[1]}(cls):\n        cls.{attr} = 1\n"
                    )
                elif hook.startswith("async "):
                    body.append(
                        f"    async def {hook.split()[1]}(self):\n        self.{attr} = 1\n"
                    )
                elif hook.startswith("async") or hook == "asyncSetUp":
                    body.append(f"    async def {hook}(self):\n        self.{attr} = 1\n")
                else:
                    body.append(f"    def {hook}(self):\n        self.{attr} = 1\n")
            for j in range(draw(st.integers(1, 2))):
                is_async = draw(st.sampled_from(["", "async "]))
                params = draw(st.lists(st.sampled_from(FIXTURES), max_size=1))
                attr = draw(st.sampled_from(ATTRS))
                args = ", ".join(["self", *params])
                body.append(f"    {is_async}def test_{j}({args}):\n        assert self.{attr}\n")
            parent = f"({base})" if base else ""
            out.append(f"class Test{kind.title().replace('-', '')}{i}{parent}:\n" + "\n".join(body))
    return "\n\n".join(out)


@st.composite
def projects(draw: st.DrawFn) -> tuple[dict[str, str], str]:
    files: dict[str, str] = {}
    modules: list[tuple[str, str, bool]] = []  # (relpath, module, is_package)
    for package in draw(st.lists(st.sampled_from(PACKAGES), min_size=1, max_size=2, unique=True)):
        if draw(st.integers(0, 5)):  # else a namespace package
            modules.append((f"{package}/__init__.py", package, True))
        for name in draw(
            st.lists(st.sampled_from(MODULE_NAMES), min_size=1, max_size=4, unique=True)
        ):
            modules.append((f"{package}/{name}.py", f"{package}.{name}", False))
        if draw(st.booleans()):
            modules.append((f"{package}/sub/__init__.py", f"{package}.sub", True))
            name = draw(st.sampled_from(MODULE_NAMES))
            modules.append((f"{package}/sub/{name}.py", f"{package}.sub.{name}", False))
    names = [m for _, m, _ in modules]
    for rel, module, is_package in modules:
        files[rel] = draw(_module_body(module, is_package, names))
    classes = sorted({c for c in CLASSES if any(f"class {c}(" in t for t in files.values())})
    files["tf/__init__.py"] = ""
    files["tf/base.py"] = (
        "import unittest\n\n\nclass SSotBaseTestCase(unittest.TestCase):\n"
        "    def setUp(self):\n        self.logger = None\n\n\n"
        "class SSotAsyncTestCase(unittest.IsolatedAsyncioTestCase):\n"
        "    async def asyncSetUp(self):\n        self.logger = None\n"
    )
    tests = draw(st.integers(0, 3))
    if tests:
        files["tests/__init__.py"] = ""
        if draw(st.booleans()):
            files["tests/conftest.py"] = (
                "import pytest\n\n\n@pytest.fixture\ndef db():\n    return 1\n"
                + draw(
                    st.sampled_from(["", "\n\n@pytest.fixture\ndef client(db):\n    return db\n"])
                )
            )
    for i in range(tests):
        imports = [
            f"from {m} import {c}\n"
            for m in names
            for c in classes
            if f"class {c}(" in files[next(r for r, mod, _ in modules if mod == m)]
        ][:2]
        files[f"tests/test_gen{i}.py"] = "".join(imports) + draw(_test_module(
            [c for c in classes if any(c in line for line in imports)]
        ))  # fmt: skip

    # config: mostly about what the project really defines and imports, so the rules fire
    defined: list[tuple[str, str]] = []  # (module, name) of top-level definitions
    enums: list[tuple[str, str]] = []
    imported: list[str] = []  # absolute modules that some from-import names
    for rel, module, _ in modules:
        for node in ast.parse(files[rel]).body:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
                defined.append((module, node.name))
                if isinstance(node, ast.ClassDef) and any(
                    "Enum" in ast.unparse(b) for b in node.bases
                ):
                    enums.append((module, node.name))
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in names:
                imported.append(node.module)
    config = []
    if draw(st.integers(0, 3)):
        canon_module, canon_name = draw(st.sampled_from(
            enums or [(draw(st.sampled_from(names)), draw(st.sampled_from(ENUMS)))]
        ))  # fmt: skip
        config.append("[tool.ssotlint.canonical]")
        config.append(f'symbols = {{ {canon_name} = "{canon_module}" }}')
        if draw(st.booleans()):
            config.append(f'modules = ["{draw(st.sampled_from(names))}"]')
        if draw(st.booleans()):
            config.append('kinds = ["enum", "class"]')
    entries = []
    for _ in range(draw(st.integers(0, 3))):
        if draw(st.integers(0, 2)):
            pool = (
                defined
                if defined and draw(st.integers(0, 4))
                else [(draw(st.sampled_from(names)), draw(st.sampled_from(NAMES)))]
            )
            old = ".".join(draw(st.sampled_from(pool)))
            fields = ['message = "gone"']
            if draw(st.integers(0, 3)):
                new = ".".join(draw(st.sampled_from(pool)))
                fields.append(f'replacement = "{new}"')
                if draw(st.integers(0, 3)):
                    fields.append("drop-in = true")
        else:
            old = draw(st.sampled_from(imported or names))
            fields = [f'replacement = "{draw(st.sampled_from(names))}"']
        entries.append(f'"{old}" = {{ {", ".join(fields)} }}')
    if entries:
        config.append("[tool.ssotlint.deprecated]")
        config.extend(dict.fromkeys(entries))  # TOML: a key once
        keys = [e.split(" = ", 1)[0] for e in config if e.startswith('"')]
        assume(len(keys) == len(set(keys)))
    if draw(st.integers(0, 3)):
        config.append("[tool.ssotlint.tests]")
        config.append('bases = ["tf.base.SSotBaseTestCase", "tf.base.SSotAsyncTestCase"]')
        if draw(st.booleans()):
            config.append('async-base = "tf.base.SSotAsyncTestCase"')
    if draw(st.integers(0, 3)) == 0:
        config.append('[tool.pytest.ini_options]\nasyncio_mode = "auto"')
    # a consumer importing a duplicated enum from a copy, not its home: what SOT102 is for
    definers: dict[str, list[str]] = {}
    for module, name in enums:
        definers.setdefault(name, []).append(module)
    duplicated = sorted((n, ms) for n, ms in definers.items() if len(set(ms)) >= 2)
    if duplicated and draw(st.integers(0, 2)):
        name, mods = draw(st.sampled_from(duplicated))
        source = draw(st.sampled_from(sorted(set(mods))))
        alias = draw(st.sampled_from(["", f" as {name}Alias"]))
        bound = alias.split()[-1] if alias else name
        files[f"{PACKAGES[0]}/consumer.py"] = (
            f"from {source} import {name}{alias}\n\n\ndef use():\n    return {bound}\n"
        )
    for rel, text in files.items():
        try:
            ast.parse(text)
        except SyntaxError as exc:  # a generator bug, not a finding
            raise AssertionError(f"generated {rel} does not parse: {exc}\n{text}") from exc
    return files, "\n".join(config) + "\n"


def test_generated_projects() -> None:
    stats: Counter[str] = Counter()

    @_settings(320)
    @given(projects())
    def run(project: tuple[dict[str, str], str]) -> None:
        files, config = project
        with _project(files, config) as root:
            check_program(root, stats, flake8=True)
        stats["programs"] += 1

    run()
    assert stats["programs"] >= min(_examples(320), 200)
    if _examples(320) < 320:
        return
    # the generator reaches every rule, and every fix gets applied somewhere
    wanted = {"SOT101", "SOT102", "SOT103", "SOT201", "SOT202", "SOT301", "SOT401", "SOT402",
              "SOT403", "SOT404", "SOT901"}  # fmt: skip
    assert wanted <= set(stats), sorted(stats.items())
    fixes = {
        f"fixed:{c}" for c in ("SOT101", "SOT102", "SOT103", "SOT201", "SOT202", "SOT301", "SOT901")
    }
    assert fixes <= set(stats), sorted(stats.items())


def test_project_generator_is_valid_python() -> None:
    """The generator itself: every file parses (else the properties prove nothing)."""

    @_settings(30)
    @given(projects())
    def run(project: tuple[dict[str, str], str]) -> None:
        files, _ = project
        for text in files.values():
            ast.parse(text)

    run()


TF_BASE = (
    "import unittest\n\n\nclass SSotBaseTestCase(unittest.TestCase):\n    def setUp(self):\n"
    "        self.logger = None\n\n\nclass SSotAsyncTestCase(unittest.IsolatedAsyncioTestCase):\n"
    "    async def asyncSetUp(self):\n        self.logger = None\n"
)
ENUM_A = "from enum import Enum\n\n\nclass {}(Enum):\n    A = 'a'\n"
PROJECT_REGRESSIONS = {
    # SOT202 offered `from app import utils` for `from app.utils import utils`: the
    # deprecated module again, so --fix refused its own fix
    "sot202-fix-to-itself": (
        {
            "app/__init__.py": "",
            "app/utils.py": "",
            "app/sub/__init__.py": "",
            "app/sub/models.py": "from app.utils import utils\n",
        },
        '[tool.ssotlint.deprecated]\n"app.utils" = { replacement = "app" }\n',
    ),
    # SOT201 offered a drop-in rename to a replacement that is deprecated itself
    "sot201-rename-to-deprecated": (
        {
            "app/__init__.py": "",
            "app/models.py": "class Widget:\n    pass\n\n\ndef helper():\n    pass\n",
            "app/use.py": "from app.models import Widget\n\nWidget()\n",
        },
        '[tool.ssotlint.deprecated]\n"app.models.helper" = { message = "gone" }\n'
        '"app.models.Widget" = { replacement = "app.models.helper", drop-in = true }\n',
    ),    # a deprecated module whose replacement is deprecated too: no fix, no ping-pong
    "sot202-replacement-deprecated-too": (
        {"app/__init__.py": "", "app/models.py": "", "app/sub/__init__.py": "",
         "app/sub/models.py": "", "core/models.py": "", "core/enums.py": "from app import Status\n",
         "core/utils.py": "from app.models import sub\n\n\n" + ENUM_A.format("Status"),
         "tf/__init__.py": "", "tf/base.py": TF_BASE},
        '[tool.ssotlint.deprecated]\n"app" = { replacement = "app" }\n'
        '"app.models" = { replacement = "app" }\n',
    ),
    # an import rebound by a class: Python (and the index) keep the class
    "import-rebound-by-a-class": (
        {"app/__init__.py": ENUM_A.format("Color"),
         "app/models.py": "LIMIT = 0\n\n\nfrom app.models import Status  # noqa: SOT102\n\n\n"
         + ENUM_A.format("Status") * 3 + "\n\nclass Widget():\n    attr = 5\n",
         "app/enums.py": "", "core/__init__.py": "", "core/models.py": "",
         "core/enums.py": "from core.utils import Status\n\n\n" + ENUM_A.format("Status"),
         "core/utils.py": "from app.models import Color as Status\n\n\n" + ENUM_A.format("Status"),
         "tf/__init__.py": "", "tf/base.py": TF_BASE},
        "",
    ),
    # a module importing its own rebound name, with a canonical home elsewhere
    "own-rebound-name-with-canonical-home": (
        {"app/models.py": "", "core/models.py": "", "core/enums.py": "",
         "core/utils.py": ENUM_A.format("Color"),
         "core/old.py": "from app.models import Color as Status\n\n\nfrom core.old import Status\n\n\n"
         + ENUM_A.format("Status") * 2,
         "tf/__init__.py": "", "tf/base.py": TF_BASE},
        '[tool.ssotlint.canonical]\nsymbols = { Color = "core.utils" }\n',
    ),
    # an unresolved import whose only candidate rebinds the name
    "unresolved-import-candidate-rebinds": (
        {"app/models.py": ENUM_A.format("Color"), "app/enums.py": "from app.models import Status\n",
         "app/utils.py": "from app.models import Color as Status\n\n\n" + ENUM_A.format("Status") * 2,
         "tf/__init__.py": "", "tf/base.py": TF_BASE},
        '[tool.ssotlint.canonical]\nsymbols = { Color = "app.models" }\n',
    ),
    # a contradictory config: the canonical home of Status is a deprecated module, so SOT202
    # and SOT102 would move the consumer's import back and forth
    "canonical-home-is-deprecated": (
        {"app/__init__.py": "", "app/models.py": ENUM_A.format("Status"),
         "app/enums.py": ENUM_A.format("Status"),
         "app/consumer.py": "from app.enums import Status\n\n\ndef use():\n    return Status\n"},
        '[tool.ssotlint.canonical]\nsymbols = { Status = "app.enums" }\n'
        '[tool.ssotlint.deprecated]\n"app.enums" = { replacement = "app.models" }\n',
    ),
    # the canonical home's own Color is deprecated with a drop-in replacement elsewhere:
    # SOT201 would rename to it, SOT102 back to the home
    "canonical-symbol-is-deprecated": (
        {"app/__init__.py": "", "app/sub/__init__.py": ENUM_A.format("Color"),
         "core/__init__.py": "", "core/models.py": ENUM_A.format("Color"),
         "app/consumer.py": "from app.sub import Color\n\n\ndef use():\n    return Color\n"},
        '[tool.ssotlint.canonical]\nsymbols = { Color = "app.sub" }\n[tool.ssotlint.deprecated]\n'
        '"app.sub.Color" = { message = "gone", replacement = "core.models.Color", drop-in = true }\n',
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(PROJECT_REGRESSIONS))
def test_project_regressions_found_by_fuzzing(name: str) -> None:
    files, config = PROJECT_REGRESSIONS[name]
    with _project(files, config) as root:
        check_program(root, Counter(), flake8=True)


@pytest.mark.parametrize(
    "source",
    [
        "\x0c\nx = 1  # noqa: SOT201\n",
        "import os\r# noqa: SOT202\rx = 1\n",
        "s = '\u2028'\n# \u2028\ny = 1  # noqa: SOT201\n",
        "\ufeffx = 1\n",
        "def f():\n\treturn 1  # noqa: SOT103\n",
        "\x0c\ns = '\u00e9\u00e9'; from app.models import Gone\n",
        "s = '\u2028\u00e9'; from app.models import Gone\n",
    ],
    ids=["form-feed", "lone-cr", "line-separator", "bom-char", "tabs", "ff-column", "ls-column"],
)
def test_regressions_found_by_fuzzing(source: str) -> None:
    """Inputs the generators above hit: they stay in the suite whatever the seed."""
    _run_host(source, Counter())
