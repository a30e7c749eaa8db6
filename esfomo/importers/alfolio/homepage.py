"""The homepage (`_pages/about.md`): subtitle, banner, tagline, announcement, the gist, the plan, the pitch.

The theme's homepage is a run of sections under `##` headings, recognised by their words whatever
emoji precede them ("🔥 the gist", "📆 the plan", "🦾 the pitch", "🧑‍🏫 the speakers"). What comes
before the first heading is the banner, the tagline and the announcement with its bullets (dates,
extensions, the room). The people sections list cards with Liquid
(`where: "category", "speaker"`): that tells which card category each role is.
"""

import datetime
import re
from dataclasses import dataclass, field

from .blocks import Bullet, Section, bullets, find_image, has_image, remove_images, split_sections
from .cards import ImageRef, kind_for_words
from .dates import DateDraft, find_dates, parse_date_line
from .frontmatter import Document
from .kramdown import clean, plain, to_markdown
from .problems import Notice, Where
from .table import Table, find_tables

_EMPHASIS_LINE = re.compile(r"^\s*(?:\*(?!\*)(.+?)\*|_(?!_)(.+?)_)\s*$")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_LINK = re.compile(r"\[([^\]]{1,500}+)\]\(\s*<?([^)\s>]{1,2000}+)>?\s*\)")
_ROOM = re.compile(r"\broom\s+(?:\*\*|__)(.+?)(?:\*\*|__)|\broom\s+([A-Z0-9][\w.-]*(?:\s+[A-Z0-9][\w.-]*)*)")
_CITY = re.compile(
    r"\bin\s+([A-Z][^\s,.!;—–()]*(?:(?:,\s*|\s+)(?:(?:de|da|do|del|la|le|el|am|upon|on)\s+)*[A-Z][^\s,.!;—–()]*)*)"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ZONE_NOTE = re.compile(
    r"[,;]?\s*all times(?: are)?(?: in)?\s+(?P<label>[A-Z][A-Za-z]{0,5}(?:[+-−]\d{1,2})?)"
    r"(?:\s*[,(]?\s*(?P<offset>(?:UTC|GMT)\s*[+-−]\s*\d{1,2}(?::?\d{2})?)\)?)?\s*[.;,]?",
    re.IGNORECASE,
)
_CATEGORY = re.compile(r"where\s*:\s*[\"']category[\"']\s*,\s*[\"']([^\"']+)[\"']")
_COLLECTION = re.compile(r"\bsite\.([A-Za-z_]\w*)")
_HTML_LINE = re.compile(r"^\s*</?[a-z][^>]*>\s*$", re.IGNORECASE)
SUBMISSION = re.compile(
    r"https?://(?:www\.)?openreview\.net/group\?id=[^)\s&]+|https?://cmt3\.research\.microsoft\.com/[^)\s]+"
)
_CONFERENCE = re.compile(r"\(([A-Z][A-Za-z]{1,15})\)\s*(\d{4})|\b([A-Z]{2,}[A-Za-z]*)\s+(\d{4})\b")
SECTION_KINDS = [
    ("gist", re.compile(r"\bgist\b|\btl ?dr\b|at a glance|in short|key facts")),
    ("plan", re.compile(r"\bplan\b|schedule|program|agenda")),
]
_PITCH_WORDS = re.compile(r"pitch|about|motivation|overview|description|scope|\bwhy\b|\baims?\b")
_NOT_COLLECTIONS = {"baseurl", "url", "title", "email", "data", "pages", "posts", "static_files", "html_pages"}


@dataclass
class AnnouncementDraft:
    title: str
    body: str
    where: Where


@dataclass
class HomepageDraft:
    where: Where
    subtitle: str = ""
    tagline: str = ""
    banner: ImageRef | None = None
    banner_alt: str = ""
    announcement: AnnouncementDraft | None = None
    dates: list[DateDraft] = field(default_factory=list)
    room: str = ""
    summary: str = ""
    conference: str = ""
    conference_url: str = ""
    city: str = ""
    date: datetime.date | None = None
    contact_email: str = ""
    zone_label: str = ""
    zone_offset: str = ""
    schedule_note: str = ""
    tables: list[tuple[Table, datetime.date | None]] = field(default_factory=list)
    pitch: str = ""
    speakers_intro: str = ""
    categories: dict[str, str] = field(default_factory=dict)  # card category -> role kind
    collections: list[str] = field(default_factory=list)  # collections the people sections list
    submission_url: str = ""
    year: int | None = None
    notices: list[Notice] = field(default_factory=list)


def year_in(text: str) -> int | None:
    match = re.search(r"\b(19[89]\d|20\d\d)\b", text or "")
    return int(match.group(1)) if match else None


def parse_homepage(document: Document, site: dict, year: int | None) -> HomepageDraft:
    where = document.where
    subtitle = plain(str(document.data.get("subtitle") or ""))
    draft = HomepageDraft(where=where, subtitle=subtitle, year=year or year_in(subtitle))
    year = draft.year or datetime.date.today().year
    raw_lines = document.body.split("\n")
    lines = clean(document.body, site).split("\n")
    image = find_image(raw_lines, document.body_line)
    if image:
        draft.banner = ImageRef(image.src, where.at(image.line))
        draft.banner_alt = plain(image.alt)
        index = image.line - document.body_line
        lines[index] = remove_images(lines[index])
    sections = split_sections(lines, raw_lines, document.body_line)
    _preamble(draft, sections[0], year)
    pitch_parts: list[str] = []
    for section in sections[1:]:
        kind = _section_kind(section.words)
        if kind == "gist":
            _gist(draft, section, year)
        elif kind == "plan":
            _plan(draft, section, year)
        elif kind == "pitch":
            pitch_parts.append(to_markdown("\n".join(section.lines)))
        elif kind in ("speaker", "organizer", "panelist", "moderator", "sponsor"):
            _people_section(draft, section, kind)
        else:
            text = to_markdown("\n".join(section.lines))
            if text:
                pitch_parts.append(f"### {section.heading}\n\n{text}")
                draft.notices.append(
                    Notice(
                        f"the homepage section “{section.heading}” has no place of its own in the portal; "
                        "it is added to the pitch.",
                        where.at(section.line),
                    )
                )
    draft.pitch = "\n\n".join(part for part in pitch_parts if part)
    if not draft.conference:
        match = _CONFERENCE.search(subtitle)
        if match:
            draft.conference = f"{match.group(1) or match.group(3)} {match.group(2) or match.group(4)}"
    if not draft.submission_url:
        match = SUBMISSION.search("\n".join(lines))
        draft.submission_url = match.group(0) if match else ""
    return draft


def _section_kind(words: str) -> str | None:
    for kind, pattern in SECTION_KINDS:
        if pattern.search(words):
            return kind
    people = kind_for_words(words)
    if people:
        return people
    return "pitch" if _PITCH_WORDS.search(words) else None


def _preamble(draft: HomepageDraft, section: Section, year: int) -> None:
    """Tagline and announcement: what the homepage shows above its first heading."""
    lines = list(section.lines)
    for index, line in enumerate(lines):
        match = _EMPHASIS_LINE.match(line)
        if match and not draft.tagline:
            draft.tagline = (match.group(1) or match.group(2)).strip()
            lines[index] = ""
            break
        if line.strip():
            break
    items, others = bullets(lines, section.first_line)
    kept: list[Bullet] = []
    for item in items:
        date = parse_date_line(item.full_text, year, draft.where.at(item.line))
        if date:
            date.announce = True
            draft.dates.append(date)
        else:
            kept.append(item)
    paragraph = "\n".join(line for _, line in others).strip()
    text = "\n".join([paragraph, "", *(f"- {item.full_text}" for item in kept)])
    room = _ROOM.search(text)
    if room:
        draft.room = plain(room.group(1) or room.group(2)).strip(" .,")
    body = to_markdown(text)
    if body:
        bold = _BOLD.search(body)
        title = plain(bold.group(1) or bold.group(2)) if bold else plain(re.split(r"(?<=[.!?])\s", body)[0])
        line = others[0][0] if others else section.first_line
        draft.announcement = AnnouncementDraft(title=title.strip(" !.:")[:200], body=body, where=draft.where.at(line))
    match = SUBMISSION.search(text)
    if match:
        draft.submission_url = match.group(0)


def _gist(draft: HomepageDraft, section: Section, year: int) -> None:
    items, _ = bullets(section.lines, section.first_line)
    for item in items:
        bold = _BOLD.match(item.text)
        key = plain(bold.group(1) or bold.group(2)).lower().strip(" ?:") if bold else ""
        rest = item.text[bold.end() :].strip() if bold else item.text
        details = "\n".join([rest, *item.children])
        if "what" in key:
            draft.summary = " ".join(rest.split())
        elif "when" in key or "where" in key:
            _when_where(draft, details, year)
        elif "question" in key or "contact" in key:
            email = _EMAIL.search(details)
            draft.contact_email = email.group(0) if email else draft.contact_email
        else:
            draft.notices.append(
                Notice(
                    f"the gist item “{plain(item.text)[:60]}” has no place in the portal's homepage; not imported.",
                    draft.where.at(item.line),
                )
            )


def _when_where(draft: HomepageDraft, text: str, year: int) -> None:
    link = _LINK.search(text)
    if link and not draft.conference:
        draft.conference, draft.conference_url = plain(link.group(1)), link.group(2)
    shown = plain(text.replace("\n", " "))
    cities = _CITY.findall(shown)
    if cities:
        draft.city = cities[-1].strip(" ,")
    dates = find_dates(shown, year)
    if dates:
        draft.date = dates[0].date


def _plan(draft: HomepageDraft, section: Section, year: int) -> None:
    tables, used = find_tables(section.lines, section.first_line, draft.where)
    day = None
    days: dict[int, datetime.date | None] = {}
    for index, line in enumerate(section.lines):
        if line.lstrip().startswith("#"):
            found = find_dates(plain(line.lstrip("# ")), year)
            day = found[0].date if found else day
        days[index] = day
    for table in tables:
        draft.tables.append((table, days.get(table.line - section.first_line)))
    for index, line in enumerate(section.lines):
        if index in used or not line.strip() or line.lstrip().startswith("#"):
            continue
        text = plain(line)
        if not text:
            continue
        zone = _ZONE_NOTE.search(text)
        if zone and not draft.zone_label:
            draft.zone_label = zone.group("label")
            draft.zone_offset = (zone.group("offset") or "").replace(" ", "").replace("−", "-")
            note = (text[: zone.start()] + " " + text[zone.end() :]).strip(" ()[].,;")
            draft.schedule_note = (
                (note[:1].upper() + note[1:] + ("." if note and note[-1] not in ".!?" else "")) if note else ""
            )
            continue
        if not draft.schedule_note and index < min(used or [len(section.lines)]) and _EMPHASIS_LINE.match(line):
            draft.schedule_note = text
            continue
        draft.notices.append(
            Notice(
                f"text in the plan section is not imported: “{text[:60]}”.", draft.where.at(section.first_line + index)
            )
        )


def _people_section(draft: HomepageDraft, section: Section, kind: str) -> None:
    raw = "\n".join(section.raw)
    for category in _CATEGORY.findall(raw):
        draft.categories.setdefault(category.strip().lower(), kind)
    for collection in _COLLECTION.findall(raw):
        if collection not in _NOT_COLLECTIONS and collection not in draft.collections:
            draft.collections.append(collection)
    if kind != "speaker":
        return
    paragraphs = [
        line.strip()
        for line in section.lines
        if line.strip() and not _HTML_LINE.match(line) and not has_image(line) and not line.lstrip().startswith("#")
    ]
    if paragraphs:
        draft.speakers_intro = plain(paragraphs[0])
