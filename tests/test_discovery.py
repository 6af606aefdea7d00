"""Discovery: which files are first-party modules, and what they are called."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ssotlint.cli import resolve_config
from ssotlint.discovery import discover, module_name


def found(root: Path) -> dict[str, str]:
    """relpath -> module name of every discovered file."""
    return {f.relpath: f.module for f in discover(resolve_config(None, root))}


def touch(root: Path, *rels: str) -> None:
    for rel in rels:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("X = 1\n")


# --- module names ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ("a/b/c.py", ("a.b.c", False)),
        ("a/b/__init__.py", ("a.b", True)),
        ("a/__init__.py", ("a", True)),
        ("top.py", ("top", False)),
        ("a/__main__.py", ("a.__main__", False)),
        ("__init__.py", ("", True)),  # a root __init__.py names no module
    ],
)
def test_module_name(rel: str, expected: tuple[str, bool]) -> None:
    assert module_name(rel) == expected


def test_discovered_names_and_packages(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "a/__init__.py": "",
            "a/b/__init__.py": "",
            "a/b/c.py": "",
            "ns/mod.py": "",  # namespace package: no __init__.py
            "top.py": "",
            "a/stub.pyi": "",
            "a/notes.txt": "",
        }
    )
    files = {f.relpath: f for f in discover(resolve_config(None, root))}
    assert sorted(files) == [
        "a/__init__.py", "a/b/__init__.py", "a/b/c.py", "a/stub.pyi", "ns/mod.py", "top.py"
    ]  # fmt: skip
    # a stub names a module that exists (compiled, say) but is not linted
    assert [f.relpath for f in files.values() if f.opaque] == ["a/stub.pyi"]
    assert files["a/stub.pyi"].module == "a.stub"
    assert files["a/b/__init__.py"].module == "a.b" and files["a/b/__init__.py"].is_package
    assert files["a/b/c.py"].module == "a.b.c" and not files["a/b/c.py"].is_package
    assert files["ns/mod.py"].module == "ns.mod"
    assert files["top.py"].path == root / "top.py"


def test_order_is_stable_and_sorted(make_project: Callable[..., Path]) -> None:
    root = make_project({"z.py": "", "a/z.py": "", "a/b.py": "", "m.py": ""})
    rels = list(found(root))
    assert rels == sorted(rels)
    assert rels == list(found(root))


def test_unimportable_file_names(make_project: Callable[..., Path]) -> None:
    """Migrations like `0001_initial.py` are linted (importlib loads them); hidden files are not."""
    root = make_project(
        {
            "app/__init__.py": "",
            "app/migrations/__init__.py": "",
            "app/migrations/0001_initial.py": "from app import models\n",
            "app/.hidden.py": "",
            "app/.hidden_dir/mod.py": "",
            "app/dotted.name/mod.py": "",
            "my-scripts/run-it.py": "",
        }
    )
    names = found(root)
    assert names["app/migrations/0001_initial.py"] == "app.migrations.0001_initial"
    assert names["my-scripts/run-it.py"] == "my-scripts.run-it"
    assert "app/.hidden.py" not in names
    assert "app/.hidden_dir/mod.py" not in names
    assert "app/dotted.name/mod.py" not in names


def test_src_roots_name_modules_relative_to_the_root(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "src/app/__init__.py": "",
            "src/app/core.py": "",
            "libs/shared/util.py": "",
            "tools/script.py": "",
        },
        'src = ["src", "libs"]\n',
    )
    assert found(root) == {
        "libs/shared/util.py": "shared.util",
        "src/app/__init__.py": "app",
        "src/app/core.py": "app.core",
    }


def test_nested_src_root_is_not_discovered_twice(make_project: Callable[..., Path]) -> None:
    root = make_project({"src/app/mod.py": "", "other.py": ""}, 'src = ["src", "."]\n')
    names = found(root)
    assert names["src/app/mod.py"] == "app.mod"  # the first root that holds a file names it
    assert names["other.py"] == "other"
    assert len(names) == 2


# --- exclude ---------------------------------------------------------------------


def test_exclude_globs(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/keep.py": "",
            "backup/__init__.py": "",
            "backup/old/app.py": "",
            "app/gen_models.py": "",
            "app/sub/gen_more.py": "",
            "app/legacy/x.py": "",
        },
        'exclude = ["backup/**", "app/gen_*.py", "app/legacy"]\n',
    )
    assert sorted(found(root)) == ["app/__init__.py", "app/keep.py", "app/sub/gen_more.py"]


def test_exclude_recursive_glob_and_basename(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/migrations/0001_initial.py": "",
            "app/sub/migrations/0002_more.py": "",
            "migrations/top.py": "",
            "app/conftest.py": "",
            "conftest.py": "",
            "app/models.py": "",
        },
        'exclude = ["**/migrations/**", "conftest.py"]\n',
    )
    # like ruff, flake8 and .gitignore: a pattern without a slash matches at any depth
    assert sorted(found(root)) == ["app/__init__.py", "app/models.py"]


def test_exclude_is_relative_to_the_project_root(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {"src/app/__init__.py": "", "src/app/legacy/old.py": "", "src/app/new.py": ""},
        'src = ["src"]\nexclude = ["src/app/legacy/**"]\n',
    )
    assert sorted(found(root)) == ["src/app/__init__.py", "src/app/new.py"]


# --- .gitignore ------------------------------------------------------------------


def test_root_gitignore(make_project: Callable[..., Path]) -> None:
    root = make_project({})
    touch(
        root,
        "app/__init__.py",
        "app/generated_pb2.py",
        "app/keep_pb2.py",
        "out/x.py",
        "app/out/y.py",
        "rootonly.py",
        "app/rootonly.py",
        "app/sub/deep/gen.py",
        "notes/a.py",
    )
    (root / ".gitignore").write_text(
        "# comment\n"
        "\n"
        "*_pb2.py\n"
        "!keep_pb2.py\n"
        "out/\n"  # a folder at any depth
        "/rootonly.py\n"  # anchored to the root
        "app/sub/**/gen.py\n"
        "notes   \n"  # trailing spaces are ignored
    )
    assert sorted(found(root)) == ["app/__init__.py", "app/keep_pb2.py", "app/rootonly.py"]


def test_dir_only_pattern_does_not_match_files(make_project: Callable[..., Path]) -> None:
    root = make_project({})
    touch(root, "a/skip.py", "b/skip.py/inner.py", "c/cache/x.py", "c/cache.py")
    (root / ".gitignore").write_text("skip.py/\ncache/\n")
    assert sorted(found(root)) == ["a/skip.py", "c/cache.py"]


def test_negation_cannot_reinclude_inside_an_ignored_folder(
    make_project: Callable[..., Path],
) -> None:
    root = make_project({})
    touch(root, "vendor/lib.py", "vendor/keep.py", "gen/a.py", "gen/b.py")
    (root / ".gitignore").write_text("vendor/\n!vendor/keep.py\ngen/*\n!gen/b.py\n")
    # git semantics: a file under an excluded folder cannot be re-included,
    # but `gen/*` excludes files, so `!gen/b.py` brings one back
    assert sorted(found(root)) == ["gen/b.py"]


def test_nested_gitignore(make_project: Callable[..., Path]) -> None:
    root = make_project({})
    touch(
        root,
        "pkg/__init__.py",
        "pkg/local_tmp.py",
        "pkg/sub/local_x.py",
        "pkg/sub/keep.py",
        "pkg/anchored.py",
        "pkg/sub/anchored.py",
        "other/local_tmp.py",
        "other/ignored_by_root.py",
        "pkg/ignored_by_root.py",
    )
    (root / ".gitignore").write_text("ignored_by_root.py\n")
    (root / "pkg" / ".gitignore").write_text("local_*.py\n/anchored.py\n!ignored_by_root.py\n")
    assert sorted(found(root)) == [
        "other/local_tmp.py",  # the nested .gitignore applies under its own folder only
        "pkg/__init__.py",
        "pkg/ignored_by_root.py",  # re-included by the deeper .gitignore
        "pkg/sub/anchored.py",  # `/anchored.py` is anchored to pkg/
        "pkg/sub/keep.py",
    ]


def test_gitignore_between_root_and_src_root(make_project: Callable[..., Path]) -> None:
    root = make_project({}, 'src = ["libs/python"]\n')
    touch(root, "libs/python/app/mod.py", "libs/python/app/secret_local.py")
    (root / "libs" / ".gitignore").write_text("*_local.py\n")
    assert sorted(found(root)) == ["libs/python/app/mod.py"]


# --- always skipped, symlinks ------------------------------------------------------


@pytest.mark.parametrize(
    "folder",
    [".venv", "venv", "__pycache__", "node_modules", ".git", ".tox", "build", "dist",
     "site-packages", "proj.egg-info", ".mypy_cache"],
)  # fmt: skip
def test_always_skipped_folders(make_project: Callable[..., Path], folder: str) -> None:
    root = make_project({"app/mod.py": "", f"{folder}/x.py": "", f"app/{folder}/y.py": ""})
    assert sorted(found(root)) == ["app/mod.py"]


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_symlink_loop_does_not_hang(make_project: Callable[..., Path]) -> None:
    root = make_project({"pkg/__init__.py": "", "pkg/sub/mod.py": ""})
    os.symlink("..", root / "pkg" / "sub" / "up")  # pkg/sub/up -> pkg
    os.symlink(".", root / "pkg" / "self")
    os.symlink(root / "pkg", root / "pkg" / "sub" / "abs")
    assert sorted(found(root)) == ["pkg/__init__.py", "pkg/sub/mod.py"]


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_symlinked_file_is_found_once(make_project: Callable[..., Path]) -> None:
    root = make_project({"pkg/real.py": ""})
    os.symlink(root / "pkg" / "real.py", root / "pkg" / "alias.py")
    assert len(found(root)) == 1


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_dangling_symlink_is_reported_not_fatal(make_project: Callable[..., Path]) -> None:
    from ssotlint.engine import CheckOptions, run_check

    root = make_project({"pkg/ok.py": "X = 1\n"})
    os.symlink(root / "missing.py", root / "pkg" / "dangling.py")
    result = run_check(resolve_config(None, root), CheckOptions(use_cache=False))
    assert [(d.path, d.code) for d in result.diagnostics] == [("pkg/dangling.py", "SOT999")]


def test_unreadable_folder_is_skipped(make_project: Callable[..., Path]) -> None:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root reads every folder")
    root = make_project({"ok.py": "", "locked/x.py": ""})
    (root / "locked").chmod(0)
    try:
        assert sorted(found(root)) == ["ok.py"]
    finally:
        (root / "locked").chmod(0o755)


def test_engine_uses_discovery(make_project: Callable[..., Path]) -> None:
    """Excluded files are neither indexed nor linted: an import of them is unresolved."""
    from ssotlint.engine import CheckOptions, run_check

    root = make_project(
        {
            "app/__init__.py": "",
            "app/use.py": "from app.backup.old import Thing\n",
            "app/backup/old.py": "class Thing:\n    pass\n",
            "app/backup/broken.py": "from app.nowhere import X\n",
        },
        'exclude = ["app/backup/**"]\n',
    )
    result = run_check(resolve_config(None, root), CheckOptions(select=["SOT103"], use_cache=False))
    assert [(d.path, d.line) for d in result.diagnostics] == [("app/use.py", 1)]
    assert result.files_checked == 2
