"""Running rules over a project: index build (cached, pooled), checks, suppressions, fixes."""

from __future__ import annotations

import ast
import difflib
import gc
import hashlib
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ssotlint import __version__, suppressions
from ssotlint.cache import Cache
from ssotlint.catalogue import SLUGS
from ssotlint.config import Config
from ssotlint.diagnostics import Diagnostic, Fix, Sites
from ssotlint.discovery import SourceFile, _glob_to_regex, discover
from ssotlint.index import (
    ModuleRecord,
    ProjectIndex,
    Span,
    build_record,
    content_digest,
    index_digest,
    shape,
)

if TYPE_CHECKING:
    from ssotlint.rule import FileContext, Rule
from ssotlint.source import SourceError, decode, python_lines, read_source, write_atomic

T = TypeVar("T")

PARSE_ERROR = "SOT999"
UNUSED_SUPPRESSION = "SOT901"
POOL_THRESHOLD = 200
MAX_FIX_PASSES = 10
MAX_PROJECT_ROUNDS = 3


@dataclass
class FileResult:
    diagnostics: list[Diagnostic]
    sites: dict[str, Sites]


@dataclass
class RunResult:
    diagnostics: list[Diagnostic]
    sites: dict[str, Sites]
    files_checked: int
    # (path, project round from 1, code, fixes applied) for every batch of fixes kept; a fix
    # in one file can create a finding in another (an import now resolves elsewhere) that a
    # later round fixes
    fix_log: list[tuple[str, int, str, int]] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)
    fix_errors: list[str] = field(default_factory=list)
    checked_paths: list[str] = field(default_factory=list)
    index: ProjectIndex | None = None
    linter: Linter | None = None

    @property
    def fixed_files(self) -> dict[str, int]:
        """path -> fixes applied (and written, or shown by --diff)."""
        out: dict[str, int] = {}
        for path, _, _, count in self.fix_log:
            out[path] = out.get(path, 0) + count
        return out


class Selection:
    """Which codes run: config select/ignore, CLI overrides, per-file-ignores."""

    def __init__(
        self,
        config: Config,
        known: Iterable[str],
        select: Sequence[str] | None = None,
        ignore: Sequence[str] = (),
    ) -> None:
        chosen = tuple(select) if select else config.select
        ignored = (*config.ignore, *ignore)
        self.codes = frozenset(
            code
            for code in known
            if _most_specific(code, chosen) > max(-1, _most_specific(code, ignored))
        )
        self.per_file = [
            # as for `exclude`: a pattern without a slash matches at any depth
            (_glob_to_regex(g.strip("/") if "/" in g.rstrip("/") else "**/" + g.strip("/")), codes)
            for g, codes in config.per_file_ignores.items()
        ]

    def enabled_for(self, relpath: str) -> frozenset[str]:
        off = {c for regex, codes in self.per_file if regex.match(relpath) for c in codes}
        if not off:
            return self.codes
        return frozenset(c for c in self.codes if not any(c.startswith(o) for o in off))


def _most_specific(code: str, prefixes: Iterable[str]) -> int:
    return max((len(p) for p in prefixes if code.startswith(p)), default=-1)


# --- index -----------------------------------------------------------------


# What a file looked like when it was indexed: (mtime_ns, ctime_ns, size, settled).
# `settled`: both times were over RACY_NS old when taken, so an edit since would have moved
# ctime (nothing can set ctime back: `cp -p`, `touch -r` and checkouts all move it) and the
# stamp alone proves the content unchanged. Unsettled stamps are checked by content hash,
# like git's racy-index entries.
Stamp = tuple[int, int, int, bool]
MISSING_STAMP: Stamp = (0, 0, -1, False)
RACY_NS = 2_000_000_000  # file system clocks tick coarsely: recent times may repeat


def _stamp(path: str | Path) -> Stamp:
    now = time.time_ns()  # before the stat: a stall after it must not make a new edit "old"
    try:
        st = os.stat(path)
    except OSError:
        return MISSING_STAMP
    settled = max(st.st_mtime_ns, st.st_ctime_ns) < now - RACY_NS
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, settled)


def _unchanged(path: Path, old: object, digest: str) -> Stamp | None:
    """The file's current stamp if its content is still `digest` (else None)."""
    if digest == UNREADABLE_DIGEST:
        return None  # a read that failed (EMFILE, EIO, a lock) is tried again every run
    stamp = _stamp(path)
    if stamp[2] < 0:
        return None
    if isinstance(old, tuple) and len(old) == 4 and old[3] and old[:3] == stamp[:3]:
        return stamp
    if digest == OPAQUE_DIGEST:
        return stamp  # only its existence matters
    return stamp if _same_content(path, digest) else None


OPAQUE_DIGEST = "opaque"
UNREADABLE_DIGEST = "unreadable"


def _opaque_record(module: str, relpath: str, is_package: bool) -> ModuleRecord:
    """A module without Python source: it exists, what it defines is unknown."""
    return ModuleRecord(
        module, relpath, is_package, OPAQUE_DIGEST, error="no Python source (compiled or stub)"
    )


def _index_one(item: tuple[str, str, str, bool, bool]) -> tuple[Stamp, ModuleRecord]:
    path, relpath, module, is_package, opaque = item
    key = _stamp(path)  # before reading: an edit during the read shows next time
    if opaque:
        return key, _opaque_record(module, relpath, is_package)
    try:
        data = read_source(Path(path))
    except SourceError as exc:
        rec = ModuleRecord(module, relpath, is_package, UNREADABLE_DIGEST, error=str(exc))
        return key, rec
    return key, build_record(module, relpath, is_package, data)


def _same_content(path: Path, digest: str) -> bool:
    """The cache is content-hash keyed: a restored cache or a fresh clone moves every stamp."""
    try:
        return content_digest(read_source(path)) == digest
    except SourceError:
        return False


def _pool_context() -> multiprocessing.context.BaseContext | None:
    if multiprocessing.current_process().daemon:
        return None  # a pool worker (flake8 -j): it may not start processes of its own
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return None


def build_index(
    config: Config,
    files: Sequence[SourceFile],
    cache: Cache,
    jobs: int | None = None,
    overrides: dict[str, bytes] | None = None,
) -> ProjectIndex:
    """Index every module, reusing cached records whose file did not change."""
    overrides = overrides or {}
    stored = cache.load("index")
    if not isinstance(stored, dict):
        stored = {}
    records: dict[str, ModuleRecord] = {}
    fresh: dict[str, tuple[Stamp, ModuleRecord]] = {}
    restamped = False
    todo: list[tuple[str, str, str, bool, bool]] = []
    for f in files:
        if f.relpath in overrides:
            records[f.relpath] = build_record(
                f.module, f.relpath, f.is_package, overrides[f.relpath]
            )
            continue
        entry = stored.get(f.relpath)
        if isinstance(entry, tuple) and len(entry) == 2:
            old_key, rec = entry
            if rec.module == f.module:
                stamp = _unchanged(f.path, old_key, rec.digest)
                if stamp is not None:
                    records[f.relpath] = rec
                    fresh[f.relpath] = (stamp, rec)
                    restamped = restamped or stamp != old_key
                    continue
        todo.append((str(f.path), f.relpath, f.module, f.is_package, f.opaque))
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    ctx = _pool_context()
    built: Iterable[tuple[Stamp, ModuleRecord]]
    if len(todo) >= POOL_THRESHOLD and workers > 1 and ctx is not None:
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            chunk = max(1, len(todo) // (workers * 8))
            built = list(pool.map(_index_one, todo, chunksize=chunk))
    else:
        built = [_index_one(item) for item in todo]
    for key, rec in built:
        records[rec.relpath] = rec
        fresh[rec.relpath] = (key, rec)
    if todo or restamped or len(fresh) != len(stored):
        cache.save("index", fresh)
        cache.save(
            MANIFEST, {rel: (key, rec.digest, rec.module) for rel, (key, rec) in fresh.items()}
        )
    ordered = [records[f.relpath] for f in files if f.relpath in records]
    return ProjectIndex(ordered)


# --- checking ----------------------------------------------------------------


class Linter:
    def __init__(
        self,
        config: Config,
        selection: Selection,
        rules: dict[str, type[Rule]] | None = None,
    ) -> None:
        self.config = config
        self.selection = selection
        if rules is None:
            from ssotlint.rule import load_rules

            rules = load_rules()
        self.rules = rules

    def check_file(
        self, index: ProjectIndex, record: ModuleRecord, data: bytes | None = None
    ) -> FileResult:
        enabled = self.selection.enabled_for(record.relpath)
        if record.error is not None:
            diags = []
            if PARSE_ERROR in enabled:
                span = record.error_span or Span(1, 1, 1, 1)
                diags.append(_diag(PARSE_ERROR, record.relpath, span, record.error))
            return FileResult(diags, {})
        if data is None:
            try:
                data = read_source(self.config.root / record.relpath)
            except SourceError as exc:
                return FileResult(
                    [_diag(PARSE_ERROR, record.relpath, Span(1, 1, 1, 1), str(exc))], {}
                )
        from ssotlint.rule import FileContext

        ctx = FileContext(self.config, index, record, data)
        active = [
            cls(ctx)
            for code, cls in self.rules.items()
            if code in enabled and code not in (PARSE_ERROR, UNUSED_SUPPRESSION)
        ]
        for rule in active:
            self._guard(rule, ctx, rule.check)
        visitors = [
            v
            for v in (self._guard(rule, ctx, rule.cst_visitor) for rule in active)
            if v is not None
        ]
        if visitors:
            try:
                from ssotlint.cstpass import visit_batched

                visit_batched(ctx.text, visitors)
            except Exception as exc:  # libcst parser limits, recursion
                ctx.diagnostics.append(
                    _diag(PARSE_ERROR, record.relpath, Span(1, 1, 1, 1), f"libcst failed: {exc}")
                )
        diags = ctx.diagnostics
        if "noqa" in ctx.text.lower() or "ssotlint:" in ctx.text:
            diags = self._suppress(ctx, diags, enabled)
        return FileResult(diags, ctx.sites)

    @staticmethod
    def _guard(rule: Rule, ctx: FileContext, call: Callable[[], T]) -> T | None:
        """`call()`, or None after reporting the exception: a rule bug must not end the run."""
        try:
            return call()
        except Exception as exc:
            ctx.report(
                PARSE_ERROR,
                Span(1, 1, 1, 1),
                f"internal error in {rule.code} ({type(exc).__name__}: {exc}); please report it",
            )
            return None

    def _suppress(
        self, ctx: FileContext, diags: list[Diagnostic], enabled: frozenset[str]
    ) -> list[Diagnostic]:
        sups = suppressions.parse(ctx.text)
        if not sups:
            return diags
        kept, sups = suppressions.apply(diags, sups)
        if UNUSED_SUPPRESSION not in enabled:
            return kept
        for sup in sups:
            unused = [
                c
                for c in sup.codes
                if c.startswith("SOT")
                and c not in sup.used
                and any(e.startswith(c) for e in enabled)
            ]
            if not unused:
                continue
            span = Span(sup.line, sup.column, sup.line, sup.end_column)
            what = ", ".join(unused)
            fix = Fix(
                "safe",
                f"remove unused `{what}`",
                {"line": sup.line, "column": sup.column, "codes": unused},
            )
            kept.append(
                _diag(
                    UNUSED_SUPPRESSION,
                    ctx.path,
                    span,
                    f"unused suppression: {what} reports nothing here",
                    fix,
                )
            )
        return kept


def _diag(code: str, path: str, span: Span, message: str, fix: Fix | None = None) -> Diagnostic:
    return Diagnostic(
        code, path, span.line, span.column, span.end_line, span.end_column, message, fix
    )


# --- orchestration ---------------------------------------------------------------


@dataclass
class CheckOptions:
    paths: Sequence[Path] = ()
    select: Sequence[str] | None = None
    ignore: Sequence[str] = ()
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    use_cache: bool = True
    jobs: int | None = None
    overrides: dict[str, bytes] = field(default_factory=dict)  # relpath -> unsaved buffer
    progress: Callable[[str, int, int], None] | None = None  # (phase, done, total)
    allow_cached_results: bool = True  # False when the caller needs the index (SARIF fixes)


def _targets(
    config: Config, files: Sequence[SourceFile], paths: Sequence[Path]
) -> list[SourceFile]:
    files = [f for f in files if not f.opaque]  # imports may name them; nothing to lint
    if not paths:
        return files
    # realpath, not Path.resolve(): that raises on a symlink loop (before 3.13)
    wanted = [Path(os.path.realpath(p)) for p in paths]
    out = []
    for f in files:
        fp = f.path.absolute()
        if any(fp == w or w in fp.parents or Path(os.path.realpath(f.path)) == w for w in wanted):
            out.append(f)
    return out


def run_check(config: Config, options: CheckOptions) -> RunResult:
    from ssotlint.testmodel import forget_settings

    forget_settings()
    selection = Selection(config, SLUGS, options.select, options.ignore)
    cache = Cache(config.root, options.use_cache)
    files = _discover_cached(config, cache) if options.use_cache else discover(config)
    warm = options.use_cache and not (options.fix or options.diff or options.overrides)
    if warm and options.allow_cached_results:
        cached = _cached_run(config, files, selection, cache, options)
        if cached is not None:
            return cached
    from ssotlint.rule import load_rules

    rules = load_rules()
    linter = Linter(config, selection, rules)
    known = {f.relpath for f in files}
    for rel in options.overrides:
        if rel not in known:
            raise ValueError(f"{rel} is not a first-party file of {config.root}")
    if options.progress is not None:
        options.progress("indexing", 0, len(files))
    collecting = gc.isenabled()
    gc.disable()  # building ~10^6 AST and record objects: the cyclic GC would rescan them all
    try:
        index = build_index(config, files, cache, options.jobs, options.overrides)
    finally:
        gc.freeze()  # the index lives for the whole run; later collections skip it
        if collecting:
            gc.enable()
    if options.progress is not None:
        options.progress("indexing", len(files), len(files))
    targets = _targets(config, files, options.paths)
    result = RunResult([], {}, len(targets), checked_paths=[f.relpath for f in targets])
    if options.fix or options.diff:
        index = _fix_project(config, linter, index, targets, options, result)
    _lint_targets(config, linter, index, targets, cache, selection, options, result)
    result.diagnostics.sort(key=Diagnostic.sort_key)
    result.index, result.linter = index, linter
    return result


def preview_fix(config: Config, result: RunResult, diag: Diagnostic) -> tuple[str, str] | None:
    """(old text, new text) of `diag`'s file with only that fix applied, or None."""
    if diag.fix is None or result.index is None or result.linter is None:
        return None
    rec = result.index.by_path.get(diag.path)
    if rec is None:
        return None
    try:
        text = decode(read_source(config.root / diag.path)).text
    except SourceError:
        return None
    new = _apply(config, result.index, rec, text, diag.code, [diag.fix], result.linter)
    if new is None or new == text:
        return None
    return text, new


MANIFEST = "manifest"


def _cached_run(
    config: Config,
    files: Sequence[SourceFile],
    selection: Selection,
    cache: Cache,
    options: CheckOptions,
) -> RunResult | None:
    """Answer from the caches alone when no file changed: no index load, no rules, no libcst."""
    manifest = cache.load(MANIFEST)
    if not isinstance(manifest, dict):
        return None
    digests: dict[str, str] = {}
    restamped = {}
    for f in files:
        entry = manifest.get(f.relpath)
        if not isinstance(entry, tuple) or len(entry) != 3 or entry[2] != f.module:
            return None
        key, digest, _ = entry
        stamp = _unchanged(f.path, key, digest)
        if stamp is None:
            return None
        if stamp != key:
            restamped[f.relpath] = (stamp, digest, f.module)
        digests[f.relpath] = digest
    if restamped:  # settled since: the next run trusts the stamps instead of hashing
        cache.save(MANIFEST, {**manifest, **restamped})
    stored = cache.load(results_key(config, selection, digests))
    if not isinstance(stored, dict):
        return None
    if stored.get("index") != index_digest(
        (f.module, f.relpath, digests[f.relpath]) for f in files
    ):
        return None
    targets = _targets(config, files, options.paths)
    result = RunResult([], {}, len(targets), checked_paths=[f.relpath for f in targets])
    files_cache = stored.get("files", {})
    for f in targets:
        hit = files_cache.get(f.relpath)
        if hit is None or hit[0] != digests[f.relpath]:
            return None
        _add(result, hit[1])
    result.diagnostics.sort(key=Diagnostic.sort_key)
    return result


def _add(result: RunResult, res: FileResult) -> None:
    result.diagnostics.extend(res.diagnostics)
    for code, sites in res.sites.items():
        total = result.sites.setdefault(code, Sites())
        total.examined += sites.examined
        total.compliant += sites.compliant


def results_key(config: Config, selection: Selection, relpaths: Iterable[str]) -> str:
    """Cached findings depend on the config, the rules run, pytest's settings and conftest
    files (in every folder), and the installed pytest plugins."""
    from ssotlint.testmodel import environment_fingerprint, inputs_fingerprint

    parts = [
        __version__,
        config.digest(),
        ",".join(sorted(selection.codes)),
        inputs_fingerprint(config.root, relpaths),
        environment_fingerprint(),
    ]
    return "results-" + hashlib.blake2b("\0".join(parts).encode(), digest_size=8).hexdigest()


ENV_FIXTURES = "environment-fixtures"


def _load_environment_fixtures(cache: Cache) -> None:
    """The fixtures of the installed pytest plugins, as stored for this environment: scanning
    site-packages for them costs 0.1-0.5 s, every run that checks a test file."""
    from ssotlint.testmodel import installed_fixtures_key, prime_installed_fixtures

    stored = cache.load(ENV_FIXTURES)
    if (
        isinstance(stored, dict)
        and stored.get("key") == installed_fixtures_key()
        and isinstance(stored.get("names"), frozenset)
    ):
        prime_installed_fixtures(stored["names"])


def _store_environment_fixtures(cache: Cache) -> bool:
    """Store them if this process scanned for them; True if it did."""
    from ssotlint.testmodel import installed_fixtures_key, scanned_installed_fixtures

    names = scanned_installed_fixtures()
    if names is not None:
        cache.save(ENV_FIXTURES, {"key": installed_fixtures_key(), "names": names})
    return names is not None


def _lint_targets(
    config: Config,
    linter: Linter,
    index: ProjectIndex,
    targets: Sequence[SourceFile],
    cache: Cache,
    selection: Selection,
    options: CheckOptions,
    result: RunResult,
) -> None:
    key = results_key(config, selection, index.by_path)
    digest = index.digest()
    stored = cache.load(key) if not options.overrides else None
    if not isinstance(stored, dict) or stored.get("index") != digest:
        stored = {"index": digest, "files": {}}
    files_cache: dict[str, tuple[str, FileResult]] = stored["files"]
    records = [rec for f in targets if (rec := index.by_path.get(f.relpath)) is not None]
    misses = [
        rec
        for rec in records
        if (hit := files_cache.get(rec.relpath)) is None or hit[0] != rec.digest
    ]
    collecting = gc.isenabled()
    gc.disable()  # per-file analyses allocate heavily and make no cycles worth chasing
    try:
        if misses:
            _load_environment_fixtures(cache)
        fresh = _check_many(linter, index, misses, options)
        _store_environment_fixtures(cache)
    finally:
        if collecting:
            gc.enable()
    for rec in records:
        if rec.relpath in fresh:
            res = fresh[rec.relpath]
            if not options.overrides:
                files_cache[rec.relpath] = (rec.digest, res)
        else:
            res = files_cache[rec.relpath][1]
        _add(result, res)
    if fresh and not options.overrides:
        cache.save(key, stored)


_WORKER_STATE: tuple[Linter, ProjectIndex] | None = None


def _looks_like_tests(relpath: str) -> bool:
    name = relpath.rpartition("/")[2]
    return name.startswith("test") or name.endswith("_test.py") or name == "conftest.py"


def _check_in_worker(relpaths: list[str]) -> list[tuple[str, FileResult]]:
    assert _WORKER_STATE is not None
    linter, index = _WORKER_STATE
    return [(rel, linter.check_file(index, index.by_path[rel])) for rel in relpaths]


def _check_many(
    linter: Linter, index: ProjectIndex, records: Sequence[ModuleRecord], options: CheckOptions
) -> dict[str, FileResult]:
    """Check files, in forked workers that inherit the index when there are many."""
    global _WORKER_STATE
    out: dict[str, FileResult] = {}
    workers = options.jobs if options.jobs is not None else (os.cpu_count() or 1)
    ctx = _pool_context()
    todo = list(records)
    if len(todo) >= POOL_THRESHOLD and workers > 1 and ctx is not None and not options.overrides:
        # Check one file here first: project-wide facts (tracked names, deprecations)
        # are computed once and inherited by every worker.
        first = todo.pop(0)
        out[first.relpath] = linter.check_file(index, first)
        if any(_looks_like_tests(r.relpath) for r in todo):
            from ssotlint.testmodel import installed_fixtures

            installed_fixtures()  # scanned once here, not once per worker
        batches = [[r.relpath for r in todo[i : i + 25]] for i in range(0, len(todo), 25)]
        _WORKER_STATE = (linter, index)
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
                done = 1
                for batch in pool.map(_check_in_worker, batches):
                    for rel, res in batch:
                        out[rel] = res
                    done += len(batch)
                    if options.progress is not None:
                        options.progress("checking", done, len(records))
        finally:
            _WORKER_STATE = None
        return out
    for done, rec in enumerate(todo):
        if options.progress is not None and done % 50 == 0:
            options.progress("checking", done, len(todo))
        out[rec.relpath] = linter.check_file(index, rec, options.overrides.get(rec.relpath))
    return out


def _fix_project(
    config: Config,
    linter: Linter,
    index: ProjectIndex,
    targets: Sequence[SourceFile],
    options: CheckOptions,
    result: RunResult,
) -> ProjectIndex:
    originals: dict[str, bytes] = {}
    current: dict[str, bytes] = {}
    seen: dict[str, set[str]] = {}  # every text each file had during the run
    for round_no in range(1, MAX_PROJECT_ROUNDS + 1):
        progressed = False
        for f in targets:
            rec = index.by_path.get(f.relpath)
            if rec is None or rec.error is not None:
                continue
            try:
                data = current.get(f.relpath) or read_source(f.path)
            except SourceError:
                continue
            new_data, batches, index = _fix_file(
                config, linter, index, rec, data, options, result, seen.setdefault(f.relpath, set())
            )
            result.fix_log.extend((f.relpath, round_no, code, n) for code, n in batches)
            if batches:
                originals.setdefault(f.relpath, data)
                current[f.relpath] = new_data
                progressed = True
        if not progressed:
            break
    result.fix_errors[:] = dict.fromkeys(result.fix_errors)  # a refusal repeats each round
    for f in targets:
        if f.relpath not in current or current[f.relpath] == originals[f.relpath]:
            result.fix_log = [e for e in result.fix_log if e[0] != f.relpath]
            continue
        if options.diff:
            old = python_lines(decode(originals[f.relpath]).text)  # not splitlines(): \x0c
            new = python_lines(decode(current[f.relpath]).text)
            result.diffs.append(
                "".join(difflib.unified_diff(old, new, f"a/{f.relpath}", f"b/{f.relpath}"))
            )
        else:
            try:
                write_atomic(f.path, current[f.relpath])
            except OSError as exc:
                result.fix_errors.append(f"{f.relpath}: not fixed, cannot write: {exc.strerror}")
                result.fix_log = [e for e in result.fix_log if e[0] != f.relpath]
                # The file keeps its old text: lint that, not the fix that was not written.
                kept = index.by_path[f.relpath]
                data = originals[f.relpath]
                index = _replace(
                    index, build_record(kept.module, kept.relpath, kept.is_package, data)
                )
    return index


FACTS_CACHE = "facts"


class Session:
    """Project state kept by a long-lived process (the flake8 plugin, an editor)."""

    def __init__(self, config: Config, use_cache: bool = True) -> None:
        import gc

        self.config = config
        from ssotlint.rule import load_rules

        rules = load_rules()
        self.linter = Linter(config, Selection(config, rules), rules)
        cache = Cache(config.root, use_cache)
        collecting = gc.isenabled()
        gc.disable()  # unpickling a large index: the collector would walk it again and again
        try:
            self.files = {f.relpath: f for f in _discover_cached(config, cache)}
            self.index = build_index(config, list(self.files.values()), cache)
            self.cache = cache
            _load_environment_fixtures(cache)
            self.env_fixtures_stored = False
            self.facts_key = f"{self.index.digest()}:{config.digest()}"
            stored = cache.load(FACTS_CACHE)
            if (
                isinstance(stored, dict)
                and stored.get("key") == self.facts_key
                and isinstance(stored.get("facts"), dict)
            ):
                self.index.facts.update(stored["facts"])
        finally:
            # The index lives as long as the session: keep the collector off its objects
            # (the owner calls `gc.unfreeze()` when it drops its sessions).
            gc.freeze()
            if collecting:
                gc.enable()

    def check_buffer(self, relpath: str, data: bytes) -> list[Diagnostic]:
        """Lint one file's current text (maybe an unsaved buffer) against the project index."""
        known = self.files.get(relpath)
        if known is None:
            return []
        index = self.index
        current = index.by_path.get(relpath)
        if current is not None and current.digest == content_digest(data):
            rec = current  # the indexed record itself: rules compare definitions by identity
        else:  # an edited buffer: the index must see the buffer, not the disk copy
            rec = build_record(known.module, relpath, known.is_package, data)
            index = (
                _replace(index, rec)
                if current is not None
                else ProjectIndex([*index.modules.values(), rec])
            )
            if current is not None and shape(current) == shape(rec):
                index.facts.update(self.index.facts)  # typing inside a function body
        diagnostics = self.linter.check_file(index, rec, data).diagnostics
        if not self.env_fixtures_stored:
            self.env_fixtures_stored = _store_environment_fixtures(self.cache)
        if self.index.facts_added:  # the next flake8 process starts from them
            self.index.facts_added = False
            self.cache.save(FACTS_CACHE, {"key": self.facts_key, "facts": self.index.facts})
        return sorted(diagnostics, key=Diagnostic.sort_key)


TREE_CACHE = "tree"
TREE_FORMAT = 3  # bump when the stored shape changes


def _discover_cached(config: Config, cache: Cache) -> list[SourceFile]:
    """`discover(config)`, reusing the last file list while no folder changed.

    A folder's mtime changes whenever an entry is added, removed or renamed in it, so the
    file list is still right while every folder under the src roots (and every `.gitignore`)
    has the mtime recorded with it: a few thousand `stat` calls instead of a walk. A folder
    whose mtime moved is listed again: if only entries discovery never looks at came or went
    (`.ssotlint_cache` itself, `__pycache__`, a fix's temp file), the list still holds.
    Changes of file contents are the index's business (it checks every file's stat).
    """
    stored = cache.load(TREE_CACHE)
    digest = config.digest()
    if (
        isinstance(stored, dict)
        and stored.get("format") == TREE_FORMAT
        and stored.get("config") == digest
        and isinstance(stored.get("folders"), dict)
    ):
        checked_at = time.time_ns()  # before the stats (see `_stamp`)
        moved = _folders_moved(stored["folders"])
        if moved is not None:
            root = config.root
            try:
                files = [
                    SourceFile(root / rel, rel, mod, pkg, opaque)
                    for rel, mod, pkg, opaque in stored["files"]
                ]
            except (TypeError, ValueError):
                files = None  # not ours after all: walk
            if files is not None:
                if moved and all(state[0] < checked_at - RACY_NS for state in moved.values()):
                    cache.save(TREE_CACHE, {**stored, "folders": {**stored["folders"], **moved}})
                return files
    now = time.time_ns()
    folders = _folder_state(config)  # before the walk: a change during it shows next time
    files = discover(config)
    if folders and max(mtime for mtime, _ in folders.values()) < now - RACY_NS:
        listed = [(f.relpath, f.module, f.is_package, f.opaque) for f in files]  # root / relpath
        cache.save(
            TREE_CACHE,
            {"format": TREE_FORMAT, "config": digest, "folders": folders, "files": listed},
        )
    return files


FolderState = tuple[int, str]  # (mtime_ns or -1 when missing, digest of the relevant listing)


def _folders_moved(folders: dict[str, FolderState]) -> dict[str, FolderState] | None:
    """None if some folder's relevant entries changed; else the folders whose mtime moved
    (with their new state) although their relevant entries did not."""
    moved: dict[str, FolderState] = {}
    for path, state in folders.items():
        if not isinstance(state, tuple) or len(state) != 2:
            return None
        mtime, listing = state
        try:
            now = os.stat(path).st_mtime_ns
        except OSError:
            if mtime != -1:
                return None
            continue
        if mtime == -1:
            return None
        if now == mtime:
            continue
        if not listing:  # a `.gitignore`: its own mtime is its content's
            return None
        fresh = _listing(path)
        if fresh != listing:
            return None
        moved[path] = (now, fresh)
    return moved


def _relevant(entry: os.DirEntry[str]) -> bool:
    from ssotlint.discovery import ALWAYS_SKIPPED

    name = entry.name
    return not (name in ALWAYS_SKIPPED or name.endswith((".egg-info", ".ssotlint-tmp", ".pyc")))


def _listing(folder: str, entries: list[os.DirEntry[str]] | None = None) -> str:
    """Digest of the names (and file/folder kind) discovery may care about in `folder`."""
    try:
        entries = list(os.scandir(folder)) if entries is None else entries
    except OSError:
        return "unreadable"
    h = hashlib.blake2b(digest_size=12)
    for entry in sorted((e for e in entries if _relevant(e)), key=lambda e: e.name):
        try:
            kind = "d" if entry.is_dir() else "f"
        except OSError:
            kind = "?"
        h.update(f"{entry.name}\0{kind}\n".encode())
    return h.hexdigest()


def _folder_state(config: Config) -> dict[str, FolderState]:
    """(mtime_ns, listing digest) of every folder `discover` may walk, and (mtime_ns, "") of
    every `.gitignore` (-1: missing)."""
    from ssotlint.discovery import ALWAYS_SKIPPED

    state: dict[str, FolderState] = {}
    root_ignore = str(config.root / ".gitignore")
    try:
        state[root_ignore] = (os.stat(root_ignore).st_mtime_ns, "")
    except OSError:
        state[root_ignore] = (-1, "")
    seen: set[tuple[int, int]] = set()
    stack = [str((config.root / src).resolve()) for src in config.src]
    while stack:
        folder = stack.pop()
        try:
            stat = os.stat(folder)
        except OSError:
            state[folder] = (-1, "")
            continue
        if (stat.st_dev, stat.st_ino) in seen:
            continue
        seen.add((stat.st_dev, stat.st_ino))
        try:
            entries = list(os.scandir(folder))
        except OSError:
            state[folder] = (stat.st_mtime_ns, "unreadable")
            continue
        state[folder] = (stat.st_mtime_ns, _listing(folder, entries))
        for entry in entries:
            try:
                if entry.name == ".gitignore":
                    state[entry.path] = (entry.stat().st_mtime_ns, "")
                elif (
                    entry.is_dir()
                    and entry.name not in ALWAYS_SKIPPED
                    and not entry.name.endswith(".egg-info")
                ):
                    stack.append(entry.path)
            except OSError:
                continue
    return state


def _replace(index: ProjectIndex, record: ModuleRecord) -> ProjectIndex:
    return ProjectIndex(
        record if r.relpath == record.relpath else r for r in index.modules.values()
    )


def _fix_file(
    config: Config,
    linter: Linter,
    index: ProjectIndex,
    rec: ModuleRecord,
    data: bytes,
    options: CheckOptions,
    result: RunResult,
    seen: set[str],
) -> tuple[bytes, list[tuple[str, int]], ProjectIndex]:
    """Fix one file to a fixed point: (new bytes, [(code, fixes applied)], index).

    `seen`: the texts this file already had; a fix that returns to one of them undoes an
    earlier fix (two rules, or a contradictory config, disagree) and is refused."""
    try:
        source = decode(data)
    except SourceError:
        return data, [], index
    text = source.text
    seen.add(text)
    applied: list[tuple[str, int]] = []
    refused: set[str] = set()
    for _ in range(MAX_FIX_PASSES):
        res = linter.check_file(index, rec, data)
        fixable = [
            d
            for d in res.diagnostics
            if d.fix is not None
            and d.code not in refused
            and (d.fix.applicability == "safe" or options.unsafe_fixes)
        ]
        if not fixable:
            break
        code = min(fixable, key=Diagnostic.sort_key).code
        batch = [d.fix for d in fixable if d.code == code and d.fix is not None]
        new_text = _apply(config, index, rec, text, code, batch, linter)
        if new_text is None or new_text == text:
            if new_text is None:
                result.fix_errors.append(
                    f"{rec.relpath}: {code} fix refused: the result would not parse"
                )
            refused.add(code)
            continue
        if new_text in seen:
            refused.add(code)
            result.fix_errors.append(
                f"{rec.relpath}: {code} fix refused: it would undo an earlier fix "
                "(two rules disagree: check the canonical and deprecated config)"
            )
            continue
        new_data = new_text.encode(source.encoding)
        if source.bom:
            new_data = b"\xef\xbb\xbf" + new_data
        new_rec = build_record(rec.module, rec.relpath, rec.is_package, new_data)
        new_index = _replace(index, new_rec)
        after = linter.check_file(new_index, new_rec, new_data).diagnostics
        before_count = sum(1 for d in res.diagnostics if d.code == code)
        if sum(1 for d in after if d.code == code) >= before_count:
            refused.add(code)  # the fix did not remove its finding: keep the old text
            result.fix_errors.append(
                f"{rec.relpath}: {code} fix refused: it would not remove the finding"
            )
            continue
        text, data, rec, index = new_text, new_data, new_rec, new_index
        seen.add(text)
        applied.append((code, len(batch)))
    return data, applied, index


def _apply(
    config: Config,
    index: ProjectIndex,
    rec: ModuleRecord,
    text: str,
    code: str,
    fixes: list[Fix],
    linter: Linter,
) -> str | None:
    import libcst as cst

    from ssotlint.fixes import remove_suppression_codes
    from ssotlint.rule import FixContext

    try:
        if code == UNUSED_SUPPRESSION:
            new_text = remove_suppression_codes(text, fixes)
        else:
            module = cst.parse_module(text)
            new_module = linter.rules[code].apply_fixes(
                module, fixes, FixContext(config, index, rec)
            )
            new_text = new_module.code
    except Exception:
        return None
    if text.endswith(("\n", "\r")) and not new_text.endswith(("\n", "\r")):
        # libcst drops a final lone `\r` (CR-only files): keep the file's last line ending
        new_text += "\r\n" if text.endswith("\r\n") else text[-1]
    try:
        ast.parse(new_text)
        cst.parse_module(new_text)
    except Exception:
        return None
    return new_text
