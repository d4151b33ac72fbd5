"""The sandbox's fast ADF check agrees with jsonschema, the reference, on valid and invalid documents."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from pmo_bot.sandbox.markup import adf_errors, wiki_to_adf
from tests.specs import adf_schema

PARAGRAPH = {"type": "paragraph", "content": [{"type": "text", "text": "ok"}]}
DOCS: list[Any] = [
    {"version": 1, "type": "doc", "content": [PARAGRAPH]},
    {"version": 1, "type": "doc", "content": [{"type": "text", "text": "bare text at doc level"}]},
    {"version": 1, "type": "doc", "content": [{"type": "paragraph", "content": [{"type": "text", "text": ""}]}]},
    {"version": 1, "type": "doc", "content": [{"type": "status", "attrs": {"text": "x", "color": "amber"}}]},
    {"type": "doc", "content": [PARAGRAPH]},
    "just a string",
    wiki_to_adf("h3. Title\n* one\n* two *bold* {{code}} [link|https://example.com]"),
]


@pytest.mark.parametrize("doc", DOCS)
def test_fast_check_gives_the_reference_verdict(doc: Any) -> None:
    schema = adf_schema()
    reference_ok = jsonschema.Draft4Validator(schema).is_valid(doc)
    assert (adf_errors(doc) == []) is reference_ok
