"""Plain text / wiki markup / ADF conversion: every ADF produced is schema-valid, text survives the trip."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_bot.sandbox.markup import adf_errors, adf_to_wiki, to_plain, wiki_to_adf

WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=0, max_size=40)


@settings(max_examples=60, deadline=None)
@given(st.lists(WORDS, max_size=6))
def test_any_text_becomes_valid_adf(lines: list[str]) -> None:
    doc = wiki_to_adf("\n".join(lines))
    assert adf_errors(doc) == []


def test_wiki_structures_map_to_adf_nodes() -> None:
    doc = wiki_to_adf("h3. Title\n\n* one\n* two\n\n# first\n\nA *bold* and {{code}} [site|https://x.test]")
    assert [block["type"] for block in doc["content"]] == ["heading", "bulletList", "orderedList", "paragraph"]
    marks = [node.get("marks", [{}])[0].get("type") for node in doc["content"][3]["content"]]
    assert marks == [None, "strong", None, "code", None, "link"]
    assert adf_errors(doc) == []


def test_adf_back_to_wiki_keeps_structure_and_text() -> None:
    source = "h3. Title\n\n* one\n* two\n\nA *bold* and {{code}} [site|https://x.test]"
    assert adf_to_wiki(wiki_to_adf(source)) == source
    assert to_plain(wiki_to_adf(source)).split() == ["Title", "one", "two", "A", "bold", "and", "code", "site"]


def test_invalid_adf_is_reported() -> None:
    empty_text = {
        "version": 1,
        "type": "doc",
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": ""}]}],
    }
    assert adf_errors(empty_text)
    assert adf_errors({"type": "doc", "content": []})  # version is required
    bad_colour = {
        "version": 1,
        "type": "doc",
        "content": [
            {"type": "paragraph", "content": [{"type": "status", "attrs": {"text": "AT RISK", "color": "amber"}}]}
        ],
    }
    assert adf_errors(bad_colour)
