"""The static archive (export_static): the published site as plain files, served by a plain file server.

The demo and a synthetic edition of 200 people are exported once for this module, with a draft
edition, a draft page and a draft person's photo beside them, and served by Python's http.server:
crawled from `/` as a visitor and a search engine would, compared with the live site, and searched
for anything private or pointing at the live server.
"""

import contextlib
import functools
import json
import re
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import icalendar
import lxml.etree
import lxml.html
import pytest
from django.conf import settings
from django.db import transaction

from esfomo.demo import placeholders
from esfomo.demo.synthetic import Sizes, synthesize
from esfomo.models import Edition, Page
from esfomo.pages.static_export import export_site
from people.models import Person
from tests.factories import EditionFactory, RoleFactory
from tests.program.test_exports import FRAB, validate_c3voc

pytestmark = pytest.mark.django_db

BASE_URL = "https://archive.example.org"
SYNTHETIC = 2090
DRAFT_YEAR = 2091
TEXT_SUFFIXES = (".html", ".css", ".js", ".svg", ".txt", ".xml", ".json", ".ics", ".atom")
# Content types as a static host gives them, by extension.
EXPECTED_TYPES = {
    ".html": ("text/html",),
    ".ics": ("text/calendar",),
    ".json": ("application/json",),
    ".atom": ("application/atom+xml",),
    ".xml": ("application/xml", "text/xml"),
    ".txt": ("text/plain",),
    ".png": ("image/png",),
    ".webp": ("image/webp",),
    ".jpg": ("image/jpeg",),
    ".css": ("text/css",),
    ".js": ("text/javascript", "application/javascript"),
    ".svg": ("image/svg+xml",),
}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def file_server(folder: Path):
    """Python's plain static file server on 127.0.0.1, serving `folder`: what any static host does."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Archive:
    folder: Path
    url: str  # where the file server answers
    report: object
    draft_person: Person
    draft_page: Page


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker, tmp_path_factory, media_root):
    """The demo, a 200-person edition and some drafts, exported once and served; rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        synthesize(SYNTHETIC, Sizes(people=200, sessions=60, papers=300))
        demo = Edition.objects.get(year=2025)
        draft_page = Page.objects.create(edition=demo, slug="secret-plans", title="Secret plans", is_published=False)
        draft_edition = EditionFactory(year=DRAFT_YEAR, is_published=False)
        draft_person = Person.objects.create(given_name="Hidden", family_name="Speaker", slug="hidden-speaker",
                                             photo=placeholders.portrait("hidden-speaker", "HS"))  # fmt: skip
        RoleFactory(edition=draft_edition, person=draft_person)
        # Without this, the draft person's absence below would prove nothing.
        assert (media_root / draft_person.photo.name).exists()
        folder = tmp_path_factory.mktemp("archive") / "site"
        report = export_site(folder, base_url=BASE_URL)
        with file_server(folder) as url:
            yield Archive(folder, url, report, draft_person, draft_page)
        transaction.set_rollback(True)


def fetch(url):
    """Status, content type and body of a GET, as a browser gets them (redirects followed)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # nosec B310 (127.0.0.1)
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, "", b""


def links_in(path, content_type, body):
    """Every address a document refers to: links, scripts, stylesheets, images, and absolute ones in exports."""
    found = []
    if content_type == "text/html":
        page = lxml.html.fromstring(body)
        found += page.xpath(
            "//a/@href | //link/@href | //script/@src | //img/@src | //meta[contains(@content, '://')]/@content"
        )
        for srcset in page.xpath("//img/@srcset | //source/@srcset"):
            found += [candidate.split()[0] for candidate in srcset.split(",")]
    text = body.decode("utf-8", errors="replace")
    if content_type == "text/css":
        found += re.findall(r"url\(['\"]?([^'\")]+)['\"]?\)", text)
    if content_type == "text/calendar":
        text = re.sub(r"\r?\n[ \t]", "", text)  # unfold long lines
    found += re.findall(r"(?:https?|webcal)://[^\s\"'<>\\)]+", text)
    return {urljoin(path, address) for address in found}


def local(address):
    """The path of an address on the archive's own host (or a relative one), else None."""
    parts = urlsplit(address)
    if parts.scheme in ("http", "https", "webcal"):
        return parts.path or "/" if parts.netloc == urlsplit(BASE_URL).netloc else None
    return None if parts.scheme else parts.path or "/"


def crawl(archive):
    """Visit everything reachable from `/` and `/robots.txt`; return what answered and what did not."""
    queue, seen, visited, broken = ["/", "/robots.txt"], {"/", "/robots.txt"}, {}, []
    referrer = {}
    while queue:
        path = queue.pop()
        status, content_type, body = fetch(archive.url + path)
        if status != 200:
            broken.append(f"{path} ({status}) linked from {referrer.get(path)}")
            continue
        visited[path] = content_type
        for address in links_in(path, content_type, body):
            target = local(address)
            if target is not None and target not in seen:
                seen.add(target)
                referrer[target] = path
                queue.append(target)
    return visited, broken


def text_files(folder):
    return [path for path in folder.rglob("*") if path.is_file() and path.suffix in TEXT_SUFFIXES]


def visible_text(html):
    page = lxml.html.fromstring(html)
    for element in page.xpath("//script | //style"):
        element.drop_tree()
    return " ".join(page.xpath("string(//title)").split()), " ".join(page.body.text_content().split())


def test_every_link_image_stylesheet_script_and_export_resolves_on_a_plain_file_server(archive):
    visited, broken = crawl(archive)
    assert broken == []
    assert archive.report.problems == []
    # Everything public was reached, the large edition included.
    people = {path for path in visited if path.startswith(f"/people/synthetic-{SYNTHETIC}-")}
    assert len(people) == 200
    reached = ["/", "/2025/", "/2024/", f"/{SYNTHETIC}/", "/call/", "/papers/", f"/{SYNTHETIC}/papers/", "/people/",
               "/people/tri-dao/", "/2025/schedule.ics", "/2025/schedule.json", "/2025/schedule.xml",
               "/2025/important-dates.ics", "/feed.atom", "/sitemap.xml", "/2025/card.png"]  # fmt: skip
    assert [path for path in reached if path not in visited] == []
    # Addresses of the live site no page links to are served all the same.
    unlinked = ["/2025/call/", "/schedule.ics", "/schedule.json", "/schedule.xml", "/important-dates.ics",
                "/feed/", "/2025/feed.atom", f"/{SYNTHETIC}/feed.atom", f"/{SYNTHETIC}/card.png"]  # fmt: skip
    assert {path: fetch(archive.url + path)[0] for path in unlinked} == dict.fromkeys(unlinked, 200)
    assert any(path.startswith("/static/css/site.") for path in visited)
    assert any(path.startswith("/static/js/plan.") for path in visited)
    assert any(path.startswith("/media/people/") and path.endswith(".webp") for path in visited)
    # Each file is served as what it is, by its name alone.
    for path, content_type in visited.items():
        suffix = Path(path).suffix or ".html"
        assert content_type in EXPECTED_TYPES[suffix], path


def test_the_archive_has_a_not_found_page_and_the_feeds_old_addresses_lead_to_them(archive):
    not_found = lxml.html.fromstring((archive.folder / "404.html").read_bytes())
    assert "page not found" in not_found.text_content()
    # Served at any depth: every address in it starts at the root.
    assert all(href.startswith(("/", "#")) for href in not_found.xpath("//a/@href | //link/@href | //script/@src"))
    moved = lxml.html.fromstring(fetch(archive.url + "/2025/feed/")[2])
    assert moved.xpath("//main//a/@href") == ["/2025/feed.atom"]
    assert moved.xpath("//meta[@http-equiv='refresh']/@content") == ["0; url=/2025/feed.atom"]
    status, content_type, body = fetch(archive.url + "/2025/feed.atom")
    assert (status, content_type) == (200, "application/atom+xml")
    assert lxml.etree.fromstring(body).tag == "{http://www.w3.org/2005/Atom}feed"


def test_no_address_points_at_the_live_server_or_at_localhost(archive):
    live = settings.SITE_URL
    assert live != BASE_URL
    leaks = {}
    for path in text_files(archive.folder):
        text = path.read_text()
        found = [needle for needle in (live, "localhost", "127.0.0.1", "testserver") if needle in text]
        if found:
            leaks[str(path.relative_to(archive.folder))] = found
    assert leaks == {}
    home = (archive.folder / "index.html").read_text()
    assert f'<link rel="canonical" href="{BASE_URL}/">' in home
    assert 'href="webcal://archive.example.org/2025/schedule.ics"' in home
    assert f"<loc>{BASE_URL}/people/tri-dao/</loc>" in (archive.folder / "sitemap.xml").read_text()


def test_the_exports_still_validate_against_their_schemas_and_the_calendars_parse(archive):
    folder = archive.folder
    jsons, xmls, calendars = list(folder.rglob("schedule.json")), list(folder.rglob("schedule.xml")), []
    assert len(jsons) == len(xmls) == 4  # the current edition at / and at /2025/, 2024, the synthetic one
    for path in jsons:
        document = json.loads(path.read_text())
        validate_c3voc(document)
        assert document["schedule"]["url"].startswith(BASE_URL + "/")
    for path in xmls:
        FRAB.validate(path.read_text())
    for path in folder.rglob("*.ics"):
        calendars.append(icalendar.Calendar.from_ical(path.read_bytes()))
    assert len(calendars) > 60
    demo = icalendar.Calendar.from_ical((folder / "2025" / "schedule.ics").read_bytes())
    events = demo.walk("VEVENT")
    assert len(events) == 14
    assert all(str(event["URL"]).startswith(f"{BASE_URL}/") for event in events)


def test_the_pages_visible_text_equals_the_live_sites(archive, client):
    compared = 0
    for path in archive.folder.rglob("index.html"):
        folder = path.parent.relative_to(archive.folder).as_posix()
        address = "/" if folder == "." else f"/{folder}/"
        if address.endswith("/feed/"):
            continue  # a feed on the live site; in the archive, a page leading to the feed's file
        live = client.get(address)
        assert live.status_code == 200, address
        assert visible_text(path.read_bytes()) == visible_text(live.content), address
        compared += 1
    assert compared > 220


def test_drafts_and_what_only_staff_see_are_absent(archive, client):
    folder, person = archive.folder, archive.draft_person
    everything = "\n".join(path.read_text() for path in text_files(folder))
    files = [str(path.relative_to(folder)) for path in folder.rglob("*")]
    # The draft edition: no folder, no link, no mention.
    assert not (folder / str(DRAFT_YEAR)).exists()
    assert f"/{DRAFT_YEAR}/" not in everything
    # The draft page, at either of its addresses.
    assert not (folder / "secret-plans").exists() and not (folder / "2025" / "secret-plans").exists()
    assert "Secret plans" not in everything
    # The draft person: no page, and neither their photo nor any rendition of it.
    stem = Path(person.photo.name).stem
    assert not (folder / "people" / person.slug).exists()
    assert [name for name in files if stem in name] == []
    assert "Hidden Speaker" not in everything
    # Staff would see them on the live site: they are drafts, not missing content.
    client.force_login(_staff())
    assert client.get("/2025/secret-plans/").status_code == 200
    assert client.get(f"/{DRAFT_YEAR}/").status_code == 200


def _staff():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("organizer", password="unused-password-1", is_staff=True)
