"""Fix building blocks shared by rules: libcst transforms at the node level, never text surgery."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ssotlint.diagnostics import Fix
from ssotlint.source import python_lines


def dotted_node(name: str) -> cst.Attribute | cst.Name:
    expr = cst.parse_expression(name)
    assert isinstance(expr, (cst.Attribute, cst.Name))
    return expr


@dataclass(frozen=True)
class NameMove:
    line: int  # 1-based
    column: int  # 1-based, of the imported name in `from M import name`
    module: str  # the new absolute module


class _MoveImportedNames(cst.CSTTransformer):
    """Point `from M import N [as A]` at another module, keeping aliases and position.

    Other names of the same statement stay where they are; moved names get their
    own `from NEW import ...` right after it, in the same block (so imports nested
    in functions or `if TYPE_CHECKING:` stay there).
    """

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, moves: Iterable[NameMove]) -> None:
        super().__init__()
        self.moves = {(m.line, m.column - 1): m.module for m in moves}

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        body: list[cst.BaseSmallStatement] = []
        extra: list[cst.SimpleStatementLine] = []
        for orig, upd in zip(original_node.body, updated_node.body, strict=False):
            if not isinstance(orig, cst.ImportFrom) or isinstance(orig.names, cst.ImportStar):
                body.append(upd)
                continue
            assert isinstance(upd, cst.ImportFrom) and not isinstance(upd.names, cst.ImportStar)
            groups: dict[str, list[cst.ImportAlias]] = {}
            keep: list[cst.ImportAlias] = []
            for alias_orig, alias_upd in zip(orig.names, upd.names, strict=False):
                pos = self.get_metadata(PositionProvider, alias_orig).start
                target = self.moves.get((pos.line, pos.column))
                if target is None:
                    keep.append(alias_upd)
                else:
                    groups.setdefault(target, []).append(alias_upd)
            if not groups:
                body.append(upd)
                continue
            items = list(groups.items())
            if not keep:
                module, aliases = items.pop(0)
                body.append(
                    upd.with_changes(
                        module=dotted_node(module), relative=(), names=_commas(aliases)
                    )
                )
            else:
                body.append(upd.with_changes(names=_commas(keep)))
            for module, aliases in items:
                stmt = cst.ImportFrom(module=dotted_node(module), names=_commas(aliases, True))
                extra.append(cst.SimpleStatementLine(body=[stmt]))
        line = updated_node.with_changes(body=body)
        if not extra:
            return line
        return cst.FlattenSentinel([line, *extra])


def _commas(aliases: Sequence[cst.ImportAlias], reset: bool = False) -> list[cst.ImportAlias]:
    out = list(aliases)
    if reset:
        out = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in out]
    if out:
        out[-1] = out[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return out


def move_imported_names(module: cst.Module, moves: Iterable[NameMove]) -> cst.Module:
    return MetadataWrapper(module).visit(_MoveImportedNames(moves))


def apply_name_moves(module: cst.Module, fixes: Sequence[Fix]) -> cst.Module:
    """Fixes whose data is {line, column, module}: point each imported name at `module`."""
    moves = [
        NameMove(int(f.data["line"]), int(f.data["column"]), str(f.data["module"])) for f in fixes
    ]
    return move_imported_names(module, moves)


class _ReplaceImportModule(cst.CSTTransformer):
    """`from OLD import a, b` -> the same from NEW, at given lines (optionally: only where
    OLD is relative, which RenameCommand needs made absolute)."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, lines: dict[int, str], only_relative: bool = False) -> None:
        super().__init__()
        self.lines = lines
        self.only_relative = only_relative

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        if self.only_relative and not original_node.relative:
            return updated_node
        line = self.get_metadata(PositionProvider, original_node).start.line
        target = self.lines.get(line)
        if target is None:
            return updated_node
        return updated_node.with_changes(module=dotted_node(target), relative=())


def replace_from_module(
    module: cst.Module, lines: dict[int, str], only_relative: bool = False
) -> cst.Module:
    return MetadataWrapper(module).visit(_ReplaceImportModule(lines, only_relative))


def rename_qualified(
    module: cst.Module,
    renames: Iterable[tuple[str, str]],
    relative_lines: dict[int, str] | None = None,
) -> cst.Module:
    """Rename imports and uses of qualified names with libcst's RenameCommand."""
    # Imported here: libcst.codemod costs ~0.2 s to import and only fixes need it.
    from libcst.codemod import CodemodContext, TransformSuccess, transform_module
    from libcst.codemod.commands.rename import RenameCommand

    if relative_lines:
        module = replace_from_module(module, relative_lines, only_relative=True)
    for old, new in renames:
        result = transform_module(RenameCommand(CodemodContext(), old, new), module.code)
        if not isinstance(result, TransformSuccess):
            raise ValueError(f"rename {old} -> {new} failed")
        module = (
            result.code if isinstance(result.code, cst.Module) else cst.parse_module(result.code)
        )
    return module


_CODE = re.compile(r"[A-Z]+[0-9]+", re.I)  # flake8 reads noqa codes in any case


def remove_suppression_codes(text: str, fixes: Sequence[Fix]) -> str:
    """Drop unused codes from suppression comments; drop the comment if none is left."""
    lines = python_lines(text)
    for fix in fixes:
        index = int(fix.data["line"]) - 1
        start = int(fix.data["column"]) - 1
        unused = set(fix.data["codes"])
        line = lines[index]
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        comment = body[start:]
        match = re.match(
            r"#\s*(noqa:?|ssotlint:\s*ignore(?:-file)?\[)\s*([^\]#]*)(\]?)", comment, re.I
        )
        if match is None:
            continue
        codes = [c for c in _CODE.findall(match.group(2)) if c.upper() not in unused]
        rest = comment[match.end() :]
        if codes:
            head = match.group(1)
            joined = ", ".join(codes)
            new_comment = f"# {head}{' ' if head.endswith(':') else ''}{joined}{match.group(3)}"
            new_body = body[:start] + new_comment + rest
        else:
            new_body = (body[:start].rstrip() + " " + rest.strip()).rstrip()
            if not new_body.strip():
                new_body = ""
        lines[index] = new_body + ending
    return "".join(lines)
