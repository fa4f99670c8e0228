"""A Python module's facts: which function each call belongs to, and the order the calls come in.

The access-control rules read a handler's calls, lookups and comparisons in the order a walk of
its body meets them; these pin that order where it differs from reading the source left to
right, and which calls belong to no function body at all.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from cynic.parsing.python import parse_python
from cynic.project.python_facts import PythonFacts, extract_python_facts
from cynic.source import FileKind, SourceFile

SOURCE = '''\
from fastapi import APIRouter, Depends, FastAPI
from .deps import SessionDep

router = APIRouter()


def audit(entry=record("default")):
    return entry


@router.get("/items/{item_id}", dependencies=[Depends(check("decorator"))])
async def read_item(item_id: int, session: SessionDep, user=Depends(current_user)) -> Item:
    item = session.get(Item, item_id) if allowed(item_id) else fallback()

    @decorate(inner_decorator())
    def helper(value=helper_default()) -> str:
        return inner(value)

    @dataclass(frozen=frozen_flag())
    class Payload:
        total: int = count_items()

    mapping = {"a": first(), key(): second()}
    on_error = lambda error, *, code=status_of(): log(error, code)
    return respond(item, mapping)


def create_app():
    app = FastAPI()
    app.include_router(router, prefix="/api")
    return app
'''


def _facts(source: str = SOURCE) -> PythonFacts:
    tree = parse_python(source, "app/api/items.py").tree
    return extract_python_facts(SourceFile("app/api/items.py", FileKind.PYTHON, source, tree=tree))


def test_calls_come_in_the_order_a_walk_of_the_body_meets_them() -> None:
    handler = next(function for function in _facts().functions if function.name == "read_item")
    assert [call.callee for call in handler.calls] == [
        "allowed", "session.get", "fallback",  # a conditional's test before its branches
        "helper_default",  # a nested function's defaults after its body, in the enclosing function
        "count_items", "dataclass", "frozen_flag",  # a class's decorators after its body
        "key", "first", "second",  # a dict's keys before its values
        "status_of", "log",  # a lambda's defaults, then its body
        "respond",
    ]
    assert handler.returns == ("respond",)


def test_decorators_and_module_level_defaults_belong_to_no_function() -> None:
    facts = _facts()
    callees = {call.callee for function in facts.functions for call in function.calls}
    assert callees.isdisjoint({"record", "check", "current_user", "inner_decorator", "decorate"})
    assert [function.name for function in facts.functions] == ["audit", "read_item.helper", "read_item", "create_app"]
    assert next(f for f in facts.functions if f.name == "read_item.helper").calls[0].callee == "inner"


def test_routes_apps_and_includes_are_read_wherever_they_are_declared() -> None:
    facts = _facts()
    assert [(route.method, route.path, route.function) for route in facts.routes] == [("GET", "/items/{item_id}", "read_item")]
    assert [dependency.target for dependency in facts.routes[0].dependencies] == ["check"]
    assert [(app.name, app.is_app) for app in facts.apps] == [("router", False), ("app", True)]
    assert [(include.parent, include.child, include.prefix.text if include.prefix else None) for include in facts.includes] == [
        ("app", "router", "'/api'")
    ]
    assert [cls.name for cls in facts.classes] == ["read_item.Payload"]
    assert ("SessionDep", "app.api.deps.SessionDep") in facts.imports


@pytest.mark.parametrize(
    "literal",
    ['("a", ("b", 2), [3.5, None, b"x"], {"k": True})', "...", str(2**70), "1j", '"\\ud800"'],
)
def test_facts_come_back_unchanged_from_a_worker_process_or_the_cache(literal: str) -> None:
    facts = _facts(f"ORIGINS = {literal}\n" + SOURCE)
    assert pickle.loads(pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)) == facts


SRC = Path(__file__).resolve().parents[2] / "src"
_SET_LITERAL_FACTS = """
import pickle, sys
from cynic.parsing.python import parse_python
from cynic.project.python_facts import extract_python_facts
from cynic.source import FileKind, SourceFile
source = 'ORIGINS = {"https://a.example", "https://b.example", "https://c.example"}\\n'
tree = parse_python(source, "app/main.py").tree
facts = extract_python_facts(SourceFile("app/main.py", FileKind.PYTHON, source, tree=tree))
sys.stdout.write(repr(facts.assignments))
"""


def test_a_set_literal_gives_the_same_facts_in_every_process() -> None:
    # A set of strings iterates in the order of their hashes, which differ from process to
    # process; facts are cached and compared across processes, so their order must not.
    seen = {subprocess.run([sys.executable, "-c", _SET_LITERAL_FACTS], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": str(SRC)}).stdout
            for seed in (1, 2, 3, 4)}

    assert len(seen) == 1 and "https://a.example" in seen.pop()


def test_an_expression_is_summarised_from_its_own_tree_whatever_another_module_wrote_alike() -> None:
    # Summaries are shared by the source text of an expression; in a non-ASCII module the columns
    # count bytes, so `ff(12)` below would be read as the text `f(12)` of the module before it.
    assert [a.value.text for a in _facts("A = f(1)\nB = f(12)\n").assignments] == ["f(1)", "f(12)"]
    assert [a.value.text for a in _facts('S = "é"; X = ff(12)\n').assignments] == ["'é'", "ff(12)"]
    assert [a.value.text for a in _facts("A = f(1)\r\nB = f(12)\r\nC = ff(12)\r\n").assignments] == ["f(1)", "f(12)", "ff(12)"]
