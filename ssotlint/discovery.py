"""Finding first-party modules: src roots, `exclude` globs, `.gitignore`, module names."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ssotlint.config import Config

ALWAYS_SKIPPED = frozenset(
    {
        ".bzr", ".direnv", ".eggs", ".git", ".hg", ".mypy_cache", ".nox", ".pytest_cache",
        ".ruff_cache", ".svn", ".tox", ".venv", "__pycache__", "__pypackages__", "_build",
        "buck-out", "build", "dist", "node_modules", "site-packages", "venv", ".ssotlint_cache",
    }
)  # fmt: skip


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute
    relpath: str  # relative to the project root, '/' separators
    module: str  # dotted module name
    is_package: bool  # an __init__.py
    # A module whose source is not Python: a Cython `.pyx`, a `.pyi` stub, a compiled `.so`/
    # `.pyd`. It exists for imports (names in it are unknown), and is never linted.
    opaque: bool = False


def _glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Translate a gitignore/exclude glob (with `**`) to a regex over relative paths."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            end = pattern.find("]", i)
            if end == -1:
                out.append(re.escape("["))
                i += 1
            else:
                out.append(fnmatch.translate(pattern[i : end + 1])[4:-3])
                i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + "(?:/.*)?$", re.DOTALL)


@dataclass(frozen=True)
class _IgnoreRule:
    base: str  # folder of the .gitignore, relative to root ('' for root)
    regex: re.Pattern[str]
    negated: bool
    dir_only: bool
    anchored: bool


def _parse_gitignore(path: Path, base: str) -> list[_IgnoreRule]:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    rules = []
    for raw in lines:
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        if negated:
            line = line[1:]
        dir_only = line.endswith("/")
        line = line.strip("/") if dir_only else line
        anchored = "/" in line.rstrip("/")
        line = line.lstrip("/")
        if not line:
            continue
        rules.append(_IgnoreRule(base, _glob_to_regex(line), negated, dir_only, anchored))
    return rules


def _ignored(rules: list[_IgnoreRule], relpath: str, is_dir: bool) -> bool:
    ignored = False
    for rule in rules:
        if rule.base:
            if not relpath.startswith(rule.base + "/"):
                continue
            local = relpath[len(rule.base) + 1 :]
        else:
            local = relpath
        if rule.dir_only and not is_dir:
            continue
        target = local if rule.anchored else local.rsplit("/", 1)[-1]
        if rule.regex.match(target):
            ignored = not rule.negated
    return ignored


class Excluder:
    def __init__(self, config: Config) -> None:
        # Like .gitignore (and ruff/flake8): a pattern without a slash matches at any depth.
        self.patterns = [
            _glob_to_regex(p.strip("/") if "/" in p.rstrip("/") else "**/" + p.strip("/"))
            for p in config.exclude
        ]

    def excluded(self, relpath: str) -> bool:
        return any(p.match(relpath) for p in self.patterns)


# `name.pyx`, `name.pyi`, `name.so`, `name.cpython-311-x86_64-linux-gnu.so`, `name.abi3.so`,
# `name.cp311-win_amd64.pyd`: the module `name` exists without Python source
OPAQUE = re.compile(r"^([A-Za-z_]\w*)(?:\.pyx|\.pyi|(?:\.[\w-]+)?\.(?:so|pyd))$")


def module_name(relative_to_src: str) -> tuple[str, bool]:
    parts = relative_to_src[:-3].split("/")
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _relpath(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def discover(config: Config) -> list[SourceFile]:
    """Every first-party `.py` file, in a stable order."""
    root = config.root
    excluder = Excluder(config)
    seen: set[Path] = set()
    found: list[SourceFile] = []
    opaque: dict[str, SourceFile] = {}
    for src in config.src:
        src_dir = (root / src).resolve()
        for path, rel_src in _walk(src_dir, root, excluder):
            try:
                real = path.resolve() if path.is_symlink() else path
            except (OSError, RuntimeError):  # a symlink loop (RuntimeError before 3.13)
                real = path
            if real in seen:  # under two src roots: the first one names it
                continue
            seen.add(real)
            match = None if rel_src.endswith(".py") else OPAQUE.match(path.name)
            if match is not None:
                folder = rel_src.rpartition("/")[0]
                as_py = f"{folder}/{match.group(1)}.py" if folder else f"{match.group(1)}.py"
                module, is_package = module_name(as_py)
                if module and not any(p.startswith(".") for p in as_py.split("/")):
                    opaque.setdefault(
                        module, SourceFile(path, _relpath(path, root), module, is_package, True)
                    )
                continue
            module, is_package = module_name(rel_src)
            # Names that no import statement can spell (`migrations/0001_initial.py`) are
            # still linted (importlib loads them); hidden or dotted names cannot be named.
            if not module or any(
                not part or part.startswith(".") or "." in part for part in rel_src[:-3].split("/")
            ):
                continue
            found.append(SourceFile(path, _relpath(path, root), module, is_package))
    with_source = {f.module for f in found}
    found.extend(f for module, f in opaque.items() if module not in with_source)
    found.sort(key=lambda f: f.relpath)
    return found


def _walk(src_dir: Path, root: Path, excluder: Excluder) -> Iterator[tuple[Path, str]]:
    rules: list[_IgnoreRule] = []
    gitignore = root / ".gitignore"
    if gitignore.is_file():
        rules.extend(_parse_gitignore(gitignore, ""))
    try:  # .gitignore files of the folders between the root and a src root apply too
        between = src_dir.relative_to(root).parts[:-1]
    except ValueError:
        between = ()
    for i in range(1, len(between) + 1):
        if (root.joinpath(*between[:i]) / ".gitignore").is_file():
            base = "/".join(between[:i])
            rules.extend(_parse_gitignore(root.joinpath(*between[:i]) / ".gitignore", base))
    visited: set[tuple[int, int]] = set()
    stack: list[tuple[Path, list[_IgnoreRule]]] = [(src_dir, rules)]
    while stack:
        folder, rules = stack.pop()
        try:
            stat = folder.stat()
        except OSError:
            continue
        if (stat.st_dev, stat.st_ino) in visited:  # symlink loop
            continue
        visited.add((stat.st_dev, stat.st_ino))
        rel_folder = _relpath(folder, root)
        local_ignore = folder / ".gitignore"
        if folder != root and local_ignore.is_file():
            rules = [*rules, *_parse_gitignore(local_ignore, rel_folder)]
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            rel = f"{rel_folder}/{entry.name}" if rel_folder not in ("", ".") else entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:  # a symlink loop: a `.py` one is listed, to be reported as SOT999
                is_dir = False
            if is_dir:
                if entry.name in ALWAYS_SKIPPED or entry.name.endswith(".egg-info"):
                    continue
                if excluder.excluded(rel) or _ignored(rules, rel, True):
                    continue
                stack.append((Path(entry.path), rules))
            elif entry.name.endswith(".py") or OPAQUE.match(entry.name):
                if excluder.excluded(rel) or _ignored(rules, rel, False):
                    continue
                path = Path(entry.path)
                yield path, _relpath(path, src_dir)
