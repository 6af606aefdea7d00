#!/usr/bin/env python3
"""ssotlint vs ruff (TID251 banned-api) on pinned real-world sdists.

    python bench/run.py                        # Django 5.1.4, Flask 3.1.0, requests 2.32.3; 5 runs
    python bench/run.py --only django --runs 3
    python bench/run.py --only django --runs 0 --compare-tid251   # only the finding comparison

For every project it downloads the pinned sdist (`pip download --no-binary :all: --no-deps`)
into the cache folder, extracts it, copies it to a scratch work tree with a `pyproject.toml`
holding only `[tool.ssotlint]` (the sdist's own pyproject is dropped, so no other tool
config leaks in) and a `ruff-bench.toml` holding the *same* deprecations as ruff `banned-api`
entries (passed with `--config`, so nested configs in the sdist cannot override it). Then it
times, interleaved run by run so background load hits every variant alike:

    ruff     ruff check --no-cache --select TID251
    cold     ssotlint check --no-cache                       (.ssotlint_cache removed first)
    warm     ssotlint check                                  (cache primed once, nothing changed)
    sot20x   ssotlint check --no-cache --select SOT201,SOT202
    sot10x   ssotlint check --no-cache --select SOT1,SOT201,SOT202
             (sot10x / sot20x is the SOT101-103 overhead; cold / sot20x that of every other rule)

and prints medians of wall time and of CPU time (user+sys of the process tree), the peak RSS
(the largest single process in the tree, from `wait4`), ratios against ruff, and the file and
line counts. `--compare-tid251` then runs both tools with JSON output and checks that every
(path, line) ruff reports is also reported by SOT201/SOT202; it exits 1 when one is missing.

ssotlint is run from a snapshot of its source taken at start (`--live`: as installed), so
edits made while the benchmark runs neither mix code versions nor invalidate the warm cache
(ssotlint keys its cache on a fingerprint of its own files). Standard library only; ruff is
found next to this Python, then on PATH.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sdists import extract_once

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Project:
    name: str
    requirement: str  # pip requirement, pinned
    src: tuple[str, ...]  # ssotlint src roots inside the sdist
    deprecated: tuple[str, ...]  # dotted names as users import them

    @property
    def version(self) -> str:
        return self.requirement.split("==", 1)[1]

    @property
    def slug(self) -> str:
        return f"{self.name}-{self.version}"


PROJECTS: dict[str, Project] = {
    p.name: p
    for p in (
        Project(
            "django",
            "django==5.1.4",
            (".",),
            (
                "django.utils.timezone.now",
                "django.db.models.Q",
                "django.utils.functional.cached_property",
                "django.conf.settings",
                "django.utils.translation.gettext_lazy",
            ),
        ),
        Project(
            "flask",
            "flask==3.1.0",
            ("src", "."),
            ("flask.request", "flask.url_for", "flask.jsonify", "flask.g", "flask.session"),
        ),
        Project(
            "requests",
            "requests==2.32.3",
            ("src", "."),
            (
                "requests.compat.urljoin",
                "requests.exceptions.HTTPError",
                "requests.structures.CaseInsensitiveDict",
                "requests.utils.requote_uri",
                "requests.models.Response",
            ),
        ),
    )
}

# Directories neither tool lints (ruff's defaults; ssotlint skips the same names).
SKIPPED_DIRS = frozenset(
    {
        ".bzr", ".direnv", ".eggs", ".git", ".hg", ".mypy_cache", ".nox", ".pytest_cache",
        ".ruff_cache", ".svn", ".tox", ".venv", "__pycache__", "__pypackages__", "_build",
        "buck-out", "build", "dist", "node_modules", "site-packages", "venv", ".ssotlint_cache",
    }
)  # fmt: skip


# --- preparing the trees ------------------------------------------------------------


def find_sdist(folder: Path, project: Project) -> Path | None:
    want = f"{project.slug}.tar.gz"
    for path in sorted(folder.glob("*.tar.gz")):
        if path.name.lower() == want:
            return path
    return None


def download(project: Project, folder: Path) -> Path:
    found = find_sdist(folder, project)
    if found is not None:
        return found
    folder.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps"]
    cmd += ["--disable-pip-version-check", "-q", project.requirement, "-d", str(folder)]
    print(f"  downloading {project.requirement}: {shlex.join(cmd)}", flush=True)
    subprocess.run(cmd, check=True)
    found = find_sdist(folder, project)
    if found is None:
        raise SystemExit(f"pip did not leave {project.slug}.tar.gz in {folder}")
    return found


def extract(sdist: Path, folder: Path, project: Project) -> Path:
    """The pristine extracted sdist root (extracted once, reused)."""
    return extract_once(sdist, folder / project.slug)


def toml_str(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid TOML basic string here


def ssotlint_config(project: Project) -> str:
    lines = ["# written by bench/run.py: ssotlint's view of the benchmark", "[tool.ssotlint]"]
    lines.append("src = [" + ", ".join(toml_str(s) for s in project.src) + "]")
    lines += ["", "[tool.ssotlint.deprecated]"]
    for name in project.deprecated:
        lines.append(f"{toml_str(name)} = {{ message = {toml_str('bench: deprecated')} }}")
    return "\n".join(lines) + "\n"


def ruff_config(project: Project) -> str:
    lines = ["# written by bench/run.py: the same deprecations as ruff banned-api (TID251)"]
    lines.append("[lint.flake8-tidy-imports.banned-api]")
    for name in project.deprecated:
        lines.append(f"{toml_str(name)}.msg = {toml_str('bench: deprecated')}")
    return "\n".join(lines) + "\n"


def prepare(project: Project, cache: Path) -> Path:
    """A fresh work tree: the sdist plus our configs. Returns its root."""
    sdist = download(project, cache / "sdists")
    pristine = extract(sdist, cache / "src", project)
    work = cache / "work" / project.slug
    if work.exists():
        shutil.rmtree(work)
    work.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(pristine, work, symlinks=True)
    (work / ".bench-extracted").unlink(missing_ok=True)
    # Drop the sdist's own pyproject (it may configure ruff); ours holds only [tool.ssotlint].
    (work / "pyproject.toml").write_text(ssotlint_config(project), encoding="utf-8")
    (work / "ruff-bench.toml").write_text(ruff_config(project), encoding="utf-8")
    return work


def count_python(root: Path) -> tuple[int, int]:
    files = lines = 0
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info")]
        for name in names:
            if name.endswith(".py"):
                files += 1
                with open(os.path.join(folder, name), "rb") as handle:
                    lines += handle.read().count(b"\n")
    return files, lines


# --- running and measuring ----------------------------------------------------------------


@dataclass
class Measure:
    wall: float  # seconds
    cpu: float  # user + sys seconds, the whole process tree
    maxrss_kb: int  # largest single process in the tree
    returncode: int
    stdout: bytes
    stderr: bytes


def run(cmd: Sequence[str], cwd: Path, ok: Sequence[int] = (0, 1)) -> Measure:
    """Run cmd; wall clock, CPU and peak RSS of exactly this child (via wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        # No progress bars, no colours; PYTHONPATH may point at the ssotlint snapshot.
        env = {**os.environ, "NO_COLOR": "1", "CI": "1", **EXTRA_ENV}
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        measure = Measure(
            wall,
            usage.ru_utime + usage.ru_stime,
            int(usage.ru_maxrss),
            proc.returncode,
            out.read(),
            err.read(),
        )
    if measure.returncode not in ok:
        sys.stderr.write(measure.stderr.decode(errors="replace")[-4000:])
        raise SystemExit(f"{shlex.join(cmd)} exited {measure.returncode} in {cwd}")
    return measure


EXTRA_ENV: dict[str, str] = {}


def snapshot_ssotlint(cache: Path) -> tuple[list[str], str]:
    """Copy the installed ssotlint's source aside and run that copy.

    ssotlint keys its cache on a fingerprint of its own files, so with an editable install
    every edit made while the benchmark runs would turn warm runs cold and mix code versions
    between runs. The copy is frozen at start: every run measures the same code.
    """
    probe = (
        "import ssotlint, ssotlint.rules as r; print(ssotlint.__path__[0]); print(r.__path__[0])"
    )
    res = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"cannot import ssotlint with {sys.executable}:\n{res.stderr}")
    package, rules = (Path(line) for line in res.stdout.splitlines()[-2:])
    root = cache / "snapshot"
    shutil.rmtree(root, ignore_errors=True)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(package, root / "ssotlint", ignore=skip)
    if not (root / "ssotlint" / "rules").is_dir():  # the repo maps ssotlint.rules to rules/
        shutil.copytree(rules, root / "ssotlint" / "rules", ignore=skip)
    # Byte-compiled, as a wheel install is (ruff is native; PYTHONDONTWRITEBYTECODE would
    # otherwise make every run compile ssotlint's modules again).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(root)], check=True)
    EXTRA_ENV["PYTHONPATH"] = os.pathsep.join(
        [str(root), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    where = str(package.parent)
    try:
        head = subprocess.run(
            ["git", "-C", where, "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.strip()
    except OSError:
        head = ""
    return [sys.executable, "-m", "ssotlint"], f"{where} {head}".strip()


def settle(work: Path, seconds: float = 2.5) -> None:
    """Wait until every file of the fresh work tree is `seconds` old. ssotlint trusts a file's
    (mtime, ctime, size) only once it is over 2 s old (newer ones may still change within one
    clock tick, so it hashes them): a cache primed right after the copy would hash every file
    on every warm run, which no real checkout that sat for a moment does."""
    newest = max(
        (max(p.stat().st_mtime, p.stat().st_ctime) for p in work.rglob("*.py")), default=0.0
    )
    wait = newest + seconds - time.time()
    if wait > 0:
        time.sleep(wait)


def find_tool(name: str, override: str | None) -> list[str]:
    if override:
        return shlex.split(override)
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return [str(beside)]
    found = shutil.which(name)
    if found:
        return [found]
    return [sys.executable, "-m", name]


def tool_version(cmd: Sequence[str]) -> str:
    try:
        res = subprocess.run([*cmd, "--version"], capture_output=True, text=True, timeout=60)
    except OSError as exc:
        return f"unavailable ({exc})"
    return (res.stdout or res.stderr).strip()


@dataclass
class Variant:
    key: str
    label: str
    cmd: list[str]
    prime: bool = False  # run once untimed to fill the cache, which each timed run starts from
    measures: list[Measure] = field(default_factory=list)

    def median(self, attr: str) -> float:
        return float(statistics.median(float(getattr(m, attr)) for m in self.measures))


def variants(ruff: list[str], sot: list[str], work: Path, jobs: int | None) -> list[Variant]:
    config = str(work / "ruff-bench.toml")
    extra = ["--jobs", str(jobs)] if jobs else []
    ruff_cmd = [*ruff, "check", "--no-cache", "--select", "TID251", "--config", config]
    ruff_cmd += ["--output-format", "concise", "--exit-zero", "."]
    check = [*sot, "check", "--format", "concise", "--exit-zero", *extra]
    return [
        Variant("ruff", "ruff TID251 (--no-cache)", ruff_cmd),
        Variant("cold", "ssotlint cold (--no-cache)", [*check, "--no-cache"]),
        Variant("warm", "ssotlint warm (cache hit)", check, prime=True),
        Variant(
            "sot20x",
            "ssotlint cold --select SOT201,SOT202",
            [*check, "--no-cache", "--select", "SOT201,SOT202"],
        ),
        Variant(
            "sot10x",
            "ssotlint cold --select SOT1,SOT201,SOT202",
            [*check, "--no-cache", "--select", "SOT1,SOT201,SOT202"],
        ),
    ]


def cache_state(folder: Path) -> dict[str, tuple[int, int]]:
    """Name -> (size, mtime) of the cache files: any write by ssotlint changes it."""
    out = {}
    for path in folder.rglob("*"):
        if path.is_file():
            stat = path.stat()
            out[path.relative_to(folder).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return out


def drop_cache(work: Path) -> None:
    shutil.rmtree(work / ".ssotlint_cache", ignore_errors=True)


def bench_project(
    project: Project, work: Path, ruff: list[str], sot: list[str], runs: int, jobs: int | None
) -> dict[str, object]:
    files, lines = count_python(work)
    print(f"\n== {project.requirement}: {files} .py files, {lines:,} lines ({work})", flush=True)
    ruff_toml = str(work / "ruff-bench.toml")
    shown = run([*ruff, "check", "--config", ruff_toml, "--show-files", "."], work)
    ruff_files = sum(1 for line in shown.stdout.decode().splitlines() if line.endswith(".py"))
    if ruff_files != files:
        print(f"  note: ruff lints {ruff_files} .py files, the walk found {files}")
    vs = variants(ruff, sot, work, jobs)
    # The warm cache is primed once and stashed; it is restored before each warm run, since
    # the cold runs in between remove `.ssotlint_cache`.
    stash = work.parent / f"{work.name}.warm-cache"
    shutil.rmtree(stash, ignore_errors=True)
    settle(work)
    for v in vs:
        if v.prime:
            drop_cache(work)
            run(v.cmd, work)
            shutil.move(work / ".ssotlint_cache", stash)
    for i in range(runs):
        for v in vs:
            drop_cache(work)
            if not v.prime:
                v.measures.append(run(v.cmd, work))
                continue
            for _ in range(3):
                shutil.copytree(stash, work / ".ssotlint_cache")
                measure = run(v.cmd, work)
                if cache_state(work / ".ssotlint_cache") == cache_state(stash):
                    break
                # ssotlint rewrote its cache: a miss (its cache key includes a fingerprint of
                # its own code, so an edit to ssotlint mid-benchmark invalidates the stash).
                # The cache it just wrote is the new stash; time again.
                print("  warm run missed the cache (ssotlint changed?): re-primed", flush=True)
                shutil.rmtree(stash)
                shutil.move(work / ".ssotlint_cache", stash)
            v.measures.append(measure)
        summary = "  ".join(f"{v.key} {v.measures[-1].wall:.2f}s" for v in vs)
        print(f"  run {i + 1}/{runs}: {summary}", flush=True)
    drop_cache(work)
    shutil.rmtree(stash, ignore_errors=True)
    by = {v.key: v for v in vs}
    print(f"  {'variant':<42} {'wall median':>11} {'cpu median':>11} {'peak RSS':>10}")
    for v in vs:
        rss = max(m.maxrss_kb for m in v.measures) / 1024
        print(f"  {v.label:<42} {v.median('wall'):>10.2f}s {v.median('cpu'):>10.2f}s {rss:>8.0f}MB")
    ruff_wall, ruff_cpu = by["ruff"].median("wall"), by["ruff"].median("cpu")
    ratios = {
        "cold/ruff": by["cold"].median("wall") / ruff_wall,
        "warm/ruff": by["warm"].median("wall") / ruff_wall,
        "cold/ruff cpu": by["cold"].median("cpu") / ruff_cpu,
        "warm/ruff cpu": by["warm"].median("cpu") / ruff_cpu,
        "SOT10x overhead": by["sot10x"].median("wall") / by["sot20x"].median("wall"),
        "SOT10x overhead cpu": by["sot10x"].median("cpu") / by["sot20x"].median("cpu"),
        "all rules/SOT20x": by["cold"].median("wall") / by["sot20x"].median("wall"),
        "all rules/SOT20x cpu": by["cold"].median("cpu") / by["sot20x"].median("cpu"),
    }
    print(
        f"  cold/ruff: x{ratios['cold/ruff']:.1f} (cpu x{ratios['cold/ruff cpu']:.1f})   "
        f"warm/ruff: x{ratios['warm/ruff']:.1f} (cpu x{ratios['warm/ruff cpu']:.1f})"
    )
    print(
        f"  SOT10x overhead: x{ratios['SOT10x overhead']:.2f} "
        f"(cpu x{ratios['SOT10x overhead cpu']:.2f})   "
        f"all default rules vs SOT201,SOT202: x{ratios['all rules/SOT20x']:.2f} "
        f"(cpu x{ratios['all rules/SOT20x cpu']:.2f})"
    )
    peak = max(m.maxrss_kb for m in by["cold"].measures) / 1024
    print(
        f"  peak RSS ssotlint cold: {peak:.0f} MB   "
        f"throughput cold: {lines / by['cold'].median('wall'):,.0f} lines/s"
    )
    return {
        "project": project.requirement,
        "files": files,
        "lines": lines,
        "ruff_files": ruff_files,
        "runs": runs,
        "variants": {
            v.key: {
                "label": v.label,
                "command": shlex.join(v.cmd),
                "wall": [round(m.wall, 3) for m in v.measures],
                "cpu": [round(m.cpu, 3) for m in v.measures],
                "wall_median": round(v.median("wall"), 3),
                "cpu_median": round(v.median("cpu"), 3),
                "peak_rss_mb": round(max(m.maxrss_kb for m in v.measures) / 1024, 1),
            }
            for v in vs
        },
        "ratios": {k: round(x, 2) for k, x in ratios.items()},
    }


# --- TID251 comparison -------------------------------------------------------------------


def compare_tid251(
    project: Project, work: Path, ruff: list[str], sot: list[str], jobs: int | None
) -> dict[str, object]:
    print(f"\n== TID251 vs SOT201/SOT202 on {project.requirement}", flush=True)
    real = work.resolve()
    ruff_cmd = [*ruff, "check", "--no-cache", "--select", "TID251"]
    ruff_cmd += ["--config", str(work / "ruff-bench.toml"), "--output-format", "json", "."]
    ruff_out = json.loads(run(ruff_cmd, work).stdout or b"[]")
    sot_cmd = [*sot, "check", "--no-cache", "--select", "SOT201,SOT202", "--format", "json"]
    if jobs:
        sot_cmd += ["--jobs", str(jobs)]
    sot_out = json.loads(run(sot_cmd, work).stdout or b"[]")

    def rel(filename: str) -> str:
        path = Path(filename)
        try:
            return path.resolve().relative_to(real).as_posix()
        except ValueError:
            return path.as_posix()

    ruff_sites = {
        (rel(d["filename"]), d["location"]["row"]): d["message"]
        for d in ruff_out
        if d.get("code") == "TID251"
    }
    sot_sites = {
        (d["path"], d["line"]): d["message"]
        for d in sot_out
        if d.get("code") in ("SOT201", "SOT202")
    }
    missing = sorted(set(ruff_sites) - set(sot_sites))
    extra = sorted(set(sot_sites) - set(ruff_sites))
    print(
        f"  ruff TID251 sites: {len(ruff_sites)}   ssotlint SOT201/202 sites: {len(sot_sites)}   "
        f"missing: {len(missing)}   extra (ssotlint only): {len(extra)}"
    )
    for path, line in missing:
        print(f"  MISSING {path}:{line}: {ruff_sites[(path, line)]}")
    for path, line in extra[:8]:
        print(f"  extra   {path}:{line}: {sot_sites[(path, line)]}")
    if len(extra) > 8:
        print(f"  ... and {len(extra) - 8} more extra")
    return {
        "project": project.requirement,
        "ruff": len(ruff_sites),
        "ssotlint": len(sot_sites),
        "missing": [f"{p}:{n}" for p, n in missing],
        "extra": [f"{p}:{n}" for p, n in extra],
    }


# --- main -----------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per variant (0: none)")
    parser.add_argument(
        "--cache-dir", type=Path, default=HERE / ".cache", help="sdists and work trees"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(PROJECTS),
        help="benchmark only this project (repeatable); default: all",
    )
    parser.add_argument(
        "--compare-tid251",
        action="store_true",
        help="also check every ruff TID251 site is an SOT201/SOT202 site (exit 1 if not)",
    )
    parser.add_argument("--jobs", type=int, help="pass --jobs N to ssotlint")
    parser.add_argument("--ssotlint", help="command for ssotlint (default: a snapshot, see --live)")
    parser.add_argument("--ruff", help="command for ruff (default: beside this Python)")
    parser.add_argument(
        "--live",
        action="store_true",
        help="run the installed ssotlint as is, not a snapshot of its source taken at start",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if args.runs < 0:
        parser.error("--runs must be >= 0")

    ruff = find_tool("ruff", args.ruff)
    cache = args.cache_dir.resolve()
    source = "as installed"
    if args.ssotlint or args.live:
        sot = find_tool("ssotlint", args.ssotlint)
    else:
        sot, source = snapshot_ssotlint(cache)
    names = args.only or list(PROJECTS)
    load_start = os.getloadavg()
    info: dict[str, object] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "ruff": tool_version(ruff),
        "ssotlint": tool_version(sot),
        "ssotlint_source": source,
        "loadavg_start": load_start,
    }
    print(
        f"{info['ssotlint']} vs {info['ruff']}; Python {info['python']}; {info['cpus']} CPUs; "
        f"load average {' '.join(f'{x:.2f}' for x in load_start)}"
    )
    print(f"ssotlint code: {source}" + ("" if source == "as installed" else " (snapshot)"))
    benches: list[dict[str, object]] = []
    compares: list[dict[str, object]] = []
    results = {"machine": info, "bench": benches, "compare": compares}
    failed = False
    for name in names:
        project = PROJECTS[name]
        work = prepare(project, cache)
        if args.runs:
            benches.append(bench_project(project, work, ruff, sot, args.runs, args.jobs))
        if args.compare_tid251:
            cmp = compare_tid251(project, work, ruff, sot, args.jobs)
            compares.append(cmp)
            failed |= bool(cmp["missing"])
    load_end = os.getloadavg()
    info["loadavg_end"] = load_end
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in load_end)}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if failed:
        print("FAIL: some ruff TID251 sites are not reported by ssotlint", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
