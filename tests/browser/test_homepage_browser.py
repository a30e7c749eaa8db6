"""The homepage in a real browser: phone and desktop, light and dark, no errors, no sideways scroll."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def open_page(page, url, errors):
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    return response


def scroll_through(page):
    """Scroll to the bottom so lazy images load, as a visitor would."""
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height, 600):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(30)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_homepage_renders_cleanly(demo_site, page, screenshot_dir, viewport, scheme):
    page.set_viewport_size(VIEWPORTS[viewport])
    page.emulate_media(color_scheme=scheme)
    errors = []
    response = open_page(page, demo_site.url + "/", errors)
    assert response.status == 200
    scroll_through(page)
    page.screenshot(path=screenshot_dir / f"home-{viewport}-{scheme}.png", full_page=True)

    assert errors == []
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow == 0
    # Every portrait loaded from a rendition, none broken.
    broken = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")
    assert broken == []
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert (background == "rgb(18, 21, 19)") == (scheme == "dark")
    # The demo sponsor's logo is drawn for light backgrounds: in dark mode it sits on a light plate.
    plate = page.evaluate("getComputedStyle(document.querySelector('.sponsor a')).backgroundColor")
    assert (plate == "rgb(245, 247, 245)") == (scheme == "dark")


def test_the_theme_toggle_overrides_the_system_and_is_remembered(demo_site, page):
    page.emulate_media(color_scheme="light")
    page.goto(demo_site.url + "/")
    toggle = page.get_by_role("button", name="Colour theme: auto (change)")
    toggle.click()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(18, 21, 19)"
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    page.get_by_role("button", name="Colour theme: dark (change)").click()
    assert page.evaluate("document.documentElement.dataset.theme") == "light"


def test_skip_link_is_the_first_stop_and_moves_to_the_content(demo_site, page):
    page.goto(demo_site.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/", "/call/", "/papers/", "/2024/", "/people/tri-dao/", "/no-such-page/"])
def test_pages_pass_the_axe_accessibility_audit(demo_site, page, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(demo_site.url + path)
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()
