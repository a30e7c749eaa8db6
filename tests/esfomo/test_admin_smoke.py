"""Every model is registered in the admin, and its list and add pages open."""

import pytest
from django.contrib import admin
from django.urls import reverse

from esfomo.models import Announcement, Edition, ImportantDate, Page
from people.models import Person, Role, Sponsor
from program.models import Paper, Session, Talk

pytestmark = pytest.mark.django_db

ADMIN_MODELS = [Edition, Page, Announcement, Person, Role, Sponsor, Session, Talk, Paper]


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m.__name__)
def test_model_is_registered_and_its_pages_open(admin_client, model):
    assert admin.site.is_registered(model)
    opts = model._meta
    assert admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200
    first = model.objects.first()
    if first is not None:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
        assert admin_client.get(url).status_code == 200


def test_important_dates_are_edited_inside_their_edition(admin_client):
    edition = Edition.objects.get(year=2025)
    html = admin_client.get(reverse("admin:esfomo_edition_change", args=[edition.pk])).content.decode()
    assert ImportantDate.objects.filter(edition=edition).exists()
    assert "Camera-ready deadline" in html
