"""The accepted papers page: orals, spotlights, posters, with authors, OpenReview links and their slot."""

from io import StringIO

import lxml.html
import pytest
from django.core.management import call_command

from program.models import Paper
from tests.esfomo.test_homepage import text_of
from tests.factories import SessionFactory, TalkFactory
from tests.program.test_import_openreview import RECORDED

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported():
    call_command("import_openreview", "--file", str(RECORDED), "--edition", "2025", stdout=StringIO())


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def test_papers_are_grouped_orals_spotlights_posters(client, imported):
    papers = page(client, "/papers/")
    assert [text_of(h2) for h2 in papers.cssselect(".papers h2")] == ["Orals (5)", "Spotlights (2)", "Posters (2)"]
    assert [text_of(link) for link in papers.cssselect(".paper-groups a")] == [
        "Orals (5)",
        "Spotlights (2)",
        "Posters (2)",
    ]
    assert text_of(page(client, "/2025/papers/").cssselect("article")[0]) == text_of(papers.cssselect("article")[0])


def test_a_paper_shows_authors_openreview_links_and_a_folded_abstract(client, imported):
    paper = Paper.objects.get(openreview_id="HAGYVbuKWA")
    item = page(client, "/papers/").get_element_by_id(f"paper-{paper.pk}")
    assert text_of(item.cssselect(".paper-authors")[0]) == "Nadia Petrova, Ibrahim Yusuf"
    links = {link.text_content(): link.get("href") for link in item.cssselect(".paper-meta a")}
    assert links == {
        "OpenReview": "https://openreview.net/forum?id=HAGYVbuKWA",
        "PDF": "https://openreview.net/pdf?id=HAGYVbuKWA",
    }
    assert item.cssselect(".paper-title a")[0].get("href") == "https://openreview.net/forum?id=HAGYVbuKWA"
    details = item.cssselect("details")[0]
    assert details.get("open") is None
    assert text_of(details.cssselect("summary")[0]) == "Abstract"
    assert text_of(details.cssselect(".paper-abstract")[0]).startswith("We measure per-job energy")


def test_orals_link_to_their_slot_in_the_plan(client, imported):
    home = page(client, "/")
    papers = page(client, "/papers/")
    slots = papers.cssselect(".paper-slot")
    assert [slot.text_content() for slot in slots] == [
        "Orals Session 2, 3:30pm PT",
        "Orals Session 1, 10:45am PT",
        "Orals Session 1, 10:30am PT",
        "Orals Session 2, 3:45pm PT",
        "Orals Session 1, 11:00am PT",
    ]
    for slot in slots:
        path, anchor = slot.get("href").split("#")
        assert path == "/"
        assert home.get_element_by_id(anchor) is not None


def test_a_paper_presented_in_a_session_without_talk_times_still_finds_its_slot(client):
    paper = Paper.objects.get(title__startswith="FPTQuant")
    paper.talks.all().delete()
    session = SessionFactory(edition=paper.edition, kind="spotlight", title="Spotlights")
    TalkFactory(session=session, paper=paper, title="")
    slot = page(client, "/papers/").get_element_by_id(f"paper-{paper.pk}").cssselect(".paper-slot")[0]
    assert slot.text_content() == "Spotlights, 9:00am PT"
    assert page(client, "/").get_element_by_id(slot.get("href").split("#")[1]) is not None


def test_an_edition_without_papers_says_so(client):
    assert "will be listed here once the reviews are in" in text_of(page(client, "/2024/papers/"))
