"""The on-disk cache: reused when valid, invalidated by content and config, survives damage."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import ssotlint.engine as engine
from ssotlint.cache import Cache
from ssotlint.cli import resolve_config
from ssotlint.engine import CheckOptions, Linter, run_check

CONFIG = """
[tool.ssotlint.deprecated]
"app.models.Old" = { message = "use New" }
"""
FILES = {
    "app/__init__.py": "",
    "app/models.py": "class Old:\n    pass\n\n\nclass New:\n    pass\n",
    "app/user.py": "from app.models import Old\n",
    "app/shapes.py": "X = 1\n",
    "app/other.py": "from app.shapes import Moved\n",
}
N_FILES = len(FILES)


class Counter:
    def __init__(self) -> None:
        self.records: list[str] = []
        self.checks: list[str] = []

    def reset(self) -> None:
        self.records.clear()
        self.checks.clear()


@pytest.fixture
def counter(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter]:
    """Count index records built and files checked by the (in-process) engine."""
    seen = Counter()
    real_build = engine.build_record
    real_check = Linter.check_file

    def build_record(module: str, relpath: str, is_package: bool, data: bytes):  # type: ignore[no-untyped-def]
        seen.records.append(relpath)
        return real_build(module, relpath, is_package, data)

    def check_file(self, index, record, data=None):  # type: ignore[no-untyped-def]
        seen.checks.append(record.relpath)
        return real_check(self, index, record, data)

    monkeypatch.setattr(engine, "build_record", build_record)
    monkeypatch.setattr(Linter, "check_file", check_file)
    yield seen


def _run(root: Path, **kwargs: object) -> list[str]:
    result = run_check(resolve_config(None, root), CheckOptions(**kwargs))  # type: ignore[arg-type]
    return [f"{d.path}:{d.line} {d.code}" for d in result.diagnostics]


EXPECTED = ["app/other.py:1 SOT103", "app/user.py:1 SOT201"]


def _cache_files(root: Path) -> list[Path]:
    return sorted((root / ".ssotlint_cache").rglob("*.pickle"))


def test_second_run_reuses_the_cache(make_project: Callable[..., Path], counter: Counter) -> None:
    root = make_project(FILES, CONFIG)
    assert _run(root) == EXPECTED
    assert sorted(counter.records) == sorted(FILES)
    assert sorted(counter.checks) == sorted(FILES)
    assert _cache_files(root)
    counter.reset()
    assert _run(root) == EXPECTED
    assert counter.records == []  # index from the cache
    assert counter.checks == []  # results from the cache


def test_cache_folder_is_gitignored(make_project: Callable[..., Path]) -> None:
    root = make_project(FILES, CONFIG)
    _run(root)
    assert (root / ".ssotlint_cache" / ".gitignore").read_text().strip().endswith("*")


def test_editing_one_file_rebuilds_just_that_record(
    make_project: Callable[..., Path], counter: Counter
) -> None:
    root = make_project(FILES, CONFIG)
    _run(root)
    counter.reset()
    (root / "app/user.py").write_text("from app.models import New\n\nfrom app.models import Old\n")
    assert _run(root) == ["app/other.py:1 SOT103", "app/user.py:3 SOT201"]
    assert counter.records == ["app/user.py"]


def test_a_change_elsewhere_updates_cross_file_findings(
    make_project: Callable[..., Path], counter: Counter
) -> None:
    root = make_project(FILES, CONFIG)
    _run(root)
    counter.reset()
    # app/other.py does not change, but what it imports now exists
    (root / "app/shapes.py").write_text("X = 1\n\n\nclass Moved:\n    pass\n")
    assert _run(root) == ["app/user.py:1 SOT201"]
    assert counter.records == ["app/shapes.py"]


def test_same_size_same_mtime_edit_is_seen(make_project: Callable[..., Path]) -> None:
    """Content-hash keyed: a stat-identical edit (cp -p, a fast checkout) still counts."""
    root = make_project(FILES, CONFIG)
    path = root / "app/user.py"
    assert _run(root) == EXPECTED
    st = path.stat()
    path.write_text("from app.models import New\n")  # same length as before
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size
    assert _run(root) == ["app/other.py:1 SOT103"]


def test_deleted_file_disappears(make_project: Callable[..., Path]) -> None:
    root = make_project(FILES, CONFIG)
    _run(root)
    (root / "app/user.py").unlink()
    assert _run(root) == ["app/other.py:1 SOT103"]


def test_config_change_changes_findings(
    make_project: Callable[..., Path], counter: Counter
) -> None:
    root = make_project(FILES, CONFIG)
    assert _run(root) == EXPECTED
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '"app.models.New" = { message = "also old" }\n')
    counter.reset()
    assert _run(root) == [*EXPECTED[:1], "app/user.py:1 SOT201"]
    (root / "app/user.py").write_text("from app.models import New\n")
    counter.reset()
    assert _run(root) == [*EXPECTED[:1], "app/user.py:1 SOT201"]
    # drop the deprecations: the same files, now clean of SOT201
    pyproject.write_text("[tool.ssotlint]\n")
    assert _run(root) == ["app/other.py:1 SOT103"]


def test_select_change_is_not_served_from_a_stale_cache(make_project: Callable[..., Path]) -> None:
    root = make_project(FILES, CONFIG)
    assert _run(root, select=["SOT103"]) == EXPECTED[:1]
    assert _run(root) == EXPECTED
    assert _run(root, select=["SOT201"]) == EXPECTED[1:]


def _damage(root: Path, how: str) -> None:
    files = _cache_files(root)
    assert files
    for path in files:
        blob = path.read_bytes()
        if how == "garbage":
            path.write_bytes(b"this is not a pickle" * 10)
        elif how == "truncated":
            path.write_bytes(blob[: len(blob) // 2])
        elif how == "empty":
            path.write_bytes(b"")
        elif how == "flipped":
            path.write_bytes(blob[:-10] + bytes(b ^ 0xFF for b in blob[-10:]))


@pytest.mark.parametrize("how", ["garbage", "truncated", "empty", "flipped"])
def test_damaged_cache_is_ignored_and_rebuilt(
    make_project: Callable[..., Path], counter: Counter, how: str
) -> None:
    root = make_project(FILES, CONFIG)
    _run(root)
    _damage(root, how)
    counter.reset()
    assert _run(root) == EXPECTED
    assert sorted(counter.records) == sorted(FILES)  # rebuilt
    counter.reset()
    assert _run(root) == EXPECTED
    assert counter.records == [] and counter.checks == []  # and valid again


def test_cache_of_unexpected_shape_is_ignored(make_project: Callable[..., Path]) -> None:
    root = make_project(FILES, CONFIG)
    cache = Cache(root)
    cache.save("index", ["not", "a", "dict"])
    assert _run(root) == EXPECTED


def test_cache_load_rejects_bad_blobs(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.save("thing", {"a": 1})
    assert cache.load("thing") == {"a": 1}
    path = cache.folder / "thing.pickle"
    path.write_bytes(path.read_bytes()[:-1])
    assert cache.load("thing") is None
    assert Cache(tmp_path, enabled=False).load("thing") is None


def test_no_cache_writes_no_cache_folder(
    make_project: Callable[..., Path], counter: Counter
) -> None:
    root = make_project(FILES, CONFIG)
    assert _run(root, use_cache=False) == EXPECTED
    assert not (root / ".ssotlint_cache").exists()
    counter.reset()
    assert _run(root, use_cache=False) == EXPECTED
    assert len(counter.records) == N_FILES  # nothing was reused


def test_no_cache_flag_from_the_cli(make_project: Callable[..., Path]) -> None:
    from conftest import run_cli

    root = make_project(FILES, CONFIG)
    proc = run_cli("check", "--no-cache", cwd=root)
    assert proc.returncode == 1
    assert not (root / ".ssotlint_cache").exists()


def test_read_only_cache_folder_still_lints(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(FILES, CONFIG)

    def fail(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("ssotlint.cache.tempfile.mkstemp", fail)
    assert _run(root) == EXPECTED


def test_concurrent_runs_agree_and_leave_a_valid_cache(make_project: Callable[..., Path]) -> None:
    files = dict(FILES)
    for i in range(40):
        files[f"app/gen/m{i}.py"] = (
            f"from app.models import Old\nfrom app.gen.m{(i + 1) % 40} import x\nx = {i}\n"
        )
    files["app/gen/__init__.py"] = ""
    root = make_project(files, CONFIG)
    env = {**os.environ, "NO_COLOR": "1"}
    cmd = [sys.executable, "-m", "ssotlint", "check", "--format", "json"]
    procs = [
        subprocess.Popen(
            cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [1, 1], [o[1] for o in outs]
    assert outs[0][0] == outs[1][0]
    data = json.loads(outs[0][0])
    assert len(data) == 42
    # no temp files left behind, every cache file is loadable
    folder = root / ".ssotlint_cache"
    assert not [p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".pickle")
                and p.name != ".gitignore"]  # fmt: skip
    for path in _cache_files(root):
        assert Cache(root).load(path.stem) is not None, path
    third = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert third.stdout == outs[0][0]


def test_cached_results_follow_a_fix(make_project: Callable[..., Path]) -> None:
    config = CONFIG + '"app.old" = { replacement = "app.shapes" }\n'
    root = make_project(
        {**FILES, "app/old.py": "X = 2\n", "app/z.py": "from app.old import X\n"}, config
    )
    assert _run(root) == [*EXPECTED, "app/z.py:1 SOT202"]
    after_fix = _run(root, fix=True)
    assert after_fix == EXPECTED
    assert (root / "app/z.py").read_text() == "from app.shapes import X\n"
    assert _run(root) == EXPECTED  # the cache did not keep the fixed finding


def test_settled_stamps_are_trusted_without_rehashing(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Old enough (mtime, ctime, size) stamps skip the content hash; anything else hashes."""
    root = make_project(FILES, CONFIG)
    hashed: list[str] = []
    real = engine._same_content

    def same_content(path: Path, digest: str) -> bool:
        hashed.append(path.name)
        return real(path, digest)

    monkeypatch.setattr(engine, "_same_content", same_content)
    assert _run(root) == EXPECTED
    assert _run(root) == EXPECTED
    assert len(hashed) == N_FILES  # fresh files: their stamps may still change unseen
    monkeypatch.setattr(engine, "RACY_NS", 0)  # every file is now "old enough"
    hashed.clear()
    assert _run(root) == EXPECTED  # hashes once more, then stores settled stamps
    hashed.clear()
    assert _run(root) == EXPECTED
    assert hashed == []
    # An edit moves ctime, whatever it does to mtime and size: seen, not trusted.
    path = root / "app/user.py"
    st = path.stat()
    path.write_text("from app.models import New\n")  # same length as before
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert _run(root) == ["app/other.py:1 SOT103"]


def test_touched_files_with_the_same_content_are_not_reindexed(
    make_project: Callable[..., Path], counter: Counter
) -> None:
    """A restored cache or a fresh checkout moves every stamp: records are reused by hash."""
    root = make_project(FILES, CONFIG)
    assert _run(root) == EXPECTED
    for rel in FILES:
        os.utime(root / rel, ns=(1_000_000_000, 1_000_000_000))
    counter.reset()
    assert _run(root) == EXPECTED
    assert counter.records == []


def _age(root: Path, seconds: int = 3600) -> None:
    past = os.stat(root).st_mtime - seconds
    for path in [root, *root.rglob("*")]:
        os.utime(path, (past, past), follow_symlinks=False)


def test_file_list_survives_entries_discovery_ignores(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A restored `.ssotlint_cache` or a new `__pycache__` moves a folder's mtime, not its list."""
    root = make_project(FILES, CONFIG)
    _age(root)
    walks: list[int] = []
    real = engine.discover

    def discover(config):  # type: ignore[no-untyped-def]
        walks.append(1)
        return real(config)

    monkeypatch.setattr(engine, "discover", discover)
    assert _run(root) == EXPECTED
    assert _run(root, allow_cached_results=False) == EXPECTED
    assert len(walks) == 1  # the second run reused the file list
    (root / "app" / "__pycache__").mkdir()
    (root / "app" / ".user.py.x1.ssotlint-tmp").write_text("")
    cache = root / ".ssotlint_cache"
    cache.rename(root / "elsewhere")
    (root / "elsewhere").rename(cache)  # the root folder's mtime moved twice
    assert _run(root, allow_cached_results=False) == EXPECTED
    assert len(walks) == 1
    # a new module in such a folder is seen
    (root / "app" / "extra.py").write_text("from app.models import Old\n")
    assert _run(root, allow_cached_results=False) == sorted([*EXPECTED, "app/extra.py:1 SOT201"])
    assert len(walks) == 2


def test_installed_plugin_fixtures_are_scanned_once_per_environment(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scanning site-packages for plugin fixtures costs up to half a second: it is stored
    with the environment's plugins and versions, and scanned again only when they change."""
    from ssotlint import testmodel

    files = {
        "tests/__init__.py": "",
        "tests/test_a.py": "def test_a(tmp_path, mocker):\n    pass\n",
    }
    root = make_project(files)
    scans: list[int] = []
    real = testmodel._scan_installed_fixtures.__wrapped__

    @functools.lru_cache(maxsize=1)
    def scan() -> frozenset[str]:
        scans.append(1)
        return real()

    monkeypatch.setattr(testmodel, "_scan_installed_fixtures", scan)
    monkeypatch.setattr(testmodel, "_PRIMED", None)
    assert _run(root) == []
    assert scans == [1]
    (root / "tests" / "test_a.py").write_text("def test_a(tmp_path, mocker, nope):\n    pass\n")
    scan.cache_clear()
    monkeypatch.setattr(testmodel, "_PRIMED", None)  # as a new process
    assert _run(root) == ["tests/test_a.py:1 SOT403"]
    assert scans == [1]  # from the cache
    monkeypatch.setattr(testmodel, "installed_fixtures_key", lambda: "another environment")
    monkeypatch.setattr(testmodel, "_PRIMED", None)
    (root / "tests" / "test_a.py").write_text("def test_a(tmp_path, mocker, nope2):\n    pass\n")
    assert _run(root) == ["tests/test_a.py:1 SOT403"]
    assert scans == [1, 1]


def test_cache_folders_of_other_versions_are_pruned_after_a_week(
    make_project: Callable[..., Path],
) -> None:
    from ssotlint import cache as cache_module

    root = make_project(FILES, CONFIG)
    base = root / ".ssotlint_cache"
    old = base / "0.0.1-aaaaaaaaaaaa"
    recent = base / "0.0.2-bbbbbbbbbbbb"
    for folder in (old, recent):
        folder.mkdir(parents=True)
        (folder / "index.pickle").write_bytes(b"x")
    week_ago = time.time() - cache_module.STALE_FOLDER_SECONDS - 60
    os.utime(old, (week_ago, week_ago))
    assert _run(root) == EXPECTED  # creates this version's folder
    assert not old.exists()
    assert recent.exists()  # maybe another ssotlint still in use
    assert len([p for p in base.iterdir() if p.is_dir()]) == 2


def test_a_read_error_is_not_cached_for_good(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """EMFILE, EIO, a Windows lock: the next run reads the file again, settled stamp or not."""
    from ssotlint.source import SourceError

    root = make_project(FILES, CONFIG)
    monkeypatch.setattr(engine, "RACY_NS", 0)  # every stamp is settled at once
    real = engine.read_source
    failures = [1]

    def read(path: Path) -> bytes:
        if Path(path).name == "user.py" and failures:
            failures.pop()
            raise SourceError("cannot read: Too many open files")
        return real(path)

    monkeypatch.setattr(engine, "read_source", read)
    assert "app/user.py:1 SOT999" in _run(root)
    assert _run(root) == EXPECTED
