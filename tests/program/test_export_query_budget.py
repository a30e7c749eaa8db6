"""Every export runs a fixed number of queries, however large the edition."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from program.models import Session
from tests.esfomo.test_query_budget import build_edition, queries_for

pytestmark = pytest.mark.django_db

# The edition's version (ETag), the edition, then sessions, talks with papers, speakers with people.
SCHEDULE = 5


@pytest.mark.parametrize(
    ("path", "budget"),
    [
        ("/{year}/schedule.ics", SCHEDULE),
        ("/{year}/schedule.json", SCHEDULE),
        ("/{year}/schedule.xml", SCHEDULE),
        ("/{year}/important-dates.ics", 3),
        ("/{year}/schedule/{uid}.ics", SCHEDULE),
    ],
)
def test_export_query_count_does_not_grow_with_the_edition(client, path, budget):
    for edition in (build_edition(5), build_edition(200)):
        last = Session.objects.filter(edition=edition).last()
        assert queries_for(client, path.format(year=edition.year, uid=last.uid)) == budget


def test_a_not_modified_answer_costs_one_query(client):
    edition = build_edition(5)
    etag = client.get(f"/{edition.year}/schedule.json")["ETag"]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/{edition.year}/schedule.json", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert len(captured) == 1
