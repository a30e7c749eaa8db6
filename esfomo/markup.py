"""Organizer-written markdown turned into safe HTML.

Rendering happens when content is saved (models keep the result in `*_html` fields), so
pages never parse markdown per request. Everything passes through nh3 (the Rust
`ammonia` sanitiser): no script, no event handler, no style, no `javascript:` or
`data:` link, whatever the markdown says.
"""

import re

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "small", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
}
# Links may point to web pages, mail addresses or paths of this site; nothing else.
URL_SCHEMES = {"http", "https", "mailto"}

MARKDOWN_EXTENSIONS = ["extra", "sane_lists", "smarty"]

_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.DOTALL)
_HEADING = re.compile(r"<(/?)h([1-6])\b")


def render_markdown(text: str, top_heading: int = 2) -> str:
    """Return sanitised HTML for a markdown text whose highest heading becomes `top_heading`.

    Organizers write `#` or `###` as they please; the page's outline (one h1, no skipped
    levels) stays valid for screen readers either way.
    """
    html = markdown.markdown(text or "", extensions=MARKDOWN_EXTENSIONS, output_format="html")
    return sanitize_html(_shift_headings(html, top_heading)).strip()


def _shift_headings(html: str, top: int) -> str:
    levels = [int(match.group(2)) for match in _HEADING.finditer(html)]
    if not levels:
        return html
    shift = top - min(levels)
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + shift)}", html)


def render_inline(text: str) -> str:
    """Return sanitised HTML for a one-line markdown text, without the wrapping paragraph."""
    html = render_markdown(text).strip()
    match = _PARAGRAPH.match(html)
    return match.group(1) if match and "<p>" not in match.group(1) else html


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
