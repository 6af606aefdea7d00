"""ssotlint: keep a Python monorepo on its single source of truth."""

__version__ = "0.1.0"
