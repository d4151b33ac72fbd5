"""Jira-like text search for ``~``: case-insensitive words, light stemming, ``word*`` prefixes, "phrases".

Jira's real engine (Lucene with an English analyser) is approximated: every term must appear as a word of
the field, a term matches its plural and -ed/-ing forms ("budget" finds "Budgets", "budgeted"), a trailing
``*`` matches any word starting so, and a quoted phrase must appear word-bounded. English stop words are
ignored, as Jira ignores them. Matching uses ``str.find`` only, no regular expression per issue.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_STOP_TEXT = (
    "a an and are as at be but by for if in into is it no not of on or such that the their then there these "
    "they this to was will with"
)
STOP_WORDS = frozenset(_STOP_TEXT.split())
_SUFFIXES = ("ing", "ed", "es", "s")
_ENDINGS = frozenset({"", "s", "es", "ed", "ing", "er", "ers", "d"})
_PIECES = re.compile(r'"([^"]*)"|(\S+)')
_WORDS = re.compile(r"\w+\*?")


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _bounded_at(text: str, start: int, end: int) -> bool:
    return (start == 0 or not text[start - 1].isalnum()) and (end >= len(text) or not text[end].isalnum())


def _word(stem: str, prefix: bool) -> Callable[[str], bool]:
    def found(text: str) -> bool:
        index = text.find(stem)
        while index >= 0:
            if index == 0 or not text[index - 1].isalnum():
                if prefix:
                    return True
                tail = end = index + len(stem)
                while end < len(text) and text[end].isalnum():
                    end += 1
                if text[tail:end] in _ENDINGS:
                    return True
            index = text.find(stem, index + 1)
        return False

    return found


def _phrase(phrase: str) -> Callable[[str], bool]:
    def found(text: str) -> bool:
        index = text.find(phrase)
        while index >= 0:
            if _bounded_at(text, index, index + len(phrase)):
                return True
            index = text.find(phrase, index + 1)
        return False

    return found


def compile_text(query: str) -> Callable[[str], bool] | None:
    """A predicate over one field value, or None if the query holds no searchable term."""
    tests: list[Callable[[str], bool]] = []
    for phrase, bare in _PIECES.findall(query.lower()):
        if phrase:
            words = " ".join(w.rstrip("*") for w in _WORDS.findall(phrase))
            if words:
                tests.append(_phrase(words))
            continue
        for piece in _WORDS.findall(bare):
            prefix = piece.endswith("*")
            word = piece.rstrip("*")
            if word in STOP_WORDS and not prefix:
                continue
            tests.append(_word(word if prefix else _stem(word), prefix))
    if not tests:
        return None

    def matches(value: str) -> bool:
        lowered = value.lower()
        return all(test(lowered) for test in tests)

    return matches
