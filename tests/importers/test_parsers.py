"""Property-based tests of the card, table, time and date parsers, on generated input."""

import datetime
import itertools
import string

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from esfomo.importers.alfolio.cards import CardDraft, parse_card, split_name
from esfomo.importers.alfolio.cells import STOP_WORDS
from esfomo.importers.alfolio.clock import format_clock, parse_clock, parse_time_cell
from esfomo.importers.alfolio.dates import parse_date_line
from esfomo.importers.alfolio.frontmatter import Mapping
from esfomo.importers.alfolio.kramdown import clean
from esfomo.importers.alfolio.problems import ImportProblem, Where
from esfomo.importers.alfolio.schedule import parse_schedule
from esfomo.importers.alfolio.table import find_tables

HERE = Where("_pages/about.md")
PARTICLES = ["van", "de", "von der", "da"]
checks = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Names as people write them: capitalised words of letters (any script), hyphens and apostrophes.
letters = st.text(alphabet=st.characters(categories=["Ll"]), min_size=1, max_size=8)
name_word = st.builds(
    lambda first, rest, joiner: first + rest + joiner,
    st.sampled_from(string.ascii_uppercase + "ÀÉÎÕÜŁŠŽ"),
    letters,
    st.sampled_from(["", "", "", "-Ann", "'s"]),
).filter(lambda word: word.lower() not in STOP_WORDS)
given_names = st.lists(name_word, min_size=1, max_size=2).map(" ".join)
family_names = st.builds(
    lambda particle, words: " ".join(filter(None, [particle, *words])),
    st.sampled_from(["", "", "", *PARTICLES]),
    st.lists(name_word, min_size=1, max_size=2),
)
plain_words = st.lists(
    st.text(alphabet=string.ascii_lowercase, min_size=3, max_size=9).filter(lambda w: w not in STOP_WORDS),
    min_size=1,
    max_size=6,
).map(" ".join)


@checks
@given(given=given_names, family=family_names, template=st.sampled_from([
    "<b>{g}</b> <br> {f} ", "<b>{g}</b><br>{f}", "  <strong>{g}</strong> <br/> {f}", "{g} <br> {f}", "**{g}** {f}",
]))  # fmt: skip
def test_card_titles_split_into_the_given_and_family_name_written(given, family, template):
    assert split_name(template.format(g=given, f=family)) == (given, family)


@checks
@given(given=name_word, family=st.lists(name_word, min_size=1, max_size=1).map(" ".join))
def test_a_plain_two_word_name_splits_at_the_last_word(given, family):
    assert split_name(f"{given} {family}") == (given, family)


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40) | st.dates(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8) | st.integers(), inner, max_size=3),
    max_leaves=8,
)
card_keys = st.sampled_from([
    "title", "name", "description", "affiliation", "img", "image", "redirect", "website", "scholar", "twitter",
    "importance", "order", "category", "categories", "tier", "more_info", "Name", "x", "linkedin",
])  # fmt: skip


@checks
@given(data=st.dictionaries(card_keys | st.text(max_size=10), yaml_values, max_size=8))
def test_any_front_matter_gives_a_card_or_a_clear_refusal(data):
    front_matter = Mapping(data)
    front_matter.line, front_matter.lines = 2, {}
    try:
        card = parse_card(front_matter, Where("_projects/x.md"), 2025)
    except ImportProblem as problem:
        assert problem.message and problem.where.path == "_projects/x.md"
        return
    assert isinstance(card, CardDraft) and card.given_name.strip()
    assert isinstance(card.importance, float) and card.categories


@st.composite
def schedules(draw):
    """A schedule as the organizers' table would give it, and the table written from it."""
    minute = draw(st.integers(7 * 60, 9 * 60))
    clock_style = draw(st.sampled_from(["12h", "24h", "12h-spaced"]))

    def clock(total):
        time = datetime.time(total // 60, total % 60)
        if clock_style == "24h":
            return f"{time:%H:%M}"
        text = format_clock(time)
        return text.replace("am", " AM").replace("pm", " PM") if clock_style == "12h-spaced" else text

    rows, expected = [], []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["break", "remarks", "invited_talk", "orals", "poster"]))
        start = minute
        if kind == "break":
            rows.append(f"| {clock(minute)} | **Coffee break** | |")
            expected.append(("break", "Coffee break", start, []))
        elif kind == "remarks":
            rows.append(f"| {clock(minute)} | **Opening Remarks** |  |")
            expected.append(("remarks", "Opening Remarks", start, []))
        elif kind == "poster":
            rows.append(f"| {clock(minute)} | 🧑‍🎓 **Poster Session** | |")
            expected.append(("poster", "🧑‍🎓 Poster Session", start, []))
        elif kind == "invited_talk":
            name = f"{draw(given_names)} {draw(family_names)}"
            title = draw(plain_words).capitalize()
            affiliation = draw(plain_words).title()
            rows.append(f"| {clock(minute)} | **Invited Talk** | {name}: {title} <br> **({affiliation})** |")
            expected.append(("invited_talk", "Invited Talk", start, [(title, None, [(name, affiliation)])]))
        else:
            rows.append("| | **Orals Session** | |")
            talks = []
            for _ in range(draw(st.integers(1, 3))):
                paper = draw(plain_words).capitalize()
                rows.append(f"| {clock(minute)} | Oral | {paper} |")
                talks.append((paper, minute, []))
                minute += draw(st.integers(5, 20))
            expected.append(("oral", "Orals Session", start, talks))
            continue
        minute += draw(st.integers(5, 90))
    assume(minute < 23 * 60)
    table = ["| | Topic | Speaker |", "|---|---|---|", *rows]
    return table, expected


@checks
@given(schedule=schedules())
def test_a_schedule_table_reads_back_as_the_sessions_it_was_written_from(schedule):
    lines, expected = schedule
    (table,), _ = find_tables(lines, 10, HERE)
    sessions = parse_schedule(table, HERE, is_known=lambda name: False)
    assert [(s.kind, s.title) for s in sessions] == [(kind, title) for kind, title, _, _ in expected]
    for session, (_, _, start, talks) in zip(sessions, expected, strict=True):
        assert session.start == datetime.time(start // 60, start % 60)
        read = [
            (
                talk.title or talk.paper_title,
                talk.start.hour * 60 + talk.start.minute if talk.start else None,
                [(c.name, c.affiliation) for c in talk.credits],
            )
            for talk in session.talks
        ]
        assert read == talks
    for session, following in itertools.pairwise(sessions):
        assert session.end == following.start or following.start == session.start
    assert sessions[-1].end is None  # the last session's length is the import's option


cell_text = st.text(alphabet=st.characters(blacklist_characters="|\n\r", blacklist_categories=["Cs"]), max_size=40)


@checks
@given(rows=st.lists(st.tuples(cell_text, cell_text, cell_text), min_size=1, max_size=6))
def test_any_table_gives_sessions_or_a_refusal_at_a_row(rows):
    lines = ["| | Topic | Speaker |", "|---|---|---|", *(f"| {a} | {b} | {c} |" for a, b, c in rows)]
    try:
        tables, _ = find_tables(lines, 1, HERE)
        for table in tables:
            parse_schedule(table, HERE, is_known=lambda name: False)
    except ImportProblem as problem:
        assert problem.where.path == HERE.path and 1 <= problem.where.line <= len(lines)


@checks
@given(time=st.times().map(lambda t: t.replace(second=0, microsecond=0)))
def test_clock_times_read_back_in_both_notations(time):
    assert parse_clock(format_clock(time)).time == time
    assert parse_clock(f"{time:%H:%M}").time == time


def test_time_ranges_share_their_afternoon():
    start, end = parse_time_cell("1:00-2:30pm")
    assert (start.time, end.time) == (datetime.time(13), datetime.time(14, 30))
    start, end = parse_time_cell("11:30am – 12:30pm")
    assert (start.time, end.time) == (datetime.time(11, 30), datetime.time(12, 30))
    assert parse_clock("noon").time == datetime.time(12)


@checks
@given(
    label=plain_words.map(str.capitalize),
    date=st.dates(datetime.date(2020, 1, 10), datetime.date(2035, 12, 31)),
    time=st.one_of(st.none(), st.times().map(lambda t: t.replace(second=0, microsecond=0))),
    zone=st.sampled_from(["UTC", "AoE"]),
    extension=st.one_of(st.none(), st.integers(1, 7)),
    style=st.sampled_from(["slashed", "month"]),
)
def test_a_date_line_reads_back_with_its_time_zone_and_extension(label, date, time, zone, extension, style):
    assume("extension" not in label and "extended" not in label)
    written = f"**`{date:%Y/%m/%d}`**" if style == "slashed" else f"**{date:%B} {date.day}**, {date.year}"
    line = f"{label}: {written}"
    if time:
        line += f", {format_clock(time).upper()} {zone}"
    if extension:
        line += f" (**{extension}-day extension for the holidays**)"
    read = parse_date_line(line, 2000, HERE)
    assert read.label == label
    assert read.effective_date == date
    assert read.time == time
    assert read.zone == (zone if time else None)
    if extension:
        assert read.date == date - datetime.timedelta(days=extension)
        assert read.extension_reason == f"{extension}-day extension for the holidays"
    else:
        assert (read.date, read.extended_date, read.extension_reason) == (date, None, "")


TOKENS = [*"ab \n{}%<!->:-*#|", "{%", "%}", "{{", "}}", "<!--", "-->", "{:"]


@checks
@given(text=st.lists(st.sampled_from(TOKENS)).map("".join))
def test_cleaning_keeps_every_line_where_it_was(text):
    # The schedule and dates are reported at their line in the file: cleaning must not move lines.
    assert clean(text).count("\n") == text.count("\n")
