"""Reads shared by the public pages: which edition a request shows, and the site's frame."""

from django.http import Http404

from program.models import Paper

from .models import Announcement, Edition, Page


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
    pages = Page.objects.filter(edition=edition, in_menu=True)
    if not request.user.is_staff:
        pages = pages.filter(is_published=True)
    menu_pages = list(pages)
    for page in menu_pages:
        page.edition = edition
    return {
        "edition": edition,
        "editions": list(Edition.objects.published().only("year", "name", "is_current")),
        "menu_pages": menu_pages,
        "has_papers": Paper.objects.for_edition(edition).exists(),
        "live_notices": list(Announcement.objects.filter(edition=edition).published().live()),
    }
