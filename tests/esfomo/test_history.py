"""Every admin change is kept: organizers browse it, revert it, and recover what was deleted."""

import pytest
from django.urls import reverse
from reversion.models import Version

from esfomo.models import Edition, Page
from people.models import Person, Role
from program.models import Session, Talk, TalkSpeaker
from tests.adminforms import form_values
from tests.factories import (
    EditionFactory,
    PageFactory,
    PersonFactory,
    RoleFactory,
    SessionFactory,
    TalkFactory,
    TalkSpeakerFactory,
)
from tests.people.test_image_uploads import png_upload

pytestmark = pytest.mark.django_db


def edit(client, url, form_id, **changes):
    data = form_values(client.get(url), form_id)
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def revert(client, url, form_id):
    """Open a history entry (or a deleted item) and save it, as the “Revert” button does."""
    response = client.get(url)
    assert response.status_code == 200
    return edit(client, url, form_id)


def test_each_admin_save_is_recorded_with_its_author(admin_client, admin_user):
    page = PageFactory(edition=Edition.objects.get(year=2025), slug="travel", body="Version one.")
    url = reverse("admin:esfomo_page_change", args=[page.pk])
    edit(admin_client, url, "page_form", body="Version two.")
    edit(admin_client, url, "page_form", body="Version three.")

    versions = Version.objects.get_for_object(page)
    assert [v.field_dict["body"] for v in versions] == ["Version three.", "Version two."]
    assert {v.revision.user for v in versions} == {admin_user}
    history = admin_client.get(reverse("admin:esfomo_page_history", args=[page.pk])).content.decode()
    assert history.count(f"/admin/esfomo/page/{page.pk}/history/") == 2


def test_a_revert_restores_the_text_and_bumps_the_content_version(admin_client):
    edition = Edition.objects.get(year=2025)
    page = PageFactory(edition=edition, slug="travel", body="Version one.")
    url = reverse("admin:esfomo_page_change", args=[page.pk])
    edit(admin_client, url, "page_form", body="The good text.")
    edit(admin_client, url, "page_form", body="An accident.")
    good = Version.objects.get_for_object(page).last()
    before = Edition.objects.get(pk=edition.pk).content_version

    revert(admin_client, reverse("admin:esfomo_page_revision", args=[page.pk, good.pk]), "page_form")

    page.refresh_from_db()
    assert page.body == "The good text."
    assert page.body_html == "<p>The good text.</p>"
    assert Edition.objects.get(pk=edition.pk).content_version > before


def test_reverting_an_edition_never_rolls_its_content_version_back(admin_client):
    edition = EditionFactory(tagline="Old tagline")
    url = reverse("admin:esfomo_edition_change", args=[edition.pk])
    edit(admin_client, url, "edition_form", tagline="Tagline one")
    old = Version.objects.get_for_object(edition).first()
    for index in range(3):
        edit(admin_client, url, "edition_form", tagline=f"Tagline {index + 2}")
    before = Edition.objects.get(pk=edition.pk).content_version

    revert(admin_client, reverse("admin:esfomo_edition_revision", args=[edition.pk, old.pk]), "edition_form")

    edition.refresh_from_db()
    assert edition.tagline == "Tagline one"
    assert edition.content_version > before


def test_a_page_deleted_in_the_admin_can_be_recovered(admin_client):
    page = PageFactory(edition=Edition.objects.get(year=2025), slug="faq", title="FAQ", body="Questions.")
    response = admin_client.post(reverse("admin:esfomo_page_delete", args=[page.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Page.objects.filter(pk=page.pk).exists()

    recover_list = admin_client.get(reverse("admin:esfomo_page_recoverlist")).content.decode()
    assert "FAQ" in recover_list
    version = Version.objects.get_deleted(Page).get(object_id=str(page.pk))
    revert(admin_client, reverse("admin:esfomo_page_recover", args=[version.pk]), "page_form")

    assert Page.objects.get(pk=page.pk).body == "Questions."


def test_a_deleted_edition_comes_back_with_everything_that_went_with_it(admin_client):
    edition = EditionFactory(is_current=False)
    PageFactory(edition=edition, slug="call")
    RoleFactory(edition=edition, kind=Role.Kind.ORGANIZER)
    session = SessionFactory(edition=edition)
    credit = TalkSpeakerFactory(talk=TalkFactory(session=session))
    url = reverse("admin:esfomo_edition_delete", args=[edition.pk])
    admin_client.post(url, {"post": "yes", "confirm_guarded_delete": "yes"})
    assert not Edition.objects.filter(pk=edition.pk).exists()

    version = Version.objects.get_deleted(Edition).get(object_id=str(edition.pk))
    revert(admin_client, reverse("admin:esfomo_edition_recover", args=[version.pk]), "edition_form")

    assert Edition.objects.filter(pk=edition.pk).exists()
    assert Page.objects.filter(edition=edition, slug="call").exists()
    assert Role.objects.filter(edition=edition).count() == 1
    assert Session.objects.get(pk=session.pk).uid == session.uid
    assert TalkSpeaker.objects.filter(pk=credit.pk, talk__session=session).exists()


def test_a_revert_keeps_the_current_photo_when_the_old_one_was_replaced(
    admin_client, django_capture_on_commit_callbacks
):
    person = PersonFactory(given_name="Ada", photo=png_upload("first.png"))
    url = reverse("admin:people_person_change", args=[person.pk])
    edit(admin_client, url, "person_form", family_name="Byron")
    old = Version.objects.get_for_object(person).first()
    person = Person.objects.get(pk=person.pk)
    with django_capture_on_commit_callbacks(execute=True):
        person.photo = png_upload("second.png", colour="orange")
        person.save()
    current = person.photo.name
    assert not person.photo.storage.exists(old.field_dict["photo"].name)

    revert(admin_client, reverse("admin:people_person_revision", args=[person.pk, old.pk]), "person_form")

    person.refresh_from_db()
    assert person.family_name == "Byron"
    assert person.photo.name == current
    assert person.photo.storage.exists(current)


def test_a_recovered_person_has_no_photo_when_its_files_were_removed(admin_client, django_capture_on_commit_callbacks):
    person = PersonFactory(photo=png_upload("gone.png"))
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:people_person_delete", args=[person.pk]), {"post": "yes"})
    version = Version.objects.get_deleted(Person).get(object_id=str(person.pk))
    revert(admin_client, reverse("admin:people_person_recover", args=[version.pk]), "person_form")

    recovered = Person.objects.get(pk=person.pk)
    assert not recovered.photo
    assert recovered.photo_width is None


def test_organizers_see_the_history_link_and_the_recover_link(admin_client):
    talk = Talk.objects.filter(session__edition__year=2025).first()
    change = admin_client.get(reverse("admin:program_talk_change", args=[talk.pk])).content.decode()
    assert reverse("admin:program_talk_history", args=[talk.pk]) in change
    changelist = admin_client.get(reverse("admin:program_talk_changelist")).content.decode()
    assert reverse("admin:program_talk_recoverlist") in changelist


def test_pages_deleted_in_bulk_from_the_list_can_each_be_recovered(admin_client):
    edition = Edition.objects.get(year=2025)
    pages = [PageFactory(edition=edition, slug=f"bulk-{index}", body=f"Text {index}.") for index in range(2)]
    response = admin_client.post(
        reverse("admin:esfomo_page_changelist"),
        {"action": "delete_selected", "_selected_action": [page.pk for page in pages], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Page.objects.filter(slug__startswith="bulk-").exists()

    deleted = Version.objects.get_deleted(Page).filter(object_id__in=[str(page.pk) for page in pages])
    assert deleted.count() == 2
    version = deleted.get(object_id=str(pages[1].pk))
    revert(admin_client, reverse("admin:esfomo_page_recover", args=[version.pk]), "page_form")
    assert Page.objects.get(pk=pages[1].pk).body == "Text 1."
    assert not Page.objects.filter(pk=pages[0].pk).exists()
