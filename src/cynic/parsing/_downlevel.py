"""A libcst transformer that rewrites Python 3.12-3.14 syntax into 3.11 syntax, line for line."""

from __future__ import annotations

import libcst as cst


class Downlevel(cst.CSTTransformer):
    """Each rewrite keeps the statement on its lines so that findings keep their line numbers."""

    def leave_ExceptHandler(self, original: cst.ExceptHandler, updated: cst.ExceptHandler) -> cst.ExceptHandler:
        # PEP 758: `except A, B:` means `except (A, B):`.
        if isinstance(updated.type, cst.Tuple) and not updated.type.lpar:
            return updated.with_changes(type=updated.type.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]))
        return updated

    def leave_ExceptStarHandler(
        self, original: cst.ExceptStarHandler, updated: cst.ExceptStarHandler
    ) -> cst.ExceptStarHandler:
        if isinstance(updated.type, cst.Tuple) and not updated.type.lpar:
            return updated.with_changes(type=updated.type.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]))
        return updated

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        # PEP 695: `def f[T](x: T)` -> `def f(x: T)`; the annotations stay as names.
        return updated.with_changes(type_parameters=None) if updated.type_parameters else updated

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        return updated.with_changes(type_parameters=None) if updated.type_parameters else updated

    def leave_TypeAlias(
        self, original: cst.TypeAlias, updated: cst.TypeAlias
    ) -> cst.Assign:
        # PEP 695: `type X[T] = ...` -> `X = ...`.
        return cst.Assign(targets=[cst.AssignTarget(target=updated.name)], value=updated.value)

    def leave_TemplatedString(
        self, original: cst.TemplatedString, updated: cst.TemplatedString
    ) -> cst.BaseExpression:
        # PEP 750: a t-string evaluates like an f-string for every rule cynic has.
        return _as_fstring(original)

    def leave_FormattedString(
        self, original: cst.FormattedString, updated: cst.FormattedString
    ) -> cst.BaseExpression:
        # PEP 701 lets an f-string reuse its own quotes inside `{}`; 3.11 cannot read that.
        return _as_fstring(updated)


def _as_fstring(node: cst.FormattedString | cst.TemplatedString) -> cst.BaseExpression:
    """An f-string that 3.11 reads: same lines, inner quotes that do not close the outer ones."""
    bare = node.with_changes(lpar=[], rpar=[])
    source = cst.Module(body=[]).code_for_node(bare)
    start, quote = node.start, node.end  # e.g. 'rt"""' and '"""'
    prefix = start[: len(start) - len(quote)].replace("t", "f").replace("T", "F")
    body = source[len(start) : len(source) - len(quote)]
    if quote[-1] in body:
        # Only a PEP 701 f-string holds its own quote inside `{}`; swap those for the other quote.
        other = "'" if quote[-1] == '"' else '"'
        depth, chars = 0, []
        for char in body:
            depth = depth + 1 if char == "{" else max(0, depth - 1) if char == "}" else depth
            chars.append(other if depth and char == quote[-1] else char)
        body = "".join(chars)
    rewritten = cst.parse_expression(prefix + quote + body + quote)
    return rewritten.with_changes(lpar=node.lpar, rpar=node.rpar)
