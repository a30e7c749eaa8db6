"""Hostile text and files sent through the admin's forms: refused with a clear message, nothing stored."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from esfomo.models import Announcement, Edition, Page
from people.models import Person
from tests.admin_forms import edit, errors

pytestmark = pytest.mark.django_db


def stored_files(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def jpeg(size=(600, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "JPEG")
    return buffer.getvalue()


def png_bomb(side: int) -> bytes:
    """A tiny file that declares a huge one-bit image."""
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, "PNG")
    return buffer.getvalue()


# --- Markdown -------------------------------------------------------------------------

HOSTILE_TEXT = [
    ("<script>alert(document.cookie)</script>", "<script>"),
    ('<img src="x" onerror="alert(1)">', "onerror="),
    ("[our sponsor](javascript:alert(1))", "javascript: link"),
    ("[slides](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "data: link"),
    ('<iframe src="https://evil.example/phish"></iframe>', "<iframe>"),
]


@pytest.mark.parametrize(("attack", "reason"), HOSTILE_TEXT)
def test_a_page_with_hostile_markdown_is_refused_and_not_saved(admin_client, attack, reason):
    page = Page.objects.get(edition__year=2025, slug="call")
    before = (page.body, page.body_html, page.updated_at)
    response = edit(admin_client, f"/admin/esfomo/page/{page.pk}/change/", {"body": page.body + "\n\n" + attack})
    assert response.status_code == 200
    assert reason in errors(response)
    assert "Please correct the error below" in errors(response)
    page.refresh_from_db()
    assert (page.body, page.body_html, page.updated_at) == before


@pytest.mark.parametrize(("attack", "reason"), HOSTILE_TEXT)
def test_an_edition_with_a_hostile_pitch_is_refused_and_not_saved(admin_client, attack, reason):
    edition = Edition.objects.get(year=2025)
    before = (edition.pitch, edition.content_version)
    response = edit(admin_client, f"/admin/esfomo/edition/{edition.pk}/change/", {"pitch": attack})
    assert response.status_code == 200
    assert reason in errors(response)
    edition.refresh_from_db()
    assert (edition.pitch, edition.content_version) == before


def test_a_new_announcement_with_hostile_markdown_is_not_created(admin_client):
    edition = Edition.objects.get(year=2025)
    count = Announcement.objects.count()
    response = edit(
        admin_client,
        "/admin/esfomo/announcement/add/",
        {"edition": str(edition.pk), "title": "News", "body": 'Click <a href="javascript:steal()">here</a>'},
    )
    assert response.status_code == 200
    assert "javascript: link" in errors(response)
    assert Announcement.objects.count() == count


def test_the_same_form_saves_once_the_text_is_clean(admin_client):
    page = Page.objects.get(edition__year=2025, slug="call")
    url = f"/admin/esfomo/page/{page.pk}/change/"
    assert edit(admin_client, url, {"body": "<script>x</script>"}).status_code == 200
    response = edit(admin_client, url, {"body": "Now **clean**, with [a link](https://example.org)."})
    assert response.status_code == 302
    page.refresh_from_db()
    assert (
        page.body_html
        == '<p>Now <strong>clean</strong>, with <a href="https://example.org" rel="noopener noreferrer">a link</a>.</p>'
    )


# --- Uploads --------------------------------------------------------------------------

HOSTILE_FILES = {
    "svg-with-script": (
        "photo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>',
        "script code",
    ),
    "jpeg-html-polyglot": ("photo.jpg", jpeg() + b"<html><script>alert(1)</script></html>", "script code"),
    "gif-header-javascript": ("photo.gif", b"GIF89a/*\x00\x00*/=1;alert(1)//" + b"\x00" * 64, "not a readable image"),
    "truncated-jpeg": ("photo.jpg", jpeg()[:700], "not a readable image"),
    "huge-bomb": ("photo.png", png_bomb(20_000), "decompression bomb"),
    "moderate-bomb": ("photo.png", png_bomb(12_000), "decompression bomb"),
    "pdf": ("photo.jpg", b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n" + b"x" * 200, "PDF files are not accepted"),
    "50-mb": ("photo.jpg", jpeg() + b"\x00" * (50 * 1024 * 1024), "images must be at most 10 MB"),
}


@pytest.mark.parametrize("case", HOSTILE_FILES)
def test_hostile_photos_are_refused_in_the_admin_form_and_nothing_is_stored(admin_client, media_root, case):
    name, content, reason = HOSTILE_FILES[case]
    person = Person.objects.get(slug="tri-dao")
    before_row = Person.objects.filter(pk=person.pk).values().get()
    before_files = stored_files(media_root)
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    response = edit(admin_client, f"/admin/people/person/{person.pk}/change/", {"photo": upload})
    assert response.status_code == 200
    assert reason in errors(response), errors(response)
    assert Person.objects.filter(pk=person.pk).values().get() == before_row
    assert stored_files(media_root) == before_files


def test_a_sane_photo_is_accepted_by_the_same_form(admin_client, media_root):
    person = Person.objects.get(slug="tri-dao")
    upload = SimpleUploadedFile("new.jpg", jpeg((800, 800)), content_type="image/jpeg")
    response = edit(admin_client, f"/admin/people/person/{person.pk}/change/", {"photo": upload})
    assert response.status_code == 302, errors(response)
    person.refresh_from_db()
    assert (person.photo_width, person.photo_height) == (800, 800)
