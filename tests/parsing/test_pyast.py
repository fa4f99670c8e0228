"""The shared readers of Python trees: what a walk of a module and one scope hold."""

from __future__ import annotations

import ast

from cynic.parsing.pyast import nodes_of, scope_nodes, walk

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


# Fields that hold no node or None among nodes: `**extra` has no key, `b` no default; `simple`,
# `names` of `global`, and the strings of `match` patterns are plain values.
UNUSUAL_FIELDS = '''
count: int = 0


def merge(base, *, strict, depth=1):
    global count
    count += 1
    return {**base, "depth": depth, "label": f"{depth!r:>4}"}


match merge({}, strict=True):
    case {"depth": 1, **rest}:
        pass
    case Point(x=0, y=None) | None:
        pass
'''
_MARKERS = (ast.expr_context, ast.operator, ast.cmpop, ast.boolop, ast.unaryop)


def test_a_module_walk_holds_every_node_of_ast_walk_in_its_order_but_the_markers() -> None:
    tree = ast.parse(UNUSUAL_FIELDS)

    expected = [node for node in ast.walk(tree) if not isinstance(node, _MARKERS)]
    assert list(walk(tree)) == expected
    assert nodes_of(tree, ast.Dict) == [node for node in expected if isinstance(node, ast.Dict)]
    assert nodes_of(tree, ast.Pass, ast.Return) == [node for node in expected if isinstance(node, ast.Pass | ast.Return)]


def test_a_walk_reads_a_node_built_without_all_its_fields() -> None:
    call = ast.Call(func=ast.Name(id="log"), args=[ast.Constant(value=1)])  # no `keywords`
    tree = ast.Module(body=[ast.Expr(value=call)], type_ignores=[])

    assert [type(node).__name__ for node in walk(tree)] == ["Module", "Expr", "Call", "Name", "Constant"]
