"""A seeded generator of a realistic FastAPI + React app of a requested size in lines.

The same seed and size always give byte-identical files. A few percent of files carry a
planted violation of a catalog rule; `Tree.manifest()` lists which rule went into which file.
"""

from __future__ import annotations

import random

from .backend_core import add_backend_core
from .backend_models import add_model, add_schema
from .backend_routes import add_router
from .backend_services import add_service
from .frontend_core import add_frontend_core
from .frontend_entity import add_api, add_component, add_hook, add_route
from .infra import add_infra
from .names import Entity, entity_stream
from .tree import Tree

__all__ = ["Tree", "generate"]

# Lines written by the app-wide files, plus the lines each entity adds to the aggregators.
CORE_LINES = 700
AGGREGATOR_LINES_PER_ENTITY = 6


def _add_entity(tree: Tree, entity: Entity) -> None:
    for add in (add_model, add_schema, add_router, add_service, add_api, add_hook, add_component, add_route):
        add(tree, entity)


def generate(lines: int, seed: int) -> Tree:
    """Build (in memory) an app of about `lines` lines, stopping at the first entity past the target."""
    tree = Tree(random.Random(seed))
    entities: list[Entity] = []
    for entity in entity_stream(tree.rng):
        if tree.lines + CORE_LINES + AGGREGATOR_LINES_PER_ENTITY * len(entities) >= lines:
            break
        _add_entity(tree, entity)
        entities.append(entity)
    else:
        raise ValueError(f"{lines} lines needs more entities than the name pool holds")
    add_backend_core(tree, entities)
    add_frontend_core(tree, entities)
    add_infra(tree)
    return tree
