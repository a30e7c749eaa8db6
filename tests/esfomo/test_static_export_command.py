"""export_static as an organizer runs it: again after an edit, with a bad address or folder, on a past event.

The whole archive, crawled on a plain file server, is tested in test_static_export.py.
"""

import io
import json

import lxml.etree
import lxml.html
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from esfomo.models import Announcement, Edition
from esfomo.pages import static_export
from esfomo.pages.static_export import MANIFEST, export_site
from people.models import Role
from tests.factories import AnnouncementFactory, EditionFactory, SessionFactory

pytestmark = pytest.mark.django_db

BASE_URL = "https://archive.example.org"


def export(folder, **options):
    out = io.StringIO()
    call_command("export_static", str(folder), "--base-url", BASE_URL, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def manifest(folder):
    return json.loads((folder / MANIFEST).read_text())["files"]


def test_a_second_export_writes_only_what_changed_and_removes_what_is_gone(tmp_path):
    folder = tmp_path / "site"
    first = export_site(folder, base_url=BASE_URL)
    assert first.changes == first.files > 100
    (folder / "CNAME").write_text("archive.example.org\n")  # the deploy's own file
    again = export_site(folder, base_url=BASE_URL)
    assert (again.added, again.changed, again.removed, again.unchanged) == ([], [], [], first.files)

    role = Role.objects.get(person__slug="tri-dao", edition__year=2025, kind=Role.Kind.ORGANIZER)
    role.affiliation = "Princeton University, Together AI"
    role.save()
    call_page = (folder / "call" / "index.html").stat().st_mtime_ns
    with pytest.raises(CommandError) as refused:
        export(folder, check=True)
    assert refused.value.returncode == 1
    assert "Princeton University, Together AI" not in (folder / "index.html").read_text()  # --check wrote nothing

    edited = export_site(folder, base_url=BASE_URL)
    assert edited.added == [] and edited.removed == []
    assert {"index.html", "2025/index.html", "people/tri-dao/index.html"} <= set(edited.changed)
    # The current edition's pages that show the affiliation, and its exports (dated by its content);
    # nothing of the other editions, nor the other people's pages.
    assert all(name.startswith(("2025/", "people/tri-dao/")) or "/" not in name for name in edited.changed)
    assert "Princeton University, Together AI" in (folder / "index.html").read_text()
    assert (folder / "call" / "index.html").stat().st_mtime_ns == call_page

    Edition.objects.filter(year=2024).update(is_published=False)
    unpublished = export_site(folder, base_url=BASE_URL)
    assert "2024/index.html" in unpublished.removed
    assert not (folder / "2024").exists()
    assert [name for name in manifest(folder) if name.startswith("2024/")] == []
    assert (folder / "CNAME").read_text() == "archive.example.org\n"
    assert "up to date" in export(folder, check=True)


def test_what_needs_a_server_is_left_out_of_the_archive(tmp_path, client):
    demo = Edition.objects.get(year=2025)
    AnnouncementFactory(edition=demo, kind=Announcement.Kind.LIVE, title="Running late", body="Ten minutes **late**.")
    SessionFactory(edition=EditionFactory(year=2093))
    folder = tmp_path / "site"
    export_site(folder, base_url=BASE_URL)

    live = lxml.html.fromstring(client.get("/").content)
    archived = lxml.html.fromstring((folder / "index.html").read_bytes())
    # A live notice belongs to its moment: on the live site, not in the archive (its feed keeps it, dated).
    assert "Running late" in live.text_content()
    assert "Running late" not in archived.text_content()
    assert "Running late" in (folder / "feed.atom").read_text()
    # "Now / next" is off in the archive of a past event, never on the live site, and kept for one to come.
    assert demo.date < timezone.localdate()
    assert live.xpath("//section[@data-now-next]") == []
    assert archived.xpath("//section[contains(@class, 'plan-section')]/@data-now-next") == ["off"]
    upcoming = lxml.html.fromstring((folder / "2093" / "index.html").read_bytes())
    assert upcoming.xpath("//section[contains(@class, 'plan-section')]")
    assert upcoming.xpath("//section[@data-now-next]") == []
    # Neither the admin nor the health check is part of it.
    assert not (folder / "admin").exists() and not (folder / "healthz").exists()
    assert archived.xpath("//a[starts-with(@href, '/admin')] | //form") == []


@pytest.mark.parametrize(
    "base_url, message",
    [("ftp://archive.example.org", "not a web address"), ("archive.example.org", "not a web address"),
     ("https://example.github.io/esfomo/", "has a path")],
)  # fmt: skip
def test_a_bad_base_url_is_refused_and_nothing_is_written(tmp_path, base_url, message):
    folder = tmp_path / "site"
    with pytest.raises(CommandError, match=message):
        call_command("export_static", str(folder), "--base-url", base_url, stdout=io.StringIO())
    assert not folder.exists()


def test_a_folder_of_other_files_is_refused_and_left_as_it_was(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "index.html").write_text("my own page")
    with pytest.raises(CommandError, match="holds files that no export wrote"):
        export(tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["index.html", "notes.txt"]
    assert (tmp_path / "index.html").read_text() == "my own page"
    a_file = tmp_path / "notes.txt"
    with pytest.raises(CommandError, match="is a file"):
        export(a_file)


def test_without_collected_static_files_the_export_says_what_to_run(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path / "empty"
    with pytest.raises(CommandError, match="collectstatic"):
        export(tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_the_feeds_addresses_name_their_type_and_the_old_ones_answer_the_same(client):
    atom = client.get("/2024/feed.atom")
    assert atom["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert client.get("/2024/feed/").content == atom.content
    # A feed without entries is dated by its content, not by the moment it is read.
    updated = lxml.etree.fromstring(atom.content).findtext("{http://www.w3.org/2005/Atom}updated")
    assert updated == Edition.objects.get(year=2024).content_changed_at.isoformat()
    assert client.get("/2024/feed.atom").content == atom.content


def test_an_export_that_fails_half_way_leaves_the_folder_as_it_was(tmp_path, monkeypatch):
    folder = tmp_path / "site"
    export_site(folder, base_url=BASE_URL)
    before = {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    edition = Edition.objects.get(year=2025)
    edition.tagline = "A new tagline"
    edition.save()
    render = static_export.Renderer.render

    def failing(renderer, path):
        if path == "/people/":
            raise static_export.ExportError("/people/ could not be rendered: the database went away")
        return render(renderer, path)

    monkeypatch.setattr(static_export.Renderer, "render", failing)
    with pytest.raises(CommandError, match="the database went away"):
        export(folder)
    assert {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()} == before
