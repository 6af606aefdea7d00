"""A `check --fix --unsafe-fixes` killed with SIGKILL at random points never leaves a partial file.

64 files each hold a fixable finding. For every kill point a fresh process runs the fix over
the project and is killed after a seeded random delay; then every file is byte-identical to
its old or its (precomputed) new text, leftover temp files are hidden names that discovery
never lists, every cache file under its final name is whole, and the next run (with that
cache) reports exactly the findings of the files that are still old.

Most kill points fork a child of this (already imported) test process that runs the CLI's
`main()`: a fresh process per kill without paying the interpreter start-up, so the random
delays land inside the fix. A few kill points spawn the real `python -m ssotlint`.

    SSOTLINT_KILL_POINTS=500 SSOTLINT_KILL_SEED=3 python -m pytest tests/test_kill_mid_fix.py
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ssotlint.cache import MAGIC
from ssotlint.cli import main, resolve_config
from ssotlint.discovery import discover
from ssotlint.engine import CheckOptions, run_check

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork") or sys.platform == "win32", reason="needs fork and SIGKILL"
)

N_FILES = 64
KILLS = int(os.environ.get("SSOTLINT_KILL_POINTS", "50"))
SPAWNED = 4  # of the kill points above: real `python -m ssotlint` processes
SEED = int(os.environ.get("SSOTLINT_KILL_SEED", "20241204"))
CONFIG = """
[tool.ssotlint.deprecated]
"app.old_manager" = { replacement = "app.manager" }
"app.models.Old" = { message = "use New", replacement = "app.models.New", drop-in = true }
"""
BASE = {
    "app/__init__.py": "",
    "app/manager.py": "class Manager:\n    pass\n",
    "app/old_manager.py": "from app.manager import Manager\n",
    "app/models.py": "class Old:\n    pass\n\n\nclass New:\n    pass\n",
}
ARGV = ["check", "--fix", "--unsafe-fixes", "--format", "concise"]


def _module(i: int) -> str:
    """Cheap fixes (libcst transforms are the cost): an unused suppression (SOT901, a text
    edit) in most files, a deprecated-module import (SOT202) in every 8th, and a drop-in
    rename (SOT201, libcst's RenameCommand) in the first."""
    head = "from app.old_manager import Manager\n" if i % 8 == 0 else "import os  # noqa: SOT202\n"
    if i == 0:
        head += "from app.models import Old\n\n\ndef make():\n    return Old()\n"
    body = "".join(
        f"\n\ndef f{i}_{j}(x):\n    '''{'padding ' * 4}'''\n    return x + {j}\n" for j in range(4)
    )
    return head + body


def _files() -> dict[str, str]:
    return {**BASE, **{f"app/m{i:02d}.py": _module(i) for i in range(N_FILES)}}


def _fork_fix(root: Path) -> int:
    """Start `ssotlint check --fix --unsafe-fixes` in a forked child; its pid."""
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 70
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            sys.stdout = sys.stderr = open(devnull, "w", closefd=False)  # noqa: SIM115
            os.chdir(root)
            code = main(ARGV)
        finally:
            os._exit(code)
    return pid


def _spawn_fix(root: Path) -> int:
    proc = subprocess.Popen(
        [sys.executable, "-m", "ssotlint", *ARGV],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return proc.pid


def _kill_after(pid: int, delay: float) -> int | None:
    """SIGKILL `pid` after `delay` seconds (unless it ended); its exit status if it ended."""
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(min(0.002, max(0.0, deadline - time.monotonic())))
    with contextlib.suppress(ProcessLookupError):  # it may have ended meanwhile
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    return None if code == -signal.SIGKILL else code


def _cache_files_are_whole(root: Path) -> int:
    """Every cache file under its final name has the magic and a matching hash."""
    count = 0
    for path in (root / ".ssotlint_cache").rglob("*.pickle"):
        blob = path.read_bytes()
        assert blob.startswith(MAGIC), path
        digest, payload = blob[len(MAGIC) : len(MAGIC) + 32], blob[len(MAGIC) + 32 :]
        assert hashlib.blake2b(payload, digest_size=16).hexdigest().encode() == digest, path
        count += 1
    return count


def _expected(root: Path, old: dict[str, bytes]) -> list[str]:
    out = []
    for rel, data in sorted(old.items()):
        if (root / rel).read_bytes() == data and rel.startswith("app/m"):
            i = int(rel[5:7])
            out.append(f"{rel}:1 {'SOT202' if i % 8 == 0 else 'SOT901'}")
            if i == 0:
                out.append(f"{rel}:2 SOT201")
    return out


def test_sigkill_mid_fix_leaves_every_file_old_or_new(
    make_project: Callable[..., Path],
) -> None:
    root = make_project(_files(), CONFIG)
    targets = sorted(f"app/m{i:02d}.py" for i in range(N_FILES))
    old = {rel: (root / rel).read_bytes() for rel in targets}
    mode = {rel: (root / rel).stat().st_mode for rel in targets}

    # the new texts; then, from all-old with a warm cache as most kill points start, how long
    # an unkilled run takes and when it writes (the range of the random delays)
    assert _kill_after(_fork_fix(root), 120) == 0
    new = {rel: (root / rel).read_bytes() for rel in targets}
    for rel in targets:
        (root / rel).write_bytes(old[rel])
    start, wall = time.monotonic(), time.time_ns()
    assert _kill_after(_fork_fix(root), 120) == 0
    full = time.monotonic() - start
    assert all((root / rel).read_bytes() == new[rel] for rel in targets)
    written = sorted((root / rel).stat().st_mtime_ns - wall for rel in targets)
    first, last = max(0.0, written[0] / 1e9 - 0.02), written[-1] / 1e9 + 0.02
    scale = 1.0  # follows the machine's speed: runs that finish first shrink the delays
    assert all(new[rel] != old[rel] for rel in targets)
    assert all(b"noqa" not in new[rel] and b"old_manager" not in new[rel] for rel in targets)

    rng = random.Random(SEED)
    outcomes = {"killed": 0, "finished": 0, "mixed": 0}
    leftovers: set[str] = set()
    point = -1
    while outcomes["killed"] < KILLS and point < 3 * KILLS:  # at least KILLS real kills
        point += 1
        # start from all-old, or (every third point) from whatever the last kill left
        if point % 3 != 2:
            for rel in targets:
                if (root / rel).read_bytes() != old[rel]:
                    (root / rel).write_bytes(old[rel])
        spawned = point < SPAWNED
        if spawned:  # interpreter start-up comes first: anywhere in a generous range
            delay = rng.uniform(0, full * 4)
        elif point % 4 == 0:  # anywhere in the run
            delay = rng.uniform(0, full * 1.1)
        else:  # while it writes
            delay = rng.uniform(first, last) * scale
        pid = _spawn_fix(root) if spawned else _fork_fix(root)
        code = _kill_after(pid, delay)
        outcomes["killed" if code is None else "finished"] += 1
        assert code in (None, 0), f"kill point {point}: exit {code}"

        state = {}
        for rel in targets:
            data = (root / rel).read_bytes()
            assert data in (old[rel], new[rel]), f"kill point {point} (after {delay:.3f}s): {rel}"
            assert (root / rel).stat().st_mode == mode[rel], rel
            state[rel] = data == new[rel]
        if 0 < sum(state.values()) < N_FILES:
            outcomes["mixed"] += 1
        if not spawned and point % 4:
            if code is not None:
                scale *= 0.85  # finished before the kill: aim earlier
            elif point % 3 != 2 and not any(state.values()):
                scale *= 1.1  # killed before any write: aim later
        for path in (root / "app").iterdir():
            if path.name.endswith(".ssotlint-tmp"):
                assert path.name.startswith("."), path  # hidden: never a module
                leftovers.add(path.name)
            else:
                assert path.name.endswith(".py") or path.name == "__pycache__", path
        _cache_files_are_whole(root)

        # the cache survived: the next run (in-process, with the cache) is right
        result = run_check(resolve_config(None, root), CheckOptions())
        found = [f"{d.path}:{d.line} {d.code}" for d in result.diagnostics]
        assert found == _expected(root, old), f"kill point {point}"

    print(f"{point + 1} kill points: {outcomes}, {len(leftovers)} temp files left by kills")
    # the kills really landed before, inside and after the writes
    assert outcomes["killed"] >= KILLS, outcomes
    assert outcomes["mixed"] >= KILLS // 10, outcomes
    # temp files a kill left behind are never listed as modules, and a full run is clean
    listed = {f.relpath for f in discover(resolve_config(None, root))}
    assert not [name for name in leftovers if f"app/{name}" in listed]
    assert _kill_after(_fork_fix(root), 120) == 0
    assert all((root / rel).read_bytes() == new[rel] for rel in targets)
    result = run_check(resolve_config(None, root), CheckOptions())
    assert result.diagnostics == []
    assert _cache_files_are_whole(root) >= 2
