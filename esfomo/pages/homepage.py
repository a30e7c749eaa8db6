"""An edition's homepage: the one page that composes the edition, its programme and its people.

It imports `people` and `program`, which themselves depend on the site's `Edition`: the
composition happens here and in the URL configuration, never in the site's models.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from esfomo.pages.queries import edition_for, frame_for, is_archive
from esfomo.pages.structured_data import EditionEvent
from esfomo.serving.pagecache import public_page
from people.models import Role, Sponsor
from program.schedule import schedule_for


@public_page
@require_safe
def home(request, year=None):
    edition = edition_for(request, year)
    roles = {kind: [] for kind in Role.Kind.values}
    for role in Role.objects.for_edition(edition).shown().with_people():
        roles[role.kind].append(role)
    days = schedule_for(edition)
    sponsors = list(Sponsor.objects.for_edition(edition))
    announcements = list(edition.announcements.published().news())
    event = EditionEvent(
        edition,
        days=days,
        speakers=roles[Role.Kind.SPEAKER],
        organizers=roles[Role.Kind.ORGANIZER],
        sponsors=sponsors,
        origin=settings.SITE_URL,
    )
    context = {
        **frame_for(request, edition),
        "announcements": announcements,
        "announced_dates": list(edition.important_dates.announced()),
        "days": days,
        "speakers": roles[Role.Kind.SPEAKER],
        "panelists": roles[Role.Kind.PANELIST] + roles[Role.Kind.MODERATOR],
        "organizers": roles[Role.Kind.ORGANIZER],
        "sponsors": sponsors,
        "structured_data": event.data(),
        # An archive of a past event has no "now / next": the day is over, whatever the visitor's clock says.
        "now_next": not (is_archive(request) and days and days[-1].end <= timezone.now()),
    }
    response = render(request, "esfomo/home.html", context)
    # What the page shows last changed with the content, or when an announcement came due.
    changed = max([edition.content_changed_at, *(news.published_at for news in announcements)])
    response["Last-Modified"] = http_date(changed.timestamp())
    return response
