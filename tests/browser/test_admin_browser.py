"""The organizers' admin in a real browser: add a speaker with a photo, drag them first, lose nothing."""

import io

import pytest
from django.contrib.auth.models import Group
from PIL import Image, ImageDraw

from esfomo.content.groups import GROUP, ensure_organizers_group
from esfomo.models import Edition, Page
from people.models import Person, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long organizer passphrase"


@pytest.fixture
def organizer(demo_site, django_user_model):
    """An organizer account (the test database was flushed, so the group is made as `migrate` makes it)."""
    ensure_organizers_group()
    user = django_user_model.objects.create_user("grace", password=PASSWORD, is_staff=True, first_name="Grace")
    user.groups.add(Group.objects.get(name=GROUP))
    return user


def log_in(page, site, user):
    page.goto(site.url + "/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(site.url + "/admin/")


def portrait_file(tmp_path):
    image = Image.new("RGB", (600, 600), (40, 90, 160))
    ImageDraw.Draw(image).ellipse((150, 100, 450, 400), fill=(240, 200, 170))
    path = tmp_path / "new-speaker.jpg"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    path.write_bytes(buffer.getvalue())
    return path


def drag(page, handle, target):
    """Drag with the mouse as a person does: press, nudge so the drag starts, move onto the target, let go."""
    # Both rows must be on screen: bring the top of the list to the top of the window.
    target.evaluate("element => element.closest('fieldset').scrollIntoView({block: 'start'})")
    start, end = handle.bounding_box(), target.bounding_box()
    x, y = start["x"] + 20, start["y"] + start["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y - 10, steps=5)
    page.wait_for_timeout(200)
    page.mouse.move(x, end["y"] + 3, steps=30)
    page.wait_for_timeout(200)
    page.mouse.up()


def homepage_speakers(page, site):
    page.goto(site.url + "/")
    return page.locator('section[aria-labelledby="the-speakers"] .card-name b').all_inner_texts()


def test_an_organizer_adds_a_speaker_with_a_photo_and_drags_them_first(
    demo_site, organizer, page, screenshot_dir, tmp_path
):
    page.set_viewport_size({"width": 1400, "height": 1000})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, demo_site, organizer)
    assert "Users" not in page.locator("#content-main").inner_text()

    # Add the person, with a photo and their role as an invited speaker of 2025.
    page.goto(demo_site.url + "/admin/people/person/add/")
    page.get_by_label("Given name").fill("Nadia")
    page.get_by_label("Family name").fill("Newcomer")
    page.locator("#id_photo").set_input_files(portrait_file(tmp_path))
    page.get_by_label("Photo description").fill("Nadia Newcomer in front of a blue wall")
    page.get_by_role("button", name="Add another Role").click()
    page.locator("#id_roles-0-edition").select_option(label="ES-FoMo III (2025)")
    page.locator("#id_roles-0-kind").select_option(label="Invited speaker")
    page.locator("#id_roles-0-affiliation").fill("Example Institute")
    page.screenshot(path=screenshot_dir / "admin-add-speaker.png", full_page=True)
    page.get_by_role("button", name="Save", exact=True).click()
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    nadia = Person.objects.get(family_name="Newcomer")
    assert nadia.photo and nadia.photo.name.endswith(".jpg")
    assert homepage_speakers(page, demo_site)[-1] == "Nadia"

    # On the edition's people page, drag her row above the first speaker.
    edition = Edition.objects.get(year=2025)
    page.goto(demo_site.url + f"/admin/esfomo/edition/{edition.pk}/change/")
    page.get_by_role("link", name="Speakers, organizers and sponsors").click()
    speakers = page.locator("#roles-group tr.has_original")
    first_name = speakers.first.locator("td.original p").inner_text()
    assert "Nadia Newcomer" in speakers.last.locator("td.original p").inner_text()
    drag(page, speakers.last.locator("td.original p"), speakers.first.locator("td.original p"))
    assert "Nadia Newcomer" in speakers.first.locator("td.original p").inner_text()
    assert first_name in speakers.nth(1).locator("td.original p").inner_text()
    page.locator("#roles-group").screenshot(path=screenshot_dir / "admin-speakers-dragged.png")
    page.get_by_role("button", name="Save and continue editing").click()
    assert "was changed successfully" in page.locator(".messagelist").inner_text()

    assert Role.objects.for_edition(edition).speakers().first().person == nadia
    assert homepage_speakers(page, demo_site)[0] == "Nadia"
    page.locator('section[aria-labelledby="the-speakers"]').screenshot(path=screenshot_dir / "home-speaker-first.png")
    assert errors == []


def test_a_conflicting_save_is_refused_and_the_text_is_kept(demo_site, organizer, page, screenshot_dir):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, demo_site, organizer)
    call = Page.objects.get(edition__year=2025, slug="call")
    page.goto(demo_site.url + f"/admin/esfomo/page/{call.pk}/change/")
    mine = "My new paragraph about the workshop, typed just before the deadline."
    page.get_by_label("Text").fill(mine)

    # Meanwhile another organizer saves the same page.
    call.body = call.body + "\n\nTheir addition."
    call.save()

    page.get_by_role("button", name="Save and continue editing").click()
    error = page.locator(".errorlist").first
    assert "saved this page" in error.inner_text()
    assert "Your changes are not saved yet" in error.inner_text()
    assert page.get_by_label("Text").input_value() == mine
    page.screenshot(path=screenshot_dir / "admin-conflict-refused.png", full_page=False)
    assert Page.objects.get(pk=call.pk).body.endswith("Their addition.")

    # Saving again is the deliberate choice to replace their version with this one.
    page.get_by_role("button", name="Save and continue editing").click()
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    assert Page.objects.get(pk=call.pk).body == mine


def test_the_readiness_page_leads_to_what_to_fix(demo_site, organizer, page, screenshot_dir):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, demo_site, organizer)
    edition = Edition.objects.get(year=2025)
    page.goto(demo_site.url + f"/admin/esfomo/edition/{edition.pk}/change/")
    page.get_by_role("link", name="Readiness").click()
    headings = page.locator("section.readiness-section h2").all_inner_texts()
    assert [heading.split(" (")[0] for heading in headings][:4] == ["Important dates", "People", "Sponsors", "Sessions"]
    page.screenshot(path=screenshot_dir / "admin-readiness.png", full_page=True)

    page.get_by_role("link", name="“Spotlight Lightning Talks” at 11:15 has no talk or speaker yet.").click()
    assert page.locator("#id_title").input_value() == "Spotlight Lightning Talks"
