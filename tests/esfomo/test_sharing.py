"""Found and shared: schema.org JSON-LD, OpenGraph and Twitter cards, the Atom feed, the sitemap, live notices."""

import datetime
import io
import json

import lxml.etree
import lxml.html
import pytest
from django.conf import settings
from django.utils import timezone
from PIL import Image

from esfomo.models import Announcement, Edition
from esfomo.pages import social_card
from program.models import Session
from tests.esfomo.test_homepage import text_of
from tests.factories import AnnouncementFactory, EditionFactory, PaperFactory

pytestmark = pytest.mark.django_db

PAGES = ["/", "/2024/", "/call/", "/papers/", "/people/", "/people/tri-dao/", "/2025/papers/"]


def html(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def json_ld(page):
    blocks = page.xpath("//script[@type='application/ld+json']")
    assert len(blocks) == 1
    return json.loads(blocks[0].text)


def test_the_homepage_describes_the_edition_as_a_schema_org_event(client):
    event = json_ld(html(client, "/"))
    assert (event["@context"], event["@type"]) == ("https://schema.org", "Event")
    assert event["name"] == "ES-FoMo III: Efficient Systems for Foundation Models"
    assert event["startDate"] == "2025-07-18T08:30:00-07:00"
    assert datetime.datetime.fromisoformat(event["startDate"]) == datetime.datetime(
        2025, 7, 18, 15, 30, tzinfo=datetime.UTC
    )
    assert event["location"] == {
        "@type": "Place",
        "name": "Vancouver Convention Center",
        "address": {"@type": "PostalAddress", "addressLocality": "Vancouver"},
    }
    assert event["superEvent"] == {"@type": "Event", "name": "ICML 2025", "url": "https://icml.cc"}
    assert [person["name"] for person in event["performer"]][:2] == ["Baris Kasikci", "Albert Gu"]
    assert len(event["organizer"]) == 11
    assert event["sponsor"] == [{"@type": "Organization", "name": "Together", "url": "https://www.together.xyz"}]
    assert event["image"][0].startswith(f"{settings.SITE_URL}/2025/card.png?v=")
    # Every session but the breaks, with its speakers.
    sessions = Session.objects.filter(edition__year=2025).exclude(kind=Session.Kind.BREAK)
    assert len(event["subEvent"]) == sessions.count()
    talk = next(sub for sub in event["subEvent"] if sub["name"].startswith("Invited Talk: Zero to 50"))
    assert talk["performer"] == [
        {
            "@type": "Person",
            "name": "Hagay Lupesko",
            "url": "https://www.linkedin.com/in/hagaylupesko/",
            "affiliation": {"@type": "Organization", "name": "Cerebras Systems"},
        }
    ]
    assert talk["url"].startswith(f"{settings.SITE_URL}/#session-")


def test_json_ld_cannot_break_out_of_its_block(client):
    edition = EditionFactory(title="</script><script>alert(1)</script> & <!-- more")
    page = client.get(f"/{edition.year}/").content.decode()
    assert "</script><script>alert(1)" not in page
    assert json_ld(lxml.html.fromstring(page))["name"].endswith("</script><script>alert(1)</script> & <!-- more")


@pytest.mark.parametrize("path", PAGES)
def test_no_inline_script_or_style_but_the_json_ld_data_block(client, path):
    page = html(client, path)
    for script in page.xpath("//script"):
        assert script.get("src") or script.get("type") == "application/ld+json", lxml.html.tostring(script)[:200]
    assert page.xpath("//style") == []
    assert page.xpath("//*[@style]") == []
    assert page.xpath("//@*[starts-with(name(), 'on')]") == []


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_opengraph_and_twitter_cards(client, path):
    page = html(client, path)

    def meta(attribute, name):
        return page.xpath(f"//meta[@{attribute}='{name}']/@content")[0]

    edition = Edition.objects.get(year=2024 if path.startswith("/2024/") else 2025)
    card = meta("property", "og:image")
    assert card == f"{settings.SITE_URL}/{edition.year}/card.png?v={social_card.card_key(edition)}"
    assert meta("name", "twitter:image") == card
    assert meta("name", "twitter:card") == "summary_large_image"
    assert (
        meta("property", "og:title")
        == f"{edition.name}: Efficient Systems for Foundation Models at {edition.conference}"
    )
    assert meta("property", "og:url") == f"{settings.SITE_URL}{path}"
    assert (meta("property", "og:image:width"), meta("property", "og:image:height")) == ("1200", "630")
    assert page.xpath("//link[@type='application/atom+xml']/@href") == ["/feed.atom"]


def test_the_social_card_is_drawn_once_and_again_when_the_edition_changes(client, monkeypatch, media_root):
    drawn = []
    draw = social_card.draw_card
    monkeypatch.setattr(social_card, "draw_card", lambda edition: drawn.append(edition.name) or draw(edition))
    edition = EditionFactory(name="ES-FoMo IX", conference="ICML 2031", city="Seoul")
    first = client.get(f"/{edition.year}/card.png")
    assert first.status_code == 200
    assert first["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(first.content)).size == (1200, 630)
    assert (media_root / social_card.card_name(edition)).exists()
    assert client.get(f"/{edition.year}/card.png").content == first.content
    assert drawn == ["ES-FoMo IX"]
    assert client.get(f"/{edition.year}/card.png", headers={"If-None-Match": first["ETag"]}).status_code == 304

    edition.name = "ES-FoMo X"
    edition.save()
    second = client.get(f"/{edition.year}/card.png")
    assert second["ETag"] != first["ETag"]
    assert second.content != first.content
    assert drawn == ["ES-FoMo IX", "ES-FoMo X"]


def test_a_long_title_is_wrapped_not_cut_off_the_card():
    edition = EditionFactory.build(title="Efficient Systems for Foundation Models " * 6, name="ES-FoMo", conference="")
    image = Image.open(io.BytesIO(social_card.draw_card(edition)))
    assert image.size == (1200, 630)


def test_the_atom_feed_lists_published_announcements(client, settings):
    demo = Edition.objects.get(year=2025)
    live = AnnouncementFactory(edition=demo, kind=Announcement.Kind.LIVE, title="Room change: West 118")
    AnnouncementFactory(edition=demo, title="Not yet", published_at=timezone.now() + datetime.timedelta(days=1))
    AnnouncementFactory(edition=demo, title="Draft", is_published=False)
    AnnouncementFactory(edition=EditionFactory(is_published=False), title="Unpublished edition")
    response = client.get("/feed/")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = lxml.etree.fromstring(response.content)
    atom = {"a": "http://www.w3.org/2005/Atom"}
    titles = feed.xpath("//a:entry/a:title/text()", namespaces=atom)
    assert titles == ["Room change: West 118", "ES-FoMo is back for ICML 2025"]
    entry_id = feed.xpath("//a:entry/a:id/text()", namespaces=atom)[0]
    assert entry_id == f"{settings.SITE_URL}/2025/#announcement-{live.pk}"
    edition_feed = lxml.etree.fromstring(client.get("/2024/feed/").content)
    assert edition_feed.xpath("//a:entry", namespaces=atom) == []
    assert client.get("/2031/feed/").status_code == 404


def test_the_sitemap_lists_papers_pages_and_people(client):
    PaperFactory(edition=Edition.objects.get(year=2025))
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"<loc>{settings.SITE_URL}/2025/papers/</loc>" in sitemap
    assert f"<loc>{settings.SITE_URL}/2024/papers/</loc>" not in sitemap
    assert f"<loc>{settings.SITE_URL}/people/</loc>" in sitemap
    assert f"<loc>{settings.SITE_URL}/people/tri-dao/</loc>" in sitemap
    assert "deepak-narayanan" not in sitemap


def test_a_live_notice_shows_on_every_page_of_its_edition(client):
    demo = Edition.objects.get(year=2025)
    AnnouncementFactory(
        edition=demo,
        kind=Announcement.Kind.LIVE,
        title="Running 10 minutes late",
        body="Stream: [live](https://example.org/live)",
        published_at=datetime.datetime(2025, 7, 18, 17, 42, tzinfo=datetime.UTC),
    )
    AnnouncementFactory(
        edition=demo,
        kind=Announcement.Kind.LIVE,
        title="Later",
        published_at=timezone.now() + datetime.timedelta(hours=1),
    )
    AnnouncementFactory(edition=Edition.objects.get(year=2024), kind=Announcement.Kind.LIVE, title="Old news")
    for path in ["/", "/call/", "/papers/", "/people/", "/people/tri-dao/"]:
        page = html(client, path)
        notices = page.cssselect("aside.live-notices")
        assert len(notices) == 1, path
        assert notices[0].get("aria-label") == "Live notices"
        assert [text_of(notice) for notice in notices[0].cssselect(".live-notice")] == [
            "Running 10 minutes late Stream: live Jul 18, 10:42am PT"
        ]
    assert html(client, "/2024/").cssselect(".live-notice-title")[0].text_content() == "Old news"
