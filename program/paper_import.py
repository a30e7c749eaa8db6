"""Accepted papers from OpenReview: read a venue's notes (API v2) and write them as an edition's papers.

The notes come from the official client (openreview-py) or from a saved export of them: a JSON
list of notes as the API returns them (or the API's own `{"notes": [...]}` answer). Each note
carries `id`, `forum` and `content` fields whose values sit in `{"value": ...}`:

    {"id": "a1B2c3D4e5", "forum": "a1B2c3D4e5",
     "content": {"title": {"value": "…"}, "authors": {"value": ["Ada Lovelace", "…"]},
                 "abstract": {"value": "…"}, "venue": {"value": "ICML 2025 Workshop ES-FoMo III Oral"},
                 "venueid": {"value": "ICML.cc/2025/Workshop/ES-FoMo-III"}}}

Everything is checked before anything is written: one bad entry refuses the whole input with a
message naming the file and the entry.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .models import Paper

OPENREVIEW_API = "https://api2.openreview.net"
# A workshop's notes with abstracts take a few megabytes; anything far larger is not such an export.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TITLE = Paper._meta.get_field("title").max_length
MAX_ABSTRACT = 10_000
MAX_AUTHORS = 100
MAX_AUTHOR_NAME = 200
FORUM_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
VENUE_ID = re.compile(r"^[A-Za-z0-9_.\-/]{1,200}$")
# C0 controls (except tab and newline) and lone surrogates cannot be stored or shown.
UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
NOT_ACCEPTED = ("submitted to", "withdrawn", "rejected")


class ImportRefused(Exception):
    """The input cannot be imported; the message says where and why."""


@dataclass(frozen=True)
class PaperRecord:
    openreview_id: str
    title: str
    authors: tuple[str, ...]
    abstract: str
    decision: str


@dataclass
class Notes:
    records: list[PaperRecord]
    skipped: list[str] = field(default_factory=list)


# --- reading --------------------------------------------------------------------------------


def read_export(path: Path) -> list:
    """Return the notes of a saved export, or refuse the file saying why."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportRefused(
                f"{path}: the file is {size / 1024 / 1024:.1f} MB; an export of a workshop's notes "
                f"is at most {MAX_FILE_BYTES // 1024 // 1024} MB."
            )
        data = path.read_bytes()
    except OSError as error:
        raise ImportRefused(f"{path}: cannot be read ({error.strerror or error}).") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(f"{path}: is not UTF-8 text; expected the JSON export of OpenReview notes.") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            f"{path}: is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})."
        ) from None
    except RecursionError:
        raise ImportRefused(f"{path}: is nested too deeply to be an export of OpenReview notes.") from None
    if isinstance(document, dict) and isinstance(document.get("notes"), list):
        return document["notes"]
    if isinstance(document, list):
        return document
    raise ImportRefused(
        f'{path}: expected a list of OpenReview notes (or {{"notes": [...]}}), found {_kind(document)}.'
    )


def fetch_venue(venue_id: str) -> list:
    """Return the accepted notes of an OpenReview venue, read through the official client."""
    if not VENUE_ID.match(venue_id):
        raise ImportRefused(f"“{venue_id}” is not an OpenReview venue id, e.g. “ICML.cc/2025/Workshop/ES-FoMo-III”.")
    # Imported here: the client is large and only this command needs it.
    import openreview
    import requests

    try:
        # Credentials, when the venue is not public, come from OPENREVIEW_USERNAME / OPENREVIEW_PASSWORD.
        client = openreview.api.OpenReviewClient(baseurl=OPENREVIEW_API)
        notes = client.get_all_notes(content={"venueid": venue_id})
    except (openreview.OpenReviewException, requests.RequestException) as error:
        raise ImportRefused(f"venue {venue_id}: OpenReview refused or did not answer ({error}).") from None
    return [{"id": note.id, "forum": note.forum, "content": note.content} for note in notes]


def parse_notes(notes, source: str) -> Notes:
    """Check every note and return the accepted papers; refuse the whole input at the first bad entry."""
    if not isinstance(notes, list):
        raise ImportRefused(f"{source}: expected a list of OpenReview notes, found {_kind(notes)}.")
    result = Notes(records=[])
    seen = set()
    for index, note in enumerate(notes, start=1):
        where = f"{source}: entry {index}"
        if not isinstance(note, dict):
            raise ImportRefused(f"{where}: is {_kind(note)}, not an OpenReview note.")
        note_id = note.get("id")
        if not isinstance(note_id, str) or not FORUM_ID.match(note_id):
            raise ImportRefused(f"{where}: has no valid “id” (OpenReview ids are letters, digits, - and _).")
        where = f"{where} (id {note_id})"
        if note_id in seen:
            raise ImportRefused(f"{where}: appears twice.")
        seen.add(note_id)
        forum = note.get("forum")
        if forum is not None and forum != note_id:
            result.skipped.append(f"{note_id}: a reply in forum {forum}, not a submission")
            continue
        content = note.get("content")
        if not isinstance(content, dict):
            raise ImportRefused(f"{where}: has no “content” object.")
        decision = _decision(content, where)
        if decision is None:
            result.skipped.append(f"{note_id}: not accepted ({_text(content, 'venue', where) or 'no venue'})")
            continue
        result.records.append(
            PaperRecord(
                openreview_id=note_id,
                title=_title(content, where),
                authors=_authors(content, where),
                abstract=_abstract(content, where),
                decision=decision,
            )
        )
    return result


def _kind(value):
    names = {dict: "an object", list: "a list", str: "a string", bool: "true or false", type(None): "null"}
    return names.get(type(value), "a number")


def _value(content, key):
    """A content field's value: API v2 wraps it in {"value": ...}; API v1 exports hold it bare."""
    item = content.get(key)
    if isinstance(item, dict):
        item = item.get("value")
    return item


def _text(content, key, where, *, multiline=False):
    value = _value(content, key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ImportRefused(f"{where}: “{key}” is {_kind(value)}, expected text.")
    value = UNPRINTABLE.sub("", value)
    if multiline:
        return value.replace("\r\n", "\n").strip()
    return " ".join(value.split())


def _title(content, where):
    title = _text(content, "title", where)
    if not title:
        raise ImportRefused(f"{where}: has no title.")
    if len(title) > MAX_TITLE:
        raise ImportRefused(f"{where}: the title is {len(title)} characters long; at most {MAX_TITLE} fit.")
    return title


def _abstract(content, where):
    abstract = _text(content, "abstract", where, multiline=True)
    if len(abstract) > MAX_ABSTRACT:
        raise ImportRefused(f"{where}: the abstract is {len(abstract)} characters long; at most {MAX_ABSTRACT} fit.")
    return abstract


def _authors(content, where):
    value = _value(content, "authors")
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ImportRefused(f"{where}: “authors” is {_kind(value)}, expected a list of names.")
    if len(value) > MAX_AUTHORS:
        raise ImportRefused(f"{where}: lists {len(value)} authors; at most {MAX_AUTHORS} are accepted.")
    names = []
    for author in value:
        # The newer author schema gives {"fullname": ..., "username": ...} objects.
        name = author.get("fullname") if isinstance(author, dict) else author
        if not isinstance(name, str):
            raise ImportRefused(f"{where}: an author is {_kind(name)}, expected a name.")
        name = " ".join(UNPRINTABLE.sub("", name).split())
        if len(name) > MAX_AUTHOR_NAME:
            raise ImportRefused(f"{where}: an author's name is {len(name)} characters long.")
        if name:
            names.append(name)
    return tuple(names)


def _decision(content, where):
    """How the paper is presented, from the venue OpenReview gives it; None when it was not accepted."""
    venue_id = _text(content, "venueid", where)
    venue = _text(content, "venue", where)
    if not venue and not venue_id:
        raise ImportRefused(f"{where}: has no “venue”; cannot tell whether and how the paper is presented.")
    # Submissions not (or no longer) accepted live in venue ids such as …/Rejected_Submission.
    if venue_id.endswith("Submission") or any(words in venue.lower() for words in NOT_ACCEPTED):
        return None
    for decision in (Paper.Decision.ORAL, Paper.Decision.SPOTLIGHT, Paper.Decision.POSTER):
        if re.search(rf"\b{decision.value}\b", venue, re.IGNORECASE):
            return decision.value
    # Accepted without a presentation in the venue name: the workshop presents its papers as posters.
    return Paper.Decision.POSTER.value


# --- writing --------------------------------------------------------------------------------


def _same_title(title):
    return " ".join(title.casefold().split())


def apply(edition, records, writer) -> list[str]:
    """Create or update the edition's papers from the records through the writer; never duplicate, never delete.

    A paper is found by its OpenReview id, else (once) by its title among the edition's papers
    that have no OpenReview id yet, such as papers entered by hand before the import. Returns the
    titles of the papers with an OpenReview id that this import does not hold (withdrawn?).
    """
    papers = list(Paper.objects.for_edition(edition))
    by_id = {paper.openreview_id: paper for paper in papers if paper.openreview_id}
    by_title = {_same_title(paper.title): paper for paper in papers if not paper.openreview_id}
    for record in records:
        paper = by_id.get(record.openreview_id) or by_title.pop(_same_title(record.title), None)
        values = {
            "openreview_id": record.openreview_id,
            "title": record.title,
            "authors": ", ".join(record.authors),
            "abstract": record.abstract,
            "decision": record.decision,
        }
        writer.save(paper or Paper(edition=edition), values, kind="paper", label=record.title,
                    where=f"paper {record.openreview_id}")  # fmt: skip
    imported = {record.openreview_id for record in records}
    return [paper.title for key, paper in by_id.items() if key not in imported]
