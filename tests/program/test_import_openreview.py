"""`import_openreview`: papers from a recorded export or through the official client; bad input refused whole."""

import copy
import json
from io import StringIO

import openreview
import pytest
from django.core.management import CommandError, call_command

from esfomo.models import Edition
from program import paper_import
from program.models import Paper, Talk
from tests.conftest import DATA

pytestmark = pytest.mark.django_db

RECORDED = DATA / "openreview" / "es-fomo-2025-notes.json"
NOTES = json.loads(RECORDED.read_text(encoding="utf-8"))
VENUE = "ICML.cc/2025/Workshop/ES-FoMo-III"


def run(*args):
    out = StringIO()
    call_command("import_openreview", *args, stdout=out)
    return out.getvalue()


def write(tmp_path, notes, name="notes.json"):
    path = tmp_path / name
    path.write_text(json.dumps(notes), encoding="utf-8")
    return path


def papers_2025():
    return {paper.title: paper for paper in Paper.objects.filter(edition__year=2025)}


def test_import_from_the_recorded_export():
    demo_orals = papers_2025()
    talks_before = dict(Talk.objects.filter(paper__isnull=False).values_list("pk", "paper_id"))
    output = run("--file", str(RECORDED), "--edition", "2025")

    assert "Imported 9 accepted papers into ES-FoMo III (2025): 4 new, 5 updated, 0 unchanged." in output
    assert "skipped Wd7kQ2xZ9p: not accepted (ES-FoMo III 2025 Workshop Withdrawn Submission)" in output
    papers = papers_2025()
    assert len(papers) == 9
    assert sorted(paper.decision for paper in papers.values()) == ["oral"] * 5 + ["poster"] * 2 + ["spotlight"] * 2
    fptquant = papers["FPTQuant: Function-Preserving Transforms for LLM Quantization"]
    assert fptquant.authors == "Mira Okafor, Jonas Lindqvist, Priya Raman"
    assert fptquant.openreview_id == "tsdCBvBljW"
    assert fptquant.link == "https://openreview.net/forum?id=tsdCBvBljW"
    assert fptquant.abstract.startswith("Post-training quantization of large language models")
    # The demo's orals were adopted (same rows), so their slots in the plan still point at them.
    assert fptquant.pk == demo_orals[fptquant.title].pk
    assert dict(Talk.objects.filter(paper__isnull=False).values_list("pk", "paper_id")) == talks_before
    # The newer author schema ({"fullname": ...}) reads the same.
    assert papers["A Compiler Pass for Fusing Rotary Embeddings into Attention Kernels"].author_list == [
        "Lucas Moreau",
        "Aiko Tanaka",
    ]
    assert "Scaling Laws for Checkpoint Compression" not in papers


def test_running_again_updates_and_never_duplicates(tmp_path):
    run("--file", str(RECORDED), "--edition", "2025")
    assert "0 new, 0 updated, 9 unchanged" in run("--file", str(RECORDED), "--edition", "2025")

    revised = copy.deepcopy(NOTES)
    revised[7]["content"]["title"]["value"] = "Energy Accounting for Mixed-Precision Training, Revisited"
    revised[7]["content"]["venue"]["value"] = "ICML 2025 Workshop ES-FoMo III Spotlight"
    output = run("--file", str(write(tmp_path, revised)), "--edition", "2025")
    assert "0 new, 1 updated, 8 unchanged" in output
    papers = papers_2025()
    assert len(papers) == 9
    assert papers["Energy Accounting for Mixed-Precision Training, Revisited"].decision == "spotlight"
    assert Paper.objects.filter(edition__year=2025, openreview_id="HAGYVbuKWA").count() == 1


def test_papers_gone_from_openreview_are_kept_and_reported(tmp_path):
    run("--file", str(RECORDED), "--edition", "2025")
    output = run("--file", str(write(tmp_path, NOTES[1:])), "--edition", "2025")
    assert "kept, but not in this import (withdrawn?): FPTQuant" in output
    assert "FPTQuant: Function-Preserving Transforms for LLM Quantization" in papers_2025()


def test_a_dry_run_says_what_would_change_and_writes_nothing():
    before = {title: (paper.openreview_id, paper.authors) for title, paper in papers_2025().items()}
    version = Edition.objects.get(year=2025).content_version
    output = run("--file", str(RECORDED), "--edition", "2025", "--dry-run")
    assert "Would import 9 accepted papers into ES-FoMo III (2025): 4 new, 5 updated, 0 unchanged." in output
    assert "Dry run: nothing was written." in output
    assert {title: (paper.openreview_id, paper.authors) for title, paper in papers_2025().items()} == before
    assert Edition.objects.get(year=2025).content_version == version


def test_an_unknown_edition_is_refused():
    with pytest.raises(CommandError, match="There is no 2040 edition"):
        run("--file", str(RECORDED), "--edition", "2040")


def note(**content):
    """A valid accepted note, with some content fields replaced."""
    fields = {
        "title": {"value": "A valid paper"},
        "authors": {"value": ["Ada Lovelace"]},
        "abstract": {"value": "Fine."},
        "venue": {"value": "ICML 2025 Workshop ES-FoMo III Poster"},
        "venueid": {"value": VENUE},
    }
    fields.update(content)
    return {"id": "Zz9Yy8Xx7W", "forum": "Zz9Yy8Xx7W", "content": {k: v for k, v in fields.items() if v is not None}}


GOOD = note(title={"value": "Written before the bad entry?"}) | {"id": "Ok1Ok2Ok3O", "forum": "Ok1Ok2Ok3O"}

# Each export starts with a good entry, which must not be written either when a later one is bad.
BAD_EXPORTS = {
    "not a list": ({"note": GOOD}, 'expected a list of OpenReview notes (or {"notes": [...]}), found an object'),
    "an entry that is not an object": ([GOOD, NOTES[0], ["x"]], "entry 3: is a list, not an OpenReview note"),
    "a missing id": ([GOOD, {"content": NOTES[0]["content"]}], "entry 2: has no valid “id”"),
    "an id that is not an OpenReview id": ([GOOD, {**NOTES[0], "id": "../../etc"}], "entry 2: has no valid “id”"),
    "a duplicated entry": ([GOOD, NOTES[0], NOTES[0]], "entry 3 (id tsdCBvBljW): appears twice"),
    "no content": ([GOOD, {"id": "Zz9Yy8Xx7W"}], "entry 2 (id Zz9Yy8Xx7W): has no “content” object"),
    "no title": ([GOOD, note(title=None)], "entry 2 (id Zz9Yy8Xx7W): has no title"),
    "a blank title": ([GOOD, note(title={"value": " \n\t "})], "entry 2 (id Zz9Yy8Xx7W): has no title"),
    "a number as title": ([GOOD, note(title={"value": 12})], "“title” is a number, expected text"),
    "an enormous title": ([GOOD, note(title={"value": "Attention " * 5000})], "the title is 49999 characters long"),
    "an enormous abstract": ([GOOD, note(abstract={"value": "x" * 2_000_000})], "the abstract is 2000000 characters"),
    "thousands of authors": ([GOOD, note(authors={"value": ["A. Uthor"] * 5000})], "lists 5000 authors"),
    "authors as text": ([GOOD, note(authors={"value": "Ada Lovelace, Alan Turing"})], "“authors” is a string"),
    "an author that is not a name": ([GOOD, note(authors={"value": [{"username": "~X1"}]})], "an author is null"),
    "no venue": ([GOOD, note(venue=None, venueid=None)], "entry 2 (id Zz9Yy8Xx7W): has no “venue”"),
}


@pytest.mark.parametrize("case", BAD_EXPORTS)
def test_a_malformed_export_is_refused_whole_with_the_file_and_entry_named(tmp_path, case):
    notes, message = BAD_EXPORTS[case]
    path = write(tmp_path, notes)
    before = Paper.objects.count()
    with pytest.raises(CommandError) as refused:
        run("--file", str(path), "--edition", "2025")
    assert str(refused.value).startswith(f"{path}: ")
    assert message in str(refused.value)
    assert str(refused.value).endswith("Nothing was written.")
    assert Paper.objects.count() == before
    assert not Paper.objects.filter(title="Written before the bad entry?").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'[{"id": "abc", "content": {', "is not valid JSON (Expecting property name enclosed in double quotes"),
        (b"", "is not valid JSON (Expecting value at line 1, column 1)"),
        (bytes(range(256)) * 40, "is not UTF-8 text"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 500, "is not UTF-8 text"),
        (b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
        (b'"just a string"', "expected a list of OpenReview notes"),
    ],
    ids=["broken JSON", "empty file", "binary garbage", "an image", "deep nesting", "a string"],
)
def test_files_that_are_not_exports_are_refused(tmp_path, content, message):
    path = tmp_path / "export.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=r"export\.json: ") as refused:
        run("--file", str(path), "--edition", "2025")
    assert message in str(refused.value)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(paper_import, "MAX_FILE_BYTES", 1024)
    path = write(tmp_path, NOTES)
    with pytest.raises(CommandError, match=r"notes\.json: the file is 0\.0 MB; an export .* is at most 0 MB"):
        run("--file", str(path), "--edition", "2025")


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match=r"nowhere\.json: cannot be read \(No such file or directory\)"):
        run("--file", str(tmp_path / "nowhere.json"), "--edition", "2025")


def test_an_export_without_accepted_papers_is_refused(tmp_path):
    with pytest.raises(CommandError, match="holds no accepted paper"):
        run("--file", str(write(tmp_path, NOTES[-1:])), "--edition", "2025")


def test_replies_and_rejections_are_skipped_not_imported(tmp_path):
    reply = {**NOTES[0], "id": "Rv1Rv2Rv3R", "forum": NOTES[0]["id"]}
    rejected = note(
        venue={"value": "Submitted to ICML 2025 Workshop ES-FoMo III"},
        venueid={"value": f"{VENUE}/Rejected_Submission"},
    )
    output = run("--file", str(write(tmp_path, [NOTES[0], reply, rejected])), "--edition", "2025")
    assert "Imported 1 accepted papers" in output
    assert f"skipped Rv1Rv2Rv3R: a reply in forum {NOTES[0]['id']}, not a submission" in output
    assert "skipped Zz9Yy8Xx7W: not accepted (Submitted to ICML 2025 Workshop ES-FoMo III)" in output


def test_control_characters_and_stray_whitespace_are_dropped(tmp_path):
    dirty = note(
        title={"value": "  Fast\x00 attention\u0007\n kernels\ud800 "}, abstract={"value": "Line one\r\nLine\x1b two"}
    )
    run("--file", str(write(tmp_path, [dirty])), "--edition", "2025")
    paper = Paper.objects.get(openreview_id="Zz9Yy8Xx7W")
    assert paper.title == "Fast attention kernels"
    assert paper.abstract == "Line one\nLine two"


# --- through the official client (no network: the client's HTTP layer is replaced) --------------


class RecordedClient:
    """Stands in for openreview.api.OpenReviewClient, answering with the recorded notes."""

    asked = []

    def __init__(self, baseurl=None, **kwargs):
        assert baseurl == "https://api2.openreview.net"

    def get_all_notes(self, content=None, **kwargs):
        RecordedClient.asked.append(content)
        accepted = [n for n in NOTES if n["content"]["venueid"]["value"] == content["venueid"]]
        return [openreview.api.Note.from_json(n) for n in accepted]


def test_import_from_a_venue_through_the_official_client(monkeypatch, tmp_path):
    monkeypatch.setattr(openreview.api, "OpenReviewClient", RecordedClient)
    saved = tmp_path / "saved.json"
    output = run("--venue", VENUE, "--edition", "2025", "--save", str(saved))
    assert RecordedClient.asked[-1] == {"venueid": VENUE}
    assert "Imported 9 accepted papers into ES-FoMo III (2025): 4 new, 5 updated, 0 unchanged." in output
    # What was saved is an export the --file form reads back to the same papers.
    assert "0 new, 0 updated, 9 unchanged" in run("--file", str(saved), "--edition", "2025")


def test_openreview_errors_are_reported(monkeypatch):
    class Refusing(RecordedClient):
        def get_all_notes(self, **kwargs):
            raise openreview.OpenReviewException("Forbidden: venue is not public")

    monkeypatch.setattr(openreview.api, "OpenReviewClient", Refusing)
    with pytest.raises(
        CommandError,
        match=r"venue ICML\.cc/2025/Workshop/ES-FoMo-III: OpenReview refused or did not answer \(Forbidden",
    ):
        run("--venue", VENUE, "--edition", "2025")
    with pytest.raises(CommandError, match="is not an OpenReview venue id"):
        run("--venue", "ICML 2025; rm -rf /", "--edition", "2025")


def test_save_goes_only_with_a_venue(tmp_path):
    with pytest.raises(CommandError, match="--save records what --venue reads"):
        run("--file", str(RECORDED), "--edition", "2025", "--save", str(tmp_path / "x.json"))
