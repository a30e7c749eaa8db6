"""The plan: a schedule table turned into sessions, in order, each with its talks, start and end.

Rows are read top to bottom. A row that gives only a title ("**Orals Session 1**", "Session I:
Quantization") opens a session block: the talk rows under it (with or without their own time)
become its talks, until a row of another kind (a break, a poster session, a new heading). Other
rows are sessions of their own: an invited talk with its speaker, a break, a panel whose
moderator and panelists may follow on an untimed row. A session ends when the next one starts;
the last one's length is the importer's option.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.text import slugify

from .cells import PAPER_KINDS, Credit, Kind, Topic, read_cell, read_topic
from .clock import Clock, format_clock, parse_time_cell
from .kramdown import heading_words, plain, without_any_emoji
from .problems import ImportProblem, Where
from .table import Table

# A schedule cell holds a title and a few names; longer ones are refused before parsing them.
MAX_CELL = 2000
# Kinds of rows that never belong to a session block above them.
STANDALONE_KINDS = {Kind.BREAK, Kind.REMARKS, Kind.POSTER, Kind.PANEL}
# Kinds of title-only rows that open a block for the talk rows under them.
BLOCK_KINDS = {Kind.OTHER, Kind.ORAL, Kind.SPOTLIGHT, Kind.INVITED_TALK}
COLUMN_PATTERNS = [
    ("time", re.compile(r"^(?:time|times|when|hour|start|starts|slot)?$")),
    ("room", re.compile(r"\b(?:room|location|where|venue|place)\b")),
    ("speaker", re.compile(r"\b(?:speakers?|presenters?|who|people|by|details?|description)\b")),
    ("topic", re.compile(r"\b(?:topic|session|title|what|event|activity|program|programme|agenda|item)\b")),
]


@dataclass
class TalkDraft:
    where: Where
    title: str = ""
    start: datetime.time | None = None
    credits: list[Credit] = field(default_factory=list)
    paper_title: str = ""
    paper_url: str = ""
    paper_decision: str = ""
    kind: str = ""


@dataclass
class SessionDraft:
    where: Where
    kind: str
    title: str
    start: datetime.time | None
    end: datetime.time | None = None
    room: str = ""
    description: str = ""
    talks: list[TalkDraft] = field(default_factory=list)
    day: datetime.date | None = None
    key: str = ""
    is_block: bool = False


def columns(header: list[str]) -> dict[str, int]:
    """Which column holds the time, topic, speaker and room, by header words or else by position."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        words = heading_words(cell)
        for role, pattern in COLUMN_PATTERNS:
            if role not in found and pattern.search(words):
                found[role] = index
                break
    free = [index for index in range(len(header)) if index not in found.values()]
    for role in ("time", "topic", "speaker"):
        if role not in found and free:
            found[role] = free.pop(0)
    return found


def _resolve(clock: Clock | None, previous: datetime.time | None) -> datetime.time | None:
    if clock is None:
        return None
    if clock.ambiguous and previous is not None and clock.time < previous:
        return clock.afternoon().time
    return clock.time


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def parse_schedule(
    table: Table, where: Where, is_known: Callable[[str], bool], day: datetime.date | None = None
) -> list[SessionDraft]:
    """Return the sessions of a schedule table; raise ImportProblem at the line of a row it cannot read."""
    layout = columns(table.header)
    if "topic" not in layout:
        raise ImportProblem("the schedule table needs at least a time and a topic column.", where.at(table.line))
    sessions: list[SessionDraft] = []
    block: SessionDraft | None = None
    previous: datetime.time | None = None
    for row in table.rows:
        here = where.at(row.line)
        extra = [cell for cell in row.cells[len(table.header) :] if plain(cell)]
        if extra:
            raise ImportProblem(
                f"this row has {len(table.header) + len(extra)} filled cells but the table's header has "
                f"{len(table.header)}; a “|” too many?",
                here,
            )
        longest = max(row.cells, key=len, default="")
        if len(longest) > MAX_CELL:
            raise ImportProblem(
                f"a cell of this row is {len(longest):,} characters long; schedule cells hold at most {MAX_CELL:,}.",
                here,
            )
        time_text = plain(_cell(row.cells, layout.get("time")))
        topic_cell = _cell(row.cells, layout["topic"])
        content_cell = _cell(row.cells, layout.get("speaker"))
        room = plain(_cell(row.cells, layout.get("room")))
        if not (time_text or plain(topic_cell) or plain(content_cell) or room):
            continue
        try:
            start_clock, end_clock = parse_time_cell(time_text)
        except ValueError:
            raise ImportProblem(
                f"“{time_text[:60]}” is not a time of day; write it like 9:30am, 2pm, noon or 14:30.", here
            ) from None
        start = _resolve(start_clock, previous)
        end = _resolve(end_clock, start)
        if start is not None and previous is not None and start < previous:
            raise ImportProblem(
                f"this row starts at {format_clock(start)}, before the row above it ({format_clock(previous)}); "
                "the schedule must go down in time order.",
                here,
            )
        if start is not None and end is not None and end <= start:
            raise ImportProblem(f"this row ends ({format_clock(end)}) before it starts ({format_clock(start)}).", here)
        topic = read_topic(topic_cell)
        title_only = not plain(content_cell) and not topic.label

        if start is None and sessions and sessions[-1].kind == Kind.PANEL:
            people = read_cell(f"{topic_cell}<br>{content_cell}", is_known, expect_people=True)
            if people.credits and not people.title:
                _panel_talk(sessions[-1]).credits += [_as_panelist(credit) for credit in people.credits]
                continue
        if block is not None and not title_only and (start is None or _belongs_to(block, topic)):
            block.talks.append(_talk(here, topic, content_cell, start, block.kind, is_known, in_block=True))
            previous = start or previous
            continue
        if start is None and not (title_only and topic.kind in BLOCK_KINDS):
            raise ImportProblem(
                "this row has no time; only a session heading (a title alone, with its talks on the rows "
                "below) may leave the time empty.",
                here,
            )
        session = SessionDraft(
            where=here, kind=topic.kind, title=_session_title(topic), start=start, end=end, room=room or topic.room,
            day=day,
        )  # fmt: skip
        sessions.append(session)
        block = None
        if title_only:
            session.is_block = topic.kind in BLOCK_KINDS
            block = session if session.is_block else None
        else:
            _fill(session, topic, content_cell, is_known)
        previous = start or previous
    return _finish(sessions)


def _belongs_to(block: SessionDraft, topic: Topic) -> bool:
    if topic.kind in STANDALONE_KINDS:
        return False
    return block.kind == Kind.OTHER or topic.kind in (block.kind, Kind.OTHER)


def _session_title(topic: Topic) -> str:
    title = topic.label or topic.text
    return title[:1].upper() + title[1:]


def _talk(here, topic: Topic, content_cell: str, start, session_kind, is_known, in_block: bool) -> TalkDraft:
    kind = topic.kind if topic.kind != Kind.OTHER else session_kind
    reading = read_cell(content_cell, is_known, expect_people=kind in (Kind.INVITED_TALK, Kind.PANEL))
    title = topic.title or ("" if topic.is_label_only or not in_block else topic.text) or reading.title
    talk = TalkDraft(where=here, start=start, credits=reading.credits, kind=kind)
    if kind in PAPER_KINDS and title:
        talk.paper_title, talk.paper_url, talk.paper_decision = title, topic.link or reading.link, PAPER_KINDS[kind]
    else:
        talk.title = title
    return talk


def _fill(session: SessionDraft, topic: Topic, content_cell: str, is_known) -> None:
    """Give a session of one row its talk (when the row credits someone or names a paper) or its text."""
    if session.kind == Kind.PANEL:
        reading = read_cell(content_cell, is_known, expect_people=True)
        talk = _panel_talk(session)
        talk.credits += [_as_panelist(credit) for credit in reading.credits]
        if reading.title:
            session.description = reading.title
        return
    talk = _talk(session.where, topic, content_cell, None, session.kind, is_known, in_block=False)
    if talk.credits or (topic.title and talk.paper_title):
        session.talks.append(talk)
    elif plain(content_cell):
        session.description = content_cell.strip()


def _panel_talk(session: SessionDraft) -> TalkDraft:
    if not session.talks:
        title = re.sub(r"^\s*panel(?: discussion)?\s*[:–—-]\s*", "", without_any_emoji(session.title), flags=re.I)
        session.talks.append(TalkDraft(where=session.where, title=title if title != session.title else ""))
    return session.talks[0]


def _as_panelist(credit: Credit) -> Credit:
    return Credit(credit.name, credit.affiliation, "panelist" if credit.role == "speaker" else credit.role)


def _finish(sessions: list[SessionDraft]) -> list[SessionDraft]:
    for session in sessions:
        if session.kind == Kind.OTHER and session.is_block:
            # A named block ("Session I: Hardware") shows its talks under the kind most of them are.
            kinds = [talk.kind for talk in session.talks if talk.kind != Kind.OTHER]
            if kinds:
                session.kind = max(dict.fromkeys(kinds), key=kinds.count)
        if session.start is None:
            timed = [talk.start for talk in session.talks if talk.start]
            if not timed:
                raise ImportProblem(
                    "this session heading has no time, and none of the talks under it has one.", session.where
                )
            session.start = timed[0]
    for index, session in enumerate(sessions):
        if session.end is None:
            later = [other.start for other in sessions[index + 1 :] if other.start > session.start]
            session.end = later[0] if later else None
    return sessions


def assign_keys(sessions: list[SessionDraft]) -> None:
    """Give each session a key that survives re-imports: its title, and its speaker for a talk of one.

    The key (made into the session's permanent uid) does not depend on the time, so a session that
    moves keeps its calendar entry; a repeated title ("Coffee break") is numbered in table order.
    """
    days = sorted({session.day for session in sessions if session.day})
    seen: dict[str, int] = {}
    for session in sessions:
        base = slugify(without_any_emoji(session.title))[:60] or session.kind
        speakers = {credit.name for talk in session.talks for credit in talk.credits}
        if session.kind == Kind.INVITED_TALK and len(speakers) == 1:
            base += "/" + (slugify(speakers.pop()) or "speaker")
        if len(days) > 1 and session.day:
            base = f"day{days.index(session.day) + 1}/{base}"
        seen[base] = seen.get(base, 0) + 1
        session.key = base if seen[base] == 1 else f"{base}-{seen[base]}"
