"""Public pages of the programme: the accepted papers, and the schedule exports."""

import functools

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_safe

from esfomo.pages.queries import edition_for, frame_for
from esfomo.serving.conditional import edition_conditional
from esfomo.serving.pagecache import public_page

from .exporters import ICalExporter, ImportantDatesExporter
from .models import Paper
from .schedule import Day, schedule_for, session_for

# Exports may be reused for five minutes, then revalidated with their ETag (a 304 costs one query):
# a live change reaches attendees' apps within minutes on the conference day.
EXPORT_MAX_AGE = 300


@public_page
@require_GET
def papers(request, year=None):
    edition = edition_for(request, year)
    by_decision = {decision: [] for decision in Paper.Decision.values}
    for paper in Paper.objects.for_edition(edition).prefetch_related("talks__session"):
        by_decision[paper.decision].append(paper)
    groups = [(Paper.Decision(decision).label, items) for decision, items in by_decision.items() if items]
    return render(
        request, "program/papers.html", {**frame_for(request, edition), "groups": groups, "papers_page": True}
    )


def export(view):
    """Serve an export: conditional on the edition's version, cacheable, readable by any web app."""

    @require_safe
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = edition_conditional(view)(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        if request.user.is_staff:
            # Staff may be previewing an unpublished edition: keep it out of shared caches.
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, public=True, max_age=EXPORT_MAX_AGE)
        return response

    return wrapper


def exported(exporter):
    response = HttpResponse(exporter.render(), content_type=exporter.content_type)
    response["Content-Disposition"] = f'inline; filename="{exporter.filename}"'
    return response


@public_page
@export
def schedule_export(request, exporter, year=None):
    edition = edition_for(request, year)
    return exported(exporter(edition, schedule_for(edition)))


@public_page
@export
def session_calendar(request, uid, year):
    edition = edition_for(request, year)
    session = session_for(edition, uid)
    if session is None:
        raise Http404("No such session.")
    exporter = ICalExporter(edition, [Day(session.start.date(), [session])])
    return exported(exporter)


@public_page
@export
def dates_calendar(request, year=None):
    edition = edition_for(request, year)
    return exported(ImportantDatesExporter(edition, list(edition.important_dates.all())))
