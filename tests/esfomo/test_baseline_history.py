"""Content that arrives by a command has a version in the history, so the first edit made to it can be undone."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Version

from esfomo.models import Edition, Page
from program.models import Paper, Session
from tests.conftest import DATA
from tests.esfomo.test_history import edit, revert

pytestmark = pytest.mark.django_db


def first_edit_is_undone(admin_client, obj, field, accident):
    """An organizer's first edit of `obj` goes wrong; they revert to the version the command recorded."""
    model = obj._meta.model_name
    app = obj._meta.app_label
    baselines = list(Version.objects.get_for_object(obj))
    assert len(baselines) == 1, "the command recorded no version of what it wrote"
    original = getattr(obj, field)
    edit(admin_client, reverse(f"admin:{app}_{model}_change", args=[obj.pk]), f"{model}_form", **{field: accident})
    obj.refresh_from_db()
    assert getattr(obj, field) == accident
    revision = reverse(f"admin:{app}_{model}_revision", args=[obj.pk, baselines[0].pk])
    revert(admin_client, revision, f"{model}_form")
    obj.refresh_from_db()
    assert getattr(obj, field) == original


def test_the_demo(admin_client):
    Edition.objects.all().delete()
    call_command("seed_demo", stdout=io.StringIO())
    page = Page.objects.get(edition__year=2025, slug="call")
    first_edit_is_undone(admin_client, page, "title", "call for papres")


def test_an_al_folio_site(admin_client):
    call_command("import_alfolio", str(DATA / "alfolio-earlier-edition"), stdout=io.StringIO(), stderr=io.StringIO())
    session = Session.objects.exclude(edition__year__in=[2024, 2025]).order_by("start").first()
    first_edit_is_undone(admin_client, session, "title", "Opening remarsk")


def test_an_edition_archive(admin_client, tmp_path):
    path = tmp_path / "esfomo-2025.zip"
    call_command("export_edition", "2025", str(path), stdout=io.StringIO())
    Edition.objects.get(year=2025).delete()
    call_command("import_edition", str(path), stdout=io.StringIO())
    page = Page.objects.get(edition__year=2025, slug="call")
    first_edit_is_undone(admin_client, page, "title", "call for papres")


def test_openreview_papers(admin_client):
    Paper.objects.filter(edition__year=2025).delete()
    notes = DATA / "openreview" / "es-fomo-2025-notes.json"
    call_command("import_openreview", "--file", str(notes), "--edition", "2025", stdout=io.StringIO())
    paper = Paper.objects.filter(edition__year=2025).order_by("title").first()
    first_edit_is_undone(admin_client, paper, "title", "A typo in the title")


def test_a_cloned_edition(admin_client):
    call_command("clone_edition", "2025", "2026", "--date", "2026-07-17", stdout=io.StringIO())
    session = Session.objects.filter(edition__year=2026).order_by("start").first()
    assert session.start.date() == datetime.date(2026, 7, 17)
    first_edit_is_undone(admin_client, session, "title", "Openign remarks")
