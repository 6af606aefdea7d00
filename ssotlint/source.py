"""Reading source bytes faithfully: encoding cookie, BOM and newlines survive a fix."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import tempfile
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
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}") from exc
    if size > MAX_FILE_BYTES:
        raise SourceError(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; skipped")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}") from exc


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temp file in the same folder and rename, keeping mode bits.

    A symlink is written through (its target gets the new text), not replaced by a file.
    """
    path = Path(os.path.realpath(path))
    mode = path.stat().st_mode & 0o7777
    if not mode & 0o222 or not os.access(path, os.W_OK):
        # A rename would replace it anyway: honour the read-only bit, even for root.
        raise PermissionError(errno.EACCES, "file is read-only", str(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".ssotlint-tmp", dir=path.parent)
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
