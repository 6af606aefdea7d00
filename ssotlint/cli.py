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
from ssotlint.baseline import Baseline, BaselineError, LineReader, fingerprint, match
from ssotlint.catalogue import SLUGS
from ssotlint.config import Config, ConfigError, find_project_root, load_config
from ssotlint.diagnostics import Diagnostic
from ssotlint.engine import CheckOptions, RunResult, preview_fix, run_check
from ssotlint.output import (
    FORMATS,
    render_concise,
    render_github,
    render_json,
    render_junit,
    render_sarif,
    render_text,
)
from ssotlint.score import FAMILIES, Score, compute

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
    check.add_argument(
        "--baseline", type=Path, help="report only findings this baseline does not hold"
    )
    check.add_argument(
        "--no-baseline", action="store_true", help="ignore the configured `baseline`"
    )

    score = sub.add_parser("score", help="the compliance score")
    score.add_argument("paths", nargs="*", type=Path, help="limit to these files or folders")
    score.add_argument(
        "--format", choices=("table", "json", "markdown"), default="table", dest="output_format"
    )
    score.add_argument("--fail-under", type=float, help="exit 1 below this score")
    score.add_argument("--baseline", type=Path, help="compare with this baseline's score")
    score.add_argument("--explain", action="store_true", help="show the arithmetic")
    score.add_argument("--no-cache", action="store_true")

    baseline = sub.add_parser("baseline", help="write the baseline of current findings")
    baseline.add_argument("--output", type=Path, help="file (default: config `baseline`)")
    baseline.add_argument("--no-cache", action="store_true")

    sub.add_parser("rules", help="list every rule")
    rule = sub.add_parser("rule", help="show one rule's documentation")
    rule.add_argument("code")
    settings = sub.add_parser("show-settings", help="print the resolved configuration")
    settings.add_argument("path", nargs="?", type=Path)
    return parser


def resolve_config(config_path: Path | None, start: Path) -> Config:
    known = list(SLUGS)
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
        if args.command == "score":
            return _score(args)
        if args.command == "baseline":
            return _baseline(args)
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
    except BaselineError as exc:
        sys.stderr.write(f"ssotlint: baseline error: {exc}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("ssotlint: interrupted\n")
        return 130
    except BrokenPipeError:
        # `ssotlint rules | head`: the reader went away; exit quietly like other CLI tools.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_VIOLATIONS
    parser.error(f"unknown command {args.command}")
    return EXIT_ERROR


def _check(args: argparse.Namespace) -> int:
    for path in args.paths:
        if not path.exists() and not path.is_symlink():
            sys.stderr.write(f"ssotlint: error: {path}: no such file or folder\n")
            return EXIT_ERROR
    start = args.paths[0] if args.paths else Path.cwd()
    config = resolve_config(args.config, start)
    for problem in config.contradictions():
        sys.stderr.write(
            f"ssotlint: config warning: {problem}; fixes that would undo each other are withheld\n"
        )
    known = SLUGS
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
        fix=args.fix and not args.diff,
        unsafe_fixes=args.unsafe_fixes,
        diff=args.diff,
        use_cache=not args.no_cache,
        jobs=args.jobs,
        allow_cached_results=args.output_format != "sarif",  # SARIF fixes need the index
    )
    with _progress() as progress:
        options.progress = progress
        result = run_check(config, options)
    slugs = dict(SLUGS)
    out = sys.stdout
    if args.diff:
        for diff in result.diffs:
            out.write(diff)
        for err in result.fix_errors:
            sys.stderr.write(f"ssotlint: {err}\n")
        return EXIT_VIOLATIONS if result.diffs else EXIT_CLEAN
    baseline_path = _baseline_path(args, config)
    fixed_since: list[dict[str, Any]] = []
    if baseline_path is not None:
        reader = LineReader(config.root)
        matched = match(result.diagnostics, Baseline.load(baseline_path), reader)
        checked = set(result.checked_paths)
        scope = [Path(os.path.realpath(p)) for p in args.paths]  # no RuntimeError on loops
        fixed_since = [
            e for e in matched.fixed
            if not scope or e["path"] in checked or _within(config.root / e["path"], scope)
        ]  # fmt: skip
        shown = matched.new
    else:
        shown = result.diagnostics
    _render(args.output_format, result, shown, slugs, config, out, args.statistics)
    if fixed_since:
        count = sum(int(e["count"]) for e in fixed_since)
        sys.stderr.write(
            f"{count} baseline finding(s) fixed since baseline: "
            "run `ssotlint baseline` to ratchet\n"
        )
        for entry in fixed_since[:20]:
            sys.stderr.write(f"  fixed: {entry['path']} {entry['code']} {entry['symbol']}\n")
    if result.fixed_files:
        total = sum(result.fixed_files.values())
        sys.stderr.write(f"Fixed {total} finding(s) in {len(result.fixed_files)} file(s).\n")
    for err in result.fix_errors:
        sys.stderr.write(f"ssotlint: {err}\n")
    if shown and not args.exit_zero:
        return EXIT_VIOLATIONS
    return EXIT_CLEAN


def _within(path: Path, scope: list[Path]) -> bool:
    """Is `path` (which may no longer exist) one of `scope` or inside one of them?"""
    target = Path(os.path.realpath(path))  # Path.resolve() raises on a symlink loop
    return any(target == s or s in target.parents for s in scope)


def _baseline_path(args: argparse.Namespace, config: Config) -> Path | None:
    if args.baseline is not None:
        return Path(args.baseline)
    if args.no_baseline or not config.baseline:
        return None
    path = config.root / config.baseline
    return path if path.exists() else None


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
    diags: list[Diagnostic],
    slugs: dict[str, str],
    config: Config,
    out: TextIO,
    statistics: bool,
) -> None:
    if fmt == "json":
        render_json(diags, slugs, out)
    elif fmt == "concise":
        render_concise(diags, out)
    elif fmt == "github":
        render_github(diags, slugs, out)
    elif fmt == "junit":
        render_junit(diags, result.checked_paths, out)
    elif fmt == "sarif":
        reader = LineReader(config.root)
        prints = [fingerprint(d, reader) for d in diags]
        edits = {}
        for i, d in enumerate(diags):
            preview = preview_fix(config, result, d)
            if preview is not None:
                edits[i] = _replacements(*preview)
        from ssotlint.rule import load_rules

        render_sarif(diags, load_rules(), prints, edits, __version__, out)
    else:
        color = out.isatty() and "NO_COLOR" not in os.environ
        render_text(diags, slugs, config.root, out, color, result.files_checked, statistics)
        if statistics:
            score = compute(result.sites, result.diagnostics, config.score_weights)
            out.write(f"Compliance score: {score.value:.1f}\n")


def _replacements(old: str, new: str) -> list[dict[str, Any]]:
    """SARIF replacements (character offsets) turning `old` into `new`, line by line."""
    import difflib

    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    starts = [0]
    for line in old_lines:
        starts.append(starts[-1] + len(line))
    out = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        out.append(
            {
                "deletedRegion": {"charOffset": starts[i1], "charLength": starts[i2] - starts[i1]},
                "insertedContent": {"text": "".join(new_lines[j1:j2])},
            }
        )
    return out


def _run_for_score(args: argparse.Namespace) -> tuple[Config, RunResult, Score]:
    start = args.paths[0] if getattr(args, "paths", None) else Path.cwd()
    config = resolve_config(args.config, start)
    options = CheckOptions(paths=getattr(args, "paths", ()), use_cache=not args.no_cache)
    result = run_check(config, options)
    return config, result, compute(result.sites, result.diagnostics, config.score_weights)


def _score(args: argparse.Namespace) -> int:
    config, _, score = _run_for_score(args)
    previous: float | None = None
    if args.baseline is not None:
        previous = Baseline.load(args.baseline).score
    out = sys.stdout
    data = score.as_dict()
    if previous is not None:
        data["baseline_score"] = previous
        data["change"] = round(score.value - previous, 1)
    if args.explain and args.output_format == "json":
        data["explain"] = score.explain()  # inside the document: stdout stays one JSON value
    if args.output_format == "json":
        json.dump(data, out, indent=2, sort_keys=True)
        out.write("\n")
    elif args.output_format == "markdown":
        out.write(_score_markdown(score, previous))
    else:
        _score_table(score, previous, out)
    if args.explain and args.output_format != "json":
        out.write("\n".join(score.explain()) + "\n")
    status = EXIT_CLEAN
    if previous is not None and score.value < previous:
        sys.stderr.write(f"score dropped from {previous:.1f} to {score.value:.1f}\n")
        status = EXIT_VIOLATIONS
    threshold = args.fail_under if args.fail_under is not None else config.fail_under
    if threshold is not None and score.value < threshold:
        sys.stderr.write(
            f"score {score.value:.1f} is below fail-under {threshold:.1f} "
            f"by {threshold - score.value:.1f}\n"
        )
        status = EXIT_VIOLATIONS
    return status


def _score_markdown(score: Score, previous: float | None) -> str:
    lines = [f"### ssotlint compliance: **{score.value:.1f}**"]
    if previous is not None:
        lines[0] += f" ({score.value - previous:+.1f} vs baseline {previous:.1f})"
    lines += [
        "",
        "| family | examined | compliant | compliance | weight |",
        "|---|---:|---:|---:|---:|",
    ]
    for f in score.families:
        pct = "n/a" if f.percent is None else f"{f.percent:.1f}%"
        lines.append(
            f"| {f.family} {FAMILIES[f.family]} | {f.examined} | {f.compliant} "
            f"| {pct} | {f.weight:g} |"
        )
    if score.top_packages:
        lines += ["", "| package | violations |", "|---|---:|"]
        lines += [f"| `{p}` | {n} |" for p, n in score.top_packages]
    return "\n".join(lines) + "\n"


def _score_table(score: Score, previous: float | None, out: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table

    color = out.isatty() and "NO_COLOR" not in os.environ
    console = Console(file=out, force_terminal=color, no_color=not color, width=100)
    table = Table(title=f"SSOT compliance score: {score.value:.1f}")
    for col in ("family", "examined", "compliant", "compliance", "weight", ""):
        table.add_column(col, justify="left" if col in ("family", "") else "right")
    for f in score.families:
        if f.percent is None:
            table.add_row(f"{f.family} {FAMILIES[f.family]}", "0", "0", "n/a", f"{f.weight:g}", "")
            continue
        filled = round(f.percent / 5)
        bar = "#" * filled + "." * (20 - filled)
        table.add_row(
            f"{f.family} {FAMILIES[f.family]}", str(f.examined), str(f.compliant),
            f"{f.percent:.1f}%", f"{f.weight:g}", bar,
        )  # fmt: skip
    console.print(table)
    if previous is not None:
        console.print(f"baseline score {previous:.1f}, change {score.value - previous:+.1f}")
    if score.top_packages:
        console.print("Top packages by violations:")
        for package, count in score.top_packages:
            console.print(f"  {count:5d}  {package}")


def _baseline(args: argparse.Namespace) -> int:
    config, result, score = _run_for_score(args)
    target = args.output or (config.root / (config.baseline or ".ssotlint-baseline.json"))
    baseline = Baseline.build(result.diagnostics, LineReader(config.root), score.value)
    try:
        baseline.write(Path(target))
    except OSError as exc:
        sys.stderr.write(f"ssotlint: error: cannot write baseline {target}: {exc}\n")
        return EXIT_ERROR
    sys.stderr.write(
        f"wrote {target}: {len(result.diagnostics)} finding(s), score {score.value:.1f}\n"
    )
    return EXIT_CLEAN


def _rules(out: TextIO) -> int:
    from ssotlint.rule import load_rules

    for code, cls in load_rules().items():
        out.write(f"{code}  {cls.slug:<26} {cls.summary}  [fix: {cls.fix_summary}]\n")
    return EXIT_CLEAN


def _rule(code: str, out: TextIO) -> int:
    from ssotlint.rule import load_rules

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
