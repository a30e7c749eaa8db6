"""Editions at their addresses: the current one at `/`, past ones by year, drafts for staff only."""

import re

import pytest
from django.conf import settings

from esfomo.models import Edition
from tests.factories import EditionFactory, PageFactory

pytestmark = pytest.mark.django_db


def shown_year(response) -> int:
    """Return the year of the edition a page shows, as its header names it."""
    return int(re.search(r'<span class="brand-year">(\d+)</span>', response.content.decode()).group(1))


def test_root_shows_the_current_edition(client):
    assert shown_year(client.get("/")) == 2025


def test_past_edition_has_its_own_homepage_and_links_to_the_others(client):
    response = client.get("/2024/")
    assert response.status_code == 200
    assert shown_year(response) == 2024
    html = response.content.decode()
    assert 'Join us at <strong><a href="https://icml.cc/Conferences/2024">ICML 2024</a></strong> in Vienna!' in html
    assert 'href="/"' in html  # the current edition, in the editions menu
    assert 'href="/2024/" aria-current="page"' in html


def test_the_current_edition_is_also_at_its_year(client):
    assert shown_year(client.get("/2025/")) == 2025


def test_past_edition_pages_live_under_their_year(client):
    edition = EditionFactory(year=2023)
    PageFactory(edition=edition, slug="call", title="call for papers 2023")
    response = client.get("/2023/call/")
    assert response.status_code == 200
    assert "call for papers 2023" in response.content.decode()
    # `/call/` stays the current edition's call.
    assert "call for papers 2023" not in client.get("/call/").content.decode()


@pytest.mark.parametrize("path", ["/1999/", "/1999/call/", "/no-such-page/", "/2024/call/", "/papers/nope/"])
def test_unknown_years_and_pages_are_404_in_the_site_look(client, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "page not found" in html
    assert 'class="site-header"' in html and "/static/css/site" in html


def test_unpublished_edition_is_hidden_from_visitors_and_previewed_by_staff(client, admin_client):
    EditionFactory(year=2026, is_published=False)
    assert client.get("/2026/").status_code == 404
    assert admin_client.get("/2026/").status_code == 200
    # A draft never shows up in the public editions menu.
    assert 'href="/2026/"' not in client.get("/").content.decode()


def test_unpublished_page_is_hidden_from_visitors(client, admin_client):
    PageFactory(edition=Edition.objects.get(year=2025), slug="draft", title="Draft page", is_published=False)
    assert client.get("/draft/").status_code == 404
    assert admin_client.get("/draft/").status_code == 200


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


def test_robots_and_sitemap(client):
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in robots and f"Sitemap: {settings.SITE_URL}/sitemap.xml" in robots
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"<loc>{settings.SITE_URL}/</loc>" in sitemap
    assert f"<loc>{settings.SITE_URL}/2024/</loc>" in sitemap
    assert f"<loc>{settings.SITE_URL}/call/</loc>" in sitemap
