"""Deleting what carries much with it needs an explicit confirmation, and can be undone."""

import pytest
from django.urls import reverse
from reversion.models import Version

from esfomo.models import Edition
from people.models import Person
from program.models import Talk, TalkSpeaker
from tests.adminforms import errors_of
from tests.factories import EditionFactory, PageFactory, PersonFactory, TalkFactory, TalkSpeakerFactory

pytestmark = pytest.mark.django_db


def test_an_edition_with_content_is_not_deleted_without_the_ticked_confirmation(admin_client):
    edition = EditionFactory()
    PageFactory(edition=edition)
    url = reverse("admin:esfomo_edition_delete", args=[edition.pk])
    page = admin_client.get(url).content.decode()
    assert f"Delete {edition} with everything in it (1 pages)." in page

    response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 200
    assert "Tick the box to confirm. Nothing was deleted." in errors_of(response)
    assert Edition.objects.filter(pk=edition.pk).exists()

    response = admin_client.post(url, {"post": "yes", "confirm_guarded_delete": "yes"})
    assert response.status_code == 302
    assert not Edition.objects.filter(pk=edition.pk).exists()


def test_an_empty_edition_is_deleted_with_the_usual_confirmation(admin_client):
    edition = EditionFactory()
    assert (
        admin_client.post(reverse("admin:esfomo_edition_delete", args=[edition.pk]), {"post": "yes"}).status_code == 302
    )
    assert not Edition.objects.filter(pk=edition.pk).exists()


def test_editions_cannot_be_deleted_in_bulk(admin_client):
    changelist = admin_client.get(reverse("admin:esfomo_edition_changelist")).content.decode()
    assert 'value="delete_selected"' not in changelist


def test_a_speaker_is_removed_from_their_talks_only_after_an_explicit_confirmation(admin_client):
    person = PersonFactory(given_name="Tri", family_name="Example")
    credit = TalkSpeakerFactory(person=person, talk=TalkFactory(title="Flash attention"))
    url = reverse("admin:people_person_delete", args=[person.pk])
    page = admin_client.get(url).content.decode()
    assert "Remove Tri Example from 1 talk(s) — “Flash attention”" in page
    assert "would require deleting the following protected related objects" not in page

    assert admin_client.post(url, {"post": "yes"}).status_code == 200
    assert Person.objects.filter(pk=person.pk).exists()

    assert admin_client.post(url, {"post": "yes", "confirm_guarded_delete": "yes"}).status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()
    assert Talk.objects.filter(pk=credit.talk_id).exists()
    assert not TalkSpeaker.objects.filter(pk=credit.pk).exists()

    # The history holds the person and their talk credit, to bring both back.
    version = Version.objects.get_deleted(Person).get(object_id=str(person.pk))
    kept = {(v.content_type.model, v.object_id) for v in version.revision.version_set.all()}
    assert ("talkspeaker", str(credit.pk)) in kept


def test_speakers_are_still_protected_from_bulk_deletes(admin_client):
    person = PersonFactory()
    TalkSpeakerFactory(person=person)
    changelist = reverse("admin:people_person_changelist")
    response = admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [person.pk], "post": "yes"}
    )
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in response.content.decode()
    assert Person.objects.filter(pk=person.pk).exists()


def test_a_person_without_talks_is_deleted_with_the_usual_confirmation(admin_client):
    person = PersonFactory()
    assert (
        admin_client.post(reverse("admin:people_person_delete", args=[person.pk]), {"post": "yes"}).status_code == 302
    )
    assert not Person.objects.filter(pk=person.pk).exists()
