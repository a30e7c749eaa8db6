"""Two organizers editing the same thing: the later save is refused, nobody's text is lost."""

import pytest
from django.test import Client
from django.urls import reverse

from esfomo.models import Edition, Page
from tests.adminforms import errors_of, form_values
from tests.factories import PageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_url():
    page = PageFactory(edition=Edition.objects.get(year=2025), slug="venue", title="Venue", body="First text.")
    return page, reverse("admin:esfomo_page_change", args=[page.pk])


def test_the_form_carries_the_version_it_was_opened_at(admin_client, page_url):
    page, url = page_url
    data = form_values(admin_client.get(url), "page_form")
    assert data["version_token"] == page.updated_at.isoformat()


def test_a_save_over_a_newer_version_is_refused_and_keeps_the_typed_text(admin_client, django_user_model, page_url):
    page, url = page_url
    mine = form_values(admin_client.get(url), "page_form")

    # Meanwhile another organizer saves the page.
    other = django_user_model.objects.create_superuser("ana", password="x", first_name="Ana", last_name="Lopez")
    theirs_client = Client()
    theirs_client.force_login(other)
    theirs = form_values(theirs_client.get(url), "page_form")
    theirs["body"] = "Their text."
    assert theirs_client.post(url, theirs).status_code == 302

    mine["body"] = "My long paragraph, written at midnight."
    response = admin_client.post(url, mine)

    assert response.status_code == 200
    errors = " ".join(errors_of(response))
    assert "Ana Lopez saved this page “Venue”" in errors
    assert "Your changes are not saved yet" in errors
    assert Page.objects.get(pk=page.pk).body == "Their text."
    kept = form_values(response, "page_form")
    assert kept["body"] == "My long paragraph, written at midnight."

    # The form now carries their version: saving again is a deliberate overwrite.
    assert kept["version_token"] == Page.objects.get(pk=page.pk).updated_at.isoformat()
    assert admin_client.post(url, kept).status_code == 302
    assert Page.objects.get(pk=page.pk).body == "My long paragraph, written at midnight."


def test_an_unchanged_version_saves_normally(admin_client, page_url):
    page, url = page_url
    data = form_values(admin_client.get(url), "page_form")
    data["title"] = "Venue and travel"
    assert admin_client.post(url, data).status_code == 302
    assert Page.objects.get(pk=page.pk).title == "Venue and travel"


def test_inline_rows_are_locked_too(admin_client):
    edition = Edition.objects.get(year=2025)
    url = reverse("admin:esfomo_edition_change", args=[edition.pk])
    data = form_values(admin_client.get(url), "edition_form")
    deadline = edition.important_dates.get(label="Submission deadline")
    rows = {v: k.removesuffix("-id") for k, v in data.items() if k.startswith("important_dates-") and k.endswith("-id")}
    prefix = rows[str(deadline.pk)]
    assert data[f"{prefix}-version_token"] == deadline.updated_at.isoformat()

    deadline.extension_reason = "Changed by someone else"
    deadline.save()
    data[f"{prefix}-label"] = "Paper submission deadline"
    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert any("saved this important date" in error for error in errors_of(response))
    deadline.refresh_from_db()
    assert deadline.label == "Submission deadline"


def test_a_deleted_object_is_reported_instead_of_recreated(admin_client, page_url):
    page, url = page_url
    data = form_values(admin_client.get(url), "page_form")
    Page.objects.filter(pk=page.pk).delete()
    response = admin_client.post(url, data)
    # The admin itself answers a vanished object with a redirect and a message; nothing is created.
    assert response.status_code == 302
    assert not Page.objects.filter(slug="venue", edition__year=2025).exists()
