"""The rule catalog, imported on first use.

An audit served from the cache never loads a rule: the cache keeps every rule's card (what a
finding carries of its rule, the kinds of file it reads and the `module:Class` that defines it).
One that re-reads a file loads only the rules that read files of its kind, each module alone.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from cynic.analysis import RuleCard
from cynic.source import FileKind

if TYPE_CHECKING:
    from cynic.rules.base import Rule


class LoadedRules(Sequence["Rule"]):
    """Rules imported on first use: an audit served from the cache never needs them."""

    def __init__(self, load: Callable[[], Sequence[Rule]]) -> None:
        self._load = load

    @cached_property
    def _rules(self) -> Sequence[Rule]:
        return self._load()

    def __getitem__(self, index: Any) -> Any:
        return self._rules[index]

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)


class Catalog(LoadedRules):
    """The whole rule catalog, imported on first use."""

    def __init__(self) -> None:
        super().__init__(_all_rules)

    def reading(self, kinds: Collection[FileKind], cards: dict[str, RuleCard]) -> Sequence[Rule]:
        """The file rules that read files of `kinds`, in the catalog's order: each imported alone
        (its module, and what that imports) on first use, unless the catalog is loaded already.
        The cards say where each rule is defined: a warm audit that re-reads one Python file
        loads the eight rules that read Python, not the other fourteen and what they import."""
        if "_rules" in self.__dict__:
            return self
        wanted = set(kinds)
        return LoadedRules(lambda: [_rule_defined_in(card.defined_in) for card in cards.values()
                                    if not wanted.isdisjoint(card.kinds)])


def _all_rules() -> Sequence[Rule]:
    from cynic.rules import ALL_RULES

    return ALL_RULES


def catalog_card(rule: Rule) -> RuleCard:
    """`rule`'s card, saying too which kinds of file it reads and where it is defined, so that a
    later audit can load it alone (`Catalog.reading`)."""
    from cynic.rules.base import FileRule

    kinds = tuple(sorted(kind.value for kind in rule.kinds)) if isinstance(rule, FileRule) else ()
    defined_in = f"{type(rule).__module__}:{type(rule).__qualname__}"
    return rule.card()._replace(kinds=kinds, defined_in=defined_in)


def _rule_defined_in(defined_in: str) -> Rule:
    """The rule whose class is defined at `module:Class` (the catalog's rules take no arguments)."""
    import pkgutil

    rule: Rule = pkgutil.resolve_name(defined_in)()
    return rule
