"""The “Organizers” group can edit every part of the site and nothing about accounts."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from esfomo.models import Edition

pytestmark = pytest.mark.django_db

CONTENT = {
    "esfomo": {"edition", "page", "importantdate", "announcement"},
    "people": {"person", "role", "sponsor", "editionpeople"},
    "program": {"session", "talk", "talkspeaker", "paper"},
}


@pytest.fixture
def organizer(django_user_model):
    user = django_user_model.objects.create_user("grace", password="correct horse battery", is_staff=True)
    user.groups.add(Group.objects.get(name="Organizers"))
    return user


def test_the_group_has_exactly_the_content_permissions():
    granted = set(Group.objects.get(name="Organizers").permissions.values_list("content_type__app_label", "codename"))
    expected = {
        (app, f"{action}_{model}")
        for app, models in CONTENT.items()
        for model in models
        for action in ("add", "change", "delete", "view")
    }
    assert granted == expected


def test_an_organizer_edits_content_but_not_accounts(client, organizer):
    client.force_login(organizer)
    edition = Edition.objects.get(year=2025)
    assert client.get(reverse("admin:esfomo_edition_change", args=[edition.pk])).status_code == 200
    assert client.get(reverse("admin:people_person_add")).status_code == 200
    assert client.get(reverse("admin:program_session_changelist")).status_code == 200
    assert client.get(reverse("admin:esfomo_edition_readiness", args=[edition.pk])).status_code == 200
    for name in ("admin:auth_user_changelist", "admin:auth_group_changelist", "admin:auth_user_add"):
        assert client.get(reverse(name)).status_code == 403
    assert not organizer.has_perm("auth.change_permission")
    index = client.get(reverse("admin:index")).content.decode()
    assert "Users" not in index and "Groups" not in index


def test_an_organizer_can_revert_and_recover(client, organizer):
    client.force_login(organizer)
    assert client.get(reverse("admin:esfomo_page_recoverlist")).status_code == 200
    assert organizer.has_perms(["esfomo.add_page", "esfomo.change_page", "esfomo.delete_page"])


def test_the_group_is_recreated_identically_by_its_migration():
    # The permissions exist before the group is filled: the migration creates them itself.
    assert Permission.objects.filter(codename="change_talkspeaker").exists()
    assert Group.objects.filter(name="Organizers").count() == 1
