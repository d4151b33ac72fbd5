"""Confluence storage format: well-formedness checks and parsing into an element tree.

Confluence stores page bodies as XHTML-based XML in which the ``ac:`` and ``ri:`` prefixes are used unbound.
We wrap the body in a root element that declares them, then parse with the stdlib expat parser. Safety in the
defusedxml manner: any DOCTYPE (hence any entity declaration, internal or external) is refused before the tree is
built, so no entity can expand or reach a file or URL.

Decision: HTML named entities (``&nbsp;``, ``&rsquo;``, ...) are accepted, because Confluence itself writes
them into storage bodies and accepts them back; they are turned into numeric references outside CDATA sections
before parsing. An unknown named entity is an error, as it is for Confluence.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.entities import name2codepoint
from xml.parsers import expat

AC_NS = "http://atlassian.com/content"
RI_NS = "http://atlassian.com/resource/identifier"
AT_NS = "http://atlassian.com/template"
_ROOT_OPEN = f'<ac:confluence xmlns:ac="{AC_NS}" xmlns:ri="{RI_NS}" xmlns:at="{AT_NS}">'
_ROOT_CLOSE = "</ac:confluence>"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CDATA = re.compile(r"(<!\[CDATA\[.*?\]\]>)", re.S)
_NAMED_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})


class StorageFormatError(ValueError):
    """The body is not well-formed storage format. ``str(error)`` reads like Confluence's own message."""


def _numeric_entities(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _XML_ENTITIES or name not in name2codepoint:
            return match.group(0)  # left for expat: XML's own entities pass, unknown ones fail
        return f"&#{name2codepoint[name]};"

    parts = _CDATA.split(text)
    # Odd indexes are CDATA sections, whose content is literal and must stay untouched.
    return "".join(part if i % 2 else _NAMED_ENTITY.sub(replace, part) for i, part in enumerate(parts))


def _refuse_doctype(*_args: object) -> None:
    raise StorageFormatError("Error parsing xhtml: DOCTYPE declarations are not allowed in storage format")


def _check_with_expat(document: str) -> None:
    parser = expat.ParserCreate(namespace_separator="}")  # namespace-aware: unbound prefixes fail
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    parser.UnparsedEntityDeclHandler = _refuse_doctype
    parser.ExternalEntityRefHandler = lambda *_a: False
    try:
        parser.Parse(document, True)
    except expat.ExpatError as exc:
        # The wrapper adds no newline: rows match the caller's body, columns on row 1 need shifting.
        column = exc.offset + 1 - (len(_ROOT_OPEN) if exc.lineno == 1 else 0)
        raise StorageFormatError(
            f"Error parsing xhtml: {expat.ErrorString(exc.code)}\n"
            f" at [row,col {{unknown-source}}]: [{exc.lineno},{max(column, 1)}]"
        ) from None


def _prepare(body: str) -> str:
    bad = _CONTROL.search(body)
    if bad:
        line = body.count("\n", 0, bad.start()) + 1
        raise StorageFormatError(
            f"Error parsing xhtml: Illegal character (NULL, unless in CDATA or a comment) "
            f"((CTRL-CHAR, code {ord(bad.group(0))}))\n at [row,col {{unknown-source}}]: [{line},?]"
        )
    return _ROOT_OPEN + _numeric_entities(body) + _ROOT_CLOSE


def validate_storage(body: str) -> None:
    """Raise StorageFormatError unless ``body`` is a well-formed storage-format fragment."""
    _check_with_expat(_prepare(body))


def parse_storage(body: str) -> ET.Element:
    """The body as an element tree under a synthetic root; tags of ``ac:``/``ri:`` elements are namespaced
    (``{AC_NS}structured-macro``). Raises StorageFormatError like :func:`validate_storage`."""
    document = _prepare(body)
    _check_with_expat(document)  # refuses DOCTYPEs before ElementTree ever sees the text
    return ET.fromstring(document)  # noqa: S314 - DOCTYPE already refused above, so no entities exist


def ac(name: str) -> str:
    """Clark notation for an ``ac:`` name, for matching element tags and attribute keys."""
    return f"{{{AC_NS}}}{name}"


def ri(name: str) -> str:
    return f"{{{RI_NS}}}{name}"
