"""Helpers for the importer tests: running the command, copying fixture sites, snapshots of an edition."""

import io
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from esfomo.models import Announcement, Edition, ImportantDate, Page
from people.models import Person, Role, Sponsor
from program.models import Paper, Session, Talk, TalkSpeaker
from tests.conftest import DATA

SAMPLE = DATA / "alfolio-sample"
# The site never gives the workshop's day or zone: the documented options say them.
SAMPLE_OPTIONS = ("--edition", "2025", "--date", "2025-07-18", "--time-zone", "America/Vancouver")
CONTENT_MODELS = (Edition, Page, ImportantDate, Announcement, Person, Role, Sponsor, Session, Talk, TalkSpeaker, Paper)


def run_import(path, *args) -> str:
    """Run the command as an organizer would; return what it printed (report and warnings)."""
    out, err = StringIO(), StringIO()
    call_command("import_alfolio", str(path), *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


@pytest.fixture
def site_copy(tmp_path):
    """Copy a fixture site into a scratch folder, so a test may edit it."""

    def copy(name="alfolio-sample") -> Path:
        target = tmp_path / name
        shutil.copytree(DATA / name, target)
        return target

    return copy


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in CONTENT_MODELS}


def stored_files(media_root: Path) -> list[str]:
    return sorted(str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file())


def without_editions(*years):
    """Remove editions and everyone without another edition, so an import starts from nothing."""
    Edition.objects.filter(year__in=years).delete()
    Person.objects.filter(roles__isnull=True, talk_credits__isnull=True).delete()


def snapshot(edition: Edition) -> dict:
    """Everything an edition shows, in plain values, to compare two editions."""
    zone = edition.tzinfo

    def local(moment):
        return timezone.localtime(moment, zone).strftime("%H:%M") if moment else None

    sessions = []
    for session in Session.objects.for_edition(edition).with_talks():
        talks = [
            {
                "title": talk.title,
                "paper": (talk.paper.title, talk.paper.decision) if talk.paper else None,
                "start": local(talk.start),
                "speakers": [(c.person.slug, c.credited_name, c.affiliation) for c in talk.credits],
            }
            for talk in session.talk_list
        ]
        sessions.append(
            {
                "kind": session.kind,
                "title": session.title,
                "start": local(session.start),
                "end": local(session.end),
                "room": session.room,
                "description": session.description,
                "talks": talks,
            }
        )
    roles = Role.objects.for_edition(edition).select_related("person").order_by("kind", "position")
    fields = (
        "name", "title", "acronym", "subtitle_html", "tagline_html", "banner_alt", "date", "time_zone",
        "time_zone_label", "conference", "conference_url", "city", "room", "contact_email", "submission_url",
        "summary_html", "schedule_note", "speakers_intro", "pitch_html", "is_published",
    )  # fmt: skip
    return {
        "edition": {field: getattr(edition, field) for field in fields},
        "roles": {
            kind: [(role.person.slug, role.affiliation) for role in roles if role.kind == kind] for kind in Role.Kind
        },
        "people": sorted({(r.person.slug, r.person.given_name, r.person.family_name, r.person.website) for r in roles}),
        "sessions": sessions,
        "dates": [
            (d.label, d.date, d.time, d.zone, d.extended_date, d.extension_reason, d.announce)
            for d in edition.important_dates.all()
        ],
        "pages": [
            (p.slug, p.title, p.menu_label, p.in_menu, p.show_important_dates, p.body_html) for p in edition.pages.all()
        ],
        "sponsors": [(s.name, s.url, s.tier) for s in edition.sponsors.all()],
        "announcements": [a.body_html for a in edition.announcements.all()],
    }


TINY_HOME = """---
layout: about
title: home
permalink: /
subtitle: <i>Workshop at the International Conference on Testing (ICT) 2031.</i>
---

## 🔥 the gist

* **what?** A small workshop about **tests**.

## 📆 the plan
*All times PT.*

|  | Topic | Speaker |
|--|-------|---------|
| 9:00am | **Opening Remarks** | |
| 9:10am | **Invited Talk** | Ann Lee: On testing <br> **(Test University)** |
| 9:40am | **Coffee break** | |
"""
TINY_CARD = """---
layout: page
title: <b>Ann</b> <br> Lee
description: Test University
img: assets/img/ann.jpg
redirect: https://ann.example.org
importance: 1
category: speaker
---
"""
TINY_OPTIONS = ("--date", "2031-07-18", "--time-zone", "America/Vancouver")


def jpeg(size=(64, 64), color="teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def write_site(root: Path, files: dict[str, str | bytes] | None = None) -> Path:
    """A small al-folio site (homepage, one card with a photo), with `files` added or replaced."""
    contents = {
        "_config.yml": "title: Testing Workshop\nemail: tests@example.org\n",
        "_pages/about.md": TINY_HOME,
        "_projects/ann.md": TINY_CARD,
        "assets/img/ann.jpg": jpeg(),
        **(files or {}),
    }
    for name, content in contents.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root
