"""Entity names, fields and per-file style choices for the synthetic corpus."""

from __future__ import annotations

import random
from dataclasses import dataclass

DOMAINS = (
    "billing", "catalog", "crm", "fleet", "hr", "inventory", "legal", "logistics",
    "marketing", "ops", "payroll", "procurement", "project", "quality", "sales",
    "support", "training", "warehouse", "finance", "compliance", "research", "events",
    "booking", "content", "clinic", "school", "travel", "energy", "studio", "media",
)
NOUNS = (
    "invoice", "shipment", "ticket", "contract", "asset", "vendor", "order", "quote",
    "campaign", "lead", "course", "lesson", "report", "task", "milestone", "budget",
    "expense", "receipt", "policy", "claim", "visit", "appointment", "room", "vehicle",
    "route", "driver", "article", "comment", "attachment", "survey", "response", "audit",
    "incident", "device", "license", "subscription", "coupon", "review", "note", "folder",
)

# (name, python type, TypeScript type, sample value for the frontend)
FIELD_POOL = (
    ("title", "str", "string", '""'),
    ("description", "str | None", "string | null", "null"),
    ("amount", "float", "number", "0"),
    ("quantity", "int", "number", "1"),
    ("status", "str", "string", '"draft"'),
    ("is_active", "bool", "boolean", "true"),
    ("priority", "int", "number", "3"),
    ("code", "str", "string", '""'),
    ("notes", "str | None", "string | null", "null"),
    ("reference", "str", "string", '""'),
    ("currency", "str", "string", '"EUR"'),
    ("score", "float", "number", "0"),
    ("label", "str", "string", '""'),
    ("archived", "bool", "boolean", "false"),
)


@dataclass(frozen=True)
class Field:
    """One column of an entity, with its Python and TypeScript types."""

    name: str
    py_type: str
    ts_type: str
    ts_default: str


@dataclass(frozen=True)
class Entity:
    """A resource of the app: one model, schema, router, service and UI slice."""

    snake: str
    fields: tuple[Field, ...]
    py_style: int
    ts_style: int

    @property
    def plural(self) -> str:
        """The plural snake_case name, used for tables, paths and modules."""
        if self.snake.endswith(("s", "x")):
            return self.snake + "es"
        if self.snake.endswith("y") and not self.snake.endswith(("ay", "ey")):
            return self.snake[:-1] + "ies"
        return self.snake + "s"

    @property
    def cls(self) -> str:
        """The PascalCase class name."""
        return "".join(part.capitalize() for part in self.snake.split("_"))

    @property
    def camel(self) -> str:
        """The camelCase name, for TypeScript identifiers."""
        return self.cls[0].lower() + self.cls[1:]

    @property
    def camel_plural(self) -> str:
        """The camelCase plural, for TypeScript identifiers."""
        parts = self.plural.split("_")
        return parts[0] + "".join(p.capitalize() for p in parts[1:])

    @property
    def cls_plural(self) -> str:
        """The PascalCase plural."""
        return "".join(part.capitalize() for part in self.plural.split("_"))

    @property
    def kebab(self) -> str:
        """The kebab-case plural, for URL paths."""
        return self.plural.replace("_", "-")


def entity_stream(rng: random.Random) -> list[Entity]:
    """Every entity the generator may use, in a seeded order (1,200 distinct names)."""
    combos = [f"{d}_{n}" for d in DOMAINS for n in NOUNS]
    rng.shuffle(combos)
    entities = []
    for snake in combos:
        count = rng.randint(3, 7)
        picked = [FIELD_POOL[0]] + rng.sample(FIELD_POOL[1:], count)
        fields = tuple(Field(*spec) for spec in picked)
        entities.append(Entity(snake, fields, rng.randrange(3), rng.randrange(3)))
    return entities
