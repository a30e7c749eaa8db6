"""The demo homepage shows every section and every row of the static page it replaces."""

import datetime
import re

import lxml.html
import markdown
import pytest
import yaml

from esfomo.common.encoding import repair_text
from esfomo.models import Edition, ImportantDate
from tests.conftest import DATA

pytestmark = pytest.mark.django_db

SEED = repair_text((DATA / "seed-homepage.md").read_text(encoding="utf-8"))
CARDS = DATA / "alfolio-sample" / "_projects"


def text_of(element) -> str:
    """Visible text of an element, with line breaks as spaces and whitespace collapsed."""
    html = lxml.html.tostring(element, encoding="unicode")
    html = re.sub(r"<br\s*/?>", " ", html)
    return " ".join(lxml.html.fromstring(html).text_content().split())


def markdown_text(fragment: str) -> str:
    """The text a markdown fragment shows (the seed's cells and paragraphs)."""
    html = markdown.markdown(fragment.replace("<br>", " "), extensions=["smarty"])
    return " ".join(lxml.html.fromstring(f"<div>{html}</div>").text_content().split())


def seed_section(heading: str) -> str:
    match = re.search(rf"^## \S+ {heading}\n(.*?)(?=^## |\Z)", SEED, re.MULTILINE | re.DOTALL)
    assert match, heading
    return match.group(1)


def seed_plan_rows():
    rows = []
    for line in seed_section("the plan").splitlines():
        if not line.startswith("|") or set(line) <= set("|- "):
            continue
        cells = [markdown_text(cell) for cell in line.strip().strip("|").split("|")]
        if cells[1:] == ["Topic", "Speaker"]:
            continue
        rows.append(without_trailing_blanks(cells))
    return rows


def without_trailing_blanks(cells):
    while cells and not cells[-1]:
        cells = cells[:-1]
    return cells


def card_names(category):
    cards = []
    for path in CARDS.glob("*.md"):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        if front["category"] == category:
            name = " ".join(re.sub(r"<[^>]+>", " ", front["title"]).split())
            cards.append((front["importance"], name, front["description"] or ""))
    return [(name, affiliation) for _, name, affiliation in sorted(cards)]


@pytest.fixture
def home(client):
    response = client.get("/")
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def test_the_plan_shows_every_seed_row_in_order_with_its_time(home):
    page_rows = [
        without_trailing_blanks([text_of(cell) for cell in row.xpath("./td|./th")])
        for row in home.cssselect("table.plan tbody tr")
    ]
    assert page_rows == seed_plan_rows()


def test_plan_times_carry_the_edition_zone_offset(home):
    first = home.cssselect("table.plan tbody time")[0]
    assert first.text == "8:30am"
    assert first.get("datetime") == "2025-07-18T08:30:00-07:00"
    assert "All times PT. Full schedule to be confirmed." in text_of(home.cssselect(".plan-note")[0])


def test_banner_subtitle_and_tagline(home):
    banner = home.cssselect(".banner img")[0]
    assert banner.get("alt") and banner.get("width") and banner.get("height")
    assert text_of(home.cssselect(".subtitle")[0]) == (
        "Workshop at the International Conference on Machine Learning (ICML) 2025."
    )
    # kramdown (the old site) and our markdown both set "--" as an en dash.
    assert text_of(home.cssselect(".tagline")[0]) == "Code it, run it, crash it–restart it."


def test_announcement_with_submission_link_and_both_extended_deadlines(home):
    box = home.cssselect(".announcement")[0]
    text = text_of(box)
    assert "➡️ ES-FoMO is back for ICML 2025! Submissions are live on OpenReview!" in text
    assert box.cssselect("a")[0].get("href") == "https://openreview.net/group?id=ICML.cc/2025/Workshop/ES-FoMo-III"
    dates = [text_of(item) for item in box.cssselect(".announced-dates li")]
    assert dates == [
        "Submission deadline: May 27, 2025, 11:59 PM UTC — one-day extension for US Memorial Day",
        "Camera-ready deadline: July 3, 2025, 11:59 PM UTC — extension for OpenReview crashing",
    ]


def test_an_edition_with_nothing_to_announce_has_no_announcement_box(client):
    edition = Edition.objects.get(year=2024)
    assert not edition.announcements.exists() and not edition.important_dates.announced().exists()
    page = lxml.html.fromstring(client.get("/2024/").content.decode())
    assert page.cssselect(".announcement") == []
    ImportantDate.objects.create(
        edition=edition, label="Camera-ready deadline", date=datetime.date(2024, 7, 1), time=datetime.time(23, 59),
        zone=ImportantDate.Zone.UTC, announce=True,
    )  # fmt: skip
    page = lxml.html.fromstring(client.get("/2024/").content.decode())
    assert [text_of(item) for item in page.cssselect(".announcement .announced-dates li")] == [
        "Camera-ready deadline: July 1, 2024, 11:59 PM UTC"
    ]


def test_the_gist(home):
    gist = text_of(home.cssselect(".gist")[0])
    assert (
        markdown_text(
            "**what?** A workshop to bring together **interdisciplinary experts** working on the emerging research "
            "questions and challenges associated with **foundation model training and inference**."
        )
        in gist
    )
    assert "when & where? Join us at ICML 2025 in Vancouver!" in gist
    assert home.cssselect(".gist a")[0].get("href") == "https://icml.cc"
    assert "questions? Contact us at esfomo.workshop@gmail.com." in gist


def test_the_pitch_has_every_paragraph_and_bullet_of_the_seed(home):
    section = home.xpath("//section[@aria-labelledby='the-pitch']")[0]
    page_text = text_of(section)
    pitch = seed_section("the pitch").replace("<br>", "")
    blocks = [block for block in re.split(r"\n\s*\n|\n(?=\* )", pitch) if block.strip()]
    assert len(blocks) > 8
    for block in blocks:
        assert markdown_text(block.removeprefix("* ")) in page_text
    assert section.cssselect("a")[0].get("href") == "/call/"


@pytest.mark.parametrize(
    ("heading", "emoji"),
    [("the gist", "🔥"), ("the plan", "📆"), ("the pitch", "🦾"), ("the speakers", "🧑‍🏫"), ("the organizers", "😎")],
)
def test_every_seed_heading_with_its_emoji(home, heading, emoji):
    headings = {text_of(h2) for h2 in home.cssselect("h2")}
    assert f"{emoji} {heading}" in headings
    assert f"## {emoji} {heading}" in SEED


@pytest.mark.parametrize(("section", "category"), [("the-speakers", "speaker"), ("the-organizers", "organizer")])
def test_people_cards_in_the_order_of_the_site_with_links_and_affiliations(home, section, category):
    cards = home.xpath(f"//section[@aria-labelledby='{section}']//li[contains(@class, 'card')]")
    shown = [
        (text_of(card.cssselect(".card-name")[0]), text_of(card.cssselect(".card-affiliation")[0])) for card in cards
    ]
    assert shown == card_names(category)
    for card in cards:
        assert card.cssselect("a")[0].get("href").startswith("http")
        image = card.cssselect("img")[0]
        assert image.get("alt").startswith("Portrait of ")
        assert (image.get("width"), image.get("height")) == ("160", "160")
        assert image.get("loading") == "lazy"


def test_hidden_cards_are_not_shown(home):
    names = {text_of(name) for name in home.cssselect(".card-name")}
    hidden = {name for name, _ in card_names("none")}
    assert hidden and not names & hidden


def test_sponsors(home):
    logos = home.cssselect(".sponsors img")
    assert [logo.get("alt") for logo in logos] == ["Together AI"]
    assert home.cssselect(".sponsors a")[0].get("href") == "https://www.together.xyz"


def test_speakers_intro(home):
    section = home.xpath("//section[@aria-labelledby='the-speakers']")[0]
    assert "This year, we're excited to welcome a number of excellent speakers" in text_of(section).replace("’", "'")


def test_call_page_shows_the_call_and_its_important_dates(client):
    response = client.get("/call/")
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content.decode())
    assert text_of(page.cssselect("h1")[0]) == "📝 call for papers"
    dates = [text_of(item) for item in page.cssselect(".dates li")]
    assert dates == [
        "Submission deadline: May 27, 2025, 11:59 PM UTC — one-day extension for US Memorial Day",
        "Acceptance notification: June 9, 2025",
        "Camera-ready deadline: July 3, 2025, 11:59 PM UTC — extension for OpenReview crashing",
    ]
    text = text_of(page.cssselect("article")[0])
    assert "Implementation details, performance benchmarks, and other nitty gritty details are welcome" in text
    assert "Programming languages and compilers for efficient training and inference;" in text
    same_page_by_year = lxml.html.fromstring(client.get("/2025/call/").content.decode())
    assert text_of(same_page_by_year.cssselect("article")[0]) == text
