"""Reads shared by the public pages: which edition a request shows, and the site's frame."""

from time import time as now

from django.http import Http404
from django.urls import reverse

from esfomo.common.formats import clock, date
from esfomo.models import Announcement, Edition, Page
from program.models import Paper


def edition_for(request, year=None) -> Edition:
    """Return the edition a request asks for; staff may preview unpublished ones."""
    editions = Edition.objects.all() if request.user.is_staff else Edition.objects.published()
    edition = editions.current() if year is None else editions.filter(year=year).first()
    if year is None and edition is None and request.user.is_staff:
        edition = Edition.objects.order_by("-year").first()
    if edition is None:
        raise Http404("No such edition.")
    return edition


def frame_for(request, edition) -> dict:
    """Return what every page of an edition shows around its content: menus and live notices."""
    frame = site_frame(edition, staff=request.user.is_staff)
    return {**frame, "edition": edition, "live_notices": shown_now(frame["live_notices"])}


def site_frame(edition, *, staff=False) -> dict:
    """Return the frame's values (base.html): menu, editions, live notices with their publication times."""
    pages = Page.objects.filter(edition=edition, in_menu=True)
    if not staff:
        pages = pages.filter(is_published=True)
    menu_pages = []
    for page in pages:
        page.edition = edition  # already at hand: no query per page for its address
        menu_pages.append({"pk": page.pk, "url": page.get_absolute_url(), "menu_label": page.menu_label})
    zone = edition.tzinfo
    return {
        "menu_pages": menu_pages,
        "editions": [
            {"pk": other.pk, "year": other.year, "url": other.url}
            for other in Edition.objects.published().only("year", "is_current")
        ],
        "has_papers": Paper.objects.for_edition(edition).exists(),
        "papers_url": reverse("program:current-papers")
        if edition.is_current
        else reverse("program:papers", args=[edition.year]),
        "live_notices": [
            {
                "pk": notice.pk,
                "title": notice.title,
                "body_html": notice.body_html,
                "published_at": notice.published_at.timestamp(),
                "datetime": date(notice.published_at, "c", zone),
                "time_text": f"{date(notice.published_at, 'M j', zone)}, {clock(notice.published_at, zone)}",
            }
            for notice in Announcement.objects.filter(edition=edition, is_published=True).live()
        ],
    }


def shown_now(announcements: list[dict], moment: float | None = None) -> list[dict]:
    """Keep the announcements whose publication time has come (by now, or by `moment` in Unix seconds)."""
    moment = now() if moment is None else moment
    return [item for item in announcements if item["published_at"] <= moment]
