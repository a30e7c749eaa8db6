"""Static files over HTTP as production serves them: hashed names, brotli and gzip, cached for good."""

import gzip
import re
import urllib.request

import brotli
import lxml.html
import pytest

pytestmark = pytest.mark.django_db(transaction=True)

HASHED = re.compile(r"^/static/(css|js|img)/[\w-]+\.[0-9a-f]{12}\.(css|js|svg)$")


def fetch(url, **headers):
    request = urllib.request.Request(url, headers={name.replace("_", "-"): value for name, value in headers.items()})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers, response.read()


def static_links(html):
    document = lxml.html.fromstring(html)
    return [*document.xpath("//link[@rel='stylesheet' or @rel='icon']/@href"), *document.xpath("//script/@src")]


def test_static_files_have_hashed_names_compressed_copies_and_far_future_headers(demo_site):
    _, html = fetch(demo_site.url + "/")
    links = static_links(html)
    assert len(links) == 5  # stylesheet, icon, three scripts (theme, site, plan)
    assert all(HASHED.match(link) for link in links), links
    for link in links:
        _, plain = fetch(demo_site.url + link)
        for accept, coding, decompress in (("br, gzip", "br", brotli.decompress), ("gzip", "gzip", gzip.decompress)):
            headers, body = fetch(demo_site.url + link, accept_encoding=accept)
            assert headers["Cache-Control"] == "max-age=315360000, public, immutable"
            assert "Accept-Encoding" in headers["Vary"]
            if len(plain) > 1000:  # WhiteNoise keeps a compressed copy only where it saves space
                assert headers["Content-Encoding"] == coding
                assert decompress(body) == plain
                assert len(body) < len(plain) / 2
    # The unhashed name still works, but may change at the next release: cached briefly.
    headers, _ = fetch(demo_site.url + "/static/css/site.css")
    assert headers["Cache-Control"] == "max-age=60, public"


def test_a_first_visit_of_the_homepage_weighs_under_50_kb_without_photos(demo_site):
    """HTML, CSS, JS and icon as a browser downloads them (brotli); the site uses system fonts."""
    headers, html = fetch(demo_site.url + "/", accept_encoding="br")
    assert headers["Content-Encoding"] == "br"
    total = len(html)
    for link in static_links(brotli.decompress(html)):
        total += len(fetch(demo_site.url + link, accept_encoding="br")[1])
    assert total <= 50 * 1024, total
