"""The Django 5.1.4 sdist the bench scripts share: found locally or downloaded once."""

from __future__ import annotations

import subprocess
import sys
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
