"""Reading source bytes faithfully: encoding cookie, BOM and newlines survive a fix."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
import tempfile
import time
import tokenize
from dataclasses import dataclass
from pathlib import Path

MAX_FILE_BYTES = 10 * 1024 * 1024


class SourceError(Exception):
    """A file that cannot be read or decoded (reported as SOT999)."""


@dataclass(frozen=True)
class SourceText:
    text: str
    encoding: str
    bom: bool


def decode(data: bytes) -> SourceText:
    if b"\x00" in data:
        raise SourceError("file contains NUL bytes (binary file?)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise SourceError(f"bad encoding declaration: {exc}") from exc
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise SourceError(f"cannot decode as {encoding}: {exc}") from exc
    if text.startswith("\ufeff"):
        text = text[1:]
    return SourceText(text, "utf-8" if encoding == "utf-8-sig" else encoding, bom)


def python_lines(text: str) -> list[str]:
    """`text`'s lines as Python counts them (ends kept): only \\n, \\r\\n and \\r end a line.

    `str.splitlines()` also breaks at form feeds, \\x1c-\\x1e, \\x85 and U+2028/9, which
    Python source may hold in comments, strings and indentation.
    """
    return io.StringIO(text, newline="").readlines()


def read_source(path: Path) -> bytes:
    """The file's bytes; a FIFO, device or socket named `*.py` is refused, never read (a read
    from a FIFO would block the run forever)."""
    try:
        # O_BINARY: without it Windows reads in text mode (CRLF -> LF, stops at \x1a)
        flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, flags)
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise SourceError("not a regular file; skipped")
        if st.st_size > MAX_FILE_BYTES:
            raise SourceError(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; skipped")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temp file in the same folder and rename, keeping mode bits.

    A symlink is written through (its target gets the new text), not replaced by a file.
    """
    path = Path(os.path.realpath(path))
    mode = path.stat().st_mode & 0o7777
    if not mode & 0o222 or not os.access(path, os.W_OK):
        # A rename would replace it anyway: honour the read-only bit, even for root.
        raise PermissionError(errno.EACCES, "file is read-only", str(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _remove_stale_temps(path.parent)


TEMP_SUFFIX = ".ssotlint-tmp"
STALE_TEMP_SECONDS = 3600  # a fix in progress writes its temp file within seconds
_swept: set[Path] = set()


def _remove_stale_temps(folder: Path) -> None:
    """A run killed mid-write (SIGKILL, power loss) leaves `.NAME.XXXX.ssotlint-tmp` files;
    the next fix in that folder removes those over an hour old (younger ones may be another
    process's write in progress). Once per folder and process."""
    if folder in _swept:
        return
    _swept.add(folder)
    cutoff = time.time() - STALE_TEMP_SECONDS
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX):
            with contextlib.suppress(OSError):
                if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    os.unlink(entry.path)
