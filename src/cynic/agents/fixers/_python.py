"""libcst helpers shared by the Python fixers: find the node at a line, edit it, add imports."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath
from typing import TypeVar

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import CodeRange, MetadataWrapper, ParentNodeProvider, PositionProvider

from cynic.agents.fixers._workspace import Unfixable, Workspace
from cynic.source import FileKind

N = TypeVar("N", bound=cst.CSTNode)

ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "api_route"})


@dataclass
class PyFile:
    """One Python file parsed by libcst, with each node's position and parent."""

    path: str
    module: cst.Module
    positions: dict[cst.CSTNode, CodeRange]
    parents: dict[cst.CSTNode, cst.CSTNode]

    def nodes(self, kind: type[N], where: Callable[[N], bool] = lambda _: True) -> list[N]:
        """Every node of a kind, in source order."""
        found = [n for n in self.positions if isinstance(n, kind) and where(n)]
        return sorted(found, key=lambda n: (self.positions[n].start.line, self.positions[n].start.column))

    def at_line(self, line: int, kind: type[N], where: Callable[[N], bool] = lambda _: True) -> N | None:
        """The smallest node of a kind whose lines include `line` (a definition's lines include its decorators)."""
        around = [n for n in self.nodes(kind, where) if self.start(n) <= line <= self.positions[n].end.line]
        return min(around, key=lambda n: self.positions[n].end.line - self.start(n), default=None)

    def start(self, node: cst.CSTNode) -> int:
        """The node's first line: for a decorated function or class, its first decorator's line."""
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)) and node.decorators:
            return self.positions[node.decorators[0]].start.line
        return self.positions[node].start.line

    def enclosing(self, node: cst.CSTNode, kind: type[N]) -> N | None:
        """The nearest ancestor of a kind."""
        current = self.parents.get(node)
        while current is not None and not isinstance(current, kind):
            current = self.parents.get(current)
        return current

    def statement_of(self, node: cst.CSTNode) -> cst.BaseStatement:
        """The statement (simple line or compound) that holds `node`."""
        current: cst.CSTNode = node
        while not isinstance(current, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            current = self.parents[current]
        return current

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def replace(self, old: cst.CSTNode, new: cst.CSTNode | cst.RemovalSentinel) -> cst.Module:
        return self.module.deep_replace(old, new)  # type: ignore[return-value]

    def replace_all(self, replacements: dict[cst.CSTNode, cst.CSTNode]) -> cst.Module:
        """The module with several nodes of this parse replaced in one pass."""
        return self.module.visit(_Replacer(replacements))  # type: ignore[return-value]


class _Replacer(cst.CSTTransformer):
    def __init__(self, replacements: dict[cst.CSTNode, cst.CSTNode]) -> None:
        self.replacements = replacements

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode) -> cst.CSTNode:  # type: ignore[override]
        return self.replacements.get(original, updated)


def load(files: Workspace, path: str) -> PyFile:
    """Parse a workspace file with libcst; Unfixable when it does not parse."""
    try:
        module, positions, parents = _parse(files.read(path))
    except cst.ParserSyntaxError as error:
        raise Unfixable(f"{path} does not parse ({error.message} at line {error.raw_line})") from None
    return PyFile(path, module, positions, parents)


@lru_cache(maxsize=256)
def _parse(text: str) -> tuple[cst.Module, dict[cst.CSTNode, CodeRange], dict[cst.CSTNode, cst.CSTNode]]:
    """libcst trees are immutable, so one parse of a text serves every fixer that reads it."""
    wrapper = MetadataWrapper(cst.parse_module(text))
    return wrapper.module, dict(wrapper.resolve(PositionProvider)), dict(wrapper.resolve(ParentNodeProvider))


def save(files: Workspace, path: str, module: cst.Module) -> None:
    files.write(path, module.code)


def with_import(module: cst.Module, from_module: str, name: str | None = None) -> cst.Module:
    """`module` with `from from_module import name` (or `import from_module`) if it is missing.

    A name joins an existing `from from_module import ...` line at its end; otherwise libcst's
    `AddImportsVisitor` places a new import line after the module's imports.
    """
    if name is not None:
        for statement in module.body:
            if not isinstance(statement, cst.SimpleStatementLine) or not isinstance(statement.body[0], cst.ImportFrom):
                continue
            imported = statement.body[0]
            if imported.relative or dotted(imported.module) != from_module or isinstance(imported.names, cst.ImportStar):
                continue
            if any(alias.evaluated_name == name and alias.asname is None for alias in imported.names):
                return module
            return module.deep_replace(imported, _with_alias(imported, name))  # type: ignore[return-value]
    plain = [s for s in module.body if isinstance(s, cst.SimpleStatementLine) and isinstance(s.body[0], cst.Import)]
    if name is None and plain:
        if any(a.evaluated_name == from_module for s in plain for a in s.body[0].names):  # type: ignore[union-attr]
            return module
        index = module.body.index(plain[-1]) + 1
        new = cst.parse_statement(f"import {from_module}\n")
        return module.with_changes(body=[*module.body[:index], new, *module.body[index:]])
    context = CodemodContext()
    AddImportsVisitor.add_needed_import(context, from_module, name)
    return AddImportsVisitor(context).transform_module(module)


def _with_alias(imported: cst.ImportFrom, name: str) -> cst.ImportFrom:
    """`imported` with `name` added: in order when the names are sorted (as isort and ruff sort them), else last."""
    names = list(imported.names)  # type: ignore[arg-type]
    keys = [_import_order(alias.evaluated_name) for alias in names]
    if keys == sorted(keys) and _import_order(name) < keys[-1]:
        position = next(i for i, key in enumerate(keys) if _import_order(name) < key)
        first = cst.ImportAlias(name=cst.Name(name), comma=names[position].comma if position < len(names) - 1 else
                                (names[-2].comma if len(names) > 1 else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))))
        return imported.with_changes(names=[*names[:position], first, *names[position:]])
    last = names[-1]
    if imported.lpar is not None and "\n" in cst.Module([]).code_for_node(imported):
        separator = names[-2].comma if len(names) > 1 else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        names[-1] = last.with_changes(comma=separator)
        names.append(cst.ImportAlias(name=cst.Name(name), comma=last.comma))
    else:
        names[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        names.append(cst.ImportAlias(name=cst.Name(name)))
    return imported.with_changes(names=names)


def _import_order(name: str) -> tuple[int, str]:
    """isort's and ruff's default order of imported names: CONSTANTS, then Classes, then functions."""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name


def without_unused_import(module: cst.Module, from_module: str, name: str) -> cst.Module:
    """`module` without `from from_module import name` when nothing else uses `name` any more."""
    if name_is_read(module, name):
        return module
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine) or not isinstance(statement.body[0], cst.ImportFrom):
            continue
        imported = statement.body[0]
        if dotted(imported.module) != from_module or imported.relative or isinstance(imported.names, cst.ImportStar):
            continue
        kept = [a for a in imported.names if not (a.evaluated_name == name and a.asname is None)]
        if len(kept) == len(imported.names):
            continue
        if not kept:
            return module.with_changes(body=[s for s in module.body if s is not statement])
        kept[-1] = kept[-1].with_changes(comma=imported.names[-1].comma)
        return module.deep_replace(imported, imported.with_changes(names=kept))  # type: ignore[return-value]
    return module


def name_is_read(module: cst.Module, name: str) -> bool:
    """True when code in `module` reads the name (imports and assignments are not reads)."""
    tree = ast.parse(module.code)
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load) for n in ast.walk(tree))


def add_import(files: Workspace, path: str, from_module: str, name: str | None = None) -> None:
    save(files, path, with_import(load(files, path).module, from_module, name))


def dotted(node: cst.CSTNode | None) -> str | None:
    """`a.b.c` for Name/Attribute chains, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def last_name(node: cst.CSTNode | None) -> str | None:
    name = dotted(node)
    return name.rsplit(".", 1)[-1] if name else None


def keyword(call: cst.Call, name: str) -> cst.Arg | None:
    return next((arg for arg in call.args if arg.keyword and arg.keyword.value == name), None)


def set_keyword(call: cst.Call, name: str, value: str) -> cst.Call:
    """`call` with keyword `name=value` (replaced when present, appended when not)."""
    expression = cst.parse_expression(value)
    existing = keyword(call, name)
    if existing is not None:
        args = [a.with_changes(value=expression) if a is existing else a for a in call.args]
        return call.with_changes(args=args)
    new_arg = cst.Arg(value=expression, keyword=cst.Name(name), equal=cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
    args = list(call.args)
    if args and _multiline(call):
        last = args[-1]
        separator = args[-2].comma if len(args) > 1 else cst.Comma(whitespace_after=call.whitespace_before_args)
        if isinstance(last.comma, cst.Comma):
            new_arg = new_arg.with_changes(comma=last.comma)
            args[-1] = last.with_changes(comma=separator)
        else:
            new_arg = new_arg.with_changes(whitespace_after_arg=last.whitespace_after_arg)
            args[-1] = last.with_changes(comma=separator, whitespace_after_arg=cst.SimpleWhitespace(""))
    elif args:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return call.with_changes(args=[*args, new_arg])


def remove_keyword(call: cst.Call, name: str) -> cst.Call:
    """`call` without keyword `name`, its layout kept."""
    args = list(call.args)
    index = next((i for i, a in enumerate(args) if a.keyword and a.keyword.value == name), None)
    if index is None:
        return call
    removed = args.pop(index)
    if index == len(args) and args:
        args[-1] = args[-1].with_changes(comma=removed.comma, whitespace_after_arg=removed.whitespace_after_arg)
    return call.with_changes(args=args)


def _multiline(call: cst.Call) -> bool:
    return "\n" in cst.Module(body=[]).code_for_node(call)


def route_decorator(function: cst.FunctionDef) -> cst.Decorator | None:
    """The `@router.post(...)` / `@app.get(...)` decorator of a route handler."""
    for decorator in function.decorators:
        call = decorator.decorator
        if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value in ROUTE_METHODS:
            return decorator
    return None


def parameter(function: cst.FunctionDef, name: str) -> cst.Param | None:
    every = [*function.params.posonly_params, *function.params.params, *function.params.kwonly_params]
    return next((p for p in every if p.name.value == name), None)


def annotation_text(param: cst.Param) -> str:
    return cst.Module(body=[]).code_for_node(param.annotation.annotation) if param.annotation else ""


def with_first_param(function: cst.FunctionDef, code: str) -> cst.FunctionDef:
    """`function` with a new first parameter, written as `code` (`request: Request`), in its layout."""
    new = cst.parse_statement(f"def f({code}): pass").params.params[0]  # type: ignore[attr-defined]
    params = function.params
    if params.params:
        spacing = function.whitespace_before_params
        if not isinstance(spacing, cst.ParenthesizedWhitespace):
            spacing = cst.SimpleWhitespace(" ")
        new = new.with_changes(comma=cst.Comma(whitespace_after=spacing))
    return function.with_changes(params=params.with_changes(params=[new, *params.params]))


def module_name(files: Workspace, path: str) -> str:
    """The dotted name the project imports `path` by (`backend/app/core/config.py` -> `app.core.config`)."""
    pure = PurePosixPath(path)
    parts = [pure.stem]
    folder = pure.parent
    while str(folder) not in ("", ".") and files.exists(f"{folder}/__init__.py"):
        parts.insert(0, folder.name)
        folder = folder.parent
    if str(folder) not in ("", ".") and len(parts) == 1 and _imported_as_package(files, folder.name):
        parts.insert(0, folder.name)
    return ".".join(parts)


def _imported_as_package(files: Workspace, package: str) -> bool:
    pattern = re.compile(rf"^\s*(from|import)\s+{re.escape(package)}\.", re.M)
    return any(pattern.search(files.read(p)) for p in files.files(FileKind.PYTHON))


def binds_name(module: cst.Module, name: str) -> bool:
    """True when the module imports or assigns `name` at top level."""
    for statement in module.body:
        for node in _top_level_bindings(statement):
            if node == name:
                return True
    return False


def _top_level_bindings(statement: cst.CSTNode) -> Iterator[str]:
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                for alias in small.names:
                    yield (alias.asname.name.value if alias.asname else alias.name.value)  # type: ignore[union-attr]
            elif isinstance(small, (cst.Assign, cst.AnnAssign)):
                targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                yield from (t.value for t in targets if isinstance(t, cst.Name))
    elif isinstance(statement, (cst.ClassDef, cst.FunctionDef)):
        yield statement.name.value


def import_name(files: Workspace, path: str, defined_in: str, name: str) -> None:
    """Make `name`, defined at top level of `defined_in`, usable in `path`."""
    if path == defined_in or binds_name(load(files, path).module, name):
        return
    add_import(files, path, module_name(files, defined_in), name)


def find_class(files: Workspace, name: str) -> tuple[str, cst.ClassDef] | None:
    """The first top-level class called `name` in the project."""
    for path in files.files(FileKind.PYTHON):
        if f"class {name}" not in files.read(path):
            continue
        for statement in load(files, path).module.body:
            if isinstance(statement, cst.ClassDef) and statement.name.value == name:
                return path, statement
    return None


def find_function(files: Workspace, name: str) -> str | None:
    """The path of the module that defines top-level function `name`."""
    for path in files.files(FileKind.PYTHON):
        if f"def {name}" in files.read(path) and any(
            isinstance(s, cst.FunctionDef) and s.name.value == name for s in load(files, path).module.body
        ):
            return path
    return None


def class_fields(cls: cst.ClassDef) -> dict[str, cst.AnnAssign]:
    """The annotated fields of a class body, by name."""
    found: dict[str, cst.AnnAssign] = {}
    for statement in cls.body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    found[small.target.value] = small
    return found


def base_names(cls: cst.ClassDef) -> list[str]:
    return [name for base in cls.bases if (name := last_name(base.value))]


def insert_in_class(cls: cst.ClassDef, code: str, *, first: bool = False) -> cst.ClassDef:
    """`cls` with the statement `code` added after its docstring (`first`) or after its last field."""
    statement = cst.parse_statement(code)
    body = list(cls.body.body)
    if first:
        position = 1 if body and is_docstring(body[0]) else 0
    else:
        fields = [i for i, s in enumerate(body) if isinstance(s, cst.SimpleStatementLine)
                  and any(isinstance(x, (cst.AnnAssign, cst.Assign)) for x in s.body)]
        position = fields[-1] + 1 if fields else (1 if body and is_docstring(body[0]) else 0)
    body = [b for b in body if not _is_pass(b)] if len(body) == 1 else body
    position = min(position, len(body))
    body.insert(position, statement)
    return cls.with_changes(body=cls.body.with_changes(body=body))


def is_docstring(statement: cst.BaseStatement) -> bool:
    return (isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[0], cst.Expr)
            and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))


def _is_pass(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(isinstance(s, cst.Pass) for s in statement.body)


def is_string(node: cst.CSTNode | None, value: str | None = None) -> bool:
    """True for a plain string literal (with `value` when given)."""
    if not isinstance(node, cst.SimpleString):
        return False
    return value is None or node.evaluated_value == value
