"""Count the database queries of each public page for a tiny and a large synthesized edition.

Run by `bench/run.py` with the bench's environment; prints one JSON object. The two synthetic
editions are removed afterwards, so the benchmarked demo pages are left as they were.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esfomo.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from esfomo.demo.synthetic import Sizes, synthesize  # noqa: E402
from esfomo.models import Edition  # noqa: E402
from people.models import Person  # noqa: E402

TINY, LARGE = 2090, 2091
PATHS = ("/{year}/", "/{year}/call/", "/{year}/papers/", "/{year}/schedule.json", "/{year}/schedule.ics",
         "/{year}/schedule.xml", "/people/synthetic-{year}-1/")  # fmt: skip


def count(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, secure=True)
    return len(captured) if response.status_code == 200 else None


def main():
    editions = {
        "tiny": synthesize(TINY, Sizes(people=4, sessions=3, papers=3), replace=True),
        "large": synthesize(LARGE, Sizes(people=200, sessions=60, papers=300), replace=True),
    }
    try:
        client = Client()
        counts = {}
        for path in PATHS:
            counts[path] = {size: count(client, path.format(year=edition.year)) for size, edition in editions.items()}
            if path == "/{year}/":
                # The first visit built the homepage's document; later visits read it.
                counts["/{year}/ again"] = {
                    size: count(client, path.format(year=edition.year)) for size, edition in editions.items()
                }
    finally:
        Edition.objects.filter(year__in=(TINY, LARGE)).delete()
        for year in (TINY, LARGE):
            Person.objects.filter(slug__startswith=f"synthetic-{year}-").delete()
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
