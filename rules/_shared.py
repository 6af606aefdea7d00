"""Project-wide facts several rules need, computed once per index."""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass

from ssotlint.config import Config
from ssotlint.index import (
    ClassRecord,
    FunctionRecord,
    ImportRecord,
    Kind,
    ProjectIndex,
    Resolution,
    Span,
    _Columns,
    dotted,
)
from ssotlint.rule import FileContext


@dataclass(frozen=True)
class DeprecatedTarget:
    qualname: str  # as configured (or the decorated definition)
    message: str | None
    replacement: str | None
    drop_in: bool
    source: str  # 'config' | 'decorator'


def deprecated_symbols(index: ProjectIndex, config: Config) -> dict[str, DeprecatedTarget]:
    """Deprecated symbols keyed by both their configured path and their real definition."""

    def build() -> dict[str, DeprecatedTarget]:
        out: dict[str, DeprecatedTarget] = {}
        for target, dep in config.deprecated.items():
            if index.module_exists(target):
                continue  # a module: SOT202's business
            entry = DeprecatedTarget(target, dep.message, dep.replacement, dep.drop_in, "config")
            out[target] = entry
            res = index.resolve_dotted(target)
            if res.kind is Kind.DEFINITION:
                out.setdefault(res.qualname, entry)
        decorators = set(config.deprecated_decorators)
        for module, rec in index.modules.items():
            decorated: list[ClassRecord | FunctionRecord] = [
                *rec.classes.values(),
                *rec.functions.values(),
            ]
            for item in decorated:
                for name, message in item.decorators:
                    res = index.resolve_local(module, name)
                    if res.qualname in decorators or (
                        res.kind is Kind.UNKNOWN and name in decorators
                    ):
                        qual = f"{module}.{item.name}"
                        out.setdefault(
                            qual, DeprecatedTarget(qual, message, None, False, "decorator")
                        )
        return out

    return index.derived("deprecated-symbols", build)


def deprecated_modules(index: ProjectIndex, config: Config) -> dict[str, DeprecatedTarget]:
    def build() -> dict[str, DeprecatedTarget]:
        out = {}
        for target, dep in config.deprecated.items():
            if index.module_exists(target) or not index.is_first_party(target):
                out[target] = DeprecatedTarget(
                    target, dep.message, dep.replacement, dep.drop_in, "config"
                )
        return out

    return index.derived("deprecated-modules", build)


def deprecated_module_of(module: str, index: ProjectIndex, config: Config) -> str | None:
    """The deprecated module that `module` is or lies inside, if any."""
    targets = deprecated_modules(index, config)
    parts = module.split(".")
    for i in range(1, len(parts) + 1):
        if ".".join(parts[:i]) in targets:
            return ".".join(parts[:i])
    return None


def flagged_import(index: ProjectIndex, config: Config, module: str, name: str) -> str | None:
    """Why `from module import name` would itself be a finding, or None.

    A fix must not trade its finding for another rule's: with a config that contradicts
    itself (a canonical home that is deprecated, a replacement that is not the home) two
    rules would move one import back and forth on every run."""
    if deprecated_module_of(module, index, config) is not None:
        return "deprecated module"
    res = index.resolve(module, name)
    if lookup_deprecated(deprecated_symbols(index, config), f"{module}.{name}", res) is not None:
        return "deprecated symbol"
    info = tracked_names(index, config).get(res.name or name)
    if info is not None and info.home is not None and module != info.home:
        return "not the canonical home"
    return None


def lookup_deprecated(
    targets: Mapping[str, DeprecatedTarget], literal: str, res: Resolution
) -> DeprecatedTarget | None:
    if res.kind is Kind.DEFINITION and res.qualname in targets:
        return targets[res.qualname]
    return targets.get(literal)


@dataclass
class Tracked:
    name: str
    definitions: list[tuple[str, ClassRecord]]  # (module, class) first-party definitions
    home: str | None  # configured canonical module
    suggested: str | None  # the most imported definition when no home is configured

    @property
    def effective_home(self) -> str | None:
        return self.home or self.suggested

    def definition_in(self, module: str) -> ClassRecord | None:
        for mod, cls in self.definitions:
            if mod == module:
                return cls
        return None


def tracked_names(index: ProjectIndex, config: Config) -> dict[str, Tracked]:
    """Names that must have a single home: duplicated enums/classes and configured ones."""

    def build() -> dict[str, Tracked]:
        plain = index.fact("tracked-names", lambda: _tracked_plain(index, config))
        return {
            name: Tracked(name, [(m, index.modules[m].classes[name]) for m in defs], home, hint)
            for name, (defs, home, hint) in plain.items()
        }

    return index.derived("tracked-names", build)


def _tracked_plain(
    index: ProjectIndex, config: Config
) -> dict[str, tuple[list[str], str | None, str | None]]:
    """name -> (defining modules, configured home, suggested home): plain data, cacheable."""
    any_class = "class" in config.canonical_kinds
    canonical_modules = set(config.canonical_modules)
    # Group by name first (cheap); ask the costly "is it an enum?" only of the candidates: a
    # name in two modules, a configured name, a class of a canonical module.
    grouped: dict[str, list[str]] = {}
    for rec, cls in index.iter_classes():
        if not all(part.isidentifier() for part in rec.module.split(".")):
            continue  # `migrations/0001_initial.py`: no import can name it, nor its classes
        grouped.setdefault(cls.name, []).append(rec.module)
    by_name: dict[str, list[str]] = {}
    for name, mods in grouped.items():
        if not (
            len(set(mods)) >= 2
            or name in config.canonical_symbols
            or any(m in canonical_modules for m in mods)
        ):
            continue
        kept = [m for m in mods if any_class or index.is_enum(m, name)]
        if kept:
            by_name[name] = kept
    names = set()
    for name, mods in by_name.items():
        if len(set(mods)) < 2:
            continue
        # With no home configured, two definitions whose members are all different are a
        # name clash, not a copy: Home Assistant's `braviatv.const.SourceType` (APP,
        # CHANNEL, INPUT) and `device_tracker.const.SourceType` (GPS, ROUTER, ...) are two
        # ideas. Copies share a member name, or one has none to compare (copy-pasted
        # exceptions, classes with only methods); a configured home tracks every definition.
        members = {m: {k for k, _ in index.modules[m].classes[name].members} for m in mods}
        if any(
            not members[a] or not members[b] or members[a] & members[b]
            for i, a in enumerate(mods)
            for b in mods[i + 1 :]
            if a != b
        ):
            names.add(name)
    names.update(config.canonical_symbols)
    for name, mods in by_name.items():
        if any(mod in canonical_modules for mod in mods):
            names.add(name)
    counts = index.import_counts(frozenset(by_name))
    out = {}
    for name in sorted(names):
        mods = by_name.get(name, [])
        home = config.canonical_symbols.get(name)
        if home is None:
            home = next((m for m in mods if m in canonical_modules), None)
        suggested = None
        if home is None and mods:
            suggested = max(mods, key=lambda m: (counts[(m, name)], -len(m), m))
        out[name] = (mods, home, suggested)
    return out


def import_map(ctx: FileContext) -> dict[str, ImportRecord]:
    """Every name an import binds in this file, any scope (module scope wins)."""
    out: dict[str, ImportRecord] = {}
    for imp in ctx.record.imports:
        if imp.scope != "module":
            out.setdefault(imp.bound_name, imp)
    for imp in ctx.record.imports:
        if imp.scope == "module":
            out[imp.bound_name] = imp
    return out


def attribute_references(
    ctx: FileContext, names: Collection[str]
) -> Iterator[tuple[ast.Attribute, str]]:
    """`m.X` / `pkg.mod.X` expressions whose last part is in `names` and whose head is bound
    by an import in this file, with their dotted text. Found with `ast` (the file's tree is
    parsed once and shared), never libcst: positions come with the nodes."""
    text = ctx.text
    if not names or not any("." + name in text for name in names):
        return
    bound = import_map(ctx)
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Attribute) and node.attr in names:
            full = dotted(node)
            if full is not None and full.partition(".")[0] in bound:
                yield node, full


def node_span(ctx: FileContext, node: ast.AST) -> Span:
    columns = ctx.shared.get("columns")
    if columns is None:
        columns = ctx.shared["columns"] = _Columns(ctx.text)
    return columns.span(node)


def resolve_reference(ctx: FileContext, full: str) -> tuple[Resolution, str] | None:
    """Resolve `m.Sym` where `m` is bound by an import; also returns the module `Sym` is read from."""
    if full is None or "." not in full:
        return None
    head, _, rest = full.partition(".")
    imp = import_map(ctx).get(head)
    if imp is None:
        return None
    index = ctx.index
    if imp.is_from:
        assert imp.name is not None
        res = index.resolve(imp.module, imp.name)
    else:
        res = Resolution(Kind.MODULE, imp.module if imp.asname else head)
    owner = ""
    for attr in rest.split("."):
        if res.kind is Kind.MODULE:
            owner = res.module
            res = index.resolve(res.module, attr)
        elif res.kind is Kind.EXTERNAL:
            owner = res.qualname
            res = Resolution(Kind.EXTERNAL, res.qualname, attr)
        else:
            return None
    return res, owner


def members_comparison(dup: ClassRecord, canonical: ClassRecord) -> tuple[bool, str]:
    """(same members and values?, human description of the difference)."""
    a, b = dict(dup.members), dict(canonical.members)
    if a == b:
        return True, "same members and values"
    parts = []
    only_here = sorted(set(a) - set(b))
    only_there = sorted(set(b) - set(a))
    differ = sorted(k for k in set(a) & set(b) if a[k] != b[k])
    if only_here:
        parts.append("only here: " + ", ".join(only_here))
    if only_there:
        parts.append("only in canonical: " + ", ".join(only_there))
    if differ:
        parts.append("different values: " + ", ".join(f"{k} ({a[k]} vs {b[k]})" for k in differ))
    return False, "; ".join(parts)
