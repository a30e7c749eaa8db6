"""Organizer-written markdown turned into safe HTML.

Rendering happens when content is saved (models keep the result in `*_html` fields), so
pages never parse markdown per request. Everything passes through nh3 (the Rust
`ammonia` sanitiser): no script, no event handler, no style, no `javascript:` or
`data:` link, whatever the markdown says. Before that, the forms refuse such text with
a message (`validate_markdown`), so nothing is dropped without the organizer knowing.
"""

import re
from html.parser import HTMLParser

import markdown
import nh3
from django.core.exceptions import ValidationError

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
# Raw HTML that runs code, embeds other content or takes input: refused in organizers' text.
ACTIVE_TAGS = {
    "applet", "base", "button", "embed", "form", "frame", "frameset", "iframe", "input", "link", "math",
    "meta", "noscript", "object", "script", "select", "style", "svg", "template", "textarea",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "xlink:href", "srcset"}
# Browsers ignore these anywhere in a URL ("java\tscript:" is "javascript:").
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")

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


class _ActiveContentFinder(HTMLParser):
    """Collect what in a piece of HTML would run, embed or restyle, if it were not sanitised."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.handlers, self.links, self.styles = set(), set(), set(), False

    def handle_starttag(self, tag, attrs):
        if tag in ACTIVE_TAGS:
            self.tags.add(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.add(name)
            elif name == "style":
                self.styles = True
            elif name in URL_ATTRIBUTES and value:
                scheme = _SCHEME.match(_URL_IGNORED.sub("", value).lower())
                if scheme and scheme.group(1) not in URL_SCHEMES:
                    self.links.add(scheme.group(1) + ":")

    handle_startendtag = handle_starttag


def active_content(text: str) -> list[str]:
    """Say, in an organizer's words, what in a markdown text would be removed as unsafe."""
    finder = _ActiveContentFinder()
    finder.feed(markdown.markdown(text or "", extensions=MARKDOWN_EXTENSIONS, output_format="html"))
    finder.close()
    problems = []
    if finder.tags:
        names = ", ".join(f"<{tag}>" for tag in sorted(finder.tags))
        problems.append(
            f"Remove {names}: scripts, styles, frames, embedded objects and forms cannot be part of the site's text."
        )
    if finder.handlers:
        names = ", ".join(f"{name}=" for name in sorted(finder.handlers))
        problems.append(f"Remove the event handler {names}: the site's text cannot run scripts.")
    if finder.links:
        names = ", ".join(sorted(finder.links))
        problems.append(
            f"Remove the {names} link: links may only lead to web pages (https://…), mail addresses (mailto:…) "
            "or this site's pages (/call/)."
        )
    if finder.styles:
        problems.append('Remove the style="…" attributes: the site\'s stylesheet decides how text looks.')
    return problems


def validate_markdown(text: str):
    """Model-field validator: refuse organizer text that carries script, frames or unsafe links."""
    problems = active_content(text)
    if problems:
        raise ValidationError([ValidationError(problem, code="active_content") for problem in problems])
