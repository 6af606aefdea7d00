#!/usr/bin/env python3
"""flake8 with only the SOT plugin vs flake8 with only pyflakes, on one file of a real project.

    python bench/flake8_bench.py                       # Django 5.1.4 sdist, query.py, 15 runs
    python bench/flake8_bench.py --runs 30 --file django/db/models/base.py
    python bench/flake8_bench.py --tarball path/to/Project-1.0.tar.gz --file pkg/mod.py

The sdist is extracted into a temporary folder with a `pyproject.toml` holding only
`[tool.ssotlint]` (its own is dropped), and the project index is warmed once. Then, run by
run and interleaved (so background load hits every variant alike), it times:

    sot        flake8 --select SOT FILE   with only the SOT plugin loaded
    pyflakes   flake8 --select F FILE     with only pyflakes loaded
    sot-edit   like `sot`, on an edited buffer: `--stdin-display-name FILE -` (an editor)
    cli-sot    flake8 --select SOT FILE   as users type it (every installed plugin runs)
    cli-F      flake8 --select F FILE     as users type it (every installed plugin runs)

flake8 runs every installed plugin whatever `--select` says and only filters the output,
so `cli-sot` / `cli-F` compare two runs of the same plugins; `sot` / `pyflakes` are the
honest comparison: each variant loads only its plugin (the report plugins stay). All runs use
`--isolated` so no flake8 config of the project applies. It prints the medians of wall time
and of CPU time (user+sys of the flake8 process) and the ratios; the target is sot/pyflakes
<= 2x.

ssotlint's own modules are byte-compiled first (as a wheel install does), so no variant
pays for compiling its plugin.

Standard library only (plus flake8 and ssotlint in this Python's environment).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from sdists import django_sdist

DEFAULT_FILE = "django/db/models/query.py"
TARGET = 2.0

CONFIG = """\
[tool.ssotlint]
src = ["."]

[tool.ssotlint.deprecated]
"django.utils.timezone.now" = { message = "bench: use a clock service" }
"django.utils.functional.cached_property" = { message = "bench: use functools.cached_property" }
"django.utils.translation.gettext_lazy" = { message = "bench" }
"""

# flake8 with only the plugins whose entry-point name is in argv[1] (report plugins stay).
ONLY = """\
import sys
from flake8.main import cli
from flake8.plugins import finder

keep = set(sys.argv[1].split(","))
find = finder.find_plugins


def only(cfg, opts):
    plugins = find(cfg, opts)
    return [
        p for p in plugins if p.entry_point.group == "flake8.report" or p.entry_point.name in keep
    ]


finder.find_plugins = only
sys.exit(cli.main(sys.argv[2:]))
"""


def extract(tarball: Path, into: Path) -> Path:
    with tarfile.open(tarball) as tar:
        if sys.version_info >= (3, 12):
            tar.extractall(into, filter="data")
        else:
            tar.extractall(into)  # a pinned sdist
    (root,) = [p for p in into.iterdir() if p.is_dir()]
    (root / "pyproject.toml").write_text(CONFIG)
    return root


def timed(cmd: list[str], cwd: Path, stdin: str | None = None) -> tuple[float, float, str, str]:
    """(wall seconds, CPU seconds of the child, stdout, stderr)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, input=stdin)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1) or proc.stderr.strip():
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    return wall, cpu, proc.stdout, proc.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--tarball", type=Path, help="an sdist (default: Django 5.1.4, downloaded once)"
    )
    parser.add_argument("--file", default=DEFAULT_FILE, help="file inside the sdist")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the extracted tree")
    args = parser.parse_args(argv)
    args.tarball = django_sdist(args.tarball)

    tmp = Path(tempfile.mkdtemp(prefix="ssotlint-flake8-bench-"))
    try:
        root = extract(args.tarball, tmp)
        target = root / args.file
        if not target.is_file():
            parser.error(f"{args.file}: not in {args.tarball.name}")
        py = sys.executable
        flake8 = [py, "-m", "flake8", "--isolated"]
        only = [py, "-c", ONLY]
        text = target.read_text()
        edited = text + "\n\nfrom django.utils.timezone import now as _bench_now\n"
        stdin_args = ["--stdin-display-name", args.file, "-"]  # how editors send a buffer
        variants: dict[str, tuple[list[str], str | None]] = {
            "sot": ([*only, "SOT", "--isolated", "--select", "SOT", args.file], None),
            "pyflakes": ([*only, "F", "--isolated", "--select", "F", args.file], None),
            "sot-edit": (
                [*only, "SOT", "--isolated", "--select", "SOT", *stdin_args],
                edited,
            ),
            "cli-sot": ([*flake8, "--select", "SOT", args.file], None),
            "cli-F": ([*flake8, "--select", "F", args.file], None),
        }

        files = sum(1 for _ in root.rglob("*.py"))
        lines = text.count("\n")
        print(f"project  {args.tarball.name}: {files} .py files; file {args.file} ({lines} lines)")
        print(
            f"python   {platform.python_version()} on {platform.platform()}, {os.cpu_count()} CPUs"
        )
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"load     {load:.2f} (1 min) at start")

        # flake8 and pyflakes come from wheels, byte-compiled at install; an editable ssotlint
        # (or PYTHONDONTWRITEBYTECODE) would compile its modules on every run: compile them once.
        import ssotlint.rules

        folders = {Path(ssotlint.__file__).parent, *map(Path, ssotlint.rules.__path__)}
        subprocess.run([py, "-m", "compileall", "-q", *map(str, sorted(folders))], check=True)

        start = time.perf_counter()
        _, cold_cpu, _, _ = timed(variants["sot"][0], root)
        cold_wall = time.perf_counter() - start
        print(
            f"cold     sot run (index built and cached): {cold_wall:.2f}s wall, {cold_cpu:.2f}s CPU"
        )
        for cmd, stdin in variants.values():  # warm every variant once
            timed(cmd, root, stdin)
        edit_out = timed(variants["sot-edit"][0], root, edited)[2]
        if "SOT201" not in edit_out:
            raise SystemExit(f"sot-edit: expected the new SOT201 in the buffer, got:\n{edit_out}")

        walls: dict[str, list[float]] = {name: [] for name in variants}
        cpus: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(args.runs):
            for name, (cmd, stdin) in variants.items():
                wall, cpu, _, _ = timed(cmd, root, stdin)
                walls[name].append(wall)
                cpus[name].append(cpu)

        print(f"\nmedians of {args.runs} runs (seconds)")
        print(f"  {'variant':<10} {'wall':>8} {'cpu':>8}")
        med_wall = {n: statistics.median(v) for n, v in walls.items()}
        med_cpu = {n: statistics.median(v) for n, v in cpus.items()}
        for name in variants:
            print(f"  {name:<10} {med_wall[name]:8.3f} {med_cpu[name]:8.3f}")
        print()
        for a, b in (("sot", "pyflakes"), ("sot-edit", "pyflakes"), ("cli-sot", "cli-F")):
            rw, rc = med_wall[a] / med_wall[b], med_cpu[a] / med_cpu[b]
            print(f"  ratio {a}/{b}: {rw:.2f}x wall, {rc:.2f}x cpu")
        ratio = med_wall["sot"] / med_wall["pyflakes"]
        verdict = "within" if ratio <= TARGET else "ABOVE"
        print(f"\nsot/pyflakes {ratio:.2f}x wall: {verdict} the {TARGET:g}x target")
        return 0
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
