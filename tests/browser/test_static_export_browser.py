"""The static archive in a real browser, served by Python's plain file server: the plan's script without a server."""

import datetime
import time
import zoneinfo

import pytest

from esfomo.pages.static_export import export_site
from tests.esfomo.test_static_export import file_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The demo's workshop day, in the middle of its first orals session.
DURING_THE_WORKSHOP = datetime.datetime(2025, 7, 18, 10, 50, tzinfo=zoneinfo.ZoneInfo("America/Vancouver"))


@pytest.fixture
def archive_url(demo_site, tmp_path):
    folder = tmp_path / "site"
    export_site(folder, base_url="https://archive.example.org")
    with file_server(folder) as url:
        yield url


@pytest.fixture
def visitor(browser):
    contexts = []

    def open_page(zone):
        context = browser.new_context(timezone_id=zone)
        contexts.append(context)
        page = context.new_page()
        page.clock.install(time=DURING_THE_WORKSHOP)
        errors = []
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page, errors

    yield open_page
    for context in contexts:
        context.close()


def not_shown(page, seconds=10):
    """The images of the page that have not loaded after a few seconds (a slow machine may still be busy)."""
    deadline = time.monotonic() + seconds
    while True:
        missing = page.evaluate(
            "[...document.images].filter(img => !(img.complete && img.naturalWidth)).map(img => img.src)"
        )
        if not missing or time.monotonic() > deadline:
            return missing
        time.sleep(0.2)


def test_the_archived_homepage_switches_time_zones_and_says_nothing_of_now(archive_url, demo_site, visitor,
                                                                          screenshot_dir):  # fmt: skip
    page, errors = visitor("Europe/Berlin")
    page.goto(archive_url + "/")
    # Every photo now, not only those scrolled to.
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(img => { img.loading = 'eager'; })")
    # Styles, scripts and every photo came from the folder.
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).display") != "inline"
    assert not_shown(page) == []
    assert page.locator("img").count() > 10
    # The archive of a past event: even on the workshop day's clock, nothing is "now" or "next".
    assert page.locator(".is-now, .is-next").count() == 0
    assert page.locator(".jump-now").is_hidden()
    # The time-zone switch works without a server.
    page.get_by_role("button", name="Your time (Europe/Berlin)").click()
    assert page.locator("table.plan time").first.inner_text() == "5:30pm"
    page.get_by_role("button", name="PT (venue)").click()
    page.screenshot(path=screenshot_dir / "archive-home.png", full_page=True)
    assert errors == []

    # The live site, on the same clock, does mark now and next: the archive's silence is its own.
    live, _ = visitor("Europe/Berlin")
    live.goto(demo_site.url + "/")
    assert live.locator(".plan-row.is-now").count() > 0


def test_an_archived_person_page_and_the_not_found_page(archive_url, visitor, screenshot_dir):
    page, errors = visitor("America/Vancouver")
    page.goto(archive_url + "/people/tri-dao/")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Tri Dao"
    assert page.evaluate("document.querySelector('img.portrait').naturalWidth") > 0
    page.screenshot(path=screenshot_dir / "archive-person.png", full_page=True)
    page.get_by_role("link", name="All the people of ES-FoMo").click()
    assert page.url == archive_url + "/people/"
    page.goto(archive_url + "/404.html")
    assert page.locator("h1").inner_text().endswith("page not found")
    assert errors == []
