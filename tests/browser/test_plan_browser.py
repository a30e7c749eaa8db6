"""The plan in a real browser: the time-zone switch, now and next on a fixed clock, print, without script."""

import datetime
import re
import zoneinfo

import pytest
from axe_playwright_python.sync_playwright import Axe

from program.models import Paper, Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VANCOUVER = zoneinfo.ZoneInfo("America/Vancouver")


def at(hour, minute, day=18):
    return datetime.datetime(2025, 7, day, hour, minute, tzinfo=VANCOUVER)


@pytest.fixture
def visitor(browser):
    """A browser context of a visitor in Berlin, with their own storage."""
    contexts = []

    def open_context(zone="Europe/Berlin", **options):
        context = browser.new_context(timezone_id=zone, **options)
        contexts.append(context)
        return context.new_page()

    yield open_context
    for context in contexts:
        context.close()


def first_time(page):
    return page.locator("table.plan time").first.inner_text()


def collect_errors(page):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_times_switch_to_the_visitors_zone_and_the_choice_is_remembered(demo_site, visitor, screenshot_dir):
    page = visitor("Europe/Berlin")
    errors = collect_errors(page)
    page.goto(demo_site.url + "/")
    # The venue's zone is the default, whatever the visitor's.
    assert first_time(page) == "8:30am"
    venue = page.get_by_role("button", name="PT (venue)")
    own = page.get_by_role("button", name="Your time (Europe/Berlin)")
    assert venue.get_attribute("aria-pressed") == "true"

    own.click()
    assert first_time(page) == "5:30pm"
    assert own.get_attribute("aria-pressed") == "true"
    note = "All times in your time zone (Europe/Berlin). Full schedule to be confirmed."
    assert page.locator(".plan-note").inner_text() == note
    # The machine-readable time never changes, only its display.
    assert page.locator("table.plan time").first.get_attribute("datetime") == "2025-07-18T08:30:00-07:00"
    page.locator(".plan-section").screenshot(path=screenshot_dir / "plan-berlin.png")

    page.reload()
    assert first_time(page) == "5:30pm"
    page.get_by_role("button", name="PT (venue)").click()
    assert first_time(page) == "8:30am"
    page.reload()
    assert first_time(page) == "8:30am"
    assert errors == []


def test_a_visitor_far_east_sees_which_day_a_talk_falls_on(demo_site, visitor):
    page = visitor("Asia/Tokyo")
    page.goto(demo_site.url + "/")
    page.get_by_role("button", name="Your time (Asia/Tokyo)").click()
    # 8:30am Friday in Vancouver is 0:30am Saturday in Tokyo.
    assert first_time(page) == "12:30am Sat"


def test_no_switch_for_a_visitor_already_in_the_venues_zone(demo_site, visitor):
    page = visitor("America/Los_Angeles")
    page.goto(demo_site.url + "/")
    assert page.locator(".zone-switch").is_hidden()
    assert first_time(page) == "8:30am"


def test_without_javascript_the_plan_is_complete_and_no_control_is_dead(demo_site, visitor, screenshot_dir):
    page = visitor("Europe/Berlin", java_script_enabled=False)
    page.goto(demo_site.url + "/")
    assert page.locator("table.plan tbody tr").count() == 19
    assert first_time(page) == "8:30am"
    assert page.locator(".zone-switch").is_hidden()
    assert page.locator(".jump-now").is_hidden()
    assert page.locator("a.add-cal").count() == 14
    page.screenshot(path=screenshot_dir / "home-no-script.png", full_page=True)


def test_now_and_next_on_the_workshop_day_with_a_fixed_clock(demo_site, visitor, screenshot_dir):
    cartridges = Paper.objects.get(title__startswith="Cartridges").pk
    zip2zip = Paper.objects.get(title__startswith="zip2zip").pk
    page = visitor("America/Vancouver")
    page.clock.install(time=at(10, 50))
    page.goto(demo_site.url + "/")

    now = page.locator(".plan-row.is-now")
    orals = Session.objects.get(title="Orals Session 1").pk
    # The session and, inside it, the talk on now.
    assert [row.get_attribute("id") for row in now.all()] == [f"session-{orals}", f"paper-slot-{cartridges}"]
    assert now.last.get_attribute("aria-current") == "time"
    assert [row.get_attribute("id") for row in page.locator(".plan-row.is-next").all()] == [f"paper-slot-{zip2zip}"]
    jump = page.get_by_role("link", name="Jump to now")
    assert jump.get_attribute("href") == f"#paper-slot-{cartridges}"
    page.locator(".plan-section").screenshot(path=screenshot_dir / "plan-now.png")

    # The highlight follows the clock: a quarter of an hour later the next talk is on.
    page.clock.run_for("15:00")
    assert page.locator(".plan-row.is-now").last.get_attribute("id") == f"paper-slot-{zip2zip}"
    assert page.locator(".plan-row.is-next").first.inner_text().startswith("11:15am")

    jump.click()
    assert page.evaluate("location.hash") == f"#paper-slot-{zip2zip}"


def test_before_the_first_session_the_page_points_at_what_is_next(demo_site, visitor):
    page = visitor("America/Vancouver")
    page.clock.install(time=at(7, 45))
    page.goto(demo_site.url + "/")
    assert page.locator(".plan-row.is-now").count() == 0
    assert page.locator(".plan-row.is-next").first.inner_text().startswith("8:30am")
    assert page.get_by_role("link", name="Jump to what is next").is_visible()


@pytest.mark.parametrize("moment", [at(10, 50, day=17), at(18, 0)], ids=["the day before", "after the workshop"])
def test_no_highlight_outside_the_workshop(demo_site, visitor, moment):
    page = visitor("America/Vancouver")
    page.clock.install(time=moment)
    page.goto(demo_site.url + "/")
    assert page.locator(".is-now, .is-next").count() == 0
    assert page.locator(".jump-now").is_hidden()


def test_each_session_offers_its_calendar_file(demo_site, visitor):
    page = visitor("America/Vancouver")
    page.goto(demo_site.url + "/")
    link = page.get_by_role("link", name="Add Opening Remarks at 8:30am to your calendar")
    response = page.request.get(demo_site.url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "SUMMARY:Opening Remarks" in response.text()


def test_the_printed_programme_fits_on_one_page(demo_site, visitor, screenshot_dir):
    page = visitor("America/Vancouver")
    page.goto(demo_site.url + "/")
    page.emulate_media(media="print")
    page.screenshot(path=screenshot_dir / "home-print.png", full_page=True)
    assert page.locator(".plan").first.is_visible()
    assert page.locator("#the-speakers").is_hidden()
    pdf = page.pdf(format="A4", path=screenshot_dir / "programme.pdf")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


@pytest.mark.parametrize("path", ["/", "/2025/papers/", "/people/", "/people/tri-dao/", "/call/"])
def test_new_and_changed_pages_pass_the_accessibility_audit_with_the_switch_shown(demo_site, visitor, path):
    page = visitor("Europe/Berlin")
    page.clock.install(time=at(10, 50))
    page.goto(demo_site.url + path)
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}], ids=["phone", "desktop"]
)
@pytest.mark.parametrize("path", ["/papers/", "/people/", "/people/hagay-lupesko/", "/"])
def test_papers_and_people_pages_render_cleanly(demo_site, visitor, screenshot_dir, path, viewport):
    from io import StringIO

    from django.core.management import call_command

    from tests.program.test_import_openreview import RECORDED

    call_command("import_openreview", "--file", str(RECORDED), "--edition", "2025", stdout=StringIO())
    page = visitor("Europe/Berlin", viewport=viewport)
    errors = collect_errors(page)
    page.goto(demo_site.url + path)
    page.wait_for_load_state("networkidle")
    name = path.strip("/").replace("/", "-") or "home"
    page.screenshot(path=screenshot_dir / f"{name}.png", full_page=True)
    assert errors == []
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
