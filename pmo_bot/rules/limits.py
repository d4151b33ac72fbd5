"""Bounds on what a rule file can make pmo-bot do: file size, YAML expansion and nesting, regular expressions.

Rule files are written by people, sometimes copied from elsewhere; a mistake (or a hostile file) must end in a
clear error at its place, never in a hang or an exhausted machine. The template bounds live beside the
templates (``pmo_bot.rules.jinjalimits``). This module is the one home of google-re2: rule regexes run on a
linear-time engine, so ``^(a+)+$`` against a 100 KB summary takes microseconds, not forever.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import re2

MAX_RULE_FILE_BYTES = 1_000_000  # the default pack's largest file is a few KB
MAX_YAML_DEPTH = 60  # nesting of mappings and lists
MAX_YAML_VALUES = 200_000  # values built from one file, aliases expanded (a 770-byte alias bomb expands to 10^9)

_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # refused patterns become our error message, not a line on stderr
_RE2_OPTIONS.max_mem = 8 << 20  # bytes of compiled program: refuses patterns such as (a{999}){999}


class RegexRefused(ValueError):
    """A pattern that is not a valid regular expression or that the linear-time engine does not support."""


@dataclass(frozen=True, slots=True)
class RuleRegex:
    """A compiled rule regex; ``search`` runs in time linear in the text, whatever the pattern."""

    pattern: str
    compiled: Any  # re2._Regexp (google-re2 ships no type hints)

    def search(self, text: str) -> bool:
        return self.compiled.search(text) is not None

    def __reduce__(self) -> tuple[Any, ...]:  # picklable for worker processes: recompile on the other side
        return compile_regex, (self.pattern,)


def compile_regex(pattern: str) -> RuleRegex:
    """Compile a rule regex or raise ``RegexRefused`` with a sentence saying why."""
    try:
        re.compile(pattern)  # Python's wording for plain syntax errors, which users know from the docs
    except re.error as error:
        raise RegexRefused(f"invalid regular expression {pattern!r}: {error.msg} at position {error.pos}") from None
    except (RecursionError, OverflowError):
        raise RegexRefused(f"regular expression {pattern!r} is too complex") from None
    try:
        compiled = re2.compile(pattern, options=_RE2_OPTIONS)
    except re2.error as error:
        reason = error.args[0].decode(errors="replace") if error.args and isinstance(error.args[0], bytes) else ""
        raise RegexRefused(
            f"regular expression {pattern!r} is not supported by the linear-time engine ({reason or 'refused'}): "
            "look-arounds, back-references and repetition counts over 1000 are not available"
        ) from None
    return RuleRegex(pattern, compiled)


def file_too_large(size: int) -> str | None:
    """The message for a rule file over the size limit, or ``None``."""
    if size <= MAX_RULE_FILE_BYTES:
        return None
    return f"the file is {size:,} bytes; rule files are limited to {MAX_RULE_FILE_BYTES:,} bytes (split it up)"
