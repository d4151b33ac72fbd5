"""Escaping and URL/colour sanitising shared by the renderers: untrusted text never becomes markup."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

_SAFE_SCHEMES = {"http", "https", "mailto"}
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_COLOUR = re.compile(r"^(#[0-9A-Fa-f]{3,8}|[A-Za-z]{1,20})$")


def esc(text: object) -> str:
    """Escape text for element content and quoted attribute values alike."""
    return html.escape(str(text), quote=True)


def safe_url(url: str) -> str:
    """``url`` if it is http(s), mailto or relative; ``#`` otherwise (``javascript:`` and friends)."""
    squeezed = _CONTROL.sub("", url)
    try:
        scheme = urlsplit(squeezed).scheme.lower()
    except ValueError:
        return "#"
    if scheme and scheme not in _SAFE_SCHEMES:
        return "#"
    return url.strip()


def safe_colour(value: str) -> str | None:
    """A CSS colour name or hex value, or None for anything that could carry more CSS."""
    value = value.strip()
    return value if _COLOUR.match(value) else None


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
