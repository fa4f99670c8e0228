"""The loop's routing as pure functions: every stop status, and the states they refuse."""

from __future__ import annotations

import pytest

from cynic.workflows.edges import route_after_audit, route_after_code, stop_reason

A = {"fingerprint": "a"}
B = {"fingerprint": "b"}
PASSED = {"passed": True}
FAILED = {"passed": False}


def state(*rounds: dict, request: str | None = None, max_rounds: int = 5, max_tokens: int | None = None,
          error: str | None = None) -> dict:
    """A state whose history is `rounds`; each round: checklist, fixed, commit, test, usage."""
    history = []
    for number, spec in enumerate(rounds):
        history.append({
            "round": number,
            "commit": spec.get("commit", "c0ffee"),
            "checklist": spec.get("checklist", []),
            "fixed": spec.get("fixed", []),
            "test": spec.get("test"),
            "unparsed": spec.get("unparsed", []),
            "usage": {"coder": {"prompt_tokens": spec.get("tokens", 0), "completion_tokens": 0, "cost": 0.0}},
        })
    return {
        "round": len(rounds) - 1,
        "request": request,
        "history": history,
        "checklist": history[-1]["checklist"],
        "seen_checklists": [" ".join(sorted(f["fingerprint"] for f in r["checklist"])) for r in history],
        "limits": {"max_rounds": max_rounds, "max_tokens": max_tokens, "max_cost": None},
        "error": error,
    }


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        (state({}), "clean"),
        (state({"checklist": [A]}, {"fixed": ["a"]}), "clean"),
        (state({"checklist": [A]}), None),
        (state({"checklist": [A]}, {"checklist": [A], "commit": None}), "stalled"),
        (state({"checklist": [A, B]}, {"checklist": [B], "fixed": ["a"]}, max_rounds=1), "max_rounds"),
        (state({"checklist": [A]}, {"checklist": [A]}), "stalled"),
        (state({"checklist": [A]}, {"checklist": [B], "fixed": ["a"]}, {"checklist": [A], "fixed": ["b"]}), "oscillating"),
        (state({"checklist": [A, B]}, {"checklist": [B], "fixed": ["a"], "tokens": 500}, max_tokens=400), "budget"),
        (state({"checklist": [A]}, {"fixed": ["a"], "test": FAILED}), None),
        (state({"checklist": [A]}, {"fixed": ["a"], "unparsed": ["app.py"]}), None),
        (state({"unparsed": ["old.py"]}), "clean"),
        (state({"checklist": []}, {"checklist": [], "test": FAILED}, {"checklist": [], "test": PASSED}), "clean"),
        (state({"checklist": [A]}, {"checklist": [A], "test": PASSED}), "stalled"),
        (state({"checklist": [A, B]}, {"checklist": [B], "fixed": ["a"], "test": FAILED}, {"checklist": [B], "test": PASSED}), None),
        (state({}, request="add search"), None),
        (state({"checklist": [A]}, {"checklist": [A]}, request="add search"), None),
        (state({}, error="the coder failed"), "error"),
        (state({"checklist": [A]}, {"checklist": [A], "commit": None, "tokens": 500}, max_tokens=400), "budget"),
    ],
    ids=["clean-at-start", "clean-after-a-round", "go-on", "changed-nothing", "max-rounds", "fixed-nothing",
         "oscillating", "budget", "tests-fail", "newly-unparsed", "unparsed-from-the-start", "tests-fixed",
         "tests-pass-but-nothing-fixed", "tests-made-green", "implement-starts-coding", "implement-round-one",
         "error", "budget-spent-before-any-change"],
)
def test_stop_reason(current: dict, expected: str | None) -> None:
    assert stop_reason(current) == expected
    assert route_after_audit(current) == ("code" if expected is None else "finish")


def test_route_after_code() -> None:
    assert route_after_code(state({"checklist": [A]}, {"checklist": [A]})) == "verify"
    assert route_after_code(state({"checklist": [A]}, {"commit": None})) == "finish"
    assert route_after_code(state({"checklist": [A]}, error="boom")) == "finish"


def test_routing_refuses_states_it_does_not_expect() -> None:
    with pytest.raises(ValueError, match="no rounds yet"):
        route_after_audit({"history": [], "error": None})
    unaudited = state({"checklist": [A]}, {})
    del unaudited["history"][1]["checklist"]
    with pytest.raises(ValueError, match="not been audited"):
        route_after_audit(unaudited)
    behind = state({"checklist": [A]}, {})
    behind["round"] = 0
    with pytest.raises(ValueError, match="last record is round 1"):
        route_after_code(behind)
