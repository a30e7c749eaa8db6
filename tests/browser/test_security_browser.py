"""In a real browser, the Content Security Policy blocks nothing the site itself needs."""

import json

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Chromium reports each violation as a DOM event and a console error; both are collected.
COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""
PUBLIC_PAGES = ["/", "/call/", "/papers/", "/2024/", "/people/tri-dao/", "/no-such-page/"]
PASSWORD = "a long passphrase 42"


def watch(page):
    """Start collecting CSP violations and console errors of a page; return the list they go to."""
    problems = []
    page.add_init_script(COLLECT_VIOLATIONS)
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def violations(page, problems):
    page.wait_for_load_state("networkidle")
    return [*page.evaluate("window.__violations"), *(p for p in problems if "Content Security Policy" in p)]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_raise_no_policy_violation(demo_site, page, path):
    problems = watch(page)
    response = page.goto(demo_site.url + path)
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.get_by_role("button", name="Colour theme: auto (change)").click()  # the site's script runs
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert violations(page, problems) == []
    # The only error allowed is the 404 page's own status.
    assert [p for p in problems if "status of 404" not in p] == []


@pytest.mark.urls("tests.browser.probe_urls")
def test_json_ld_data_blocks_are_readable_and_not_blocked(demo_site, page):
    problems = watch(page)
    page.goto(demo_site.url + "/csp-probe/")
    assert violations(page, problems) == []
    data = page.evaluate("document.querySelector('script[type=\"application/ld+json\"]').textContent")
    assert json.loads(data)["@type"] == "Event"


@pytest.mark.urls("tests.browser.probe_urls")
def test_inline_script_and_style_are_blocked_on_public_pages(demo_site, page):
    """The control for the tests above: an inline script would be refused, and reported."""
    problems = watch(page)
    page.goto(demo_site.url + "/csp-probe/?inline=1")
    found = violations(page, problems)
    assert any(v.startswith("script-src") for v in found), found
    assert any(v.startswith("style-src") for v in found), found
    assert page.title() != "inline script ran"


def sign_in(page, url, username="organizer", password=PASSWORD):
    page.goto(url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


@pytest.fixture
def organizer(django_user_model):
    return django_user_model.objects.create_superuser("organizer", "o@example.org", PASSWORD)


def test_the_admin_works_under_its_policy(demo_site, page, organizer, screenshot_dir):
    from esfomo.models import Edition
    from people.models import Person

    problems = watch(page)
    failed = []
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    sign_in(page, demo_site.url)
    page.wait_for_url("**/admin/")
    assert violations(page, problems) == []

    edition = Edition.objects.get(year=2025)
    page.goto(f"{demo_site.url}/admin/esfomo/edition/{edition.pk}/change/")
    page.get_by_role("link", name="Choose a Date").first.click()  # the calendar widget
    page.locator(".calendarbox").first.wait_for(state="visible")
    page.screenshot(path=screenshot_dir / "admin-edition-calendar.png")
    assert violations(page, problems) == []

    page.goto(f"{demo_site.url}/admin/people/role/add/")
    page.locator(".select2-selection").first.click()  # the autocomplete widget
    page.locator(".select2-search__field").fill("Tri")
    page.locator(".select2-results__option", has_text="Tri Dao").wait_for()
    page.screenshot(path=screenshot_dir / "admin-role-autocomplete.png")
    assert violations(page, problems) == []

    person = Person.objects.get(slug="tri-dao")
    page.goto(f"{demo_site.url}/admin/people/person/{person.pk}/change/")
    page.get_by_role("button", name="Save", exact=True).click()
    assert "was changed successfully" in page.locator(".messagelist").inner_text()

    for path in ("/admin/people/person/add/", "/admin/program/session/add/", "/admin/people/sponsor/add/",
                 "/admin/esfomo/page/", "/admin/program/talk/add/"):  # fmt: skip
        page.goto(demo_site.url + path)
        assert violations(page, problems) == [], path
    # The admin's pages name no icon, so the browser asks for /favicon.ico; nothing else may fail.
    assert {url.removeprefix(demo_site.url) for url in failed} <= {"/favicon.ico"}
    assert [p for p in problems if "status of 404" not in p] == []


def test_repeated_failed_logins_show_the_lockout_page_until_a_superuser_unlocks(
    demo_site, page, organizer, screenshot_dir
):
    from django.core.management import call_command

    problems = watch(page)
    for _ in range(4):
        sign_in(page, demo_site.url, password="wrong password")
        assert page.get_by_text("Please enter the correct username and password").is_visible()
    sign_in(page, demo_site.url, password="wrong password")
    heading = page.get_by_role("heading", name="sign-in paused")
    assert heading.is_visible()
    assert "ask an organizer with superuser rights" in page.locator("main").inner_text()
    page.screenshot(path=screenshot_dir / "lockout.png", full_page=True)
    assert violations(page, problems) == []

    sign_in(page, demo_site.url)  # the right password does not help while locked out
    assert page.get_by_role("heading", name="sign-in paused").is_visible()

    call_command("axes_reset_username", "organizer", verbosity=0)
    call_command("axes_reset_ip", "127.0.0.1", verbosity=0)
    sign_in(page, demo_site.url)
    page.wait_for_url("**/admin/")
    assert page.get_by_role("heading", name="Site content").is_visible()
