"""The published site as plain files for any static host, rendered by the site's own views.

As django-distill and django-bakery do, every public address is resolved and its view called
with an anonymous GET, without middleware: the page cache neither answers nor keeps anything, and
drafts and staff-only content stay out as they do for any visitor. The addresses, their files and
the absolute ones inside them are the live site's, on the archive's own address (`base_url`
becomes SITE_URL and the request's host while rendering):

- `/2024/` is written as `2024/index.html`, `/schedule.ics` as `schedule.ics`: a static host
  serves the same addresses, with the content type its extension names. The feeds' extension-less
  aliases (`/feed/`) become a page pointing at the feed itself (`/feed.atom`).
- The static files (hashed names from collectstatic's manifest) and the uploaded images the
  documents refer to are copied beside them, and `404.html` is the site's own 404 page.
- What needs a server is left out (`queries.is_archive`): live notices, and "now / next" in the
  plan of an event that is over. The admin, the health check and forms are not part of it.

Exporting again writes only the files whose digest changed and removes the ones the site no
longer has, from a manifest kept in the folder; files it did not write (a CNAME) are left alone.

It composes the site with its people and programme (the addresses come from editions, pages,
people and sessions), so it imports `people` and `program`, as the homepage does.
"""

import contextlib
import hashlib
import json
import mimetypes
import os
import re
import tempfile
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import default_storage
from django.http import Http404
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.urls import Resolver404, get_resolver, resolve, reverse

from esfomo.models import Edition, Page
from esfomo.pages.jinja2 import cached_static
from esfomo.serving.media import IMAGE_SUFFIXES
from people.appearances import participants
from program.models import Session

MANIFEST = ".static-export.json"
# Written so that GitHub Pages serves the folder as it is instead of building it with Jekyll.
NO_JEKYLL = ".nojekyll"
# What a folder may already hold before its first export: a deploy's own files.
DEPLOY_FILES = frozenset({"CNAME"})
# Where a static host finds the page of an address that ends with a slash.
INDEX = "index.html"
# How static hosts type files by extension (mime-db for GitHub Pages, nginx, the S3 tools agree on these);
# Python's own table lacks some of them, and the system's differs between machines.
HOST_TYPES = mimetypes.MimeTypes(filenames=())
for _type, _extension in (("text/calendar", ".ics"), ("application/atom+xml", ".atom"), ("image/webp", ".webp")):
    HOST_TYPES.add_type(_type, _extension)
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
# Folded iCalendar lines (RFC 5545) continue after a line break and one space.
ICS_FOLD = re.compile(r"\r?\n[ \t]")


class ExportError(Exception):
    """The export cannot be made as asked; nothing was written."""


@dataclass
class Report:
    """What an export wrote, or would write with `check`."""

    folder: Path
    base_url: str
    added: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    unchanged: int = 0
    size: int = 0
    addresses: int = 0
    problems: list = field(default_factory=list)

    @property
    def files(self) -> int:
        return len(self.added) + len(self.changed) + self.unchanged

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.changed) + len(self.removed)

    def __str__(self):
        return (
            f"{self.addresses} addresses, {self.files} files ({self.size / 1_000_000:.1f} MB) for {self.base_url}: "
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed, "
            f"{self.unchanged} unchanged."
        )


def checked_base_url(value: str) -> str:
    """Return the archive's public address without its final slash, or raise ExportError saying what is wrong."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ExportError(f"“{value}” is not a web address; give one like https://es-fomo.com")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ExportError(
            f"“{value}” has a path: the archive keeps the site's addresses, which start at the root of a host; "
            "give the host alone, like https://es-fomo.com (a custom domain on GitHub Pages)."
        )
    return f"{parts.scheme}://{parts.netloc}"


# --- Which addresses ---------------------------------------------------------------------------


# Each published edition's addresses under its year, and the current edition's under the root as well.
EDITION_ADDRESSES = (
    "esfomo:edition", "program:papers", "program:schedule-ics", "program:schedule-json", "program:schedule-xml",
    "program:dates-ics", "esfomo:edition-feed", "esfomo:social-card",
)  # fmt: skip
CURRENT_ADDRESSES = (
    "esfomo:home", "program:current-papers", "program:current-schedule-ics", "program:current-schedule-json",
    "program:current-schedule-xml", "program:current-dates-ics",
)  # fmt: skip
SITE_ADDRESSES = ("esfomo:robots", "sitemap", "esfomo:feed", "people:index")


def public_addresses() -> list[str]:
    """Every address the live site answers for a visitor, except those only a server can answer (health, admin)."""
    addresses = [reverse(name) for name in SITE_ADDRESSES]
    addresses += [item.person.get_absolute_url() for item in participants()]
    editions = {edition.pk: edition for edition in Edition.objects.published().order_by("-year")}
    for edition in editions.values():
        addresses += [reverse(name, args=[edition.year]) for name in EDITION_ADDRESSES]
    pages = Page.objects.filter(is_published=True, edition__in=editions).select_related("edition")
    addresses += [reverse("esfomo:page", args=[page.edition.year, page.slug]) for page in pages]
    sessions = Session.objects.filter(edition__in=editions).values_list("edition_id", "uid")
    addresses += [reverse("program:session-ics", args=[editions[pk].year, uid]) for pk, uid in sessions]
    current = Edition.objects.current()
    if current is not None:
        addresses += [reverse(name) for name in CURRENT_ADDRESSES]
        addresses += [reverse("esfomo:current-page", args=[page.slug]) for page in pages if page.edition == current]
    return addresses


def aliases() -> dict[str, str]:
    """Addresses without an extension whose content a static host could not serve as what it is: where it is instead."""
    moved = {reverse("esfomo:feed-alias"): reverse("esfomo:feed")}
    for year in Edition.objects.published().values_list("year", flat=True):
        moved[reverse("esfomo:edition-feed-alias", args=[year])] = reverse("esfomo:edition-feed", args=[year])
    return moved


# --- Rendering ---------------------------------------------------------------------------------


@contextlib.contextmanager
def archive_settings(base_url: str):
    """Render as the live site would answer a visitor at `base_url`, with the static files' hashed names."""
    with override_settings(SITE_URL=base_url, ALLOWED_HOSTS=[urlsplit(base_url).hostname], DEBUG=False):
        # Addresses of static files are kept per process: the hashed ones are read from the manifest.
        cached_static.cache_clear()
        try:
            yield
        finally:
            cached_static.cache_clear()


@dataclass
class Document:
    path: str
    content_type: str
    body: bytes


class Renderer:
    """Answers GET requests of an anonymous visitor with the site's views, as if at `base_url`."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.factory = RequestFactory(HTTP_HOST=parts.netloc)
        self.secure = parts.scheme == "https"

    def request(self, path):
        request = self.factory.get(path, secure=self.secure)
        request.user = AnonymousUser()
        request.static_archive = True
        return request

    def render(self, path) -> Document | None:
        """The view's answer, or None where the live site answers 404."""
        try:
            match = resolve(path)
        except Resolver404:
            return None
        try:
            response = match.func(self.request(path), *match.args, **match.kwargs)
        except Http404:
            return None
        except Exception as error:
            raise ExportError(f"{path} could not be rendered: {error!r}") from error
        if hasattr(response, "render"):
            response.render()
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise ExportError(f"{path} answers {response.status_code}; only pages that answer 200 can be archived.")
        return Document(path, response["Content-Type"], response.content)

    def not_found_page(self) -> bytes:
        """The site's own 404 page, which static hosts show for any address they do not have."""
        handler = get_resolver().resolve_error_handler(404)
        request = self.request("/404.html")
        return handler(request, Http404("No such page.")).content

    def moved_page(self, path, target, content_type) -> Document:
        """A page leading to `target`, for people, browsers (a refresh) and feed readers (an alternate link)."""
        context = {"target": target, "content_type": content_type.split(";")[0].strip()}
        body = render_to_string("esfomo/moved.html", context, request=self.request(path)).encode()
        return Document(path, "text/html; charset=utf-8", body)


# --- What documents refer to -------------------------------------------------------------------


class _References(HTMLParser):
    """Collects the addresses a page refers to: links, scripts, stylesheets, images and their sources."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if not value:
                continue
            if name in ("href", "src"):
                self.found.append(value)
            elif name == "srcset":
                self.found += [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]
            elif name == "content" and "://" in value:
                self.found.append(value)  # OpenGraph and Twitter cards


def references(document: Document, base_url: str) -> set[str]:
    """The addresses on this site a document refers to, as paths (no query, no fragment)."""
    kind = document.content_type.split(";")[0].strip()
    text = document.body.decode("utf-8", errors="replace")
    found = []
    if kind == "text/html":
        parser = _References()
        parser.feed(text)
        found += parser.found
    elif kind == "text/css":
        found += [match.group(2) for match in CSS_URL.finditer(text)]
    elif kind == "text/calendar":
        text = ICS_FOLD.sub("", text)
    # Absolute addresses anywhere: JSON-LD, feeds, the sitemap, calendars and the app exports.
    found += re.findall(re.escape(base_url) + r"(?:/[^\s\"'<>\\)]*)?", text)
    return {path for address in found if (path := local_path(address, document.path, base_url)) is not None}


def local_path(address: str, referrer: str, base_url: str) -> str | None:
    """The path of an address on this site (relative, root-relative, or absolute on `base_url`), else None."""
    parts = urlsplit(urljoin(referrer, address.strip()))
    if parts.scheme in ("http", "https", "webcal") and parts.netloc:
        if parts.netloc != urlsplit(base_url).netloc:
            return None
    elif parts.scheme or parts.netloc:
        return None  # mailto:, data:, tel: and the like
    return parts.path or "/"


# --- Files -------------------------------------------------------------------------------------


def file_for(path: str) -> str:
    """The file a static host serves for an address: `/2024/` -> `2024/index.html`, `/schedule.ics` as is."""
    name = unquote(path).lstrip("/")
    if not name or name.endswith("/"):
        name += INDEX
    parts = PurePosixPath(name).parts
    if "\\" in name or "\x00" in name or any(part in (".", "..") or part.startswith(".") for part in parts):
        raise ExportError(f"{path} cannot be written as a file.")
    return name


def type_for(name: str) -> str:
    """The content type a static host gives a file, from its extension."""
    return HOST_TYPES.guess_type(name)[0] or "application/octet-stream"


def same_type(served: str, answered: str) -> bool:
    answered = answered.split(";")[0].strip()
    return served == answered or (served.endswith("xml") and answered.endswith("xml"))


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def storage_name(path: str, url: str) -> str | None:
    """The name in a storage of a file at `path`, when its address is under that storage's `url` (/static/…)."""
    if not url.startswith("/") or not path.startswith(url):
        return None
    return unquote(path.removeprefix(url))


class Folder:
    """The archive's folder: writes the files whose digest changed, and removes those no longer produced."""

    def __init__(self, root: Path, report: Report, check: bool):
        self.root, self.report, self.check = root, report, check
        self.previous = self.read_manifest()
        self.produced: dict[str, str] = {}  # name -> digest
        # Written only once every address has rendered: an export that fails leaves the folder as it was.
        self.pending: dict[str, bytes] = {}

    def read_manifest(self) -> dict:
        manifest = self.root / MANIFEST
        if not self.root.exists():
            return {}
        if not self.root.is_dir():
            raise ExportError(f"{self.root} is a file; give a folder.")
        if not manifest.exists():
            foreign = sorted(entry.name for entry in self.root.iterdir()
                             if not entry.name.startswith(".") and entry.name not in DEPLOY_FILES)  # fmt: skip
            if foreign:
                raise ExportError(
                    f"{self.root} holds files that no export wrote ({', '.join(foreign[:3])}…); "
                    "give a new or empty folder, so that nothing of yours is replaced."
                )
            return {}
        try:
            files = json.loads(manifest.read_text())["files"]
            outside = [name for name in files if not (self.root / name).resolve().is_relative_to(self.root.resolve())]
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ExportError(f"{manifest} is damaged ({error!r}); remove the folder and export again.") from error
        if outside:
            raise ExportError(f"{manifest} names files outside the folder ({outside[0]}); remove the folder.")
        return files

    def write(self, name: str, data: bytes):
        """Count a file of the export; keep it to be written if the folder does not hold it as it is."""
        if name in self.produced:
            return
        self.produced[name] = digest(data)
        self.report.size += len(data)
        if self.previous.get(name) == self.produced[name] and (self.root / name).is_file():
            self.report.unchanged += 1
            return
        (self.report.changed if name in self.previous else self.report.added).append(name)
        self.pending[name] = data

    def finish(self):
        """Write what changed, remove what the site no longer has, and record the digests (unless checking)."""
        self.report.removed = sorted(set(self.previous) - set(self.produced))
        if self.check:
            return
        for name, data in self.pending.items():
            target = self.root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            # Whole files only: a host syncing the folder meanwhile never sees half of one.
            with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".writing-", delete=False) as handle:
                handle.write(data)
            os.replace(handle.name, target)
        for name in self.report.removed:
            target = self.root / name
            target.unlink(missing_ok=True)
            for parent in target.parents:
                if parent == self.root or any(parent.iterdir()):
                    break
                parent.rmdir()
        self.root.mkdir(parents=True, exist_ok=True)
        manifest = {"base_url": self.report.base_url, "files": dict(sorted(self.produced.items()))}
        (self.root / MANIFEST).write_text(json.dumps(manifest, indent=1))


# --- The export --------------------------------------------------------------------------------


def export_site(folder: Path, base_url: str | None = None, check: bool = False) -> Report:
    """Write the published site into `folder` for `base_url` (default SITE_URL); with `check`, write nothing."""
    base_url = checked_base_url(base_url or settings.SITE_URL)
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        raise ExportError(
            f"The static files are not collected in {settings.STATIC_ROOT}: run `python manage.py collectstatic` first."
        )
    report = Report(folder=folder, base_url=base_url)
    output = Folder(Path(folder), report, check)
    with archive_settings(base_url):
        Export(base_url, output).run()
    output.finish()
    return report


class Export:
    def __init__(self, base_url: str, output: Folder):
        self.base_url, self.output, self.report = base_url, output, output.report
        self.renderer = Renderer(base_url)
        self.referrers: dict[str, str] = {}

    def run(self):
        moved = aliases()
        queue = deque(dict.fromkeys([*public_addresses(), *moved]))
        seen = set(queue)
        assets = {}
        while queue:
            path = queue.popleft()
            if self.is_asset(path):
                assets.setdefault(path, None)
                continue
            document = self.renderer.render(path)
            if document is None:
                self.problem(path, "answers 404")
                continue
            if path in moved:
                document = self.renderer.moved_page(path, moved[path], document.content_type)
            self.save(document)
            for reference in sorted(references(document, self.base_url)):
                self.referrers.setdefault(reference, path)
                if reference not in seen:
                    seen.add(reference)
                    queue.append(reference)
        self.output.write("404.html", self.renderer.not_found_page())
        self.output.write(NO_JEKYLL, b"")
        self.copy_assets(assets)

    def save(self, document: Document):
        name = file_for(document.path)
        served = type_for(name)
        if not same_type(served, document.content_type):
            self.problem(document.path, f"is {document.content_type}, but a static host would serve it as {served}")
            return
        self.report.addresses += 1
        self.output.write(name, document.body)

    def is_asset(self, path: str) -> bool:
        return storage_name(path, settings.STATIC_URL) is not None or storage_name(path, settings.MEDIA_URL) is not None

    def copy_assets(self, assets: dict):
        """Copy the static files and uploaded images referred to, and what the stylesheets refer to in turn."""
        queue = deque(assets)
        seen = set(queue)
        while queue:
            path = queue.popleft()
            try:
                name = file_for(path)
            except ExportError:
                self.problem(path, "cannot be written as a file")
                continue
            data = self.read_asset(path)
            if data is None:
                continue
            self.output.write(name, data)
            if path.endswith(".css"):
                for reference in references(Document(path, "text/css", data), self.base_url) - seen:
                    self.referrers.setdefault(reference, path)
                    seen.add(reference)
                    queue.append(reference)

    def read_asset(self, path: str) -> bytes | None:
        static_name = storage_name(path, settings.STATIC_URL)
        if static_name is not None:
            storage = staticfiles_storage
            name = static_name
        else:
            # Uploads as the live site serves them (esfomo.serving.media): images only.
            storage, name = default_storage, storage_name(path, settings.MEDIA_URL)
            if name is None or PurePosixPath(name).suffix.lower() not in IMAGE_SUFFIXES:
                self.problem(path, "is not a file the site serves")
                return None
        try:
            with storage.open(name, "rb") as handle:
                return handle.read()
        except (OSError, ValueError, SuspiciousOperation) as error:  # missing, or a name leading out of the storage
            self.problem(path, f"cannot be read ({error.__class__.__name__})")
            return None

    def problem(self, path: str, what: str):
        referrer = self.referrers.get(path)
        self.report.problems.append(f"{path} {what}" + (f" (linked from {referrer})" if referrer else ""))
