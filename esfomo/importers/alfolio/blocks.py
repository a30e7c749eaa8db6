"""The block structure of a cleaned page: sections under headings, bullets, images.

Works on lists of lines, with the file line of the first, so whatever is found keeps its line.
"""

import re
from dataclasses import dataclass, field

from .kramdown import heading_words

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_BULLET = re.compile(r"^([ \t]*)(?:[*+-]|\d{1,9}[.)])[ \t]+(.*)$")
_MARKDOWN_IMAGE = re.compile(
    r"!\[(?P<alt>[^\]]{0,500}+)\]\(\s*<?(?P<src>[^)\s>]{1,2000}+)>?(?:\s+\"[^\"]{0,500}\")?\s*\)(?:\{:[^}]{0,300}\})?"
)
_HTML_IMAGE = re.compile(r"<img\b[^>]{0,500}?\bsrc\s*=\s*[\"'](?P<src>[^\"']{1,2000}+)[\"'][^>]{0,500}>", re.IGNORECASE)
_LIQUID_FIGURE = re.compile(
    r"\{%-?\s*include\s+figure\.(?:html|liquid)\s+[^%]{0,500}?\bpath\s*=\s*[\"'](?P<src>[^\"']{1,2000}+)[\"']"
)
_ALT = re.compile(r"\balt\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)


@dataclass
class Section:
    heading: str  # as written, e.g. "🔥 the gist"
    line: int  # file line of the heading (or of the first line, for the part before any heading)
    lines: list[str] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)  # the same lines before Liquid and comments were removed

    @property
    def words(self) -> str:
        return heading_words(self.heading)

    @property
    def first_line(self) -> int:
        """File line of `lines[0]`."""
        return self.line + (1 if self.heading else 0)


@dataclass
class Bullet:
    line: int
    text: str  # the item's first line, without its marker
    children: list[str] = field(default_factory=list)  # the lines under it, as written

    @property
    def full_text(self) -> str:
        return " ".join([self.text, *(child.strip() for child in self.children)]).strip()


@dataclass
class Image:
    src: str
    alt: str
    line: int


def heading_of(line: str) -> tuple[int, str] | None:
    match = _HEADING.match(line)
    return (len(match.group(1)), match.group(2)) if match else None


def split_sections(lines: list[str], raw: list[str], first_line: int) -> list[Section]:
    """Cut a page at its top-level headings; the first section (heading "") is what comes before them."""
    levels = [found[0] for found in map(heading_of, lines) if found]
    top = min(levels) if levels else 0
    sections = [Section(heading="", line=first_line)]
    for index, line in enumerate(lines):
        found = heading_of(line)
        if found and found[0] == top:
            sections.append(Section(heading=found[1], line=first_line + index))
            continue
        sections[-1].lines.append(line)
        sections[-1].raw.append(raw[index] if index < len(raw) else "")
    return sections


def bullets(lines: list[str], first_line: int) -> tuple[list[Bullet], list[tuple[int, str]]]:
    """Top-level list items (with the lines nested under them), and the other lines with their numbers."""
    items: list[Bullet] = []
    others: list[tuple[int, str]] = []
    current: Bullet | None = None
    base = 0
    for index, line in enumerate(lines):
        match = _BULLET.match(line)
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
        if match and (current is None or indent <= base):
            base = indent if current is None else base
            current = Bullet(first_line + index, match.group(2).strip())
            items.append(current)
        elif current is not None and line.strip() and indent > base:
            current.children.append(line)
        else:
            if line.strip():
                current = None  # a line of text ends the list
            others.append((first_line + index, line))
    return items, others


def find_image(raw_lines: list[str], first_line: int) -> Image | None:
    """The first image a page shows: `![alt](src)`, `<img src>` or the theme's `{% include figure… path= %}`."""
    for index, line in enumerate(raw_lines):
        found = []
        for pattern in (_MARKDOWN_IMAGE, _HTML_IMAGE, _LIQUID_FIGURE):
            match = pattern.search(line)
            if match:
                found.append(match)
        if found:
            match = min(found, key=lambda m: m.start())
            alt = match.groupdict().get("alt")
            if alt is None:
                alt_match = _ALT.search(match.group(0)) or _ALT.search(line)
                alt = alt_match.group(1) if alt_match else ""
            return Image(src=match.group("src"), alt=alt.strip(), line=first_line + index)
    return None


def remove_images(line: str) -> str:
    return _HTML_IMAGE.sub("", _MARKDOWN_IMAGE.sub("", line))


def has_image(line: str) -> bool:
    return bool(_MARKDOWN_IMAGE.search(line) or _HTML_IMAGE.search(line))
