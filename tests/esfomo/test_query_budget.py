"""Every public page runs a fixed number of queries, however large the edition.

Counted on the sizes `make bench` reports: a tiny synthesized edition and one of 200 people, 60
sessions and 300 papers, built once for the module. The page cache is emptied and its
content version read first, so the counts are what rendering a page costs.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from esfomo.demo.synthetic import Sizes, synthesize
from esfomo.models import Edition
from esfomo.serving import pagecache
from people.models import Person

pytestmark = pytest.mark.django_db

# The edition and the frame (menu, editions, papers, live notices) are 5 of each page's queries.
BUDGETS = {
    "/{year}/": 12,
    "/{year}/call/": 7,
    "/{year}/papers/": 8,
    "/people/": 7,
    "/people/synthetic-{year}-1/": 8,
    "/{year}/feed/": 2,
    "/{year}/schedule.ics": 4,
    "/{year}/schedule.json": 4,
    "/{year}/schedule.xml": 4,
    "/{year}/schedule/{uid}.ics": 4,
    "/{year}/important-dates.ics": 2,
    "/sitemap.xml": 8,
    "/robots.txt": 0,
}


def queries_for(path):
    """Count the queries of rendering a page: a new client (its own page cache), the shared cache emptied."""
    client = Client()
    pagecache.clear()
    pagecache.content_version()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


@pytest.fixture(scope="module")
def synthesized(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        tiny = synthesize(2090, Sizes(people=4, sessions=3, papers=3))
        large = synthesize(2091, Sizes(people=200, sessions=60, papers=300))
    yield tiny, large
    with django_db_blocker.unblock():
        Edition.objects.filter(pk__in=[tiny.pk, large.pk]).delete()
        Person.objects.filter(slug__startswith="synthetic-").delete()


@pytest.mark.parametrize(("path", "budget"), BUDGETS.items())
def test_tiny_and_large_editions_run_the_same_queries(synthesized, path, budget):
    tiny, large = synthesized
    assert (large.roles.count(), large.sessions.count(), large.papers.count()) == (200, 60, 300)
    for edition in (tiny, large):
        address = path.format(year=edition.year, uid=edition.sessions.filter(talks__isnull=False).last().uid)
        assert queries_for(address) == budget, address
