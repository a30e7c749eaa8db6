"""Public pages of the site: an edition's homepage and its other pages, plus the health check."""

from django.db import connection
from django.db.utils import DatabaseError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from people.models import Role, Sponsor
from program.schedule import schedule_for

from .models import Page
from .pagecache import public_page
from .queries import edition_for, frame_for


@public_page
@require_GET
def home(request, year=None):
    edition = edition_for(request, year)
    roles = Role.objects.for_edition(edition).shown().with_people()
    people_by_role = {kind: [] for kind in Role.Kind.values}
    for role in roles:
        people_by_role[role.kind].append(role)
    context = {
        **frame_for(request, edition),
        "announcements": list(edition.announcements.published().news()),
        "announced_dates": list(edition.important_dates.announced()),
        "days": schedule_for(edition),
        "speakers": people_by_role[Role.Kind.SPEAKER],
        "organizers": people_by_role[Role.Kind.ORGANIZER],
        "panelists": people_by_role[Role.Kind.PANELIST] + people_by_role[Role.Kind.MODERATOR],
        "sponsors": list(Sponsor.objects.for_edition(edition)),
    }
    return render(request, "esfomo/home.html", context)


@public_page
@require_GET
def page(request, slug, year=None):
    edition = edition_for(request, year)
    pages = Page.objects.filter(edition=edition, slug=slug)
    if not request.user.is_staff:
        pages = pages.filter(is_published=True)
    shown = pages.first()
    if shown is None:
        raise Http404("No such page.")
    shown.edition = edition
    context = {
        **frame_for(request, edition),
        "page": shown,
        "important_dates": list(edition.important_dates.all()) if shown.show_important_dates else [],
    }
    return render(request, "esfomo/page.html", context)


@never_cache
@require_GET
def healthz(request):
    """Answer 200 when the database answers, 503 otherwise (for load balancers and monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@public_page
@require_GET
def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain")
