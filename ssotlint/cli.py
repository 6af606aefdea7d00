"""The `ssotlint` command line. Exit codes: 0 clean, 1 violations, 2 usage or config error."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from ssotlint import __version__
from ssotlint.config import Config, ConfigError, find_project_root, load_config
from ssotlint.engine import CheckOptions, RunResult, run_check
from ssotlint.output import FORMATS, render_concise, render_github, render_json, render_text
from ssotlint.rule import load_rules

EXIT_CLEAN, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


def _codes(value: str) -> list[str]:
    return [c.strip().upper() for c in value.split(",") if c.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ssotlint",
        description="Keep a Python monorepo on its single source of truth.",
    )
    parser.add_argument("--version", action="version", version=f"ssotlint {__version__}")
    parser.add_argument(
        "--config", type=Path, help="pyproject.toml to use (default: nearest with [tool.ssotlint])"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="lint the project (or the given paths)")
    check.add_argument("paths", nargs="*", type=Path, help="files or folders to report on")
    check.add_argument("--fix", action="store_true", help="apply safe fixes")
    check.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes")
    check.add_argument("--diff", action="store_true", help="print fixes as a diff, write nothing")
    check.add_argument("--select", type=_codes, help="codes or prefixes to run (comma separated)")
    check.add_argument("--ignore", type=_codes, default=[], help="codes or prefixes to skip")
    check.add_argument("--format", choices=FORMATS, default="text", dest="output_format")
    check.add_argument("--statistics", action="store_true", help="count findings per rule")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    check.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    check.add_argument("--jobs", type=int, default=None, help="processes for indexing")

    sub.add_parser("rules", help="list every rule")
    rule = sub.add_parser("rule", help="show one rule's documentation")
    rule.add_argument("code")
    settings = sub.add_parser("show-settings", help="print the resolved configuration")
    settings.add_argument("path", nargs="?", type=Path)
    return parser


def resolve_config(config_path: Path | None, start: Path) -> Config:
    known = list(load_rules())
    if config_path is not None:
        if not config_path.is_file():
            raise ConfigError(f"{config_path}: no such file")
        return load_config(config_path.resolve().parent, config_path.resolve(), known)
    root, pyproject = find_project_root(start)
    return load_config(root, pyproject, known)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "rules":
            return _rules(sys.stdout)
        if args.command == "rule":
            return _rule(args.code, sys.stdout)
        if args.command == "show-settings":
            config = resolve_config(args.config, args.path or Path.cwd())
            json.dump(config.as_dict(), sys.stdout, indent=2, sort_keys=True)
            sys.stdout.write("\n")
            origin = str(config.source) if config.source else "defaults (no [tool.ssotlint] found)"
            sys.stderr.write(f"settings from {origin}\n")
            return EXIT_CLEAN
    except ConfigError as exc:
        sys.stderr.write(f"ssotlint: config error: {exc}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("ssotlint: interrupted\n")
        return 130
    parser.error(f"unknown command {args.command}")
    return EXIT_ERROR


def _check(args: argparse.Namespace) -> int:
    for path in args.paths:
        if not path.exists() and not path.is_symlink():
            sys.stderr.write(f"ssotlint: error: {path}: no such file or folder\n")
            return EXIT_ERROR
    start = args.paths[0] if args.paths else Path.cwd()
    config = resolve_config(args.config, start)
    known = load_rules()
    for code in [*(args.select or []), *args.ignore]:
        if not code.startswith("SOT") or not any(k.startswith(code) for k in known):
            sys.stderr.write(f"ssotlint: error: unknown rule code or prefix {code!r}\n")
            return EXIT_ERROR
    if args.jobs is not None and args.jobs < 1:
        sys.stderr.write("ssotlint: error: --jobs must be at least 1\n")
        return EXIT_ERROR
    options = CheckOptions(
        paths=args.paths,
        select=args.select,
        ignore=args.ignore,
        fix=args.fix or args.unsafe_fixes and not args.diff,
        unsafe_fixes=args.unsafe_fixes,
        diff=args.diff,
        use_cache=not args.no_cache,
        jobs=args.jobs,
    )
    with _progress() as progress:
        options.progress = progress
        result = run_check(config, options)
    slugs = {code: cls.slug for code, cls in known.items()}
    out = sys.stdout
    if args.diff:
        for diff in result.diffs:
            out.write(diff)
        for err in result.fix_errors:
            sys.stderr.write(f"ssotlint: {err}\n")
        return EXIT_VIOLATIONS if result.diffs else EXIT_CLEAN
    _render(args.output_format, result, slugs, config, out, args.statistics)
    if result.fixed_files:
        total = sum(result.fixed_files.values())
        sys.stderr.write(f"Fixed {total} finding(s) in {len(result.fixed_files)} file(s).\n")
    for err in result.fix_errors:
        sys.stderr.write(f"ssotlint: {err}\n")
    if result.diagnostics and not args.exit_zero:
        return EXIT_VIOLATIONS
    return EXIT_CLEAN


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar on an interactive terminal; nothing when piped or in CI."""
    if not sys.stderr.isatty() or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=True
    )
    tasks: dict[str, Any] = {}

    def update(phase: str, done: int, total: int) -> None:
        if total < 200:
            return
        if phase not in tasks:
            tasks[phase] = bar.add_task(phase, total=total)
        bar.update(tasks[phase], completed=done)

    with bar:
        yield update


def _render(
    fmt: str,
    result: RunResult,
    slugs: dict[str, str],
    config: Config,
    out: TextIO,
    statistics: bool,
) -> None:
    diags = result.diagnostics
    if fmt == "json":
        render_json(diags, slugs, out)
    elif fmt == "concise":
        render_concise(diags, out)
    elif fmt == "github":
        render_github(diags, slugs, out)
    else:
        color = out.isatty() and "NO_COLOR" not in os.environ
        render_text(diags, slugs, config.root, out, color, result.files_checked, statistics)


def _rules(out: TextIO) -> int:
    for code, cls in load_rules().items():
        out.write(f"{code}  {cls.slug:<26} {cls.summary}  [fix: {cls.fix_summary}]\n")
    return EXIT_CLEAN


def _rule(code: str, out: TextIO) -> int:
    rules = load_rules()
    cls = rules.get(code.upper())
    if cls is None:
        by_slug = {c.slug: c for c in rules.values()}
        cls = by_slug.get(code)
    if cls is None:
        sys.stderr.write(f"ssotlint: error: unknown rule {code!r} (see `ssotlint rules`)\n")
        return EXIT_ERROR
    out.write(cls.docs() + "\n")
    return EXIT_CLEAN
