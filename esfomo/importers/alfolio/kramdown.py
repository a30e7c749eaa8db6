"""Turn the theme's kramdown (GFM flavour, with Liquid and HTML) into the portal's markdown.

Jekyll renders pages with kramdown in GitHub mode and Liquid; the portal renders Python-Markdown.
The differences that change what a visitor sees are undone here: Liquid tags and HTML comments are
removed (never shown raw), kramdown attribute lists (`{: .class}`) dropped, `:emoji:` codes turned
into the emoji GitHub Pages shows, lists that follow a line of text given the blank line
Python-Markdown needs, and nested lists indented by four spaces instead of two.

Every function that works on a whole file keeps its line count, so the schedule table and the
dates found in it are still reported at their line in the original file.
"""

import html
import re

import emoji
import markdown
import nh3

_SITE_VARIABLE = re.compile(r"^\s*site\.([A-Za-z_][\w]*)\s*$")
_QUOTED = re.compile(r"^\s*(['\"])(.*?)\1\s*(?:\|.*)?$", re.DOTALL)
# kramdown attribute lists and extensions: "{: .class}", "{:width="512"}", "{::nomarkdown}".
_BLOCK_IAL = re.compile(r"^[ \t]*\{:[^}\n]*\}[ \t]*$", re.MULTILINE)
# Bounded: a real attribute list is short, and an unbounded scan is quadratic on "{:{:{:…".
_SPAN_IAL = re.compile(r"\{:[^}\n]{0,300}\}|\{::[a-z]+[^}\n]{0,300}\}|\{:/[a-z]*\}")
_SPACER = re.compile(r"^[ \t]*(?:<br\s*/?>[ \t]*)+$", re.IGNORECASE | re.MULTILINE)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^([ \t]*)([*+-]|\d{1,9}[.)])([ \t]+)(.*)$")
_RULE = re.compile(r"^[ \t]*([*_-])(?:[ \t]*\1){2,}[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_SPACES = re.compile(r"\s+")

_INLINE = markdown.Markdown(extensions=["extra"])


def _newlines(text: str) -> str:
    return "\n" * text.count("\n")


def _without_delimited(text: str, opening: str, closing: str) -> str:
    """Remove every `opening … closing` span (keeping its line breaks); an unclosed one runs to the end.

    Scanned with str.find, not a regular expression: a file of ten thousand unclosed "<!--" must
    not take quadratic time.
    """
    out, position = [], 0
    while (start := text.find(opening, position)) >= 0:
        end = text.find(closing, start + len(opening))
        out.append(text[position:start])
        if end < 0:
            out.append(_newlines(text[start:]))
            return "".join(out)
        out.append(_newlines(text[start : end + len(closing)]))
        position = end + len(closing)
    out.append(text[position:])
    return "".join(out)


def strip_comments(text: str) -> str:
    """Remove HTML and kramdown comments (keeping their line breaks)."""
    return _without_delimited(_without_delimited(text, "<!--", "-->"), "{::comment}", "{:/comment}")


def strip_liquid(text: str, site: dict | None = None) -> str:
    """Remove Liquid tags; `{{ site.email }}` and `{{ '/call/' | relative_url }}` become their value.

    `{% comment %}` blocks go with their content, `{% raw %}` blocks keep theirs. One linear scan
    from tag to tag, for the same reason as `_without_delimited`.
    """
    site = site or {}
    out: list[str] = []
    position, mode = 0, None  # mode: None, "comment" or "raw"
    while True:
        starts = [found for found in (text.find("{%", position), text.find("{{", position)) if found >= 0]
        if not starts:
            break
        start = min(starts)
        closing = "%}" if text.startswith("{%", start) else "}}"
        end = text.find(closing, start + 2)
        if end < 0:
            break
        tag = text[start : end + 2]
        words = tag[2:-2].strip("-").split()
        name = words[0] if words and closing == "%}" else ""
        between = text[position:start]
        position = end + 2
        if mode == "comment":
            out.append(_newlines(between + tag))
            mode = None if name == "endcomment" else mode
            continue
        if mode == "raw":
            out.append(between + ("" if name == "endraw" else tag))
            mode = None if name == "endraw" else mode
            continue
        out.append(between)
        if name in ("comment", "raw"):
            mode = name
            out.append(_newlines(tag))
        elif closing == "}}":
            out.append(_liquid_value(tag[2:-2].strip("-"), site) or _newlines(tag))
        else:
            out.append(_newlines(tag))
    rest = text[position:]
    out.append(_newlines(rest) if mode == "comment" else rest)
    return "".join(out)


def _liquid_value(expression: str, site: dict) -> str:
    variable = _SITE_VARIABLE.match(expression)
    if variable and isinstance(site.get(variable.group(1)), (str, int, float)):
        return str(site[variable.group(1)])
    quoted = _QUOTED.match(expression)
    if quoted and "\n" not in quoted.group(2):
        return quoted.group(2)
    return ""


def strip_attribute_lists(text: str) -> str:
    return _SPAN_IAL.sub("", _BLOCK_IAL.sub("", text))


def emojize(text: str) -> str:
    """Turn GitHub `:shortcodes:` into emoji, as the theme's jemoji plugin does."""
    return emoji.emojize(text, language="alias")


def clean(text: str, site: dict | None = None) -> str:
    """Return a file's text without comments, Liquid, attribute lists or emoji codes, same line count."""
    return emojize(strip_attribute_lists(strip_liquid(strip_comments(text), site)))


def to_markdown(text: str) -> str:
    """Return cleaned kramdown text as the portal's markdown (lists, spacing, trailing spaces)."""
    text = _SPACER.sub("", text)
    lines = _normalize_blocks(text.split("\n"))
    result = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", result).strip()


def _normalize_blocks(lines: list[str]) -> list[str]:
    out: list[str] = []
    indents: list[int] = []  # indentation of the list items still open, outermost first
    previous = "blank"
    in_fence = False
    for number, original in enumerate(lines):
        line = original.rstrip()
        if _FENCE.match(line):
            in_fence = not in_fence
            out.append(line)
            previous = "text"
            continue
        if in_fence:
            out.append(original)
            continue
        item = None if _RULE.match(line) else _LIST_ITEM.match(line)
        if not line:
            out.append("")
            previous = "blank"
            continue
        if item:
            indent = len(item.group(1).expandtabs(4))
            if previous == "text":
                out.append("")  # GFM lets a list interrupt a paragraph; Python-Markdown needs a blank line
            while indents and indents[-1] > indent:
                indents.pop()
            if not indents or indents[-1] < indent:
                indents.append(indent)
            level = len(indents) - 1
            out.append(" " * 4 * level + f"{item.group(2)} {item.group(4)}")
            previous = "list"
            continue
        stripped = line.lstrip()
        indent = len(line[: len(line) - len(stripped)].expandtabs(4))
        if indents and indent > 0:
            # A continuation of the list item it is indented under.
            level = sum(1 for open_indent in indents if open_indent < indent)
            out.append(" " * 4 * level + stripped)
            previous = "list"
            continue
        if previous == "blank":
            indents = []
        if stripped.startswith("|") and previous == "text" and not out[-1].lstrip().startswith("|"):
            out.append("")
        if stripped.startswith("#"):
            indents = []
            if previous in ("text", "list"):
                out.append("")
        # Two trailing spaces are a hard line break in both dialects: keep them, drop any other.
        hard_break = original.endswith("  ") and number + 1 < len(lines) and lines[number + 1].strip()
        out.append(line + ("  " if hard_break else ""))
        previous = "heading" if stripped.startswith("#") else ("list" if indents and previous == "list" else "text")
    return out


def plain(text: str) -> str:
    """Return the text a line of markdown shows, without markup, on one line."""
    if not text:
        return ""
    _INLINE.reset()
    rendered = _INLINE.convert(_BR.sub(" ", text))
    return _SPACES.sub(" ", html.unescape(nh3.clean(rendered, tags=set()))).strip()


def without_any_emoji(text: str) -> str:
    return _SPACES.sub(" ", emoji.replace_emoji(text, "").replace("\ufe0f", "").replace("\u200d", "")).strip()


def heading_words(text: str) -> str:
    """A heading reduced to lower-case words: "## 🔥 the **gist**" -> "the gist"."""
    words = re.sub(r"[^\w&]+", " ", without_any_emoji(plain(text[:300])).lower())
    return _SPACES.sub(" ", words).strip()


def split_br(text: str) -> list[str]:
    """The lines of a table cell or card title separated by `<br>`."""
    return [part.strip() for part in _BR.split(text)]
