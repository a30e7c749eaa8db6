"""Property tests of the OpenReview notes reader: any input is either read or refused with a message."""

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from program.paper_import import (
    MAX_TITLE,
    UNPRINTABLE,
    ImportRefused,
    PaperRecord,
    parse_notes,
    read_export,
)

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
# Notes whose fields are anything at all, under the keys the reader looks at.
FIELD = JSON | st.fixed_dictionaries({"value": JSON})
NOTE_LIKE = st.fixed_dictionaries(
    {"id": JSON | st.from_regex(r"[A-Za-z0-9_-]{1,40}", fullmatch=True)},
    optional={
        "forum": JSON,
        "content": st.dictionaries(st.sampled_from(["title", "authors", "abstract", "venue", "venueid"]), FIELD),
    },
)

ID = st.from_regex(r"[A-Za-z0-9_-]{1,40}", fullmatch=True)
WORDS = st.text(st.characters(codec="utf-8"), min_size=1, max_size=80).filter(
    lambda text: UNPRINTABLE.sub("", text).split()
)
DECISIONS = {"Oral": "oral", "Spotlight": "spotlight", "Poster": "poster", "": "poster"}


def accepted_note(note_id, title, authors, abstract, presented):
    venue = f"ICML 2025 Workshop ES-FoMo III {presented}".strip()
    return {
        "id": note_id,
        "forum": note_id,
        "content": {
            "title": {"value": title},
            "authors": {"value": authors},
            "abstract": {"value": abstract},
            "venue": {"value": venue},
            "venueid": {"value": "ICML.cc/2025/Workshop/ES-FoMo-III"},
        },
    }


@given(JSON)
def test_any_json_value_is_read_or_refused(value):
    try:
        result = parse_notes(value, "export.json")
    except ImportRefused as refused:
        assert str(refused).startswith("export.json: ")
    else:
        assert all(isinstance(record, PaperRecord) for record in result.records)


@given(st.lists(NOTE_LIKE, max_size=5))
def test_any_list_of_note_shaped_objects_is_read_or_refused(notes):
    try:
        result = parse_notes(notes, "export.json")
    except ImportRefused as refused:
        assert str(refused).startswith("export.json: entry ")
    else:
        for record in result.records:
            assert record.title and len(record.title) <= MAX_TITLE
            assert not UNPRINTABLE.search(record.title + record.abstract + "".join(record.authors))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_any_bytes_on_disk_are_read_or_refused(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.json"
        path.write_bytes(data)
        try:
            notes = read_export(path)
        except ImportRefused as refused:
            assert str(refused).startswith(f"{path}: ")
        else:
            assert isinstance(notes, list)


@given(
    st.lists(
        st.tuples(ID, WORDS, st.lists(WORDS, max_size=5), st.text(max_size=300), st.sampled_from(list(DECISIONS))),
        max_size=6,
        unique_by=lambda entry: entry[0],
    )
)
def test_valid_notes_come_out_as_their_papers(entries):
    notes = [accepted_note(*entry) for entry in entries]
    records = parse_notes(json.loads(json.dumps(notes)), "export.json").records
    assert [record.openreview_id for record in records] == [entry[0] for entry in entries]
    for record, (_, title, authors, abstract, presented) in zip(records, entries, strict=True):
        assert record.title == " ".join(UNPRINTABLE.sub("", title).split())
        assert list(record.authors) == [
            name for name in (" ".join(UNPRINTABLE.sub("", author).split()) for author in authors) if name
        ]
        assert record.abstract == UNPRINTABLE.sub("", abstract).replace("\r\n", "\n").strip()
        assert record.decision == DECISIONS[presented]
