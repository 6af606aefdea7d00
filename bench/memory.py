#!/usr/bin/env python3
"""Peak memory of `ssotlint check --no-cache` on a multi-million-line tree.

    python bench/memory.py                          # ~4M lines: Django 5.1.4 copied 9 times
    python bench/memory.py --lines 1000000 --jobs 1
    python bench/memory.py --profile                # tracemalloc: what the run keeps alive

The tree is the Django 5.1.4 sdist (found at --sdist, else in bench/.cache/sdists/, else
fetched with `pip download`), extracted once into bench/.cache/memory/src/ and copied under
the top-level names django0, django1, ... (with `tests0`, `tests1`, ... beside them); each
copy's `import django`/`from django` lines are rewritten to its own name, so every copy is a
first-party package whose imports resolve, as in one large monorepo. The config deprecates
five Django names in every copy, so SOT201 has thousands of real sites.

It prints the peak RSS of the ssotlint process (`ru_maxrss` from `os.wait4`), of its largest
indexing worker (RUSAGE_CHILDREN of a wrapper process), and the peak summed PSS of the whole
process tree (sampled from /proc every 50 ms, Linux only), then exits 1 if the ssotlint
process went over --limit-mb (default 1536 = 1.5 GiB). Standard library only.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from sdists import DJANGO, django_sdist, extract_once

HERE = Path(__file__).resolve().parent
DEPRECATED = (
    "utils.timezone.now",
    "db.models.Q",
    "utils.functional.cached_property",
    "conf.settings",
    "utils.translation.gettext_lazy",
)
IMPORT = re.compile(rb"^(\s*(?:from|import)\s+)django\b", re.M)


def extract(sdist: Path, folder: Path) -> Path:
    """The pristine sdist root, extracted once."""
    return extract_once(sdist, folder / "django-5.1.4")


def python_lines(folder: Path) -> tuple[int, int]:
    files = lines = 0
    for path in folder.rglob("*.py"):
        files += 1
        with open(path, "rb") as handle:
            lines += sum(1 for _ in handle)
    return files, lines


def build_tree(src: Path, target: Path, copies: int, rewrite: bool) -> Path:
    """`copies` copies of the sdist's `django/` and `tests/` under numbered names."""
    marker = target / ".memory-tree"
    want = json.dumps({"copies": copies, "rewrite": rewrite})
    if marker.exists() and marker.read_text() == want:
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for k in range(copies):
        for part in ("django", "tests"):
            dest = target / f"{part}{k}"
            shutil.copytree(src / part, dest)
            if not rewrite:
                continue
            for path in dest.rglob("*.py"):
                data = path.read_bytes()
                new = IMPORT.sub(rb"\g<1>django" + str(k).encode(), data)
                if new != data:
                    path.write_bytes(new)
    lines = ["# written by bench/memory.py", "[tool.ssotlint]", 'src = ["."]', "",
             "[tool.ssotlint.deprecated]"]  # fmt: skip
    for k in range(copies):
        for name in DEPRECATED:
            lines.append(f'"django{k}.{name}" = {{ message = "bench: deprecated" }}')
    (target / "pyproject.toml").write_text("\n".join(lines) + "\n")
    marker.write_text(want)
    return target


def pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pids(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, stack = [], [root]
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(children.get(pid, []))
    return out


# The measured command runs under a tiny wrapper that reports RUSAGE_CHILDREN: the largest
# of ssotlint's own children (the indexing pool's workers).
WRAPPER = """
import os, resource, subprocess, sys, json
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
print(json.dumps({"code": os.waitstatus_to_exitcode(status), "main_kib": usage.ru_maxrss,
                  "largest_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def measure(tree: Path, command: list[str]) -> dict[str, float]:
    peak = {"pss": 0}
    proc = subprocess.Popen(
        [sys.executable, "-c", WRAPPER, *command], cwd=tree, stdout=subprocess.PIPE, text=True
    )
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak["pss"] = max(peak["pss"], sum(pss_kib(p) for p in tree_pids(proc.pid)[1:]))

    sampler = threading.Thread(target=sample, daemon=True)
    if sys.platform.startswith("linux"):
        sampler.start()
    start = time.perf_counter()
    out, _ = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    report = json.loads(out.strip().splitlines()[-1])
    return {
        "code": report["code"],
        "wall_s": wall,
        "main_mib": report["main_kib"] / 1024,
        "largest_worker_mib": report["largest_kib"] / 1024,  # includes the main process
        "tree_pss_mib": peak["pss"] / 1024,
    }


PROFILE = """
import sys, tracemalloc
from pathlib import Path
tracemalloc.start(int(sys.argv[1]))
from ssotlint.cli import resolve_config
from ssotlint.engine import CheckOptions, run_check
result = run_check(resolve_config(None, Path.cwd()),
                   CheckOptions(use_cache=False, jobs=int(sys.argv[2])))
current, peak = tracemalloc.get_traced_memory()
snap = tracemalloc.take_snapshot()
print(f"traced: {current / 2**20:.0f} MiB held at the end (result alive), "
      f"peak {peak / 2**20:.0f} MiB")
print(f"{len(result.diagnostics)} findings in {result.files_checked} files")
for stat in snap.statistics("traceback" if int(sys.argv[1]) > 1 else "lineno")[:25]:
    print(f"{stat.size / 2**20:8.1f} MiB {stat.count:9d} blocks  " + " <- ".join(
        f"{'/'.join(f.filename.split('/')[-2:])}:{f.lineno}" for f in reversed(stat.traceback)))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=4_000_000, help="at least this many lines")
    parser.add_argument("--copies", type=int, help="copies of Django (default: from --lines)")
    parser.add_argument("--no-rewrite", action="store_true", help="keep `import django` lines")
    parser.add_argument("--jobs", type=int, help="pass --jobs N to ssotlint")
    parser.add_argument("--sdist", type=Path, help=f"path to {DJANGO}")
    parser.add_argument("--cache-dir", type=Path, default=HERE / ".cache")
    parser.add_argument("--limit-mb", type=float, default=1536.0)
    parser.add_argument("--profile", action="store_true", help="tracemalloc instead of timing")
    parser.add_argument("--frames", type=int, default=1, help="traceback depth for --profile")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()

    work = args.cache_dir / "memory"
    src = extract(django_sdist(args.sdist, args.cache_dir), work / "src")
    per_copy = sum(python_lines(src / part)[1] for part in ("django", "tests"))
    copies = args.copies or max(1, math.ceil(args.lines / per_copy))
    started = time.perf_counter()
    name = f"tree-{copies}" + ("-raw" if args.no_rewrite else "")
    tree = build_tree(src, work / name, copies, not args.no_rewrite)
    files, lines = python_lines(tree)
    print(f"tree: {tree} ({copies} copies, {files} files, {lines:,} lines; "
          f"ready in {time.perf_counter() - started:.1f}s)", flush=True)  # fmt: skip

    if args.profile:
        jobs = str(args.jobs if args.jobs is not None else 1)
        subprocess.run(
            [sys.executable, "-c", PROFILE, str(args.frames), jobs], cwd=tree, check=True
        )
        return 0

    ssotlint = Path(sys.executable).with_name("ssotlint")
    command = [str(ssotlint)] if ssotlint.exists() else [sys.executable, "-m", "ssotlint"]
    command += ["check", "--no-cache", "--format", "concise", "--exit-zero"]
    if args.jobs is not None:
        command += ["--jobs", str(args.jobs)]
    result = measure(tree, command)
    if result["code"] != 0:
        print(f"ssotlint exited {result['code']}", file=sys.stderr)
        return 2
    print(f"ssotlint check --no-cache on {lines:,} lines in {files} files: "
          f"{result['wall_s']:.1f}s wall")  # fmt: skip
    print(f"  peak RSS, ssotlint process (ru_maxrss): {result['main_mib']:.0f} MiB")
    print(f"  peak RSS, largest process of the tree:   {result['largest_worker_mib']:.0f} MiB")
    if result["tree_pss_mib"]:
        print(f"  peak PSS, whole process tree (sampled): {result['tree_pss_mib']:.0f} MiB")
    ok = result["main_mib"] <= args.limit_mb
    print(f"  limit {args.limit_mb:.0f} MiB: {'ok' if ok else 'EXCEEDED'}")
    if args.json:
        args.json.write_text(json.dumps({**result, "files": files, "lines": lines}, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
