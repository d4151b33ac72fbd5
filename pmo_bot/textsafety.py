"""Untrusted text made safe to show: no invisible control or bidirectional-override characters.

Issue text reaches comments, the weekly page and its preview. A right-to-left override (U+202E) in a summary
reorders what readers see ("Trojan Source"): the text shown is not the text written.
``neutralise`` removes the characters that reorder or hide text (bidi embeddings, overrides and isolates,
zero-width spaces, byte-order marks, annotation marks) and those that XML cannot carry (C0/C1 controls other
than tab, newline and carriage return; NUL; lone surrogates; U+FFFE/U+FFFF). Letters of right-to-left scripts
and the plain directional marks (U+200E/U+200F), zero-width (non-)joiners and emoji joiners are kept: they are
part of ordinary text.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(
    "["
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 (but tab, newline, carriage return), DEL, C1
    "\u061c"  # Arabic letter mark (a bidi control)
    "\u200b"  # zero-width space
    "\u202a-\u202e"  # LRE, RLE, PDF, LRO, RLO
    "\u2060-\u2064"  # word joiner, invisible operators
    "\u2066-\u2069"  # LRI, RLI, FSI, PDI
    "\ufeff"  # byte-order mark / zero-width no-break space
    "\ufff9-\ufffb"  # interlinear annotation
    "\ud800-\udfff\ufffe\uffff"  # not characters at all
    "]"
)
_LINE_SEPARATORS = re.compile("[\u2028\u2029]")


def neutralise(text: str) -> str:
    """``text`` without characters that reorder, hide or break what a reader sees."""
    return _UNSAFE.sub("", _LINE_SEPARATORS.sub(" ", text))


def is_neutral(text: str) -> bool:
    return _UNSAFE.search(text) is None and _LINE_SEPARATORS.search(text) is None
