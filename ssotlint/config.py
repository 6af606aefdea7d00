"""`[tool.ssotlint]` loading and validation.

Every error names the offending key and the file, because a linter whose
config silently does nothing is worse than no linter.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


class ConfigError(Exception):
    """A configuration problem; the CLI turns it into exit code 2."""


@dataclass(frozen=True)
class Deprecation:
    target: str
    message: str | None = None
    replacement: str | None = None
    drop_in: bool = False


DEFAULT_WEIGHTS: dict[str, float] = {"SOT1": 3.0, "SOT2": 2.0, "SOT3": 2.0, "SOT4": 3.0}
DEFAULT_DECORATORS = ("warnings.deprecated", "typing_extensions.deprecated")


@dataclass(frozen=True)
class Config:
    root: Path
    source: Path | None = None
    src: tuple[str, ...] = (".",)
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ("SOT",)
    ignore: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    fail_under: float | None = None
    baseline: str | None = None
    canonical_modules: tuple[str, ...] = ()
    canonical_symbols: Mapping[str, str] = field(default_factory=dict)
    canonical_kinds: tuple[str, ...] = ("enum",)
    deprecated: Mapping[str, Deprecation] = field(default_factory=dict)
    deprecated_decorators: tuple[str, ...] = DEFAULT_DECORATORS
    test_bases: tuple[str, ...] = ()
    test_async_base: str | None = None
    test_extra_fixtures: tuple[str, ...] = ()
    score_weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    imports_check_try_except: bool = True
    imports_check_type_checking: bool = True
    origins: Mapping[str, str] = field(default_factory=dict)

    def contradictions(self) -> list[str]:
        """Config entries that pull one import two ways: findings stay, fixes are withheld."""

        def deprecated_prefix(module: str) -> str | None:
            parts = module.split(".")
            return next(
                (".".join(parts[:i]) for i in range(1, len(parts) + 1)
                 if ".".join(parts[:i]) in self.deprecated),
                None,
            )  # fmt: skip

        out = []
        for key, dep in self.deprecated.items():
            if dep.replacement == key:
                out.append(f"deprecated `{key}` names itself as its replacement")
        for name, home in self.canonical_symbols.items():
            if f"{home}.{name}" in self.deprecated:
                out.append(f"`{home}.{name}` is the canonical `{name}` and also deprecated")
            elif (prefix := deprecated_prefix(home)) is not None:
                out.append(f"the canonical home of `{name}`, `{home}`, is deprecated (`{prefix}`)")
            for key, dep in self.deprecated.items():
                module, _, replaced = (dep.replacement or "").rpartition(".")
                if replaced == name and module and module != home and key != f"{home}.{name}":
                    out.append(
                        f"`{key}` is replaced by `{dep.replacement}`, but the canonical "
                        f"`{name}` lives in `{home}`"
                    )
        for module in self.canonical_modules:
            if (prefix := deprecated_prefix(module)) is not None:
                out.append(f"canonical module `{module}` is deprecated (`{prefix}`)")
        return out

    def digest(self) -> str:
        """Stable hash of everything that changes findings (cache key)."""
        data = asdict(self)
        data.pop("origins")
        data["root"] = str(self.root)
        data["source"] = str(self.source)
        blob = json.dumps(data, sort_keys=True, default=str).encode()
        return hashlib.blake2b(blob, digest_size=16).hexdigest()

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["root"] = str(self.root)
        data["source"] = str(self.source) if self.source else None
        data["deprecated"] = {k: asdict(v) for k, v in self.deprecated.items()}
        return data


def find_project_root(start: Path) -> tuple[Path, Path | None]:
    """Nearest folder upward whose pyproject.toml has `[tool.ssotlint]`."""
    start = Path(os.path.realpath(start))  # Path.resolve() raises on a symlink loop (< 3.13)
    if start.is_file() or start.is_symlink():
        start = start.parent
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                # A broken pyproject on the way up is reported only if it is ours.
                if b"[tool.ssotlint" in candidate.read_bytes():
                    return folder, candidate
                continue
            if isinstance(data.get("tool"), dict) and "ssotlint" in data["tool"]:
                return folder, candidate
    return Path.cwd().resolve(), None


def load_config(
    root: Path,
    pyproject: Path | None,
    known_codes: Iterable[str],
) -> Config:
    if pyproject is None:
        return Config(root=root, origins={"*": "defaults (no [tool.ssotlint] found)"})
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{pyproject}: cannot read: {exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{pyproject}: invalid TOML: {exc}") from exc
    section = data.get("tool", {}).get("ssotlint", {})
    return parse_config(section, root, pyproject, frozenset(known_codes))


class _Reader:
    """Typed access to one table that remembers which keys were consumed."""

    def __init__(self, table: Any, prefix: str, source: Path) -> None:
        self.prefix = prefix
        self.source = source
        if not isinstance(table, dict):
            self.fail(prefix, "must be a table")
        self.table: dict[str, Any] = table
        self.used: set[str] = set()

    def fail(self, key: str, problem: str) -> None:
        raise ConfigError(f"{self.source}: `{key}` {problem}")

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}"

    def get(self, name: str) -> Any:
        self.used.add(name)
        return self.table.get(name)

    def str_list(self, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = self.get(name)
        if value is None:
            return default
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(self.key(name), "must be a list of strings")
        return tuple(value)

    def string(self, name: str) -> str | None:
        value = self.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(self.key(name), "must be a string")
        return str(value)

    def number(self, name: str) -> float | None:
        value = self.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(self.key(name), "must be a number")
        return float(value)

    def boolean(self, name: str, default: bool) -> bool:
        value = self.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(self.key(name), "must be true or false")
        return bool(value)

    def sub(self, name: str) -> _Reader:
        value = self.get(name)
        return _Reader({} if value is None else value, self.key(name), self.source)

    def finish(self, allowed_extra: Callable[[str], bool] = lambda _: False) -> None:
        for name in self.table:
            if name not in self.used and not allowed_extra(name):
                self.fail(self.key(name), "is not a known setting")


def _check_codes(reader: _Reader, key: str, codes: tuple[str, ...], known: frozenset[str]) -> None:
    for code in codes:
        if not any(k.startswith(code) for k in known) or not code.startswith("SOT"):
            reader.fail(key, f"names unknown rule code or prefix {code!r}")


def _dotted(reader: _Reader, key: str, value: str) -> None:
    parts = value.split(".")
    if not value or not all(p.isidentifier() for p in parts):
        reader.fail(key, f"must be a dotted Python name, got {value!r}")


def parse_config(section: Any, root: Path, source: Path, known: frozenset[str]) -> Config:
    top = _Reader(section, "tool.ssotlint", source)
    origin = str(source)
    src = top.str_list("src", (".",))
    for folder in src:
        if not (root / folder).is_dir():
            top.fail(top.key("src"), f"entry {folder!r} is not a folder under {root}")
    select = top.str_list("select", ("SOT",))
    ignore = top.str_list("ignore", ())
    _check_codes(top, top.key("select"), select, known)
    _check_codes(top, top.key("ignore"), ignore, known)
    pfi_raw = top.get("per-file-ignores") or {}
    if not isinstance(pfi_raw, dict):
        top.fail(top.key("per-file-ignores"), "must be a table of glob = [codes]")
    per_file: dict[str, tuple[str, ...]] = {}
    for glob, codes in pfi_raw.items():
        key = f"{top.key('per-file-ignores')}.{glob}"
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            top.fail(key, "must be a list of rule codes")
        _check_codes(top, key, tuple(codes), known)
        per_file[glob] = tuple(codes)
    fail_under = top.number("fail-under")
    if fail_under is not None and not 0 <= fail_under <= 100:
        top.fail(top.key("fail-under"), "must be between 0 and 100")

    canonical = top.sub("canonical")
    modules = canonical.str_list("modules", ())
    for mod in modules:
        _dotted(canonical, canonical.key("modules"), mod)
    symbols_raw = canonical.get("symbols") or {}
    if not isinstance(symbols_raw, dict) or not all(
        isinstance(v, str) for v in symbols_raw.values()
    ):
        canonical.fail(canonical.key("symbols"), "must be a table of Name = 'module'")
    for name, mod in symbols_raw.items():
        _dotted(canonical, f"{canonical.key('symbols')}.{name}", mod)
    kinds = canonical.str_list("kinds", ("enum",))
    for kind in kinds:
        if kind not in ("enum", "class"):
            canonical.fail(canonical.key("kinds"), f"accepts 'enum' or 'class', got {kind!r}")
    canonical.finish()

    dep = top.sub("deprecated")
    decorators = dep.str_list("decorators", DEFAULT_DECORATORS)
    deprecations: dict[str, Deprecation] = {}
    for target, spec in dep.table.items():
        if target == "decorators":
            continue
        key = dep.key(f'"{target}"')
        _dotted(dep, key, target)
        entry = _Reader(spec, key, source)
        replacement = entry.string("replacement")
        if replacement is not None:
            _dotted(entry, entry.key("replacement"), replacement)
        drop_in = entry.boolean("drop-in", False)
        if drop_in and replacement is None:
            entry.fail(entry.key("drop-in"), "needs a `replacement`")
        deprecations[target] = Deprecation(target, entry.string("message"), replacement, drop_in)
        entry.finish()

    tests = top.sub("tests")
    bases = tests.str_list("bases", ())
    for base in bases:
        _dotted(tests, tests.key("bases"), base)
    async_base = tests.string("async-base")
    if async_base is not None:
        _dotted(tests, tests.key("async-base"), async_base)
    extra = tests.str_list("extra-fixtures", ())
    tests.finish()

    score = top.sub("score")
    weights_raw = score.get("weights")
    weights = dict(DEFAULT_WEIGHTS)
    if weights_raw is not None:
        if not isinstance(weights_raw, dict):
            score.fail(score.key("weights"), "must be a table like { SOT1 = 3 }")
        for family, weight in weights_raw.items():
            if family not in DEFAULT_WEIGHTS:
                score.fail(f"{score.key('weights')}.{family}", "is not a family (SOT1..SOT4)")
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
                score.fail(f"{score.key('weights')}.{family}", "must be a number >= 0")
            weights[family] = float(weight)
    score.finish()

    imports = top.sub("imports")
    check_try = imports.boolean("check-try-except", True)
    check_tc = imports.boolean("check-type-checking", True)
    imports.finish()

    top.str_list("exclude", ())
    top.string("baseline")
    top.finish()
    origins = {k: origin for k in section}
    return Config(
        root=root,
        source=source,
        src=src,
        exclude=top.str_list("exclude", ()),
        select=select,
        ignore=ignore,
        per_file_ignores=per_file,
        fail_under=fail_under,
        baseline=top.string("baseline"),
        canonical_modules=modules,
        canonical_symbols=dict(symbols_raw),
        canonical_kinds=kinds,
        deprecated=deprecations,
        deprecated_decorators=decorators,
        test_bases=bases,
        test_async_base=async_base,
        test_extra_fixtures=extra,
        score_weights=weights,
        imports_check_try_except=check_try,
        imports_check_type_checking=check_tc,
        origins=origins,
    )
