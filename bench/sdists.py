"""The Django 5.1.4 sdist the bench scripts share: found locally or downloaded once."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DJANGO = "Django-5.1.4.tar.gz"


def django_sdist(explicit: Path | None = None, cache: Path = HERE / ".cache") -> Path:
    """`explicit`, else `<cache>/sdists/` (where bench/run.py downloads), else `/work/dl/`,
    else `pip download` it into `<cache>/sdists/`."""
    if explicit is not None:
        if not explicit.is_file():
            raise SystemExit(f"{explicit}: no such file")
        return explicit
    folder = cache / "sdists"
    for candidate in (folder / DJANGO, Path("/work/dl") / DJANGO):
        if candidate.is_file():
            return candidate
    folder.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
           "--disable-pip-version-check", "-q", "django==5.1.4", "-d", str(folder)]  # fmt: skip
    print("downloading:", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)
    return folder / DJANGO


def extract_once(sdist: Path, target: Path) -> Path:
    """The sdist's top folder as `target`, extracted once and reused (a marker file says the
    extraction finished; a half-extracted tree from a killed run is redone)."""
    marker = target / ".bench-extracted"
    if marker.exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".extract-", dir=target.parent))
    try:
        with tarfile.open(sdist) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(tmp, filter="data")
            else:  # pragma: no cover - Python without PEP 706
                tar.extractall(tmp)  # a pinned sdist from PyPI
        (top,) = [p for p in tmp.iterdir() if p.is_dir()]
        top.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    marker.write_text(f"{sdist.name}\n")
    return target
