"""A tiny slice of Django 5.1.4's import patterns, so the real-code false-positive
checks in docs/real-code.md stay covered without vendoring Django.

Each file reproduces, in a few lines, a pattern that SOT101/SOT103 met in the
real tree (paths kept as in Django so the findings are easy to trace back).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run_cli

from ssotlint.cli import resolve_config
from ssotlint.discovery import discover
from ssotlint.engine import CheckOptions, run_check
from ssotlint.index import Kind, ProjectIndex, Resolution, build_record

DJANGO = {
    "django/__init__.py": "from django.utils.version import get_version\n\nVERSION = (5, 1, 4)\n",
    "django/utils/__init__.py": "",
    "django/utils/version.py": (
        "import sys\n\nPY311 = sys.version_info >= (3, 11)\n\n\ndef get_version():\n    pass\n"
    ),
    "django/utils/functional.py": "class LazyObject:\n    pass\n\n\nempty = object()\n",
    # `settings` exists by assignment; `global_settings` is a submodule imported by name
    "django/conf/__init__.py": (
        "from django.conf import global_settings\n"
        "from django.utils.functional import LazyObject, empty\n\n\n"
        "class LazySettings(LazyObject):\n    pass\n\n\n"
        "settings = LazySettings()\n"
    ),
    "django/conf/global_settings.py": "DEBUG = False\n",
    "django/db/__init__.py": "from django.db.utils import DEFAULT_DB_ALIAS\n",
    "django/db/utils.py": "DEFAULT_DB_ALIAS = 'default'\n",
    # a package importing its own submodule by absolute name, star re-exports with
    # `__all__` imported under another name and concatenated
    "django/db/models/__init__.py": (
        "from django.db.models import signals\n"
        "from django.db.models.aggregates import *  # NOQA\n"
        "from django.db.models.aggregates import __all__ as aggregates_all\n"
        "from django.db.models.enums import *  # NOQA\n"
        "from django.db.models.enums import __all__ as enums_all\n"
        "\n"
        "__all__ = aggregates_all + enums_all\n"
        "__all__ += ['signals']\n"
    ),
    "django/db/models/signals.py": "class ModelSignal:\n    pass\n\n\npost_save = ModelSignal()\n",
    "django/db/models/aggregates.py": "__all__ = ['Count']\n\n\nclass Count:\n    pass\n",
    # a Python < 3.11 polyfill of enum.IntEnum in the `else:` of a version check
    "django/db/models/enums.py": (
        "import enum\n"
        "\n"
        "from django.utils.version import PY311\n"
        "\n"
        "if PY311:\n"
        "    from enum import EnumType, IntEnum, StrEnum\n"
        "else:\n"
        "    from enum import EnumMeta as EnumType\n"
        "\n"
        "    class ReprEnum(enum.Enum):\n"
        "        pass\n"
        "\n"
        "    class IntEnum(int, ReprEnum):\n"
        "        pass\n"
        "\n"
        "    class StrEnum(str, ReprEnum):\n"
        "        pass\n"
        "\n"
        "\n"
        "__all__ = ['Choices', 'IntegerChoices', 'TextChoices']\n"
        "\n"
        "\n"
        "class ChoicesType(EnumType):\n"
        "    pass\n"
        "\n"
        "\n"
        "class Choices(enum.Enum, metaclass=ChoicesType):\n"
        "    pass\n"
        "\n"
        "\n"
        "class IntegerChoices(Choices, IntEnum):\n"
        "    pass\n"
        "\n"
        "\n"
        "class TextChoices(Choices, StrEnum):\n"
        "    pass\n"
    ),
    "django/db/backends/__init__.py": "",
    "django/db/backends/postgresql/__init__.py": "",
    # third-party driver shims: try/except ImportError, chained alias assignments
    "django/db/backends/postgresql/psycopg_any.py": (
        "import ipaddress\n"
        "\n"
        "try:\n"
        "    from psycopg import IsolationLevel, errors, sql\n"
        "    from psycopg.types.range import Range\n"
        "\n"
        "    Inet = ipaddress.ip_address\n"
        "    DateRange = DateTimeRange = DateTimeTZRange = NumericRange = Range\n"
        "except ImportError:\n"
        "    from enum import IntEnum\n"
        "\n"
        "    from psycopg2 import errors, sql  # NOQA\n"
        "    from psycopg2.extras import DateRange, DateTimeRange, DateTimeTZRange, Inet  # NOQA\n"
        "    from psycopg2.extras import NumericRange, Range  # NOQA\n"
        "\n"
        "    class IsolationLevel(IntEnum):\n"
        "        READ_UNCOMMITTED = 1\n"
    ),
    "django/db/backends/postgresql/base.py": (
        "from django.db.backends.postgresql.psycopg_any import (\n"
        "    IsolationLevel,\n"
        "    NumericRange,\n"
        "    errors,\n"
        ")\n"
    ),
    # the package imports a submodule for its side effects
    "django/template/__init__.py": (
        "from .base import Template  # NOQA isort:skip\n"
        "\n"
        "# Import the .autoreload module to trigger the registrations of signals.\n"
        "from . import autoreload  # NOQA isort:skip\n"
        "\n"
        "__all__ = ('Template',)\n"
    ),
    "django/template/base.py": "class Template:\n    pass\n",
    "django/template/autoreload.py": "from django.db.models import signals\n",
    "django/contrib/__init__.py": "",
    "django/contrib/auth/__init__.py": "",
    "django/contrib/auth/validators.py": "class UnicodeUsernameValidator:\n    pass\n",
    "django/contrib/auth/models.py": (
        "from django.db import models\nfrom django.db.models import signals\n\n\n"
        "class User:\n    pass\n"
    ),
    "django/contrib/auth/migrations/__init__.py": "",
    # a migration: not an importable name, still linted
    "django/contrib/auth/migrations/0001_initial.py": (
        "import django.contrib.auth.models\n"
        "from django.contrib.auth import validators\n"
        "from django.db import models\n"
        "from django.db.models import signals, Count, TextChoices\n"
    ),
    # tests/ is not a package root in Django; with src = ["."] it is `tests.*`
    "tests/admin_scripts/broken_app/models.py": "from django.db import modelz  # NOQA\n",
    "tests/template_tests/broken_tag.py": "from django import Xtemplate  # NOQA\n",
    "tests/migrations/__init__.py": "",
    "tests/migrations/models.py": "class UnicodeModel:\n    pass\n",
    "tests/migrations/test_writer.py": (
        "import enum\n"
        "\n"
        "from django.conf import settings\n"
        "from django.db import models\n"
        "\n"
        "from .models import UnicodeModel\n"
        "from ..template_tests import broken_tag\n"
        "\n"
        "\n"
        "class IntEnum(enum.IntEnum):\n"
        "    A = 1\n"
        "    B = 2\n"
    ),
    "tests/template_tests/__init__.py": "",
    # one dot too many for `tests.sphinx.testdata.package`: this once resolved to the
    # stdlib `test` package instead of failing like Python does
    "tests/sphinx/__init__.py": "",
    "tests/sphinx/testdata/package/__init__.py": "",
    "tests/sphinx/testdata/package/import_error.py": "from .....test import Test  # noqa\n",
}
CONFIG = 'src = ["."]\n'


@pytest.fixture
def django(make_project: Callable[..., Path]) -> Path:
    return make_project(DJANGO, CONFIG, name="django-slice")


def codes(root: Path, select: str) -> list[str]:
    result = run_check(resolve_config(None, root), CheckOptions(select=[select], use_cache=False))
    return [f"{d.path}:{d.line} {d.code}" for d in result.diagnostics]


def index(root: Path) -> ProjectIndex:
    config = resolve_config(None, root)
    return ProjectIndex(
        build_record(f.module, f.relpath, f.is_package, f.path.read_bytes())
        for f in discover(config)
    )


def test_sot103_is_clean_on_the_slice(django: Path) -> None:
    """The deliberately broken imports carry a bare `# NOQA` / `# noqa`."""
    assert codes(django, "SOT103") == []


def test_the_broken_test_fixtures_are_genuine_findings(django: Path) -> None:
    broken = (
        "tests/admin_scripts/broken_app/models.py",
        "tests/sphinx/testdata/package/import_error.py",
        "tests/template_tests/broken_tag.py",
    )
    for rel in broken:
        path = django / rel
        path.write_text(path.read_text().replace("  # NOQA", "").replace("  # noqa", ""))
    result = run_check(
        resolve_config(None, django), CheckOptions(select=["SOT103"], use_cache=False)
    )
    assert [(d.path, d.line, d.message) for d in result.diagnostics] == [
        ("tests/admin_scripts/broken_app/models.py", 1, "`modelz` is not defined in `django.db`"),
        (
            "tests/sphinx/testdata/package/import_error.py",
            1,
            "relative import goes beyond the top-level package",
        ),
        ("tests/template_tests/broken_tag.py", 1, "`Xtemplate` is not defined in `django`"),
    ]


def test_package_importing_its_own_submodule(django: Path) -> None:
    idx = index(django)
    assert idx.resolve("django.db.models", "signals") == Resolution(
        Kind.MODULE, "django.db.models.signals"
    )
    assert idx.resolve("django.template", "autoreload") == Resolution(
        Kind.MODULE, "django.template.autoreload"
    )
    assert idx.resolve("django.conf", "global_settings") == Resolution(
        Kind.MODULE, "django.conf.global_settings"
    )
    # and attribute paths through it resolve (SOT201 follows these)
    post_save = idx.resolve_dotted("django.db.models.signals.post_save")
    assert (post_save.kind, post_save.module) == (Kind.DEFINITION, "django.db.models.signals")


def test_star_reexports_and_assigned_names(django: Path) -> None:
    idx = index(django)
    count = idx.resolve("django.db.models", "Count")
    assert (count.module, count.name, count.via) == (
        "django.db.models.aggregates",
        "Count",
        ("django.db.models",),
    )
    assert idx.resolve("django.db.models", "TextChoices").module == "django.db.models.enums"
    assert idx.resolve("django.conf", "settings").kind is Kind.DEFINITION
    assert idx.modules["django.db.models"].all_names == ["signals"]  # `+` of imports: opaque


def test_driver_shim_aliases(django: Path) -> None:
    idx = index(django)
    shim = "django.db.backends.postgresql.psycopg_any"
    numeric = idx.resolve(shim, "NumericRange")
    assert numeric == Resolution(Kind.EXTERNAL, "psycopg.types.range", "Range", (shim,))
    assert idx.resolve(shim, "IsolationLevel").kind is Kind.EXTERNAL  # the first binding wins
    assert idx.is_enum(shim, "IsolationLevel")  # the fallback class is still an enum


def test_polyfill_enum_bases(django: Path) -> None:
    idx = index(django)
    assert idx.is_enum("django.db.models.enums", "IntEnum")  # the polyfill class itself
    assert idx.is_enum("django.db.models.enums", "IntegerChoices")
    assert idx.is_enum("django.db.models.enums", "TextChoices")


def test_migrations_are_linted(django: Path) -> None:
    idx = index(django)
    assert "django.contrib.auth.migrations.0001_initial" in idx.modules
    migration = django / "django/contrib/auth/migrations/0001_initial.py"
    migration.write_text(migration.read_text() + "from django.contrib.auth.models import Gone\n")
    assert codes(django, "SOT103") == ["django/contrib/auth/migrations/0001_initial.py:5 SOT103"]


def test_sot101_reports_only_the_same_named_enums(django: Path) -> None:
    """Django's `IntEnum` polyfill has no members to compare with the test's `IntEnum` (A, B):
    both are reported (a clash is only assumed when both have members and none is shared)."""
    (django / "pyproject.toml").write_text(
        '[tool.ssotlint]\nsrc = ["."]\n\n[tool.ssotlint.canonical]\nkinds = ["enum"]\n'
    )
    proc = run_cli("check", "--select", "SOT101", "--format", "json", "--no-cache", cwd=django)
    assert proc.returncode == 1, proc.stderr
    found = [(d["path"], d["line"], d["code"]) for d in json.loads(proc.stdout)]
    assert found == [
        ("django/db/models/enums.py", 13, "SOT101"),
        ("tests/migrations/test_writer.py", 10, "SOT101"),
    ]


def test_index_rules_on_the_slice(django: Path) -> None:
    """Every index-based rule (SOT1xx, SOT2xx, SOT9xx): only the enum pair remains."""
    proc = run_cli(
        "check", "--select", "SOT1,SOT2,SOT9", "--format", "json", "--no-cache", cwd=django
    )
    assert proc.returncode == 1, proc.stderr
    assert sorted({d["code"] for d in json.loads(proc.stdout)}) == ["SOT101"]
