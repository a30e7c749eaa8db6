"""Speakers, organizers and sponsors are ordered by dragging rows on the edition's people page; pages on its own."""

import lxml.html
import pytest
from django.urls import reverse

from esfomo.models import Edition
from people.models import Role, Sponsor
from tests.adminforms import errors_of, form_values
from tests.factories import PageFactory, PersonFactory

pytestmark = pytest.mark.django_db

# Inline prefixes on the edition page; the role groups share a model, so Django numbers them.
SPEAKERS, ORGANIZERS, SPONSORS, PAGES = "roles", "roles-2", "sponsors", "pages"


def rows(data, prefix):
    """Return {object id: row prefix} for the saved rows of an inline."""
    count = int(data[f"{prefix}-INITIAL_FORMS"])
    return {data[f"{prefix}-{index}-id"]: f"{prefix}-{index}" for index in range(count)}


def open_edition(client, year=2025, page="admin:people_editionpeople_change"):
    """The edition's people page (or, with `page`, another page of the edition) and its form's values."""
    edition = Edition.objects.get(year=year)
    url = reverse(page, args=[edition.pk])
    form_id = "editionpeople_form" if page == "admin:people_editionpeople_change" else "edition_form"
    return edition, url, form_values(client.get(url), form_id)


def speaker_names(client):
    html = client.get("/").content.decode()
    section = lxml.html.fromstring(html).cssselect('section[aria-labelledby="the-speakers"]')[0]
    return [name.text_content() for name in section.cssselect(".card-name b")]


def test_dragging_the_last_speaker_first_reorders_the_homepage(admin_client, client):
    edition, url, data = open_edition(admin_client)
    speakers = list(Role.objects.for_edition(edition).speakers().select_related("person"))
    assert speaker_names(client) == [role.person.given_name for role in speakers]
    before = edition.content_version

    # What the drag-and-drop script does: renumber every row of the group in its new order.
    new_order = [speakers[-1], *speakers[:-1]]
    row_of = rows(data, SPEAKERS)
    for position, role in enumerate(new_order, start=1):
        data[f"{row_of[str(role.pk)]}-position"] = str(position)
    response = admin_client.post(url, data)

    assert response.status_code == 302, errors_of(response)
    assert speaker_names(client) == [role.person.given_name for role in new_order]
    assert Edition.objects.get(pk=edition.pk).content_version > before


def test_organizers_and_sponsors_are_reordered_the_same_way(admin_client):
    edition, url, data = open_edition(admin_client)
    organizers = list(Role.objects.for_edition(edition).organizers())
    sponsors = list(Sponsor.objects.for_edition(edition))
    assert len(organizers) > 2 and len(sponsors) >= 1
    for prefix, objects in ((ORGANIZERS, organizers), (SPONSORS, sponsors)):
        row_of = rows(data, prefix)
        for position, obj in enumerate(reversed(objects), start=1):
            data[f"{row_of[str(obj.pk)]}-position"] = str(position)

    assert admin_client.post(url, data).status_code == 302
    assert list(Role.objects.for_edition(edition).organizers()) == organizers[::-1]
    assert list(Sponsor.objects.for_edition(edition)) == sponsors[::-1]


def test_pages_are_reordered_in_the_menu(admin_client):
    PageFactory(edition=Edition.objects.get(year=2025), slug="travel", position=2)
    edition, url, data = open_edition(admin_client, page="admin:esfomo_edition_change")
    pages = list(edition.pages.all())
    assert len(pages) == 2
    row_of = rows(data, PAGES)
    for position, page in enumerate(reversed(pages), start=1):
        data[f"{row_of[str(page.pk)]}-position"] = str(position)
    assert admin_client.post(url, data).status_code == 302
    assert list(Edition.objects.get(pk=edition.pk).pages.all()) == pages[::-1]


def test_two_rows_with_one_position_are_refused(admin_client):
    edition, url, data = open_edition(admin_client)
    speakers = list(Role.objects.for_edition(edition).speakers())
    row_of = rows(data, SPEAKERS)
    data[f"{row_of[str(speakers[1].pk)]}-position"] = str(speakers[0].position)

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Two rows have the same position; drag one of them to another place." in errors_of(response)
    assert list(Role.objects.for_edition(edition).speakers()) == speakers


def test_a_speaker_added_on_the_edition_page_comes_last(admin_client, client):
    edition, url, data = open_edition(admin_client)
    newcomer = PersonFactory(given_name="Newcomer")
    count = int(data[f"{SPEAKERS}-TOTAL_FORMS"])
    data[f"{SPEAKERS}-TOTAL_FORMS"] = str(count + 1)
    data[f"{SPEAKERS}-{count}-person"] = str(newcomer.pk)
    data[f"{SPEAKERS}-{count}-affiliation"] = "Example Lab"

    assert admin_client.post(url, data).status_code == 302
    role = Role.objects.get(edition=edition, person=newcomer)
    assert role.kind == Role.Kind.SPEAKER
    assert speaker_names(client)[-1] == "Newcomer"


def test_the_same_person_twice_in_a_group_is_refused(admin_client):
    edition, url, data = open_edition(admin_client)
    first = Role.objects.for_edition(edition).speakers().first()
    count = int(data[f"{SPEAKERS}-TOTAL_FORMS"])
    data[f"{SPEAKERS}-TOTAL_FORMS"] = str(count + 1)
    data[f"{SPEAKERS}-{count}-person"] = str(first.person_id)

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert f"{first.person} is already in this list." in errors_of(response)
