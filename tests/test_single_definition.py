"""SOT101 duplicate-definition, SOT102 non-canonical-import, SOT103 unresolved-import:
behaviour beyond the rules' own VALID/INVALID examples."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from conftest import run_cli

from ssotlint.cli import resolve_config
from ssotlint.diagnostics import Diagnostic
from ssotlint.engine import CheckOptions, RunResult, run_check

Make = Callable[..., Path]


def lint(root: Path, code: str, **kwargs: object) -> list[Diagnostic]:
    result = check(root, code, **kwargs)
    return [d for d in result.diagnostics if d.code == code]


def check(root: Path, code: str, **kwargs: object) -> RunResult:
    options = CheckOptions(select=[code], use_cache=False, **kwargs)  # type: ignore[arg-type]
    return run_check(resolve_config(None, root), options)


def where(diags: list[Diagnostic]) -> list[str]:
    return [f"{d.path}:{d.line}" for d in diags]


def enum(name: str, members: Mapping[str, object], base: str = "Enum") -> str:
    body = "".join(f"    {k} = {v!r}\n" for k, v in members.items()) or "    pass\n"
    return f"from enum import {base}\n\n\nclass {name}({base}):\n{body}"


STATUS = {"DONE": "done", "FAILED": "failed"}


# --- SOT101 --------------------------------------------------------------------------


def test_sot101_same_members_is_called_out(make_project: Make) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/enums.py": enum("Status", STATUS),
            "app/copy.py": enum("Status", STATUS),
        },
        '[tool.ssotlint.canonical]\nsymbols = { Status = "app.enums" }\n',
    )
    (diag,) = lint(root, "SOT101")
    assert diag.path == "app/copy.py" and diag.line == 4
    assert "also defined in canonical `app.enums`" in diag.message
    assert "same members and values, but a different object" in diag.message
    assert "`==` between them is False" in diag.message
    assert diag.fix is not None and diag.fix.applicability == "unsafe"


def test_sot101_lists_member_differences(make_project: Make) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/enums.py": enum("Status", {"DONE": "done", "FAILED": "failed", "NEW": "new"}),
            "app/copy.py": enum("Status", {"DONE": "finished", "FAILED": "failed", "OLD": "old"}),
        },
        '[tool.ssotlint.canonical]\nmodules = ["app.enums"]\n',
    )
    (diag,) = lint(root, "SOT101")
    assert "members differ" in diag.message
    assert "only here: OLD" in diag.message
    assert "only in canonical: NEW" in diag.message
    assert "different values: DONE ('finished' vs 'done')" in diag.message
    assert "same members" not in diag.message
    # the canonical enum does not cover the copy: replacing it would change behaviour
    assert diag.fix is None


def test_sot101_subset_of_canonical_members_gets_a_fix(make_project: Make) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/enums.py": enum("Status", {"DONE": "done", "FAILED": "failed"}),
            "app/copy.py": enum("Status", {"DONE": "done"}),
        },
        '[tool.ssotlint.canonical]\nsymbols = { Status = "app.enums" }\n',
    )
    (diag,) = lint(root, "SOT101")
    assert "only in canonical: FAILED" in diag.message
    assert diag.fix is not None and diag.fix.applicability == "unsafe"
    assert "from app.enums import Status" in diag.fix.message
    # unsafe: not applied without --unsafe-fixes
    check(root, "SOT101", fix=True)
    assert "class Status" in (root / "app/copy.py").read_text()
    check(root, "SOT101", fix=True, unsafe_fixes=True)
    assert (root / "app/copy.py").read_text() == (
        "from enum import Enum\n\n\nfrom app.enums import Status\n"
    )
    assert lint(root, "SOT101") == []


def test_sot101_without_canonical_reports_every_site_and_suggests_most_imported(
    make_project: Make,
) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/a.py": enum("Status", STATUS),
            "app/b.py": enum("Status", STATUS),
            "app/c.py": enum("Status", {"DONE": "done"}),
            "app/u1.py": "from app.b import Status\n",
            "app/u2.py": "from app.b import Status\n",
            "app/u3.py": "def f():\n    from app.c import Status\n",
        }
    )
    diags = lint(root, "SOT101")
    assert where(diags) == ["app/a.py:4", "app/b.py:4", "app/c.py:4"]
    for diag in diags:
        assert "defined in 3 modules" in diag.message
        assert "none is canonical: suggest `app.b` (most imported)" in diag.message
        assert "set canonical.symbols.Status" in diag.message
        assert diag.fix is None  # nothing to fix towards until a home is configured
    a, _, c = diags
    assert "(app.b, app.c and here)" in a.message
    assert "same members and values" in a.message  # compared with the suggested one
    assert "only in canonical: FAILED" in c.message


def test_sot101_default_kinds_ignore_plain_classes(make_project: Make) -> None:
    both = "class Config:\n    pass\n\n\n" + enum("Color", {"RED": 1})
    root = make_project({"app/__init__.py": "", "app/a.py": both, "app/b.py": both})
    assert [d.symbol for d in lint(root, "SOT101")] == ["Color", "Color"]


def test_sot101_kinds_class_tracks_every_class(make_project: Make) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/core.py": "class Config:\n    debug = False\n",
            "app/other.py": "class Config:\n    debug = True\n",
            "app/third.py": "class Config:\n    debug = False\n",
            "app/single.py": "class Unique:\n    pass\n",
            "app/not_a_class.py": "Config = dict\n",
        },
        '[tool.ssotlint.canonical]\nkinds = ["class"]\nsymbols = { Config = "app.core" }\n',
    )
    diags = lint(root, "SOT101")
    assert where(diags) == ["app/other.py:1", "app/third.py:1"]
    other, third = diags
    assert "canonical `app.core` and 1 other module" in other.message
    assert "different values: debug (True vs False)" in other.message
    assert "same members and values" in third.message


def test_sot101_ignores_modules_no_import_can_name(make_project: Make) -> None:
    """Migrations are linted, but their classes cannot be imported, so cannot be mixed up."""
    migration = "class Migration:\n    pass\n"
    root = make_project(
        {
            "app/__init__.py": "",
            "app/migrations/__init__.py": "",
            "app/migrations/0001_initial.py": migration,
            "app/migrations/0002_more.py": migration,
            "app/models.py": "class Model:\n    id = 1\n",
            "app/other.py": "class Model:\n    id = 1\n",
        },
        '[tool.ssotlint.canonical]\nkinds = ["class"]\n',
    )
    assert where(lint(root, "SOT101")) == ["app/models.py:1", "app/other.py:1"]


def test_sot101_enum_through_first_party_base(make_project: Make) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/base.py": "import enum\n\n\nclass StrBase(str, enum.Enum):\n    pass\n",
            "app/a.py": "from app.base import StrBase\n\n\nclass Kind(StrBase):\n    X = 'x'\n",
            "app/b.py": "from app import base\n\n\nclass Kind(base.StrBase):\n    X = 'x'\n",
        }
    )
    assert where(lint(root, "SOT101")) == ["app/a.py:4", "app/b.py:4"]


def test_sot101_counts_sites(make_project: Make) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/enums.py": enum("Status", STATUS),
            "app/copy.py": enum("Status", STATUS),
            "app/solo.py": enum("Solo", {"A": 1}),
        },
        '[tool.ssotlint.canonical]\nsymbols = { Status = "app.enums" }\n',
    )
    sites = check(root, "SOT101").sites["SOT101"]
    assert (sites.examined, sites.compliant) == (2, 1)


# --- SOT102 --------------------------------------------------------------------------


SOT102_FILES = {
    "app/__init__.py": "",
    "app/enums.py": enum("Status", STATUS),
    "app/dup.py": enum("Status", STATUS) + "\n\nclass Other:\n    pass\n",
    "app/schemas/__init__.py": "from app.enums import Status\nfrom app.dup import Other\n",
}
SOT102_CONFIG = '[tool.ssotlint.canonical]\nsymbols = { Status = "app.enums" }\n'


def sot102_project(make_project: Make, use: str) -> Path:
    return make_project({**SOT102_FILES, "app/use.py": use}, SOT102_CONFIG)


def test_sot102_reexport_is_a_safe_fix(make_project: Make) -> None:
    root = sot102_project(make_project, "from app.schemas import Status\n")
    (diag,) = lint(root, "SOT102")
    assert "a re-export of the canonical `app.enums.Status`" in diag.message
    assert diag.fix is not None and diag.fix.applicability == "safe"
    check(root, "SOT102", fix=True)
    assert (root / "app/use.py").read_text() == "from app.enums import Status\n"


def test_sot102_duplicate_is_an_unsafe_fix(make_project: Make) -> None:
    root = sot102_project(make_project, "from app.dup import Status\n")
    (diag,) = lint(root, "SOT102")
    assert "different object" in diag.message and "duplicate defined in `app.dup`" in diag.message
    assert diag.fix is not None and diag.fix.applicability == "unsafe"
    check(root, "SOT102", fix=True)
    assert (root / "app/use.py").read_text() == "from app.dup import Status\n"  # not applied
    check(root, "SOT102", fix=True, unsafe_fixes=True)
    assert (root / "app/use.py").read_text() == "from app.enums import Status\n"


def test_sot102_fix_applicability_in_json_output(make_project: Make) -> None:
    root = sot102_project(
        make_project,
        "from app.schemas import Status\n\n\ndef f():\n    from app.dup import Status\n",
    )
    proc = run_cli("check", "--select", "SOT102", "--format", "json", "--no-cache", cwd=root)
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert [(d["path"], d["line"], d["fix"]["applicability"]) for d in data] == [
        ("app/use.py", 1, "safe"),
        ("app/use.py", 5, "unsafe"),
    ]
    assert all(d["code"] == "SOT102" and d["slug"] == "non-canonical-import" for d in data)


def test_sot102_splits_an_import_when_only_one_name_moves(make_project: Make) -> None:
    root = sot102_project(make_project, "from app.schemas import Other, Status\n")
    (diag,) = lint(root, "SOT102")
    assert diag.symbol == "Status"
    check(root, "SOT102", fix=True)
    assert (root / "app/use.py").read_text() == (
        "from app.schemas import Other\nfrom app.enums import Status\n"
    )


def test_sot102_keeps_aliases(make_project: Make) -> None:
    root = sot102_project(
        make_project, "from app.schemas import Status as S, Other as O\n\nS.DONE, O\n"
    )
    check(root, "SOT102", fix=True)
    assert (root / "app/use.py").read_text() == (
        "from app.schemas import Other as O\nfrom app.enums import Status as S\n\nS.DONE, O\n"
    )


def test_sot102_relative_reexport_alias_whole_statement(make_project: Make) -> None:
    root = sot102_project(make_project, "from .schemas import Status as S\n")
    check(root, "SOT102", fix=True)
    assert (root / "app/use.py").read_text() == "from app.enums import Status as S\n"


def test_sot102_nested_imports_are_rewritten_in_place(make_project: Make) -> None:
    use = (
        "from typing import TYPE_CHECKING\n"
        "\n"
        "if TYPE_CHECKING:\n"
        "    from app.schemas import Status, Other\n"
        "\n"
        "\n"
        "def f():\n"
        "    from app.schemas import Status as S  # keep me\n"
        "    return S\n"
        "\n"
        "\n"
        "class K:\n"
        "    def m(self):\n"
        "        from .schemas import Status\n"
        "        return Status\n"
    )
    root = sot102_project(make_project, use)
    assert where(lint(root, "SOT102")) == ["app/use.py:4", "app/use.py:8", "app/use.py:14"]
    check(root, "SOT102", fix=True)
    assert (root / "app/use.py").read_text() == (
        "from typing import TYPE_CHECKING\n"
        "\n"
        "if TYPE_CHECKING:\n"
        "    from app.schemas import Other\n"
        "    from app.enums import Status\n"
        "\n"
        "\n"
        "def f():\n"
        "    from app.enums import Status as S  # keep me\n"
        "    return S\n"
        "\n"
        "\n"
        "class K:\n"
        "    def m(self):\n"
        "        from app.enums import Status\n"
        "        return Status\n"
    )
    assert lint(root, "SOT102") == []


def test_sot102_canonical_import_is_compliant(make_project: Make) -> None:
    root = sot102_project(
        make_project, "from app.enums import Status\nfrom app import enums\nenums.Status\n"
    )
    result = check(root, "SOT102")
    assert result.diagnostics == []
    assert result.sites["SOT102"].examined >= 1
    assert result.sites["SOT102"].compliant == result.sites["SOT102"].examined


def test_sot102_suggested_home_has_no_fix(make_project: Make) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/a.py": enum("Status", STATUS),
            "app/b.py": enum("Status", STATUS),
            "app/u1.py": "from app.a import Status\n",
            "app/u2.py": "from app.a import Status\n",
            "app/u3.py": "from app.b import Status\n",
        }
    )
    (diag,) = lint(root, "SOT102")
    assert diag.path == "app/u3.py"
    assert "suggested: no canonical home is configured" in diag.message
    assert "`app.a.Status`" in diag.message
    assert diag.fix is None


# --- SOT103 --------------------------------------------------------------------------


SOT103_FILES = {
    "app/__init__.py": "",
    "app/base/__init__.py": "",
    "app/base/context.py": "class ExecutionContext:\n    pass\n",
    "app/base/result.py": "class ExecutionResult:\n    pass\n",
}


def sot103_project(make_project: Make, use: str, config: str = "", **more: str) -> Path:
    return make_project({**SOT103_FILES, "app/use.py": use, **more}, config)


def test_sot103_type_checking_note(make_project: Make) -> None:
    root = sot103_project(
        make_project,
        "import typing\n\nif typing.TYPE_CHECKING:\n    from app.base.context import Gone\n",
    )
    (diag,) = lint(root, "SOT103")
    assert diag.line == 4
    assert "`Gone` is not defined in `app.base.context`" in diag.message
    assert "under TYPE_CHECKING: this breaks type checking, not run time" in diag.message


def test_sot103_check_type_checking_false(make_project: Make) -> None:
    root = sot103_project(
        make_project,
        "from typing import TYPE_CHECKING\n\n"
        "if TYPE_CHECKING:\n    from app.base.context import Gone\n",
        "[tool.ssotlint.imports]\ncheck-type-checking = false\n",
    )
    assert lint(root, "SOT103") == []


TRY_USE = (
    "try:\n"
    "    from app.base.context import Gone\n"
    "except ImportError:\n"
    "    Gone = None\n"
    "try:\n"
    "    import app.fast\n"
    "except (ValueError, ModuleNotFoundError):\n"
    "    pass\n"
    "try:\n"
    "    from app.base.context import AlsoGone\n"
    "except KeyError:\n"
    "    pass\n"
)


def test_sot103_try_except_import_error_note(make_project: Make) -> None:
    root = sot103_project(make_project, TRY_USE)
    diags = lint(root, "SOT103")
    assert where(diags) == ["app/use.py:2", "app/use.py:6", "app/use.py:10"]
    note = "inside try/except ImportError: the fallback always runs"
    assert note in diags[0].message
    assert "module `app.fast` does not exist" in diags[1].message and note in diags[1].message
    assert note not in diags[2].message  # `except KeyError` does not catch the ImportError


def test_sot103_check_try_except_false(make_project: Make) -> None:
    root = sot103_project(
        make_project, TRY_USE, "[tool.ssotlint.imports]\ncheck-try-except = false\n"
    )
    assert where(lint(root, "SOT103")) == ["app/use.py:10"]


def test_sot103_missing_module(make_project: Make) -> None:
    root = sot103_project(
        make_project,
        "from app.gone import ExecutionContext\nfrom app.base.gone import X\nimport app.base.gone\n"
        "import app.base.context\nfrom app.base import context\n",
    )
    diags = lint(root, "SOT103")
    assert where(diags) == ["app/use.py:1", "app/use.py:2", "app/use.py:3"]
    assert diags[0].message.startswith(
        "module `app.gone` does not exist, so `ExecutionContext` cannot be imported from it"
    )
    assert "it is defined in `app.base.context`" in diags[0].message
    assert diags[0].fix is not None and diags[0].fix.applicability == "safe"
    assert diags[1].fix is None  # `X` is defined nowhere
    assert diags[2].message == "module `app.base.gone` does not exist"
    assert diags[2].fix is None


def test_sot103_fix_only_with_exactly_one_definition(make_project: Make) -> None:
    root = sot103_project(
        make_project,
        "from app.base import ExecutionResult, Twice, Nowhere\n",
        **{
            "app/one.py": "class Twice:\n    pass\n",
            "app/two.py": "Twice = 1\n",
        },
    )
    diags = {d.symbol: d for d in lint(root, "SOT103")}
    assert sorted(diags) == ["ExecutionResult", "Nowhere", "Twice"]
    fix = diags["ExecutionResult"].fix
    assert fix is not None and fix.applicability == "safe"
    assert "it is defined in `app.base.result`" in diags["ExecutionResult"].message
    assert diags["Twice"].fix is None and "; it is defined in" not in diags["Twice"].message
    assert diags["Nowhere"].fix is None
    check(root, "SOT103", fix=True)
    assert (root / "app/use.py").read_text() == (
        "from app.base import Twice, Nowhere\nfrom app.base.result import ExecutionResult\n"
    )


def test_sot103_canonical_symbol_breaks_the_tie(make_project: Make) -> None:
    root = sot103_project(
        make_project,
        "from app.base import Twice as T\n",
        '[tool.ssotlint.canonical]\nsymbols = { Twice = "app.one" }\n',
        **{"app/one.py": "class Twice:\n    pass\n", "app/two.py": "class Twice:\n    pass\n"},
    )
    (diag,) = lint(root, "SOT103")
    assert diag.fix is not None and "app.one" in diag.fix.message
    check(root, "SOT103", fix=True)
    assert (root / "app/use.py").read_text() == "from app.one import Twice as T\n"


def test_sot103_nested_import_fixed_in_place(make_project: Make) -> None:
    root = sot103_project(
        make_project, "def f():\n    from ..gone import ExecutionContext as EC\n    return EC\n"
    )
    root_use = root / "app" / "use.py"
    # app/use.py is in package `app`: `..gone` escapes it
    (diag,) = lint(root, "SOT103")
    assert "beyond the top-level package" in diag.message
    root_use.write_text("def f():\n    from .gone import ExecutionContext as EC\n    return EC\n")
    check(root, "SOT103", fix=True)
    assert root_use.read_text() == (
        "def f():\n    from app.base.context import ExecutionContext as EC\n    return EC\n"
    )


def test_sot103_ignores_third_party_and_counts_sites(make_project: Make) -> None:
    root = sot103_project(
        make_project,
        "import os\nfrom requests import nothing\nfrom app.base.context import ExecutionContext\n"
        "from app.base import result\nfrom app.base.result import Gone\n",
    )
    result = check(root, "SOT103")
    assert where(result.diagnostics) == ["app/use.py:5"]
    sites = result.sites["SOT103"]
    assert (sites.examined, sites.compliant) == (3, 2)


@pytest.mark.parametrize(
    "comment", ["# noqa", "# NOQA", "# noqa: SOT103", "# ssotlint: ignore[SOT103]"]
)
def test_sot103_suppressions(make_project: Make, comment: str) -> None:
    root = sot103_project(make_project, f"from app.base import Gone  {comment}\n")
    assert lint(root, "SOT103") == []


def test_sot103_only_some_files_linted_still_uses_whole_index(make_project: Make) -> None:
    root = sot103_project(
        make_project,
        "from app.base.context import ExecutionContext\nfrom app.base import Gone\n",
        **{"app/other.py": "from app.base import AlsoGone\n"},
    )
    diags = lint(root, "SOT103", paths=[root / "app" / "use.py"])
    assert where(diags) == ["app/use.py:2"]


def test_same_name_without_a_shared_member_is_a_clash_not_a_copy(make_project: Make) -> None:
    """Home Assistant: `braviatv.const.SourceType` (APP, CHANNEL) and `device_tracker.const.
    SourceType` (GPS, ROUTER) are two ideas. Copies share a member name; a configured home
    tracks every definition of its name whatever the members."""
    files = {
        "app/__init__.py": "",
        "app/tracker.py": "import enum\n\n\nclass SourceType(enum.Enum):\n    GPS = 'gps'\n    ROUTER = 'router'\n",
        "app/tv.py": "import enum\n\n\nclass SourceType(enum.Enum):\n    APP = 'app'\n    CHANNEL = 'channel'\n",
        "app/use.py": "from app.tv import SourceType\n",
        "app/partial.py": "import enum\n\n\nclass Mode(enum.Enum):\n    A = 1\n    B = 2\n",
        "app/partial2.py": "import enum\n\n\nclass Mode(enum.Enum):\n    B = 2\n    C = 3\n",
    }
    root = make_project(files)
    assert where(lint(root, "SOT101")) == ["app/partial.py:4", "app/partial2.py:4"]
    assert where(lint(root, "SOT102")) == []
    config = '[tool.ssotlint.canonical]\nsymbols = { SourceType = "app.tracker" }\n'
    root = make_project(files, config, name="configured")
    assert where(lint(root, "SOT101")) == ["app/partial.py:4", "app/partial2.py:4", "app/tv.py:4"]
    assert where(lint(root, "SOT102")) == ["app/use.py:1"]


def test_member_less_copies_are_still_copies(make_project: Make) -> None:
    """Copy-pasted exceptions and method-only classes have no members to compare: a shared
    name is all there is, so they stay tracked (only all-different members mean a clash)."""
    body = "class ConfigError(Exception):\n    pass\n\n\nclass Client:\n    def get(self):\n        return 1\n"
    files = {
        "app/__init__.py": "",
        "app/a.py": body,
        "app/b.py": body,
        "app/use.py": "from app.a import ConfigError\nfrom app.a import Client\n",
        "app/use2.py": "from app.a import ConfigError\nfrom app.b import Client\n",
    }
    root = make_project(files, '[tool.ssotlint.canonical]\nkinds = ["class"]\n')
    assert where(lint(root, "SOT101")) == ["app/a.py:1", "app/a.py:5", "app/b.py:1", "app/b.py:5"]


def test_re_exports_of_a_suggested_home_count_as_compliant_sites(make_project: Make) -> None:
    files = {
        "app/__init__.py": "",
        "app/enums.py": enum("Status", {"A": 1}),
        "app/context.py": enum("Status", {"A": 1}),
        "app/schemas.py": "from app.enums import Status\n",
        **{f"app/u{i}.py": "from app.enums import Status\n" for i in range(3)},
        "app/r.py": "from app.schemas import Status\n",
        "app/w.py": "from app.context import Status\n",
    }
    result = check(make_project(files), "SOT102")
    assert where([d for d in result.diagnostics if d.code == "SOT102"]) == ["app/w.py:1"]
    sites = result.sites["SOT102"]
    assert (sites.examined, sites.compliant) == (6, 5)
