"""Importing the 2025 site's al-folio checkout reproduces the demo edition.

The demo follows the homepage as it stood before the workshop (the seed); the checkout is the site
after it. Their differences are spelled out in `post_workshop` below, and nothing else may differ.
The seed's own homepage, imported from the same checkout, gives the demo exactly.
"""

import copy
import io
import shutil

import pytest
from PIL import Image

from esfomo.common.markup import render_markdown
from esfomo.models import Edition
from people.models import Person, Sponsor
from tests.conftest import DATA

from .conftest import SAMPLE, SAMPLE_OPTIONS, run_import, snapshot, without_editions

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    """The demo edition as seed_demo made it, then removed so the import starts from nothing."""
    expected = snapshot(Edition.objects.get(year=2025))
    without_editions(2025)
    return expected


def post_workshop(demo: dict) -> dict:
    """The demo as the site showed it after the workshop: what the checkout says differently."""
    expected = copy.deepcopy(demo)
    expected["edition"]["room"] = "East Exhibition Hall A"
    sessions = expected["sessions"]
    spotlight = next(s for s in sessions if s["kind"] == "spotlight")
    spotlight.update(title="Lightning Talks", description="Spotlight Papers")
    closing = sessions[-1]
    talk = {"title": "H-Nets", "paper": None, "start": None, "speakers": [("albert-gu", "", "CMU / Cartesia AI")]}
    gu = {"kind": "invited_talk", "title": "Invited Talk", "start": "16:30", "end": "17:00", "room": ""}
    gu.update(description="", talks=[talk])
    closing.update(start="17:00", end="17:30")  # the last row has no end: it lasts --last-session-minutes (30)
    sessions.insert(len(sessions) - 1, gu)
    room_bullet = (
        "- Find us in room **East Exhibition Hall A**, and check-out the schedule below, and the accepted papers on "
        "[OpenReview](https://openreview.net/group?id=ICML.cc/2025/Workshop/ES-FoMo-III)."
    )
    body = (
        "➡️ **ES-FoMO is back for ICML 2025!** Submissions are live on "
        "[OpenReview](https://openreview.net/group?id=ICML.cc/2025/Workshop/ES-FoMo-III)!"
    )
    assert expected["announcements"] == [render_markdown(body, top_heading=3)]
    expected["announcements"] = [render_markdown(f"{body}\n\n{room_bullet}", top_heading=3)]
    return expected


def test_importing_the_sample_reproduces_the_demo_edition_after_the_workshop(demo):
    output = run_import(SAMPLE, *SAMPLE_OPTIONS, "--publish")
    imported = snapshot(Edition.objects.get(year=2025))
    expected = post_workshop(demo)
    for part in expected:
        assert imported[part] == expected[part], part
    assert "Imported:" in output


def test_importing_the_seed_homepage_gives_the_demo_exactly(demo, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(SAMPLE, site)
    # The seed as saved, with its broken encoding: the importer repairs it as it reads.
    shutil.copy(DATA / "seed-homepage.md", site / "_pages" / "about.md")
    run_import(site, *SAMPLE_OPTIONS, "--publish")
    imported = snapshot(Edition.objects.get(year=2025))
    for part in demo:
        assert imported[part] == demo[part], part


def test_the_sites_order_roles_and_hidden_cards(demo):
    run_import(SAMPLE, *SAMPLE_OPTIONS)
    roles = snapshot(Edition.objects.get(year=2025))["roles"]
    assert [slug for slug, _ in roles["speaker"]] == [
        "baris-kasikci", "albert-gu", "hagay-lupesko", "wanchao-liang", "zach-charles", "avanika-narayan",
    ]  # fmt: skip
    assert ("dylan-patel", "SemiAnalysis") in roles["hidden"]
    # Dylan Patel has two cards (dylan.md, dylan_speaker.md): one person, one hidden role.
    assert Person.objects.filter(given_name="Dylan", family_name="Patel").count() == 1


def test_a_new_edition_is_unpublished_unless_asked(demo):
    run_import(SAMPLE, *SAMPLE_OPTIONS)
    assert not Edition.objects.get(year=2025).is_published


def stored_image(field_file) -> tuple[Image.Image, bytes]:
    with field_file.storage.open(field_file.name, "rb") as handle:
        data = handle.read()
    image = Image.open(io.BytesIO(data))
    image.load()
    return image, data


def test_photos_are_imported_upright_and_without_metadata(demo):
    output = run_import(SAMPLE, *SAMPLE_OPTIONS)
    deepak = Person.objects.get(slug="deepak-narayanan")
    image, _ = stored_image(deepak.photo)
    # deepak.JPG is stored 1200 × 900 with EXIF orientation 6: upright it is 900 × 1200.
    assert image.size == (900, 1200) == (deepak.photo_width, deepak.photo_height)
    for slug in ("dan-fu", "tri-dao"):
        image, data = stored_image(Person.objects.get(slug=slug).photo)
        assert not image.getexif() and b"Exif" not in data
    logo, _ = stored_image(Sponsor.objects.get(edition__year=2025).logo)
    assert logo.mode == "RGBA"  # the logo keeps its transparency
    assert not Person.objects.get(slug="hailey-schoelkopf").photo
    assert "_projects/hailey.md:5: the image assets/img/hailey.jpeg is not in the checkout" in output
    assert "images: 26 imported, 1 missing" in output
