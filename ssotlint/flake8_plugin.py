"""flake8 plugin: `SOT` diagnostics in every editor that runs flake8.

flake8 hands us one file (or an unsaved buffer via `--stdin-display-name`); the
cross-file rules need the whole project, so the plugin loads the cached project
index once per process and lints the buffer against it.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ssotlint import __version__
from ssotlint.config import ConfigError
from ssotlint.engine import Session

_SESSIONS: dict[tuple[str, str], Session] = {}


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
            help="pyproject.toml holding [tool.ssotlint] (default: nearest to each file)",
        )

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        cls.config_path = getattr(options, "ssotlint_config", None)

    def run(self) -> Iterator[tuple[int, int, str, type[Plugin]]]:
        from ssotlint.cli import resolve_config

        path = Path(self.filename).absolute()
        try:
            config = resolve_config(
                Path(self.config_path) if self.config_path else None, path.parent
            )
        except ConfigError as exc:
            yield 1, 0, f"SOT999 ssotlint configuration error: {exc}", type(self)
            return
        key = (str(config.root), config.digest())
        session = _SESSIONS.get(key)
        if session is None:
            session = _SESSIONS[key] = Session(config)
        try:
            relpath = path.resolve().relative_to(config.root).as_posix()
        except ValueError:
            return
        data = "".join(self.lines).encode("utf-8")
        for diag in session.check_buffer(relpath, data):
            yield diag.line, diag.column - 1, f"{diag.code} {diag.message}", type(self)
