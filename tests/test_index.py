"""The project index: records built with `ast` and the resolution queries rules rely on."""

from __future__ import annotations

import sys
import textwrap
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from ssotlint.cli import resolve_config
from ssotlint.discovery import discover, module_name
from ssotlint.engine import CheckOptions, run_check
from ssotlint.index import Kind, ProjectIndex, Resolution, build_record, resolve_relative


def index_of(files: Mapping[str, str]) -> ProjectIndex:
    """Index in-memory files laid out under one src root ('a/b.py' -> 'a.b')."""
    records = []
    for rel, text in files.items():
        module, is_package = module_name(rel)
        records.append(build_record(module, rel, is_package, textwrap.dedent(text).encode()))
    return ProjectIndex(records)


def index_project(root: Path) -> ProjectIndex:
    """Index a project on disk exactly as the engine does (discovery + config)."""
    config = resolve_config(None, root)
    records = []
    for f in discover(config):
        records.append(build_record(f.module, f.relpath, f.is_package, f.path.read_bytes()))
    return ProjectIndex(records)


def sot103(root: Path, **kwargs: object) -> list[str]:
    config = resolve_config(None, root)
    result = run_check(config, CheckOptions(select=["SOT103"], use_cache=False, **kwargs))  # type: ignore[arg-type]
    return [f"{d.path}:{d.line} {d.message}" for d in result.diagnostics]


def definition(module: str, name: str, via: tuple[str, ...] = ()) -> Resolution:
    return Resolution(Kind.DEFINITION, module, name, via)


# --- relative imports ----------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "is_package", "level", "target", "expected"),
    [
        ("a.b.c", False, 1, None, "a.b"),
        ("a.b.c", False, 1, "d", "a.b.d"),
        ("a.b.c", False, 2, None, "a"),
        ("a.b.c", False, 2, "d", "a.d"),
        ("a.b.c", False, 3, "d", ""),  # package `a.b` has only two levels
        ("a.b.c", False, 3, None, ""),  # `from ... import x` above the top package
        ("a.b.c", False, 4, "d", ""),
        ("a.b", True, 1, None, "a.b"),  # `from . import x` in a/b/__init__.py
        ("a.b", True, 1, "d", "a.b.d"),
        ("a.b", True, 2, "d", "a.d"),
        ("a.b", True, 3, "d", ""),
        ("a", True, 1, "d", "a.d"),
        ("a", True, 2, "d", ""),
        ("x", False, 1, "d", ""),  # a top-level module has no package
        ("a.b.c", False, 0, "z.y", "z.y"),
    ],
)
def test_resolve_relative(
    module: str, is_package: bool, level: int, target: str | None, expected: str
) -> None:
    assert resolve_relative(module, is_package, level, target) == expected


RELATIVE = {
    "app/__init__.py": "from .core.models import Model\nfrom . import util\n",
    "app/util.py": "def helper():\n    pass\n",
    "app/core/__init__.py": "from ..util import helper\nfrom .models import Model as CoreModel\n",
    "app/core/models.py": "class Model:\n    pass\n",
    "app/core/deep/__init__.py": "from ...util import helper\nfrom .. import models\n",
    "app/core/deep/leaf.py": (
        "from . import sibling\n"
        "from .sibling import Thing\n"
        "from .. import models\n"
        "from ..models import Model\n"
        "from ...util import helper\n"
        "from ... import util\n"
    ),
    "app/core/deep/sibling.py": "class Thing:\n    pass\n",
}


def test_relative_imports_are_recorded_absolute() -> None:
    index = index_of(RELATIVE)
    leaf = index.modules["app.core.deep.leaf"]
    got = [(imp.module, imp.name, imp.level) for imp in leaf.imports]
    assert got == [
        ("app.core.deep", "sibling", 1),
        ("app.core.deep.sibling", "Thing", 1),
        ("app.core", "models", 2),
        ("app.core.models", "Model", 2),
        ("app.util", "helper", 3),
        ("app", "util", 3),
    ]
    init = index.modules["app.core.deep"]
    assert [(imp.module, imp.name) for imp in init.imports] == [
        ("app.util", "helper"),
        ("app.core", "models"),
    ]


def test_relative_imports_resolve_from_modules_and_packages() -> None:
    index = index_of(RELATIVE)
    assert index.resolve("app.core.deep", "sibling") == Resolution(
        Kind.MODULE, "app.core.deep.sibling"
    )
    assert index.resolve("app.core.deep", "helper") == definition(
        "app.util", "helper", ("app.core.deep",)
    )
    assert index.resolve("app.core.deep", "models") == Resolution(
        Kind.MODULE, "app.core.models", "", ("app.core.deep",)
    )
    assert index.resolve("app.core", "helper") == definition("app.util", "helper", ("app.core",))
    assert index.resolve("app", "Model") == definition("app.core.models", "Model", ("app",))
    assert index.resolve("app", "util").kind is Kind.MODULE
    assert index.resolve("app", "util").module == "app.util"


def test_relative_import_beyond_top_level_is_reported(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/a.py": "from ...nowhere import X\n",
            "app/b.py": "from .. import y\n",
        }
    )
    found = sot103(root)
    assert len(found) == 2
    assert all("beyond the top-level package" in f for f in found)


# --- re-export chains and aliases ------------------------------------------------


CHAIN = {
    "pkg/__init__.py": "from pkg.api import Status\n",
    "pkg/api/__init__.py": "from .public import Status\n",
    "pkg/api/public.py": "from pkg.internal.stage import Status\n",
    "pkg/internal/__init__.py": "",
    "pkg/internal/stage.py": "from pkg.internal.impl.enums import Status\n",
    "pkg/internal/impl/__init__.py": "",
    "pkg/internal/impl/enums.py": (
        "from enum import Enum\n\n\nclass Status(Enum):\n    DONE = 'done'\n"
    ),
}


def test_reexport_chain_of_four_hops_resolves_to_the_definition() -> None:
    index = index_of(CHAIN)
    res = index.resolve("pkg", "Status")
    assert res == definition(
        "pkg.internal.impl.enums",
        "Status",
        ("pkg", "pkg.api", "pkg.api.public", "pkg.internal.stage"),
    )
    assert res.qualname == "pkg.internal.impl.enums.Status"
    assert res.found
    # every hop of the chain agrees, with a shorter path
    assert index.resolve("pkg.api.public", "Status").via == (
        "pkg.api.public",
        "pkg.internal.stage",
    )
    assert index.resolve("pkg.internal.impl.enums", "Status").via == ()
    assert index.is_enum("pkg.internal.impl.enums", "Status")


def test_resolve_dotted_walks_modules_then_attributes() -> None:
    index = index_of(CHAIN)
    assert index.resolve_dotted("pkg.Status").qualname == "pkg.internal.impl.enums.Status"
    assert index.resolve_dotted("pkg.api.public.Status").module == "pkg.internal.impl.enums"
    assert index.resolve_dotted("pkg.internal.impl") == Resolution(Kind.MODULE, "pkg.internal.impl")
    assert index.resolve_dotted("pkg.api.Nope").kind is Kind.MISSING
    assert index.resolve_dotted("os.path.join").kind is Kind.EXTERNAL


ALIASES = {
    "m/__init__.py": "",
    "m/defs.py": "class A:\n    pass\n\n\ndef f():\n    pass\n",
    "m/alias.py": (
        "from m.defs import A as B\n"
        "from m import defs as d\n"
        "import m.defs as mdefs\n"
        "C = B\n"
        "D = d.A\n"
        "E = mdefs.f\n"
        "F = G = B\n"
        "H = len\n"
        "I = undefined_name\n"
    ),
    "m/local.py": "class Real:\n    pass\n\n\nOld = Real\n",
}


def test_from_import_alias_binds_the_asname_only() -> None:
    index = index_of(ALIASES)
    assert index.resolve("m.alias", "B") == definition("m.defs", "A", ("m.alias",))
    assert index.resolve("m.alias", "A").kind is Kind.MISSING
    assert index.resolve("m.alias", "d") == Resolution(Kind.MODULE, "m.defs", "", ("m.alias",))
    assert index.resolve("m.alias", "mdefs") == Resolution(Kind.MODULE, "m.defs")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("C", ("m.defs", "A")),
        ("D", ("m.defs", "A")),
        ("E", ("m.defs", "f")),
        ("F", ("m.defs", "A")),
        ("G", ("m.defs", "A")),
    ],
)
def test_assignment_aliases_follow_to_the_definition(name: str, expected: tuple[str, str]) -> None:
    res = index_of(ALIASES).resolve("m.alias", name)
    assert res.kind is Kind.DEFINITION
    assert (res.module, res.name) == expected
    assert res.via == ("m.alias",)  # the alias module is passed once, not once per hop


def test_assignment_alias_of_unknowns_is_a_local_definition() -> None:
    index = index_of(ALIASES)
    # `H = len` (a builtin) and `I = undefined_name`: the name exists in the module
    assert index.resolve("m.alias", "H") == definition("m.alias", "H")
    assert index.resolve("m.alias", "I") == definition("m.alias", "I")


def test_alias_in_the_defining_module() -> None:
    index = index_of(ALIASES)
    assert index.resolve("m.local", "Old") == definition("m.local", "Real", ("m.local",))


def test_alias_chain_across_modules_keeps_order_of_via() -> None:
    files = {
        "a.py": "class X:\n    pass\n",
        "b.py": "from a import X\nY = X\n",
        "c.py": "from b import Y as Z\n",
        "d.py": "import c\nW = c.Z\n",
    }
    index = index_of(files)
    assert index.resolve("d", "W") == definition("a", "X", ("d", "c", "b"))


# --- __all__, star imports, __getattr__ --------------------------------------


def test_all_is_recorded_in_every_spelling() -> None:
    index = index_of(
        {
            "p/__init__.py": (
                "from .a import A\n"
                "__all__ = ['A']\n"
                "__all__ += ('B',)\n"
                "__all__.extend(['C'])\n"
                "__all__.append('D')\n"
            ),
            "p/a.py": "class A:\n    pass\n",
            "q.py": "x = 1\n",
        }
    )
    assert index.modules["p"].all_names == ["A", "B", "C", "D"]
    assert index.modules["q"].all_names is None
    assert index.is_reexported("p", "A")
    assert not index.is_reexported("q", "x")


def test_star_import_from_first_party_is_followed() -> None:
    index = index_of(
        {
            "p/__init__.py": "from p.impl import *\n",
            "p/impl.py": "class Public:\n    pass\n\n\nclass _Private:\n    pass\n",
        }
    )
    assert index.resolve("p", "Public") == definition("p.impl", "Public", ("p",))
    assert index.modules["p"].star_imports == ["p.impl"]
    # names a star import cannot bring stay unknown rather than missing: no report
    assert index.resolve("p", "Missing").kind is Kind.UNKNOWN
    assert index.resolve("p", "_Private").kind is Kind.UNKNOWN


def test_star_import_from_third_party_makes_every_name_unknown() -> None:
    index = index_of({"p.py": "from os.path import *\n"})
    assert index.resolve("p", "join").kind is Kind.UNKNOWN
    assert index.resolve("p", "anything").kind is Kind.UNKNOWN


def test_relative_star_import() -> None:
    index = index_of({"p/__init__.py": "from .impl import *\n", "p/impl.py": "VALUE = 1\n"})
    assert index.modules["p"].star_imports == ["p.impl"]
    assert index.resolve("p", "VALUE") == definition("p.impl", "VALUE", ("p",))


def test_module_getattr_makes_missing_names_unknown() -> None:
    index = index_of(
        {
            "p/__init__.py": "def __getattr__(name):\n    raise AttributeError(name)\n"
            "\n\nREAL = 1\n",
        }
    )
    assert index.modules["p"].has_getattr
    assert index.resolve("p", "anything").kind is Kind.UNKNOWN
    assert index.resolve("p", "REAL") == definition("p", "REAL")


@pytest.mark.parametrize(
    "source",
    [
        "import lazy_loader as lazy\n"
        "__getattr__, __dir__, __all__ = lazy.attach(__name__, ['sub'])\n",
        "__getattr__ = make_lazy(__name__)\n",
        "from ._lazy import __getattr__\n",
        "from ._lazy import lazy_getattr as __getattr__\n",
    ],
    ids=["lazy-loader", "assigned", "imported", "imported-as"],
)
def test_module_getattr_bound_without_def(source: str) -> None:
    """SPEC 1 lazy loading binds `__getattr__` by assignment or import, never with `def`."""
    index = index_of({"p/__init__.py": source, "p/_lazy.py": "def lazy_getattr(n):\n    pass\n"})
    assert index.modules["p"].has_getattr
    assert index.resolve("p", "anything").kind is Kind.UNKNOWN


def test_function_level_getattr_is_not_module_getattr() -> None:
    index = index_of({"p.py": "def f():\n    def __getattr__(name):\n        pass\n"})
    assert not index.modules["p"].has_getattr
    assert index.resolve("p", "anything").kind is Kind.MISSING


def test_star_and_getattr_silence_sot103(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/impl.py": "X = 1\n",
            "app/star.py": "from app.impl import *\n",
            "app/lazy.py": "def __getattr__(name):\n    return name\n",
            "app/use.py": (
                "from app.star import X, Y\nfrom app.lazy import anything\nfrom app.impl import Z\n"
            ),
        }
    )
    assert sot103(root) == ["app/use.py:3 `Z` is not defined in `app.impl`"]


# --- conditional and nested imports --------------------------------------------


CONDITIONAL = {
    "c/__init__.py": "",
    "c/real.py": "class Thing:\n    pass\n\n\nclass Other:\n    pass\n",
    "c/mod.py": """\
        from typing import TYPE_CHECKING
        import typing

        if TYPE_CHECKING:
            from c.real import Thing
        if typing.TYPE_CHECKING:
            from c.real import Other
        else:
            Other = None

        try:
            import ujson as json
        except ImportError:
            import json

        try:
            from c.fast import speedup
        except (ModuleNotFoundError, ValueError):
            def speedup():
                pass

        def f():
            from c.real import Thing as Local
            import c.real as inner
            return Local, inner

        class K:
            from c.real import Other as Attr
        """,
}


def test_conditional_imports_are_flagged_in_the_record() -> None:
    index = index_of(CONDITIONAL)
    flags = {
        (imp.module, imp.name, imp.asname): (imp.scope, imp.type_checking, imp.try_import_error)
        for imp in index.modules["c.mod"].imports
    }
    assert flags[("c.real", "Thing", None)] == ("module", True, False)
    assert flags[("c.real", "Other", None)] == ("module", True, False)
    assert flags[("ujson", None, "json")] == ("module", False, True)
    assert flags[("json", None, None)] == ("module", False, False)  # the fallback itself
    assert flags[("c.fast", "speedup", None)] == ("module", False, True)
    assert flags[("c.real", "Thing", "Local")] == ("function", False, False)
    assert flags[("c.real", None, "inner")] == ("function", False, False)
    assert flags[("c.real", "Other", "Attr")] == ("class", False, False)


def test_conditional_bindings_resolve_to_the_first_that_exists() -> None:
    index = index_of(CONDITIONAL)
    assert index.resolve("c.mod", "Thing") == definition("c.real", "Thing", ("c.mod",))
    assert index.resolve("c.mod", "Other") == definition("c.real", "Other", ("c.mod",))
    assert index.resolve("c.mod", "json").kind is Kind.EXTERNAL
    # `c.fast` does not exist, but the except branch defines the name
    assert index.resolve("c.mod", "speedup") == definition("c.mod", "speedup")


def test_function_and_class_scope_imports_bind_nothing_at_module_level() -> None:
    index = index_of(CONDITIONAL)
    assert index.resolve("c.mod", "Local").kind is Kind.MISSING
    assert index.resolve("c.mod", "inner").kind is Kind.MISSING
    assert index.resolve("c.mod", "Attr").kind is Kind.MISSING
    assert index.resolve("c.mod", "K") == definition("c.mod", "K")
    assert index.resolve("c.mod", "f") == definition("c.mod", "f")


def test_names_bound_by_statements_exist() -> None:
    index = index_of(
        {
            "s.py": """\
                import os
                import os.path as osp
                import xml.etree.ElementTree
                from collections import OrderedDict as OD
                X: int = 1
                Y: int
                a, (b, *c) = 1, (2, 3)
                Z = 0
                Z += 1
                for loop_var in range(3):
                    pass
                with open(__file__) as handle:
                    pass
                try:
                    pass
                except Exception as caught:
                    pass
                def g():
                    global from_global
                    from_global = 1
                (walrus := 5)
                """,
        }
    )
    for name in ("X", "Y", "a", "b", "c", "Z", "loop_var", "handle", "caught", "from_global"):
        assert index.resolve("s", name) == definition("s", name), name
    assert index.resolve("s", "os") == Resolution(Kind.EXTERNAL, "os")
    assert index.resolve("s", "osp") == Resolution(Kind.EXTERNAL, "os.path")
    assert index.resolve("s", "xml") == Resolution(Kind.EXTERNAL, "xml")
    assert index.resolve("s", "OD") == Resolution(
        Kind.EXTERNAL, "collections", "OrderedDict", ("s",)
    )
    assert index.resolve("s", "ElementTree").kind is Kind.MISSING
    assert index.resolve("s", "nope").kind is Kind.MISSING


@pytest.mark.skipif(sys.version_info < (3, 12), reason="`type` statements need Python 3.12")
def test_type_alias_statement_binds_its_name() -> None:
    index = index_of({"t.py": "type Alias = int\ntype Generic[T] = list[T]\n"})
    assert index.resolve("t", "Alias") == definition("t", "Alias")
    assert index.resolve("t", "Generic") == definition("t", "Generic")


def test_import_of_first_party_package_binds_the_top_package() -> None:
    index = index_of(
        {
            "top/__init__.py": "",
            "top/sub/__init__.py": "",
            "top/sub/leaf.py": "V = 1\n",
            "user.py": "import top.sub.leaf\nimport top.gone as g\n",
        }
    )
    assert index.resolve("user", "top") == Resolution(Kind.MODULE, "top")
    assert index.resolve("user", "g").kind is Kind.UNKNOWN  # a broken import: SOT103's business
    assert index.resolve_local("user", "top.sub.leaf.V") == definition("top.sub.leaf", "V")


# --- submodules, namespace packages, src roots -------------------------------------


def test_submodule_import_from_package() -> None:
    index = index_of(
        {
            "pkg/__init__.py": "",
            "pkg/sub.py": "X = 1\n",
            "pkg/inner/__init__.py": "",
        }
    )
    assert index.resolve("pkg", "sub") == Resolution(Kind.MODULE, "pkg.sub")
    assert index.resolve("pkg", "inner") == Resolution(Kind.MODULE, "pkg.inner")
    assert index.resolve("pkg", "gone").kind is Kind.MISSING
    assert index.resolve("pkg.gone", "X").kind is Kind.NO_MODULE


def test_package_importing_its_own_submodule() -> None:
    """`from . import sub` / `from pkg import sub` in pkg/__init__.py binds the submodule."""
    index = index_of(
        {
            "pkg/__init__.py": "from pkg import signals\nfrom . import autoreload\n",
            "pkg/signals.py": "post_save = object()\n",
            "pkg/autoreload.py": "",
            "user.py": "from pkg import signals\nimport pkg\nx = pkg.signals.post_save\n",
        }
    )
    assert index.resolve("pkg", "signals") == Resolution(Kind.MODULE, "pkg.signals")
    assert index.resolve("pkg", "autoreload") == Resolution(Kind.MODULE, "pkg.autoreload")
    assert index.resolve("user", "signals") == Resolution(Kind.MODULE, "pkg.signals", "", ("user",))
    assert index.resolve_dotted("pkg.signals.post_save") == definition("pkg.signals", "post_save")


def test_from_import_of_a_submodule_through_another_module() -> None:
    index = index_of(
        {
            "a/__init__.py": "",
            "a/sub.py": "",
            # a/__init__.py does not bind `sub`: the import system does
            "b.py": "from a import sub\n",
        }
    )
    assert index.resolve("b", "sub") == Resolution(Kind.MODULE, "a.sub", "", ("b",))


def test_namespace_packages(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "ns/inner/mod.py": "class C:\n    pass\n",
            "ns/other.py": "from ns.inner.mod import C\nfrom ns.inner import mod\n",
        }
    )
    index = index_project(root)
    assert "ns" not in index.modules and "ns.inner" not in index.modules
    assert index.module_exists("ns") and index.module_exists("ns.inner")
    assert index.is_first_party("ns.anything")
    assert index.resolve("ns.inner", "mod") == Resolution(Kind.MODULE, "ns.inner.mod")
    assert index.resolve("ns", "inner") == Resolution(Kind.MODULE, "ns.inner")
    assert index.resolve("ns.inner", "gone").kind is Kind.MISSING
    assert index.resolve("ns.missing", "X").kind is Kind.NO_MODULE
    assert index.resolve("ns.other", "C") == definition("ns.inner.mod", "C", ("ns.other",))
    assert sot103(root) == []


def test_several_src_roots(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "src/app/__init__.py": "",
            "src/app/main.py": (
                "from shared.enums import Color\nfrom shared import gone\nfrom app.x import Y\n"
            ),
            "libs/shared/__init__.py": "",
            "libs/shared/enums.py": "import enum\n\n\nclass Color(enum.Enum):\n    RED = 1\n",
            "scripts/tool.py": "from app.main import Color\n",
        },
        'src = ["src", "libs"]\n',
    )
    index = index_project(root)
    assert sorted(index.modules) == ["app", "app.main", "shared", "shared.enums"]
    assert index.by_path["src/app/main.py"].module == "app.main"
    assert index.by_path["libs/shared/enums.py"].module == "shared.enums"
    assert index.resolve("app.main", "Color") == definition("shared.enums", "Color", ("app.main",))
    assert index.is_enum("shared.enums", "Color")
    assert not index.is_first_party("scripts")
    assert not index.is_first_party("src")
    assert sot103(root) == [
        "src/app/main.py:2 `gone` is not defined in `shared`",
        "src/app/main.py:3 module `app.x` does not exist, so `Y` cannot be imported from it",
    ]


def test_same_module_in_two_roots_first_root_wins(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {"one/dup.py": "A = 1\n", "two/dup.py": "B = 1\n"},
        'src = ["one", "two"]\n',
    )
    index = index_project(root)
    assert index.modules["dup"].relpath == "one/dup.py"
    assert index.resolve("dup", "A").kind is Kind.DEFINITION
    assert index.resolve("dup", "B").kind is Kind.MISSING


# --- enums -----------------------------------------------------------------------


ENUMS = {
    "e/__init__.py": "from .base import Base as ReBase\n",
    "e/base.py": "import enum\n\n\nclass Base(enum.IntEnum):\n    pass\n",
    "e/mid.py": "from e import ReBase\n\n\nclass Mid(ReBase):\n    pass\n",
    "e/leaf.py": "from e import mid\n\n\nclass Leaf(mid.Mid):\n    A = 1\n",
    "e/alias.py": "from e.leaf import Leaf\nAlso = Leaf\n\n\nclass ViaAlias(Also):\n    pass\n",
    "e/plain.py": "class NotEnum:\n    pass\n\n\nclass Child(NotEnum):\n    pass\n",
    "e/styles.py": (
        "from enum import Enum, StrEnum, Flag, IntFlag\nimport enum as en\n\n\n"
        "class S(StrEnum):\n    pass\n\n\nclass F(Flag):\n    pass\n\n\n"
        "class I(IntFlag):\n    pass\n\n\nclass M(str, en.Enum):\n    pass\n\n\n"
        "class Meta(metaclass=en.EnumMeta):\n    pass\n"
    ),
    "e/cycle.py": "class A(B):\n    pass\n\n\nclass B(A):\n    pass\n",
}


@pytest.mark.parametrize(
    ("module", "name", "expected"),
    [
        ("e.base", "Base", True),
        ("e.mid", "Mid", True),  # first-party base re-exported under another name
        ("e.leaf", "Leaf", True),  # through `module.Class`
        ("e.alias", "ViaAlias", True),  # through an assignment alias
        ("e.plain", "NotEnum", False),
        ("e.plain", "Child", False),
        ("e.styles", "S", True),
        ("e.styles", "F", True),
        ("e.styles", "I", True),
        ("e.styles", "M", True),
        ("e.styles", "Meta", False),  # a metaclass is not a base
        ("e.cycle", "A", False),  # an inheritance cycle terminates
        ("e.cycle", "B", False),
        ("e.nowhere", "X", False),
    ],
)
def test_is_enum_is_transitive(module: str, name: str, expected: bool) -> None:
    assert index_of(ENUMS).is_enum(module, name) is expected


def test_class_record_keeps_members_and_bases() -> None:
    index = index_of(ENUMS)
    leaf = index.class_record("e.leaf", "Leaf")
    assert leaf is not None
    assert leaf.bases == ["mid.Mid"]
    assert leaf.members == [("A", "1")]


# --- cycles --------------------------------------------------------------------


def test_reexport_cycles_terminate() -> None:
    files = {
        "a.py": "from b import X\nfrom c import Loop\n",
        "b.py": "from a import X\n",
        "c.py": "from d import Loop\n",
        "d.py": "from c import Loop\n",
        "self.py": "from self import Me\n",
        "star1.py": "from star2 import *\n",
        "star2.py": "from star1 import *\n",
        "alias.py": "P = Q\nQ = P\n",
    }
    index = index_of(files)
    start = time.monotonic()
    assert index.resolve("a", "X").kind is Kind.UNKNOWN
    assert index.resolve("b", "X").kind is Kind.UNKNOWN
    assert index.resolve("a", "Loop").kind is Kind.UNKNOWN
    assert index.resolve("self", "Me").kind is Kind.UNKNOWN
    assert index.resolve("star1", "anything").kind is Kind.UNKNOWN
    assert index.resolve("alias", "P").kind is Kind.DEFINITION
    assert index.resolve_dotted("a.X").kind is Kind.UNKNOWN
    assert time.monotonic() - start < 5


def test_reexport_cycle_is_not_reported_by_sot103(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/a.py": "from app.b import X\n",
            "app/b.py": "from app.a import X\n",
        }
    )
    assert sot103(root) == []


def test_long_reexport_chain_does_not_recurse_too_deep() -> None:
    files = {"m0.py": "class Target:\n    pass\n"}
    for i in range(1, 200):
        files[f"m{i}.py"] = f"from m{i - 1} import Target\n"
    index = index_of(files)
    res = index.resolve("m199", "Target")
    assert res.kind is Kind.DEFINITION and res.module == "m0"
    assert len(res.via) == 199


# --- robustness ------------------------------------------------------------------


def test_broken_module_resolves_unknown_and_records_the_error() -> None:
    index = index_of({"bad.py": "def (:\n", "user.py": "from bad import X\n"})
    assert index.modules["bad"].error is not None
    assert index.modules["bad"].error_span is not None
    assert index.resolve("bad", "X").kind is Kind.UNKNOWN


def test_non_utf8_and_non_ascii_sources() -> None:
    latin = "# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\n".encode("latin-1")
    rec = build_record("latin", "latin.py", False, latin)
    assert rec.error is None
    assert "NAME" in rec.bindings
    rec = build_record("u", "u.py", False, "x = 'é'; from a import Ü\n".encode())
    assert rec.error is None
    (imp,) = rec.imports
    assert imp.span.column == 24  # characters, not UTF-8 bytes
    assert imp.span.end_column == 25


def test_digest_changes_with_content() -> None:
    a = index_of({"a.py": "X = 1\n"})
    b = index_of({"a.py": "X = 2\n"})
    assert a.digest() != b.digest()
    assert a.digest() == index_of({"a.py": "X = 1\n"}).digest()


def test_import_counts_and_definitions_named() -> None:
    index = index_of(
        {
            "a.py": "class S:\n    pass\n",
            "b.py": "class S:\n    pass\n",
            "c.py": "from a import S\n",
            "d.py": "from c import S\n",
            "e.py": "from b import S\n",
        }
    )
    assert index.definitions_named()["S"] == ["a", "b"]
    counts = index.import_counts()
    assert counts[("a", "S")] == 2
    assert counts[("b", "S")] == 1
    assert index.import_counts(frozenset({"S"})) == counts  # only imports naming S resolved
    assert index.import_counts(frozenset({"T"})) == {}


# --- rebinding: Python keeps the last binding that ran ---------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a straight rebinding replaces what came before
        (
            "from a.defs import Color as Status\nclass Status:\n    pass\n",
            definition("a.m", "Status"),
        ),
        (
            "class Status:\n    pass\nfrom a.defs import Color as Status\n",
            definition("a.defs", "Color", ("a.m",)),
        ),
        (
            "Status = 1\nfrom a.defs import Color as Status\n",
            definition("a.defs", "Color", ("a.m",)),
        ),
        # conditional bindings after it are candidates in order (a try/except fallback)
        (
            "try:\n    from a.defs import Color as Status\nexcept ImportError:\n    Status = None\n",
            definition("a.defs", "Color", ("a.m",)),
        ),
        (
            "from a.defs import Color as Status\nif FLAG:\n    class Status:\n        pass\n",
            definition("a.defs", "Color", ("a.m",)),
        ),
        # a loop target or an except name may never be bound: they do not replace
        (
            "from a.defs import Color as Status\nfor Status in []:\n    pass\n",
            definition("a.defs", "Color", ("a.m",)),
        ),
    ],
)
def test_last_straight_binding_wins(body: str, expected: Resolution) -> None:
    index = index_of({"a/__init__.py": "", "a/defs.py": "class Color:\n    pass\n", "a/m.py": body})
    assert index.resolve("a.m", "Status") == expected


@pytest.mark.parametrize("name", ["__path__", "__file__", "__name__", "__spec__", "__doc__"])
def test_module_attributes_set_by_the_import_system_are_not_missing(name: str) -> None:
    index = index_of({"pkg/__init__.py": "", "pkg/mod.py": "x = 1\n"})
    assert index.resolve("pkg", name).kind is Kind.UNKNOWN
    if name != "__path__":
        assert index.resolve("pkg.mod", name).kind is Kind.UNKNOWN
    else:  # a plain module has no __path__
        assert index.resolve("pkg.mod", name).kind is Kind.MISSING
    assert index.resolve("pkg", "__version__").kind is Kind.MISSING


def test_attributes_another_module_sets_are_not_missing() -> None:
    """SQLAlchemy's `dialects/sqlite/__init__.py` runs `base.dialect = dialect = ...`: importing
    `dialect` from `base` works, since importing `base` runs the package first."""
    index = index_of(
        {
            "db/__init__.py": "",
            "db/sqlite/__init__.py": "from . import base, pysqlite\n\nbase.dialect = dialect = pysqlite.dialect\n",
            "db/sqlite/base.py": "class SQLiteDialect:\n    pass\n",
            "db/sqlite/pysqlite.py": "class dialect:\n    pass\n",
            "db/other.py": "import db.sqlite.pysqlite as p\n\np.extra = 1\n",
        }
    )
    assert index.resolve("db.sqlite.base", "dialect").kind is Kind.UNKNOWN
    assert index.resolve("db.sqlite.pysqlite", "extra").kind is Kind.UNKNOWN
    assert index.resolve("db.sqlite.base", "nothing").kind is Kind.MISSING


@pytest.mark.parametrize(
    "compiled",
    ["fast.pyx", "fast.pyi", "fast.so", "fast.cpython-311-x86_64-linux-gnu.so", "fast.abi3.so",
     "fast.cp311-win_amd64.pyd"],
)  # fmt: skip
def test_modules_without_python_source_exist(
    make_project: Callable[..., Path], compiled: str
) -> None:
    """A Cython `.pyx`, a `.pyi` stub or a compiled extension is a module imports can name;
    what it defines is unknown, and it is never linted itself."""
    files = {
        "pkg/__init__.py": "from pkg import fast\n",
        "pkg/use.py": "from pkg.fast import anything\nfrom pkg.gone import other\n",
    }
    root = make_project(files)
    (root / "pkg" / compiled).write_bytes(b"\x7fELF binary or cython source\n")
    assert sot103(root) == [
        "pkg/use.py:2 module `pkg.gone` does not exist, so `other` cannot be imported from it"
    ]
    result = run_check(resolve_config(None, root), CheckOptions(use_cache=False))
    assert result.files_checked == 2  # pkg/__init__.py and pkg/use.py: not the compiled one
    assert not any(d.path.endswith(compiled) for d in result.diagnostics)


def test_python_source_wins_over_a_stub(make_project: Callable[..., Path]) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/mod.py": "X = 1\n",
        "pkg/use.py": "from pkg.mod import Y\n",
    }
    root = make_project(files)
    (root / "pkg" / "mod.pyi").write_text("X: int\nY: int\n")
    assert sot103(root) == ["pkg/use.py:1 `Y` is not defined in `pkg.mod`"]


@pytest.mark.parametrize(
    "body",
    [
        "import sys\nfrom . import lazy\n\nsys.modules[__name__] = lazy.Module(__name__)\n",
        "from . import local\n\nold, new = local.recreate_module(\n    __name__, by_module={'pkg.canvas': ['Signature']},\n"
        "    __file__=__file__, __path__=__path__,\n)\n",
    ],
    ids=["sys-modules", "celery-recreate-module"],
)
def test_a_module_that_replaces_itself_answers_at_run_time(body: str) -> None:
    index = index_of({"pkg/__init__.py": body, "pkg/canvas.py": "class Signature:\n    pass\n"})
    assert index.resolve("pkg", "Signature").kind is Kind.UNKNOWN
    plain = index_of({"pkg/__init__.py": "x = f(__name__)\n", "pkg/canvas.py": ""})
    assert plain.resolve("pkg", "Signature").kind is Kind.MISSING
    # an alias shim writes another module's entry: it is still an ordinary module itself
    shim = index_of(
        {"pkg/__init__.py": "import sys\nimport pkg.canvas as c\n\nsys.modules['pkg.old'] = c\n",
         "pkg/canvas.py": ""}
    )  # fmt: skip
    assert shim.resolve("pkg", "Nope").kind is Kind.MISSING
