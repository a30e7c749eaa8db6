"""Reads shared by the public pages: which edition a request shows, and the frame around every page."""

from django.http import Http404
from django.urls import reverse

from esfomo.models import Edition, Page


def edition_for(request, year=None) -> Edition:
    """Return the edition a request asks for; staff may preview unpublished ones."""
    editions = Edition.objects.all() if request.user.is_staff else Edition.objects.published()
    edition = editions.current() if year is None else editions.filter(year=year).first()
    if year is None and edition is None and request.user.is_staff:
        edition = Edition.objects.order_by("-year").first()
    if edition is None:
        raise Http404("No such edition.")
    return edition


def is_archive(request) -> bool:
    """Whether the page is rendered for the static archive (`export_static`), which no server will answer later."""
    return getattr(request, "static_archive", False)


def frame_for(request, edition) -> dict:
    """Return what every page of an edition shows around its content (base.html): menus and live notices."""
    pages = Page.objects.filter(edition=edition, in_menu=True).only("edition", "slug", "title", "nav_title")
    if not request.user.is_staff:
        pages = pages.filter(is_published=True)
    menu_pages = list(pages)
    for page in menu_pages:
        page.edition = edition  # already at hand: no query per page for its address
    if edition.is_current:
        papers_url = reverse("program:current-papers")
    else:
        papers_url = reverse("program:papers", args=[edition.year])
    return {
        "edition": edition,
        "menu_pages": menu_pages,
        "editions": list(Edition.objects.published().only("year", "is_current")),
        "papers_url": papers_url if edition.papers.exists() else "",
        # A live notice speaks of the moment it was posted; an archive would repeat it forever.
        "live_notices": [] if is_archive(request) else list(edition.announcements.published().live()),
    }
