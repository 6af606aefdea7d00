"""The batched libcst pass: the base for rule visitors that need the concrete syntax tree.

Imported only when some rule asks for the pass on a file, so plain runs (and the flake8
plugin) never pay for importing libcst.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ssotlint.diagnostics import Fix
from ssotlint.index import Span
from ssotlint.rule import FileContext


class RuleVisitor(cst.BatchableCSTVisitor):
    """What a rule's `cst_visitor` returns: reports land in the rule's file context."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, code: str, ctx: FileContext) -> None:
        super().__init__()
        self.code = code
        self.ctx = ctx

    def report_node(
        self, node: cst.CSTNode, message: str, fix: Fix | None = None, symbol: str = ""
    ) -> None:
        pos = self.get_metadata(PositionProvider, node)
        span = Span(pos.start.line, pos.start.column + 1, pos.end.line, pos.end.column + 1)
        self.ctx.report(self.code, span, message, fix, symbol)


def visit_batched(text: str, visitors: Sequence[cst.BatchableCSTVisitor]) -> None:
    """Parse once, compute the union of the visitors' metadata, visit once."""
    wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
    wrapper.visit_batched(visitors)
