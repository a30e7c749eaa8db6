"""Property-based tests of the markdown sanitiser: whatever an organizer types, nothing active comes out."""

import re

import lxml.html
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from esfomo.common.markup import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    render_inline,
    render_markdown,
    sanitize_html,
    validate_markdown,
)
from tests.esfomo.test_markup import ATTACKS

# Pieces of markdown, HTML and URL syntax that attacks are made of, in every spelling browsers accept.
FRAGMENTS = [
    "<", ">", "</", "/>", "script", "ScRiPt", "iframe", "svg", "math", "style", "img", "a", "object", "form",
    " ", "\t", "\n", "\n\n", "=", '"', "'", "`", "on", "onerror", "onload", "OnClick", "href", "src",
    "javascript:", "JaVaScRiPt:", "java\tscript:", "jav&#x09;ascript:", "&#106;avascript:", "data:", "vbscript:",
    "&colon;", "&#58;", "\x00", "[", "](", ")", "![", "<!--", "-->", "<![CDATA[", "*", "_", "#", "    ", "|",
    "alert(1)", "x", "http://", "https://", "mailto:", "/", "\\", "%0a", "&", ";", "\u2028", "\ufeff",
]  # fmt: skip
hostile_text = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), max_size=60).map("".join)
# Decided here, not read from the code under test: links go to the web, to mail, or to this site.
SAFE_SCHEMES = {"http", "https", "mailto"}
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]+")
# Control characters are plain text to a browser, but lxml refuses to parse them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")


def assert_safe(html: str):
    """Only allowed tags and attributes, no comments, and links to web, mail or this site only."""
    root = lxml.html.fragment_fromstring(_CONTROL.sub("\ufffd", html), create_parent="div")
    for element in root.iterdescendants():
        assert isinstance(element.tag, str), f"comment or processing instruction in {html!r}"
        assert element.tag in ALLOWED_TAGS, html
        for name, value in element.attrib.items():
            assert name in ALLOWED_ATTRIBUTES.get(element.tag, set()) | {"rel"}, html
            if name == "href":
                scheme = _SCHEME.match(_URL_IGNORED.sub("", value).lower())
                assert scheme is None or scheme.group(1) in SAFE_SCHEMES, html


@settings(max_examples=400, deadline=None)
@given(hostile_text | st.text())
def test_rendered_markdown_is_safe_whatever_the_input(text):
    assert_safe(render_markdown(text))
    assert_safe(render_inline(text))


@settings(max_examples=200, deadline=None)
@given(hostile_text)
def test_sanitising_twice_changes_nothing(text):
    html = render_markdown(text)
    assert sanitize_html(html) == html


def flip_case(text: str, flips: list[bool]) -> str:
    return "".join(c.swapcase() if flip else c for c, flip in zip(text, flips + [False] * len(text), strict=False))


@settings(max_examples=200, deadline=None)
@given(
    attack=st.sampled_from(ATTACKS),
    flips=st.lists(st.booleans(), max_size=120),
    before=st.text(alphabet="abcdefghij .,!?", max_size=30),
    after=st.text(alphabet="abcdefghij .,!?", max_size=30),
)
def test_known_attacks_are_refused_in_any_letter_case_and_any_surrounding(attack, flips, before, after):
    text = f"{before.strip()}\n\n{flip_case(attack, flips)}\n\n{after}"
    with pytest.raises(ValidationError):
        validate_markdown(text)
    assert_safe(render_markdown(text))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="<:&", blacklist_categories=("Cs",))))
def test_text_without_markup_characters_is_never_refused(text):
    validate_markdown(text)
