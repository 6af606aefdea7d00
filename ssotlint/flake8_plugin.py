"""flake8 plugin: `SOT` diagnostics in every editor that runs flake8.

flake8 hands us one file (or an unsaved buffer via `--stdin-display-name`); the
cross-file rules need the whole project, so the plugin loads the cached project
index once per flake8 run (per worker process with `-j`) and lints the buffer
against it, with the buffer's own record replacing the disk copy's.

Parallel workers share the on-disk cache safely: every cache write is a whole
temp file renamed into place (see `ssotlint.cache`), so a worker reads an old or
a new index, never a torn one, and each worker checks file stats itself.
"""

from __future__ import annotations

import argparse
import gc
import io
import tokenize
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ssotlint import __version__
from ssotlint.config import Config, ConfigError
from ssotlint.engine import Session
from ssotlint.source import SourceError, decode

# One Session per project (and configuration) and flake8 run. `parse_options`
# runs once per flake8 run, also when an editor server runs flake8 many times in
# one process: it clears these, so edits made on disk between runs are seen.
_SESSIONS: dict[tuple[str, str], Session] = {}
_CONFIGS: dict[str, Config | ConfigError] = {}


class Plugin:
    name = "ssotlint"
    version = __version__
    config_path: str | None = None

    def __init__(self, tree: Any, filename: str, lines: Sequence[str]) -> None:
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, manager: Any) -> None:
        manager.add_option(
            "--ssotlint-config",
            default=None,
            parse_from_config=True,
            normalize_paths=True,
            help="pyproject.toml (or other TOML file) holding [tool.ssotlint]; its folder is "
            "the project root (default: the nearest one above each file)",
        )

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        cls.config_path = getattr(options, "ssotlint_config", None)
        if _SESSIONS:
            _SESSIONS.clear()
            gc.unfreeze()  # a Session freezes its index (see `Session`): let it be collected
        _CONFIGS.clear()

    def run(self) -> Iterator[tuple[int, int, str, type[Plugin]]]:
        path = Path(self.filename).absolute()
        config = _config_for(self.config_path, path.parent)
        if isinstance(config, ConfigError):
            yield 1, 0, f"SOT999 ssotlint configuration error: {config}", type(self)
            return
        try:  # the root is resolved; the file keeps its own name (it may be a symlink)
            relpath = (path.parent.resolve() / path.name).relative_to(config.root).as_posix()
        except ValueError:
            return  # not under this project's root
        try:
            key = (str(config.root), config.digest())
            session = _SESSIONS.get(key)
            if session is None:
                session = _SESSIONS[key] = Session(config)
            if relpath not in session.files:
                return  # excluded, ignored, or not a first-party module
            diags = session.check_buffer(relpath, _source_bytes(path, self.lines))
        except Exception as exc:  # an ssotlint bug must not end the editor's whole flake8 run
            message = f"ssotlint internal error ({type(exc).__name__}: {exc}); please report it"
            yield 1, 0, f"SOT999 {message}", type(self)
            return
        for diag in diags:
            yield diag.line, diag.column - 1, f"{diag.code} {diag.message}", type(self)


def _config_for(config_path: str | None, folder: Path) -> Config | ConfigError:
    from ssotlint.cli import resolve_config

    key = config_path or str(folder)
    found = _CONFIGS.get(key)
    if found is None:
        try:
            found = resolve_config(Path(config_path) if config_path else None, folder)
        except ConfigError as exc:
            found = exc
        _CONFIGS[key] = found
    return found


def _universal(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _source_bytes(path: Path, lines: Sequence[str]) -> bytes:
    """The bytes flake8's `lines` came from: the file itself when they match the disk copy
    (same digest as the cached index record, encoding problems reported as SOT999), else the
    buffer (stdin) encoded as its coding cookie says."""
    text = "".join(lines)
    try:
        disk: bytes | None = path.read_bytes()
    except OSError:
        disk = None
    if disk is not None:
        try:
            disk_text = decode(disk).text
        except SourceError:
            disk_text = disk.decode("latin-1")  # what flake8 falls back to
        if disk_text == text or _universal(disk_text) == text:
            return disk
    utf8 = text.encode("utf-8", "surrogateescape")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(utf8).readline)
    except SyntaxError:
        return utf8  # a bad cookie: reported as SOT999 by the engine
    if encoding in ("utf-8", "utf-8-sig"):
        return utf8
    try:
        return text.encode(encoding)
    except (LookupError, UnicodeEncodeError):
        return utf8
