"""The rule base class, examples, and the self-registering rule registry."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from ssotlint.diagnostics import Diagnostic, Fix, Sites
from ssotlint.index import ModuleRecord, ProjectIndex, Span
from ssotlint.source import decode

if TYPE_CHECKING:
    import libcst as cst

    from ssotlint.config import Config


@dataclass(frozen=True)
class Example:
    """A (possibly multi-file) example. `expected` items read 'path:line CODE'."""

    files: Mapping[str, str]
    config: str = ""
    expected: Sequence[str] = ()
    fixed: Mapping[str, str] = field(default_factory=dict)
    unsafe_fixes: bool = False
    select: Sequence[str] = ()  # codes to run besides the rule's own (default: only it)


class FileContext:
    """What a rule sees of one file: its index record, the whole index, lazily its text."""

    def __init__(
        self, config: Config, index: ProjectIndex, record: ModuleRecord, data: bytes
    ) -> None:
        self.config = config
        self.index = index
        self.record = record
        self.data = data
        self.diagnostics: list[Diagnostic] = []
        self.sites: dict[str, Sites] = {}
        self.shared: dict[str, Any] = {}  # per-file analysis several rules reuse

    @cached_property
    def text(self) -> str:
        return decode(self.data).text

    @cached_property
    def tree(self) -> ast.Module:
        return ast.parse(self.text)

    @property
    def path(self) -> str:
        return self.record.relpath

    def site(self, code: str, compliant: bool) -> None:
        self.sites.setdefault(code, Sites()).add(compliant)

    def report(
        self, code: str, span: Span, message: str, fix: Fix | None = None, symbol: str = ""
    ) -> None:
        self.diagnostics.append(
            Diagnostic(
                code,
                self.path,
                span.line,
                span.column,
                span.end_line,
                span.end_column,
                message,
                fix,
                symbol,
            )
        )


_REGISTRY: dict[str, type[Rule]] = {}


class Rule:
    """A rule: index-level checks in `check`, optional CST visits in one batched pass.

    Rules do not import libcst at module level: the flake8 plugin and warm runs load every
    rule, and importing libcst costs ~0.25 s. A rule that needs the concrete syntax tree
    returns a `libcst.BatchableCSTVisitor` from `cst_visitor` (see `ssotlint.cstpass`); the
    engine parses the file once and runs all such visitors in one batched pass (as Fixit does).

    The module docstring of a rule is its documentation page.
    """

    code: ClassVar[str] = ""
    slug: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    fix_summary: ClassVar[str] = "none"
    VALID: ClassVar[Sequence[Example]] = ()
    INVALID: ClassVar[Sequence[Example]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.code:
            if cls.code in _REGISTRY and _REGISTRY[cls.code] is not cls:
                raise RuntimeError(f"rule code {cls.code} registered twice")
            _REGISTRY[cls.code] = cls

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx

    @classmethod
    def docs(cls) -> str:
        module = importlib.import_module(cls.__module__)
        return (module.__doc__ or cls.__doc__ or "").strip()

    def check(self) -> None:
        """Index-level checks (no CST needed)."""

    def cst_visitor(self) -> cst.BatchableCSTVisitor | None:
        """A visitor for the batched CST pass over this file, or None (the cheap default).

        Decide from the index or the bytes first: parsing with libcst is ~8x `ast`."""
        return None

    @classmethod
    def apply_fixes(cls, module: cst.Module, fixes: Sequence[Fix], ctx: FixContext) -> cst.Module:
        """Apply this rule's fixes to one module (positions valid for `module`)."""
        return module


@dataclass
class FixContext:
    config: Config
    index: ProjectIndex
    record: ModuleRecord


def load_rules() -> dict[str, type[Rule]]:
    """Import every module of `ssotlint.rules`; rules register themselves."""
    import ssotlint.rules as package

    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
    return dict(sorted(_REGISTRY.items()))


def iter_rules() -> Iterator[type[Rule]]:
    yield from load_rules().values()
