"""Read the cells of a schedule row: the topic ("Talk: **Title**", "Orals Session 1") and the people.

Sites credit speakers in many ways, all handled here:
`Hagay Lupesko: Zero to 50 ExaFLOPS <br> **(Cerebras Systems)**`, `Elias Frantar <br> *(IST Austria)*`,
`Anna Goldie *(Anthropic)*, <br>Rishi Bommasani *(CRFM)*`, `Moderator: Jane Doe (MIT) <br> Panelists: …`.
A name is taken as a person when the site has a card for them, when an affiliation in parentheses
follows it, or, where the row expects people (invited talks, panels), when it reads like a name.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from program.models import Session

from .kramdown import plain, split_br, without_any_emoji

Kind = Session.Kind

# Bounded repetitions: unbounded ones take cubic time on a cell of "[a](" repeated.
_LINK = re.compile(r"\[([^\]]{0,500}+)\]\(\s*<?([^)\s>]{1,2000}+)>?(?:\s+\"[^\"]{0,500}\")?\s*\)")
_AFFILIATION_ONLY = re.compile(r"^\(\s*([^()]+?)\s*\)[.,;]?$")
_PERSON = re.compile(r"^(?P<name>[^()]+?)\s*(?:\(\s*(?P<affiliation>[^()]*?)\s*\))?\s*[.,;]?$")
_ROLE_PREFIX = re.compile(
    r"^(?P<role>moderators?|moderated by|moderation|panell?ists?|speakers?|chairs?|hosts?|hosted by|with)\s*:?\s+",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"^[^\W\d_][\w'’.-]*$")
_INITIAL = re.compile(r"^[^\W\d_]\.$")
_ROOM = re.compile(r"\(\s*(?:location\s*:\s*)?((?:room|hall|location)\b[^()]*?)\s*\)", re.IGNORECASE)
# Words of session titles, never of people's names: "Spotlight Papers" is no one.
STOP_WORDS = {
    "talk", "talks", "session", "sessions", "panel", "break", "lunch", "coffee", "poster", "posters",
    "paper", "papers", "remarks", "award", "awards", "oral", "orals", "spotlight", "spotlights",
    "keynote", "invited", "tba", "tbd", "lightning", "opening", "closing", "discussion", "workshop",
    "happy", "hour", "networking", "q&a", "welcome", "introduction", "the", "of", "for", "and", "in",
    "on", "to", "a", "an", "with", "is", "are",
}  # fmt: skip
NAME_PARTICLES = {
    "al",
    "bin",
    "da",
    "de",
    "del",
    "della",
    "der",
    "di",
    "du",
    "el",
    "ibn",
    "la",
    "le",
    "van",
    "von",
    "y",
}

KIND_RULES = [
    (Kind.BREAK, re.compile(r"\b(break|lunch|coffee|dinner|breakfast|recess)\b")),
    (Kind.REMARKS, re.compile(r"\b(opening|closing|remarks|welcome|awards?|farewell|concluding)\b")),
    (Kind.POSTER, re.compile(r"\bposters?\b")),
    (Kind.PANEL, re.compile(r"\bpanels?\b")),
    (Kind.SPOTLIGHT, re.compile(r"\b(spotlights?|lightning)\b")),
    (Kind.ORAL, re.compile(r"\b(orals?|contributed)\b")),
    (Kind.INVITED_TALK, re.compile(r"\b(invited|keynotes?|talks?|plenary|lecture)\b")),
]
# Talk kinds that present accepted papers: their titles are papers' titles.
PAPER_KINDS = {Kind.ORAL: "oral", Kind.SPOTLIGHT: "spotlight", Kind.POSTER: "poster"}


def kind_of(text: str) -> str:
    lowered = without_any_emoji(text).lower()
    for kind, pattern in KIND_RULES:
        if pattern.search(lowered):
            return kind
    return Kind.OTHER


@dataclass
class Credit:
    name: str
    affiliation: str = ""
    role: str = "speaker"  # or "moderator", "panelist"


@dataclass
class Topic:
    text: str  # plain, emoji kept: "🧑‍🎓 Poster Session"
    label: str = ""  # "Talk" in "Talk: **Title**"
    title: str = ""  # "Title" in "Talk: **Title**"
    link: str = ""
    room: str = ""
    kind: str = Kind.OTHER

    @property
    def is_label_only(self) -> bool:
        """A bare kind word such as "Oral" or "**Invited Talk**", which titles nothing by itself."""
        words = without_any_emoji(self.text).split()
        return not self.label and self.kind != Kind.OTHER and len(words) <= 3


@dataclass
class Reading:
    credits: list[Credit] = field(default_factory=list)
    title: str = ""
    link: str = ""


def first_link(markdown_text: str) -> str:
    match = _LINK.search(markdown_text)
    return match.group(2) if match else ""


def read_topic(cell: str) -> Topic:
    room_match = _ROOM.search(cell)
    room = room_match.group(1) if room_match else ""
    if room_match:
        cell = cell[: room_match.start()] + cell[room_match.end() :]
    text = plain(cell)
    topic = Topic(text=text, link=first_link(cell), room=plain(room))
    # "Talk: **Title**" or "Oral: [Title](url)": a short plain label, a colon, then the title.
    structured = re.match(r"^\s*([^*_\[\]:`]{1,40}?)\s*:\s*(\*\*|__|\[|\*|_)", cell)
    if structured and len(structured.group(1).split()) <= 4:
        topic.label = plain(structured.group(1))
        topic.title = plain(cell[structured.end(1) :].lstrip()[1:])
    else:
        labelled = re.match(r"^([A-Za-z][\w -]{0,30}?)\s*:\s+(.+)$", text)
        if labelled and kind_of(labelled.group(1)) in {*PAPER_KINDS, Kind.INVITED_TALK}:
            topic.label, topic.title = labelled.group(1), labelled.group(2)
    topic.kind = kind_of(topic.label or text)
    return topic


def looks_like_name(text: str) -> bool:
    """Whether a phrase reads like a person's name: "Zachary Charles", "Jean-Luc de la Tour", "J. Doe"."""
    words = text.split()
    if not 2 <= len(words) <= 8 or any(char.isdigit() for char in text):
        return False
    capitalised = 0
    for word in words:
        if word.lower() in STOP_WORDS and word.lower() not in NAME_PARTICLES:
            return False
        if word.lower() in NAME_PARTICLES:
            continue
        if not (_INITIAL.match(word) or (_NAME_WORD.match(word) and word[0].isupper())):
            return False
        capitalised += 1
    return 2 <= capitalised <= 5


def _split_people(text: str) -> list[str]:
    """Split "A (X), B (Y) and C" at the commas, semicolons and "and"s outside parentheses."""
    pieces, depth, current = [], 0, ""
    index = 0
    while index < len(text):
        char = text[index]
        depth += char == "("
        depth -= char == ")"
        if depth == 0 and (char in ",;" or text.startswith(" and ", index) or text.startswith(" & ", index)):
            pieces.append(current)
            current = ""
            index += 5 if text.startswith(" and ", index) else (3 if text.startswith(" & ", index) else 1)
            continue
        current += char
        index += 1
    pieces.append(current)
    return [piece.strip() for piece in pieces if piece.strip()]


def read_people(text: str, is_known: Callable[[str], bool], expect_people: bool) -> list[Credit]:
    """People listed in a plain text ("A (X), B (Y)"), or [] when the text is not (only) people."""
    credits = []
    for piece in _split_people(text):
        match = _PERSON.match(piece)
        if not match:
            return []
        name, affiliation = match.group("name").strip(" *_"), (match.group("affiliation") or "").strip(" *_")
        if not (is_known(name) or (looks_like_name(name) and (affiliation or expect_people))):
            return []
        credits.append(Credit(name, affiliation))
    return credits


def read_cell(cell: str, is_known: Callable[[str], bool], expect_people: bool) -> Reading:
    """Split a cell into the people it credits and the rest (a talk's or paper's title)."""
    reading = Reading(link=first_link(cell))
    segments = [segment for segment in split_br(cell) if plain(segment)]
    titles: list[str] = []
    role = "speaker"
    latest: list[Credit] = []
    for index, segment in enumerate(segments):
        text = plain(segment)
        prefix = _ROLE_PREFIX.match(text)
        if prefix:
            word = prefix.group("role").lower()
            role = (
                "moderator" if word.startswith("moderat") else ("panelist" if word.startswith("panel") else "speaker")
            )
            text = text[prefix.end() :]
            if not text:
                continue
        affiliation = _AFFILIATION_ONLY.match(text)
        if affiliation and latest:
            for credit in latest:
                credit.affiliation = credit.affiliation or affiliation.group(1)
            continue
        next_is_affiliation = index + 1 < len(segments) and _AFFILIATION_ONLY.match(plain(segments[index + 1]))
        named = re.match(r"^(.{2,120}?)\s*:\s+(.+)$", text)
        if named and not prefix:
            people = read_people(named.group(1), is_known, expect_people or bool(next_is_affiliation))
            if people:
                latest = [Credit(p.name, p.affiliation, role) for p in people]
                reading.credits += latest
                titles.append(named.group(2))
                continue
        people = read_people(text, is_known, expect_people or bool(next_is_affiliation) or bool(prefix))
        if people:
            latest = [Credit(p.name, p.affiliation, role) for p in people]
            reading.credits += latest
            continue
        latest = []
        titles.append(text)
    reading.title = " ".join(titles).strip()
    return reading
