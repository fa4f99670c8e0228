"""The loop, wired: prepare → audit ⇄ (code → verify) → finish. Wiring only."""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, StateGraph

from cynic.workflows.context import LoopContext
from cynic.workflows.edges import route_after_audit, route_after_code
from cynic.workflows.nodes import audit, code, finish, prepare, verify
from cynic.workflows.state import LoopState


def build_graph(checkpointer: Any = None) -> Any:
    """The compiled loop; with a checkpointer every step is durable and a run can resume."""
    builder = StateGraph(LoopState, context_schema=LoopContext)
    builder.add_node("prepare", prepare)
    builder.add_node("audit", audit)
    builder.add_node("code", code)
    builder.add_node("verify", verify)
    builder.add_node("finish", finish)

    builder.add_edge(START, "prepare")
    builder.add_edge("prepare", "audit")
    builder.add_conditional_edges("audit", route_after_audit, ["code", "finish"])
    builder.add_conditional_edges("code", route_after_code, ["verify", "finish"])
    builder.add_edge("verify", "audit")
    builder.add_edge("finish", END)
    return builder.compile(checkpointer=checkpointer)
