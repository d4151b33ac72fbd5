"""Storage-format validation: what Confluence accepts, what it refuses with 400, and hostile input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_bot.sandbox.confluence.storage import StorageFormatError, ac, parse_storage, validate_storage


@pytest.mark.parametrize(
    "body",
    [
        "",
        "<p>plain</p>",
        "<p>a &amp; b &lt; c</p><br/><hr/>",
        "<p>&nbsp;non-breaking&rsquo;s &#160; &#x2014;</p>",
        '<ac:structured-macro ac:name="status"><ac:parameter ac:name="colour">Red</ac:parameter>'
        '<ac:parameter ac:name="title">LATE</ac:parameter></ac:structured-macro>',
        '<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[if a < b && c > d: ]]]]><![CDATA[>]]>'
        "</ac:plain-text-body></ac:structured-macro>",
        '<ac:image ac:width="600"><ri:attachment ri:filename="burndown.png"/></ac:image>',
        "text at top level<p>then a paragraph</p>",
    ],
)
def test_accepts_well_formed_storage(body: str) -> None:
    validate_storage(body)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("<p>unclosed", "Error parsing xhtml"),
        ("<p><b>bad nesting</p></b>", "mismatched tag"),
        ("<br>", "Error parsing xhtml"),
        ("<p>AT&T</p>", "Error parsing xhtml"),
        ("<p>a < b</p>", "Error parsing xhtml"),
        ("<p>&bogus;</p>", "undefined entity"),
        ("<p class=unquoted>x</p>", "Error parsing xhtml"),
        ("<x:tag>unbound prefix</x:tag>", "unbound prefix"),
        ("<p>bell \x07 here</p>", "CTRL-CHAR, code 7"),
        ("<p>nul \x00</p>", "CTRL-CHAR, code 0"),
        ("<p>]]></p>", "Error parsing xhtml"),
    ],
)
def test_refuses_malformed_storage_with_confluence_wording(body: str, fragment: str) -> None:
    with pytest.raises(StorageFormatError) as caught:
        validate_storage(body)
    assert fragment in str(caught.value)


@pytest.mark.parametrize(
    "body",
    [
        '<!DOCTYPE p [<!ENTITY e "boom">]><p>&e;</p>',
        '<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><p>&x;</p>',
        '<!DOCTYPE lol [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><p>&b;</p>',
    ],
)
def test_doctype_and_entity_declarations_are_refused(body: str) -> None:
    with pytest.raises(StorageFormatError, match=r"DOCTYPE|Error parsing xhtml"):
        parse_storage(body)


def test_error_position_refers_to_the_callers_body() -> None:
    with pytest.raises(StorageFormatError) as caught:
        validate_storage("<p>ok</p>\n<p>bad</i>")
    assert "[2," in str(caught.value)


def test_parse_keeps_namespaced_macro_tags_and_cdata_text() -> None:
    root = parse_storage(
        '<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[&nbsp; <b>]]></ac:plain-text-body>'
        "</ac:structured-macro>"
    )
    macro = root.find(ac("structured-macro"))
    assert macro is not None
    assert macro.get(ac("name")) == "code"
    # CDATA is literal: named entities inside it are not rewritten.
    assert macro.findtext(ac("plain-text-body")) == "&nbsp; <b>"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40))
def test_any_text_escaped_as_the_reference_says_is_accepted(text: str) -> None:
    import html
    import re

    cleaned = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)
    validate_storage(f"<p>{html.escape(cleaned, quote=True)}</p>")
