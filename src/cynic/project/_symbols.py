"""Name resolution across a project's Python modules, from their facts alone.

A name as written in one module (`crud.get_item`, `CurrentUser`, `settings.API_V1_STR`) is turned
into the definition it stands for by following that module's imports, relative or absolute, and
re-exports through package `__init__` files. Module names come from file paths, so an import
`app.core.config` matches the file `backend/app/core/config.py` by its dotted suffix.

The table is the only reader of the modules' facts: each name it looks up, each import it
follows and each view of every module it lists is noted in `reads` (see `project.reads`), so
that a later audit can tell whether an edited module would have answered differently.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import Any, Union

import msgspec

from cynic.project.python_facts import Alias, Assignment, ClassInfo, Function, PythonFacts
from cynic.project.reads import FactReads

Definition = Union[ClassInfo, Function, Assignment, Alias]
_NO_DEFINITIONS: dict[str, Definition] = {}
_NO_IMPORTS: dict[str, str] = {}
_UNKNOWN = object()


def module_definitions(facts: PythonFacts) -> dict[str, Definition]:
    """A module's definitions by name; of two with the same name, a function wins over a class,
    a class over an alias, an alias over an assignment, and a later one over an earlier one."""
    definitions: dict[str, Definition] = {d.name: d for d in facts.assignments}
    definitions.update({d.name: d for d in (*facts.aliases, *facts.classes, *facts.functions)})
    return definitions


def _of_kind(kind: type) -> Callable[[PythonFacts], list[Definition]]:
    return lambda facts: [d for d in module_definitions(facts).values() if isinstance(d, kind)]


# What the table lists for every module, by name: the facts a rule may scan across the project.
MODULE_VIEWS: dict[str, Callable[[PythonFacts], Any]] = {
    "apps": lambda facts: facts.apps,
    "includes": lambda facts: facts.includes,
    "middlewares": lambda facts: facts.middlewares,
    "routes": lambda facts: facts.routes,
    "classes": _of_kind(ClassInfo),
    "assignments": _of_kind(Assignment),
}


class Symbol(msgspec.Struct, frozen=True, gc=False):
    """A definition and the module (and file) that holds it.

    A struct (immutable, compared by value, holding only facts and strings: never part of a
    cycle) because the table makes thousands per audit and a struct is the cheapest to build;
    build one with `symbol()`, which fills `key` from the others.
    """

    module: str
    path: str
    definition: Definition
    key: tuple[str, str]  # (module, name): one per definition


def symbol(module: str, path: str, definition: Definition) -> Symbol:
    """The symbol of `definition`, defined in `module` (the file `path`)."""
    return Symbol(module, path, definition, (module, definition.name))


class SymbolTable:
    """Every module's definitions and imports, and the resolver over them."""

    def __init__(self, modules: list[tuple[str, PythonFacts]], reads: FactReads | None = None) -> None:
        self.reads = reads if reads is not None else FactReads()
        self._files = modules
        self._modules: set[str] = set()
        self.paths: dict[str, str] = {}
        self._by_last_name: dict[str, list[str]] = defaultdict(list)  # `crud` -> [`app.crud`, `other.crud`]
        self._defs: dict[str, dict[str, Definition]] = {}
        self._imports: dict[str, dict[str, str]] = {}
        for path, facts in modules:
            module = facts.module
            self._modules.add(module)
            self.paths[module] = path
            self._by_last_name[module.rpartition(".")[2]].append(module)
            self._defs[module] = module_definitions(facts)
            self._imports[module] = dict(facts.imports)
        # Answers already given: the table never changes, and every rule asks the same questions.
        self._modules_named: dict[tuple[str, str], str | None] = {}
        self._looked_up: defaultdict[str, dict[str, Symbol | None]] = defaultdict(dict)  # by module, then name
        self._found_anywhere: dict[str, Symbol | None] = {}  # `find`'s answers that `near` did not choose
        self._by_suffix: dict[str, list[str]] = {}  # `core.config` -> the modules named so or ending so

    def view(self, name: str) -> Iterator[tuple[str, str, Any]]:
        """(module, path, the view of its facts) for every file, in path order (see MODULE_VIEWS)."""
        self.reads.views.add(name)
        select = MODULE_VIEWS[name]
        for path, facts in self._files:
            yield facts.module, path, select(facts)

    def _definition(self, module: str, name: str) -> Definition | None:
        self.reads.names[module].add(name)
        return self._defs.get(module, _NO_DEFINITIONS).get(name)

    def _imported(self, module: str, head: str) -> str | None:
        self.reads.imports[module].add(head)
        return self._imports.get(module, _NO_IMPORTS).get(head)

    def module_named(self, dotted: str, near: str = "") -> str | None:
        """The project module an import names, matching file paths by their dotted suffix."""
        if dotted in self._modules:
            return dotted
        candidates = self._ending_with(dotted)
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]
        key = (dotted, near)
        if key not in self._modules_named:
            self._modules_named[key] = min(candidates, key=lambda m: (-_shared_prefix(m, near), len(m)))
        return self._modules_named[key]

    def _ending_with(self, dotted: str) -> list[str]:
        """The modules whose dotted name is `dotted` or ends with `.dotted`, in path order."""
        found = self._by_suffix.get(dotted)
        if found is None:
            ending = "." + dotted
            named = self._by_last_name.get(dotted.rpartition(".")[2], [])
            found = self._by_suffix[dotted] = [module for module in named if module == dotted or module.endswith(ending)]
        return found

    def _ambiguous(self, dotted: str) -> bool:
        """Whether `dotted` is the suffix of several modules, none of them named so exactly:
        `module_named` picks among them by nearness."""
        return dotted not in self._modules and len(self._ending_with(dotted)) > 1

    def qualify(self, module: str, dotted: str) -> str:
        """`crud.get_item` in `app.api.routes.items` -> `app.crud.get_item` (unresolved names stay)."""
        head, _, rest = dotted.partition(".")
        imported = self._imported(module, head)
        if imported is not None:
            return f"{imported}.{rest}" if rest else imported
        if self._definition(module, head) is not None:
            return f"{module}.{dotted}"
        return dotted

    def lookup(self, module: str, dotted: str) -> Symbol | None:
        """The definition a name written in `module` stands for, or None when outside the project."""
        if "(" in dotted:
            return None  # `select().where`: no Python name or importable module holds a call
        looked_up = self._looked_up[module]
        found = looked_up.get(dotted, _UNKNOWN)
        if found is _UNKNOWN:
            local = self._definition(module, dotted)
            if local is not None:
                found = symbol(module, self.paths[module], local)
            else:
                found = self.find(self.qualify(module, dotted), near=module)
            looked_up[dotted] = found  # type: ignore[assignment]
        return found  # type: ignore[return-value]

    def find(self, qualified: str, near: str = "", depth: int = 0) -> Symbol | None:
        """The definition of a fully qualified name, following re-exports a few steps."""
        if "." not in qualified:
            return None  # a module's name, if any, comes before a dot
        if depth == 0 and qualified in self._found_anywhere:
            return self._found_anywhere[qualified]
        parts = qualified.split(".")
        prefix, found = "", None
        for cut in range(len(parts) - 1, 0, -1):
            prefix = ".".join(parts[:cut])
            module = self.module_named(prefix, near)
            if module is not None:
                found = self._find_in(module, parts[cut:], depth)
                break
        if depth == 0 and not self._ambiguous(prefix):  # no module chosen by nearness: the answer holds anywhere
            self._found_anywhere[qualified] = found
        return found

    def _find_in(self, module: str, names: list[str], depth: int) -> Symbol | None:
        """`find` once the module is known: its definition of `names`, or what it imports under them."""
        definition = self._definition(module, ".".join(names))
        if definition is not None:
            return symbol(module, self.paths[module], definition)
        imported = self._imported(module, names[0])
        if imported is not None and depth < 4:
            rest = ".".join(names[1:])
            return self.find(f"{imported}.{rest}" if rest else imported, near=module, depth=depth + 1)
        return None

    def module_of(self, qualified: str, near: str = "") -> str | None:
        """The project module a qualified name refers to when it is a module (`app.crud`)."""
        return self.module_named(qualified, near)

    @cached_property
    def classes(self) -> list[Symbol]:
        """Every class of every module, modules in name order; do not modify the list."""
        return self._definitions("classes", ClassInfo)

    @cached_property
    def assignments(self) -> list[Symbol]:
        """Every module-level assignment, modules in name order; do not modify the list."""
        return self._definitions("assignments", Assignment)

    def _definitions(self, view: str, kind: type) -> list[Symbol]:
        self.reads.views.add(view)
        return [
            symbol(module, self.paths[module], definition)
            for module, defs in sorted(self._defs.items())
            for definition in defs.values()
            if isinstance(definition, kind)
        ]


def _shared_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a.split("."), b.split("."), strict=False):
        if x != y:
            break
        count += 1
    return count
