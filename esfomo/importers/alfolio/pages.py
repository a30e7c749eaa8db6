"""Other pages with a permalink (`_pages/call.md` at `/call/`): their text, menu entry and important dates.

A page's "important dates" section is read into the edition's dates and taken out of its text:
the portal lists the dates itself on pages that ask for them (with extensions and time zones).
People listed in the page's front matter (`profiles:`) are cards like any other.
"""

import re
from dataclasses import dataclass, field

from django.utils.text import slugify

from esfomo.models import RESERVED_SLUGS

from .blocks import bullets, has_image, heading_of
from .cards import CardDraft, kind_for_words, parse_card
from .dates import DateDraft, parse_date_line
from .frontmatter import Document, Mapping
from .kramdown import clean, emojize, heading_words, plain, to_markdown
from .problems import ImportProblem, Notice
from .table import find_tables

_DATES_HEADING = re.compile(r"\bdates?\b|\bdeadlines?\b|\btimeline\b")
PROFILE_LIST_KEYS = ("people", "members", "profiles", "items", "persons")
PROFILE_GROUP_KEYS = ("group", "category", "title", "name", "role", "heading")


@dataclass
class PageDraft:
    document: Document
    slug: str
    title: str
    body: str = ""
    in_menu: bool = False
    position: float = float("inf")
    is_published: bool = True
    show_important_dates: bool = False
    dates: list[DateDraft] = field(default_factory=list)


@dataclass
class PageReading:
    page: PageDraft | None
    cards: list[CardDraft] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


def permalink(document: Document) -> str | None:
    value = document.data.get("permalink")
    if value is None:
        return None
    if not isinstance(value, str):
        raise ImportProblem("“permalink” must be a path such as /call/.", document.at("permalink"))
    return value.strip()


def parse_page(document: Document, site: dict, year: int) -> PageReading:
    reading = PageReading(page=None)
    reading.cards = profile_cards(document, year)
    link = permalink(document)
    where = document.where
    if link is None:
        reading.notices.append(Notice("has no permalink, so it has no address to keep; not imported.", where))
        return reading
    parts = [part for part in link.split("?")[0].split("#")[0].strip("/").split("/") if part and part != "index.html"]
    if parts and parts[-1].endswith(".html"):
        parts[-1] = parts[-1][: -len(".html")]
    slug = slugify("-".join(parts))[:60]
    if not slug:
        return reading
    if re.fullmatch(r"(19|20)\d\d", slug):
        reading.notices.append(
            Notice(f"is the homepage of another edition ({link}); import that edition from its own checkout.", where)
        )
        return reading
    if slug in RESERVED_SLUGS:
        reading.notices.append(Notice(f"its address {link} is one the portal uses itself; not imported.", where))
        return reading
    if len(parts) > 1:
        reading.notices.append(Notice(f"its address {link} has several parts; it is imported at /{slug}/.", where))
    title = emojize(plain(str(document.data.get("title") or slug)))[:120]
    page = PageDraft(document=document, slug=slug, title=title)
    page.in_menu = bool(document.data.get("nav"))
    nav_order = document.data.get("nav_order")
    page.position = float(nav_order) if isinstance(nav_order, (int, float)) else float("inf")
    page.is_published = document.data.get("published", True) is not False
    lines = clean(document.body, site).split("\n")
    lines = _take_dates(page, lines, document, year, reading.notices)
    lines = _without_title_heading(lines, title)
    for index, line in enumerate(lines):
        if has_image(line):
            reading.notices.append(
                Notice(
                    "images inside pages are not imported; add them as links if needed.",
                    where.at(document.body_line + index),
                )
            )
    page.body = to_markdown("\n".join(lines))
    if page.body or not reading.cards:
        reading.page = page
    return reading


def _without_title_heading(lines: list[str], title: str) -> list[str]:
    """Drop a first heading that repeats the page's title (the portal shows the title itself)."""
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        found = heading_of(line)
        if found and heading_words(found[1]) == heading_words(title):
            return [*lines[:index], "", *lines[index + 1 :]]
        return lines
    return lines


def _take_dates(page: PageDraft, lines: list[str], document: Document, year: int, notices) -> list[str]:
    """Read the "important dates" section into dates and remove it from the text when all are read."""
    for index, line in enumerate(lines):
        found = heading_of(line)
        if not found or not _DATES_HEADING.search(heading_words(found[1])):
            continue
        end = next(
            (j for j in range(index + 1, len(lines)) if (h := heading_of(lines[j])) and h[0] <= found[0]), len(lines)
        )
        body = lines[index + 1 : end]
        first_line = document.body_line + index + 1
        items, others = bullets(body, first_line)
        texts = [(item.line, item.full_text) for item in items]
        tables, used = find_tables(body, first_line, document.where)
        for table in tables:
            texts += [(row.line, ": ".join(cell for cell in row.cells if plain(cell))) for row in table.rows]
        leftovers = [text for number, text in others if text.strip() and number - first_line not in used]
        dates = []
        for number, text in texts:
            date = parse_date_line(text, year, document.where.at(number))
            if date is None:
                notices.append(
                    Notice(f"“{plain(text)[:60]}” gives no date that could be read.", document.where.at(number))
                )
            else:
                dates.append(date)
        page.dates += dates
        if dates and len(dates) == len(texts) and not leftovers:
            page.show_important_dates = True
            return lines[:index] + [""] * (end - index) + lines[end:]
        return lines
    return lines


def profile_cards(document: Document, year: int) -> list[CardDraft]:
    """People listed in the front matter: `profiles: {speakers: [...]}` or a list of groups or of people."""
    profiles = document.data.get("profiles")
    if profiles is None:
        return []
    where = document.at("profiles")
    page_kind = kind_for_words(" ".join(str(document.data.get(key) or "") for key in ("title", "permalink")))
    cards: list[CardDraft] = []
    groups: list[tuple[str, list]] = []
    if isinstance(profiles, dict):
        groups = [(str(name), items) for name, items in profiles.items()]
    elif isinstance(profiles, list):
        for item in profiles:
            if isinstance(item, dict) and any(isinstance(item.get(key), list) for key in PROFILE_LIST_KEYS):
                members = next(item[key] for key in PROFILE_LIST_KEYS if isinstance(item.get(key), list))
                name = next((str(item[key]) for key in PROFILE_GROUP_KEYS if isinstance(item.get(key), str)), "")
                groups.append((name, members))
            else:
                groups.append(("", [item]))
    else:
        raise ImportProblem("“profiles” must list people, or groups of people.", where)
    for name, members in groups:
        if not isinstance(members, list):
            raise ImportProblem(f"the profiles group “{name}” must be a list of people.", where)
        category = (
            (kind_for_words(name) or name.strip().lower() or page_kind or "none") if name else (page_kind or "none")
        )
        for member in members:
            if not isinstance(member, Mapping):
                raise ImportProblem("each profile must be a set of “key: value” lines (name, affiliation, …).", where)
            cards.append(parse_card(member, document.where, year, default_category=category, order=len(cards)))
    return cards
