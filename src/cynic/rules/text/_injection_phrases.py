"""The phrases INJ001 looks for, and what every match of each contains, to skip texts without it.

Every phrase is matched case-insensitively, on lowered text. What a match of a phrase must
contain is a tuple of needs: from each need, one word or one match of a clue (a cheaper
expression that every match of the phrase matches in part). A text that lacks a need of a phrase
cannot hold the phrase, and is not searched for it: most texts hold none. A word of letters is
looked for among the text's ASCII letters alone, where it is whole too and which are shorter.
"""

from __future__ import annotations

from typing import NamedTuple

from cynic.lazy_pattern import lazy_compile

_AUDIENCE = r"(?:ai|a\.i\.|llm|gpt|chatgpt|claude|copilot|assistant|language model|(?:code |security |ai )?(?:reviewer|auditor|agent|scanner)s?)"
# An audience that can only be a machine, in prose: "AI code reviewers", "automated reviewer", "LLM agents".
_MACHINE_AUDIENCE = (
    r"(?:ai|a\.i\.|llm|gpt|automated|automatic)(?:\s+(?:code|security|pr))?\s+(?:reviewers?|auditors?|agents?|scanners?|assistants?|review\s+bots?)"
)
_MACHINES = ("review", "auditor", "agent", "scanner", "assistant")  # in every _MACHINE_AUDIENCE
_VERB_AFTER_COLON = r"\s*(?:please\s+)?(?:ignore|skip|do\s+not|don't|report|treat|approve)"


class Clue:
    """An expression that every match of a phrase matches in part, cheaper to search for: `re`
    skips fast to a leading literal, while a leading `\\b`, `^` or alternation makes it try
    every position of the text."""

    def __init__(self, pattern: str) -> None:
        self.expression = lazy_compile(pattern)

    def search(self, text: str) -> bool:
        return self.expression.search(text) is not None


class LineStartClue(Clue):
    """The clue of a phrase that starts a line (`^[^\\w\\n]*...`): the same phrase after a line
    break, searched with one put before the text for its first line. The leading non-word
    characters are taken at once (`*+`): what follows them starts with a word character, so
    giving one back never makes a match, and `re` never tries."""

    def __init__(self, phrase: str) -> None:
        super().__init__("\n[^\\w\\n]*+" + phrase.removeprefix("^[^\\w\\n]*"))

    def search(self, text: str) -> bool:
        return self.expression.search("\n" + text) is not None


Need = tuple[str | Clue, ...]


class Phrase(NamedTuple):
    """A phrase addressed to an AI (a lowercase pattern) and what every match of it contains."""

    pattern: str
    needs: tuple[Need, ...] = ()


# Who a phrase may address: one of these words (all in _AUDIENCE, and with "review" all in
# _MACHINE_AUDIENCE's machines), or `ai` as a word of its own.
_ADDRESSEE: Need = (
    "assistant", "language model", "review", "auditor", "scanner", "copilot", "claude", "agent", "llm", "gpt", "a.i.",
    Clue(r"ai(?<!\wai)\b"),
)

# Both phrases that say "you are": as letters alone (`youare`), then as words.
_YOU_ARE: tuple[Need, ...] = (("youare",), (Clue(r"you\s+are\s"),))

_ADDRESSED_LINE = rf"^[^\w\n]*(?:dear\s+|hey\s+|hello\s+)?(?:the\s+)?{_AUDIENCE}\s*[,:]{_VERB_AFTER_COLON}"
# A sentence addressed to the machine, not a `key: value` and not a label ("The LLM reviewer: ...").
_MACHINE_SENTENCE = (
    rf"^[^\w\n]*(?:(?:dear|hey|hello|attention|note\s+(?:to|for))\s+(?:the\s+|all\s+|any\s+)?|(?:all\s+|any\s+)?){_MACHINE_AUDIENCE}"
    r"\s*[,:][ \t]+\w+(?:[^\w\n]+\w+){3}"
)
_MACHINE_SHOULD = rf"{_MACHINE_AUDIENCE}\s+(?:should|must|need\s+to|are\s+to)\s+(?:ignore|skip|approve|not\s+(?:flag|report|mention|raise))"
_EXEMPT = r"(?:out\s+of\s+scope|exempt(?:ed)?)\s+(?:for|from)\s+(?:automated|ai|llm)\s+(?:code\s+|security\s+)?(?:review|scanning|audit)"

# Each need is in every match of its phrase: its words are the alternatives of a group of the
# pattern (or in each of them), its clues are a part of the pattern, or the pattern without `\b`.
PHRASES: tuple[Phrase, ...] = (
    Phrase(
        r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:the\s+|your\s+)?(?:previous|prior|above|earlier|preceding|system|original)\s+(?:instructions|prompts?|rules|directions|guidelines)",
        (("ignore", "disregard", "forget", "override"), ("instructions", "prompt", "rules", "directions", "guidelines"),
         ("previous", "prior", "above", "earlier", "preceding", "system", "original")),
    ),
    Phrase(
        r"\b(?:report|return|output|flag|list|raise)\s+(?:no|zero|0|nothing\s+but\s+no)\s+(?:findings|issues|vulnerabilit(?:y|ies)|flaws|problems|warnings)",
        (("findings", "issues", "vulnerabilit", "flaws", "problems", "warnings"), ("report", "return", "output", "flag", "list", "raise"),
         (Clue(r"(?:no|zero|0)\s+(?:findings|issues|vulnerabilit|flaws|problems|warnings)"),)),
    ),
    Phrase(
        r"\bdo\s*n[o']t\s+(?:report|flag|mention|raise)\s+(?:this|these|any|anything)",
        (("dont", "donot"), (Clue(r"do\s*n[o']t\s+(?:report|flag|mention|raise)\s+(?:this|these|any)"),)),
    ),
    Phrase(
        r"\b(?:was|were|has\s+been|have\s+been|is)\s+already\s+(?:been\s+)?(?:audited|reviewed|approved|vetted|pen-?tested|security[- ]reviewed)",
        (("already",), (Clue(r"already\s+(?:been\s+)?(?:audited|reviewed|approved|vetted|pen-?tested|security[- ]reviewed)"),)),
    ),
    Phrase(
        r"\b(?:mark|treat|consider|classify)\s+(?:this|it|the\s+\w+)\s+as\s+(?:safe|secure|clean|compliant|audited)\b",
        ((Clue(r"as\s+(?:safe|secure|clean|compliant|audited)\b"),), ("mark", "treat", "consider", "classify")),
    ),
    Phrase(
        rf"\b(?:note|message|instructions?|attention|hint)\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+)?{_AUDIENCE}\b",
        (_ADDRESSEE, ("note", "message", "instruction", "attention", "hint"),
         (Clue(rf"(?:note|message|instructions?|attention|hint)\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+)?{_AUDIENCE}\b"),)),
    ),
    Phrase(
        _ADDRESSED_LINE,
        (_ADDRESSEE, (Clue(rf",{_VERB_AFTER_COLON}"), Clue(rf":{_VERB_AFTER_COLON}")), (LineStartClue(_ADDRESSED_LINE),)),
    ),
    Phrase(
        r"\byou\s+are\s+(?:now\s+)?(?:a|an|the)\s+(?:helpful|friendly|lenient)\b",
        (*_YOU_ARE, (Clue(r"you\s+are\s+(?:now\s+)?(?:a|an|the)\s+(?:helpful|friendly|lenient)\b"),)),
    ),
    Phrase(_MACHINE_SENTENCE, (_ADDRESSEE, _MACHINES, (LineStartClue(_MACHINE_SENTENCE),))),
    Phrase(rf"\b{_MACHINE_SHOULD}", (_ADDRESSEE, _MACHINES, ("should", "must", "need", "are"), (Clue(_MACHINE_SHOULD),))),
    Phrase(
        r"\bif\s+you\s+are\s+(?:an?\s+)?(?:ai|llm|language\s+model|automated|bot)\b",
        (*_YOU_ARE, (Clue(r"you\s+are\s+(?:an?\s+)?(?:ai|llm|language\s+model|automated|bot)\b"),)),
    ),
    Phrase(rf"\b{_EXEMPT}", (("outofscope", "exempt"), (Clue(_EXEMPT),))),
)


def possible_phrases(lowered: str, letters: str) -> tuple[int, ...]:
    """The indexes of the phrases that lowered text may hold: it has every need of each. A word
    is looked for among the text's `letters` (`ascii_letters`), where it is whole too, and which
    are faster to search."""
    held: dict[int, bool] = {}  # by need: some phrases share one
    possible = []
    for index, needs in enumerate(_NEEDS):
        for need in needs:
            if id(need) not in held:
                held[id(need)] = _holds(lowered, letters, need)
            if not held[id(need)]:
                break
        else:
            possible.append(index)
    return tuple(possible)


class _Sought(NamedTuple):
    """A need by how each of its items is looked for; it holds when one of them is found."""

    letter_words: tuple[str, ...]  # among the text's letters alone
    words: tuple[str, ...]  # in the lowered text
    clues: tuple[Clue, ...]


def _holds(lowered: str, letters: str, need: _Sought) -> bool:
    letter_words, words, clues = need
    for word in letter_words:  # loops, not any(): this runs for each need of each text
        if word in letters:
            return True
    for word in words:
        if word in lowered:
            return True
    for clue in clues:
        if clue.search(lowered):
            return True
    return False


def _by_letters() -> tuple[tuple[_Sought, ...], ...]:
    """Each phrase's needs with their words of letters only apart, to be found among the
    letters; a need shared by phrases stays one object, held or not once per text."""
    shared: dict[int, _Sought] = {}
    for need in (need for phrase in PHRASES for need in phrase.needs):
        shared.setdefault(
            id(need),
            _Sought(
                tuple(item for item in need if isinstance(item, str) and item.isalpha()),
                tuple(item for item in need if isinstance(item, str) and not item.isalpha()),
                tuple(item for item in need if isinstance(item, Clue)),
            ),
        )
    return tuple(tuple(shared[id(need)] for need in phrase.needs) for phrase in PHRASES)


_NEEDS = _by_letters()
