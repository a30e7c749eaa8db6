"""Recognise important dates written as text: "Submission deadline: **`2025/05/27`**, 11:59PM UTC".

A line gives a label, a date (ISO, slashed, "May 27", "27th of May"; the year defaults to the
edition's), maybe a time and a zone (AoE or UTC), and maybe an extension: a reason such as
"**one-day extension for US Memorial Day**" (whose length gives back the original date), or the
original date struck through (`~~May 26~~`).
"""

import datetime
import re
from dataclasses import dataclass

from .kramdown import plain
from .problems import Where

MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
DATE_PATTERNS = [
    re.compile(r"\b(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})\b"),
    re.compile(rf"\b{_MONTH}\s+{_DAY}\b{_YEAR}", re.IGNORECASE),
    re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MONTH}\b{_YEAR}", re.IGNORECASE),
]
_TIME = re.compile(
    r"\b(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<half>[ap])\.?\s?m\b\.?|\b(?P<h24>\d{1,2}):(?P<m24>\d{2})\b",
    re.IGNORECASE,
)
_ZONES = [
    (re.compile(r"\bAoE\b|anywhere on earth", re.IGNORECASE), "AoE"),
    (re.compile(r"\b(?:UTC|GMT)\b(?!\s*[+-−]\s*\d)|\bZulu\b"), "UTC"),
]
_OTHER_ZONE = re.compile(
    r"\b(?:UTC|GMT)\s*[+-−]\s*\d+|\b(?:PST|PDT|PT|EST|EDT|ET|CST|CDT|CET|CEST|BST|JST|KST|IST|HST)\b"
)
_EXTENSION = re.compile(r"extension|extended|postponed|pushed back|moved to", re.IGNORECASE)
_EXTENSION_LENGTH = re.compile(
    r"\b(?P<count>\d+|one|two|three|four|five|six|seven|a)[- ](?P<unit>day|week)s?\b", re.IGNORECASE
)
_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_STRUCK = re.compile(r"~~(.+?)~~|<(?:s|del|strike)>(.+?)</(?:s|del|strike)>", re.IGNORECASE)
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_PARENTHESES = re.compile(r"\(([^()]*)\)")
_LABEL_TAIL = re.compile(r"(?:\s*(?:[:\-–—,]|\bis\b|\bare\b|\bon\b|\bby\b|\bdue\b|\buntil\b))+\s*$", re.IGNORECASE)
_LABEL_HEAD = re.compile(r"^\s*(?:the\s+)", re.IGNORECASE)


# A date's line is a sentence; anything longer is some other text, and not worth parsing.
MAX_LINE = 1000


@dataclass
class DateDraft:
    label: str
    date: datetime.date
    time: datetime.time | None
    zone: str | None
    extended_date: datetime.date | None
    extension_reason: str
    where: Where
    announce: bool = False

    @property
    def effective_date(self):
        return self.extended_date or self.date


@dataclass
class _Found:
    date: datetime.date
    start: int
    end: int


def find_dates(text: str, year: int) -> list[_Found]:
    """Every date in a plain text, in order of appearance, with the year defaulting to `year`."""
    found: list[_Found] = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < other.end and other.start < match.end() for other in found):
                continue
            month = match.group("month")
            month_number = int(month) if month.isdigit() else MONTHS[month.lower().rstrip(".")]
            try:
                date = datetime.date(int(match.group("year") or year), month_number, int(match.group("day")))
            except ValueError:
                continue
            found.append(_Found(date, match.start(), match.end()))
    return sorted(found, key=lambda item: item.start)


def find_time(text: str) -> datetime.time | None:
    for match in _TIME.finditer(text):
        if match.group("h24"):
            hour, minute = int(match.group("h24")), int(match.group("m24"))
        else:
            hour, minute = int(match.group("hour")) % 12, int(match.group("minute") or 0)
            hour += 12 if match.group("half").lower() == "p" else 0
        if hour < 24 and minute < 60:
            return datetime.time(hour, minute)
    return None


def find_zone(text: str) -> str | None:
    for pattern, zone in _ZONES:
        if pattern.search(text):
            return zone
    return None


def names_other_zone(text: str) -> bool:
    return bool(_OTHER_ZONE.search(text)) and find_zone(text) is None


def _extension_reason(markdown_text: str) -> str:
    """The phrase of a line that says why its date moved, e.g. "one-day extension for US Memorial Day"."""
    candidates = [m.group(1) or m.group(2) for m in _BOLD.finditer(markdown_text)]
    candidates += _PARENTHESES.findall(markdown_text)
    candidates += re.split(r"\s[-–—]\s|;\s", markdown_text)[1:]
    for candidate in candidates:
        text = plain(candidate).strip(" .;,()")
        if _EXTENSION.search(text):
            return text[:200]
    return ""


def parse_date_line(markdown_text: str, year: int, where: Where) -> DateDraft | None:
    """Return the important date a bullet or table row states, or None when it states none."""
    if len(markdown_text) > MAX_LINE:
        return None
    struck = [m.group(1) or m.group(2) for m in _STRUCK.finditer(markdown_text)]
    without_struck = _STRUCK.sub(" ", markdown_text)
    text = plain(without_struck)
    dates = find_dates(text, year)
    if not dates:
        return None
    first = dates[0]
    label = _LABEL_TAIL.sub("", text[: first.start]).strip()
    if not label:
        # "**May 27**: paper submission deadline" gives the label after the date.
        label = re.split(r"[,;(]", _LABEL_TAIL.sub("", text[first.end :]).strip(" :-–—"))[0].strip()
    label = _LABEL_HEAD.sub("", label).strip(" *:")
    if not label:
        return None
    label = label[0].upper() + label[1:]
    reason = _extension_reason(without_struck)
    original = None
    for fragment in struck:
        struck_dates = find_dates(plain(fragment), year)
        if struck_dates:
            original = struck_dates[0].date
    if original is None and reason:
        # "extended from May 26" names the original; "one-day extension" gives its distance.
        reason_dates = find_dates(reason, year)
        if reason_dates and reason_dates[0].date < first.date:
            original = reason_dates[0].date
        length = _EXTENSION_LENGTH.search(reason)
        if original is None and length:
            count = length.group("count").lower()
            days = int(count) if count.isdigit() else _NUMBERS[count]
            original = first.date - datetime.timedelta(days=days * (7 if length.group("unit").lower() == "week" else 1))
    rest = text[first.end :]
    extended = original is not None and original < first.date
    return DateDraft(
        label=label[:100],
        date=original if extended else first.date,
        time=find_time(rest),
        zone=find_zone(rest),
        extended_date=first.date if extended else None,
        extension_reason=reason,
        where=where,
    )
