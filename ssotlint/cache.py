"""On-disk cache: whole-file pickles written atomically, validated on load.

Several ssotlint processes (pre-commit's parallel hooks, flake8 -j) may share
one cache: every write is a complete temp file renamed into place, so a reader
sees an old or a new cache, never a torn one; a damaged file is ignored and
rebuilt, never trusted.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from ssotlint import __version__

MAGIC = b"SSOTLINT-CACHE\x01"
STALE_FOLDER_SECONDS = 7 * 24 * 3600


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Changes whenever ssotlint's own code does (editable installs keep one version number)."""
    package = Path(__file__).resolve().parent
    h = hashlib.blake2b(digest_size=6)
    for path in sorted(package.rglob("*.py")):
        try:
            st = path.stat()
        except OSError:
            continue
        h.update(f"{path.relative_to(package)}:{st.st_mtime_ns}:{st.st_size}\n".encode())
    try:
        import ssotlint.rules as rules_package

        for folder in rules_package.__path__:
            for path in sorted(Path(folder).glob("*.py")):
                st = path.stat()
                h.update(f"rules/{path.name}:{st.st_mtime_ns}:{st.st_size}\n".encode())
    except (ImportError, OSError):
        pass
    return h.hexdigest()


class Cache:
    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.folder = root / ".ssotlint_cache" / f"{__version__}-{code_fingerprint()}"
        self.enabled = enabled

    def load(self, name: str) -> Any:
        if not self.enabled:
            return None
        path = self.folder / f"{name}.pickle"
        try:
            blob = path.read_bytes()
        except OSError:
            return None
        if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 32:
            return None
        digest, payload = blob[len(MAGIC) : len(MAGIC) + 32], blob[len(MAGIC) + 32 :]
        if hashlib.blake2b(payload, digest_size=16).hexdigest().encode() != digest:
            return None
        try:
            return pickle.loads(payload)
        except Exception:  # a cache written by another version: rebuild
            return None

    def _prune_old_folders(self) -> None:
        """Every ssotlint version (and, in a checkout, every edit of its code) gets a folder of
        its own: drop the ones nobody wrote to for a week. A recent one may belong to another
        ssotlint still in use (a pre-commit hook pinned to another release)."""
        cutoff = time.time() - STALE_FOLDER_SECONDS
        try:
            siblings = list(os.scandir(self.folder.parent))
        except OSError:
            return
        for entry in siblings:
            if entry.name == self.folder.name or not entry.is_dir(follow_symlinks=False):
                continue
            try:
                if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    shutil.rmtree(entry.path, ignore_errors=True)
            except OSError:
                continue

    def save(self, name: str, value: Any) -> None:
        if not self.enabled:
            return
        try:
            if not self.folder.is_dir():
                self.folder.mkdir(parents=True, exist_ok=True)
                self._prune_old_folders()
            ignore = self.folder.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# created by ssotlint\n*\n")
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            digest = hashlib.blake2b(payload, digest_size=16).hexdigest().encode()
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(MAGIC + digest + payload)
                os.replace(tmp, self.folder / f"{name}.pickle")
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            pass  # a read-only checkout still lints, just without a cache
