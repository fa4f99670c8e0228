"""The shared readers of Python trees: what one scope holds."""

from __future__ import annotations

import ast

from cynic.parsing.pyast import scope_nodes

SOURCE = '''
settings = load()
log(settings)


def handler(item):
    print(item)

    def inner():
        print("inner")

    return inner


class Service:
    name = "service"
'''


def _calls(nodes: list[ast.AST]) -> list[str]:
    return [ast.unparse(node) for node in nodes if isinstance(node, ast.Call)]


def test_a_module_scope_holds_its_own_statements_not_its_functions_or_classes_bodies() -> None:
    tree = ast.parse(SOURCE)

    assert _calls(scope_nodes(tree)) == ["load()", "log(settings)"]
    assert not [node for node in scope_nodes(tree) if isinstance(node, ast.FunctionDef | ast.ClassDef)]


def test_a_function_scope_holds_its_body_but_not_a_nested_function() -> None:
    handler = next(node for node in ast.parse(SOURCE).body if isinstance(node, ast.FunctionDef))

    assert _calls(scope_nodes(handler)) == ["print(item)"]
    assert [type(node).__name__ for node in scope_nodes(handler) if isinstance(node, ast.stmt)] == ["Expr", "Return"]
