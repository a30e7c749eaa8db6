"""`manage.py synthesize_edition`: a published synthetic edition of the sizes asked for."""

import pytest
from django.core.management import CommandError, call_command

from esfomo.models import Edition
from people.models import Role

pytestmark = pytest.mark.django_db


def test_it_builds_an_edition_of_the_sizes_asked_for_and_leaves_the_current_one(client):
    call_command("synthesize_edition", "2093", "--people", "20", "--sessions", "7", "--papers", "9", verbosity=0)
    edition = Edition.objects.get(year=2093)
    assert (edition.roles.count(), edition.sessions.count(), edition.papers.count()) == (20, 7, 9)
    assert set(edition.roles.values_list("kind", flat=True)) == {
        Role.Kind.SPEAKER, Role.Kind.ORGANIZER, Role.Kind.PANELIST, Role.Kind.MODERATOR
    }  # fmt: skip
    assert edition.is_published and not edition.is_current
    assert client.get("/2093/").status_code == 200
    assert '<span class="brand-year">2025</span>' in client.get("/").content.decode()


def test_it_refuses_to_overwrite_an_edition_unless_told_to(client):
    call_command("synthesize_edition", "2093", "--people", "2", "--sessions", "2", "--papers", "2", verbosity=0)
    with pytest.raises(CommandError, match="--replace"):
        call_command("synthesize_edition", "2093", verbosity=0)
    call_command("synthesize_edition", "2093", "--people", "3", "--sessions", "2", "--papers", "2", "--replace",
                 verbosity=0)  # fmt: skip
    assert Edition.objects.get(year=2093).roles.count() == 3
