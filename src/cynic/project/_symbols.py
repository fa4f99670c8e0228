"""Name resolution across a project's Python modules, from their facts alone.

A name as written in one module (`crud.get_item`, `CurrentUser`, `settings.API_V1_STR`) is turned
into the definition it stands for by following that module's imports, relative or absolute, and
re-exports through package `__init__` files. Module names come from file paths, so an import
`app.core.config` matches the file `backend/app/core/config.py` by its dotted suffix.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Union

from cynic.project.python_facts import Alias, Assignment, ClassInfo, Function, PythonFacts

Definition = Union[ClassInfo, Function, Assignment, Alias]


@dataclass(frozen=True)
class Symbol:
    """A definition and the module (and file) that holds it."""

    module: str
    path: str
    definition: Definition

    @property
    def key(self) -> tuple[str, str]:
        return self.module, self.definition.name


class SymbolTable:
    """Every module's definitions and imports, and the resolver over them."""

    def __init__(self, modules: list[tuple[str, PythonFacts]]) -> None:
        self.facts: dict[str, PythonFacts] = {}
        self.paths: dict[str, str] = {}
        self._by_suffix: dict[str, list[str]] = defaultdict(list)
        self._defs: dict[str, dict[str, Definition]] = {}
        self._imports: dict[str, dict[str, str]] = {}
        for path, facts in modules:
            self.facts[facts.module] = facts
            self.paths[facts.module] = path
            parts = facts.module.split(".")
            for start in range(len(parts)):
                self._by_suffix[".".join(parts[start:])].append(facts.module)
            defs: dict[str, Definition] = {d.name: d for d in facts.assignments}
            defs.update({d.name: d for d in (*facts.aliases, *facts.classes, *facts.functions)})
            self._defs[facts.module] = defs
            self._imports[facts.module] = dict(facts.imports)
        # Answers already given: the table never changes, and every rule asks the same questions.
        self._modules_named: dict[tuple[str, str], str | None] = {}
        self._looked_up: dict[tuple[str, str], Symbol | None] = {}

    def module_named(self, dotted: str, near: str = "") -> str | None:
        """The project module an import names, matching file paths by their dotted suffix."""
        if dotted in self.facts:
            return dotted
        key = (dotted, near)
        if key not in self._modules_named:
            candidates = self._by_suffix.get(dotted, [])
            best = min(candidates, key=lambda m: (-_shared_prefix(m, near), len(m))) if candidates else None
            self._modules_named[key] = best
        return self._modules_named[key]

    def qualify(self, module: str, dotted: str) -> str:
        """`crud.get_item` in `app.api.routes.items` -> `app.crud.get_item` (unresolved names stay)."""
        head, _, rest = dotted.partition(".")
        imported = self._imports.get(module, {}).get(head)
        if imported is not None:
            return f"{imported}.{rest}" if rest else imported
        if head in self._defs.get(module, {}):
            return f"{module}.{dotted}"
        return dotted

    def lookup(self, module: str, dotted: str) -> Symbol | None:
        """The definition a name written in `module` stands for, or None when outside the project."""
        key = (module, dotted)
        if key not in self._looked_up:
            local = self._defs.get(module, {}).get(dotted)
            if local is not None:
                self._looked_up[key] = Symbol(module, self.paths[module], local)
            else:
                self._looked_up[key] = self.find(self.qualify(module, dotted), near=module)
        return self._looked_up[key]

    def find(self, qualified: str, near: str = "", depth: int = 0) -> Symbol | None:
        """The definition of a fully qualified name, following re-exports a few steps."""
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = self.module_named(".".join(parts[:cut]), near)
            if module is None:
                continue
            name = ".".join(parts[cut:])
            definition = self._defs[module].get(name)
            if definition is not None:
                return Symbol(module, self.paths[module], definition)
            head = parts[cut]
            imported = self._imports[module].get(head)
            if imported is not None and depth < 4:
                rest = ".".join(parts[cut + 1 :])
                return self.find(f"{imported}.{rest}" if rest else imported, near=module, depth=depth + 1)
            return None
        return None

    def module_of(self, qualified: str, near: str = "") -> str | None:
        """The project module a qualified name refers to when it is a module (`app.crud`)."""
        return self.module_named(qualified, near)

    @cached_property
    def definitions(self) -> list[Symbol]:
        """Every definition of every module, listed once; do not modify the list."""
        return [
            Symbol(module, self.paths[module], definition)
            for module, defs in sorted(self._defs.items())
            for definition in defs.values()
        ]


def _shared_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a.split("."), b.split("."), strict=False):
        if x != y:
            break
        count += 1
    return count
