"""Every public page runs a fixed number of queries, however large the edition."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from esfomo.demo.synthetic import Sizes, synthesize
from esfomo.models import Edition
from people.models import Person, Role
from program.models import Paper, Session
from tests.factories import (
    EditionFactory,
    ImportantDateFactory,
    PageFactory,
    PaperFactory,
    RoleFactory,
    SessionFactory,
    SponsorFactory,
    TalkFactory,
    TalkSpeakerFactory,
)

pytestmark = pytest.mark.django_db


def build_edition(size):
    """An edition with `size` speakers, organizers, talks and papers."""
    edition = EditionFactory(is_current=False)
    PageFactory(edition=edition, slug="call", show_important_dates=True)
    for kind in (Role.Kind.SPEAKER, Role.Kind.ORGANIZER):
        for _ in range(size):
            RoleFactory(edition=edition, kind=kind)
    for index in range(3):
        ImportantDateFactory(edition=edition, label=f"Date {index}", announce=True)
    SponsorFactory(edition=edition)
    start = datetime.datetime(edition.year, 7, 18, 15, 0, tzinfo=datetime.UTC)
    for index in range(size):
        session = SessionFactory(
            edition=edition,
            kind=Session.Kind.ORAL,
            start=start + datetime.timedelta(minutes=10 * index),
            end=start + datetime.timedelta(minutes=10 * index + 10),
        )
        paper = PaperFactory(edition=edition, decision=Paper.Decision.ORAL)
        talk = TalkFactory(session=session, paper=paper, start=session.start if index % 2 else None)
        TalkSpeakerFactory(talk=talk)
        PaperFactory(edition=edition)
    return edition


def queries_for(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


# The homepage builds its document on the first visit after a change, then reads it in one query
# (esfomo/homepage.py): both counts are fixed. Building counts its write's savepoint and release,
# since a test runs in a transaction.
HOMEPAGE_BUILT, HOMEPAGE_READ = 17, 1


def test_homepage_query_counts_do_not_grow_with_the_edition(client):
    small, large = build_edition(5), build_edition(200)
    for edition in (small, large):
        assert queries_for(client, f"/{edition.year}/") == HOMEPAGE_BUILT
        assert queries_for(client, f"/{edition.year}/") == HOMEPAGE_READ


@pytest.mark.parametrize(("path", "budget"), [("/{year}/call/", 7), ("/{year}/papers/", 8)])
def test_page_query_count_does_not_grow_with_the_edition(client, path, budget):
    small, large = build_edition(5), build_edition(200)
    assert Edition.objects.filter(pk__in=[small.pk, large.pk]).count() == 2
    assert queries_for(client, path.format(year=small.year)) == budget
    assert queries_for(client, path.format(year=large.year)) == budget


@pytest.fixture(scope="module")
def synthesized(django_db_setup, django_db_blocker):
    """The sizes `make bench` reports: a tiny edition and one of 200 people, 60 sessions, 300 papers (built once)."""
    with django_db_blocker.unblock():
        tiny = synthesize(2090, Sizes(people=4, sessions=3, papers=3))
        large = synthesize(2091, Sizes(people=200, sessions=60, papers=300))
    yield tiny, large
    with django_db_blocker.unblock():
        Edition.objects.filter(pk__in=[tiny.pk, large.pk]).delete()
        Person.objects.filter(slug__startswith="synthetic-").delete()


@pytest.mark.parametrize(
    ("path", "budget"),
    [("/{year}/", HOMEPAGE_BUILT), ("/{year}/call/", 7), ("/{year}/papers/", 8), ("/people/synthetic-{year}-1/", 8)],
)
def test_synthesized_editions_tiny_and_large_run_the_same_queries(client, synthesized, path, budget):
    tiny, large = synthesized
    assert (large.roles.count(), large.sessions.count(), large.papers.count()) == (200, 60, 300)
    assert queries_for(client, path.format(year=tiny.year)) == budget
    assert queries_for(client, path.format(year=large.year)) == budget
    if path == "/{year}/":
        assert queries_for(client, path.format(year=tiny.year)) == HOMEPAGE_READ
        assert queries_for(client, path.format(year=large.year)) == HOMEPAGE_READ


@pytest.mark.parametrize(("path", "budget"), [("/robots.txt", 0), ("/sitemap.xml", 8)])
def test_site_files_run_a_fixed_number_of_queries(client, synthesized, path, budget):
    assert queries_for(client, path) == budget
