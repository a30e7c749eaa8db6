"""Public pages of the programme: the accepted papers, and the schedule exports."""

import functools

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from esfomo.pages.queries import edition_for, frame_for
from esfomo.serving.pagecache import public_page

from .exporters import ICalExporter, ImportantDatesExporter
from .models import Paper
from .schedule import Day, schedule_for, session_for

# Exports may be reused for five minutes, then revalidated with their ETag (a 304 from the page cache):
# a live change reaches attendees' apps within minutes on the conference day.
EXPORT_MAX_AGE = 300


@public_page
@require_safe
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
    """Serve an export: readable by any web app, kept by browsers and apps for a few minutes."""

    @public_page
    @require_safe
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        patch_cache_control(response, max_age=EXPORT_MAX_AGE)
        return response

    return wrapper


def exported(exporter):
    response = HttpResponse(exporter.render(), content_type=exporter.content_type)
    response["Content-Disposition"] = f'inline; filename="{exporter.filename}"'
    response["Last-Modified"] = http_date(exporter.edition.content_changed_at.timestamp())
    return response


@export
def schedule_export(request, exporter, year=None):
    edition = edition_for(request, year)
    return exported(exporter(edition, schedule_for(edition)))


@export
def session_calendar(request, uid, year):
    edition = edition_for(request, year)
    session = session_for(edition, uid)
    if session is None:
        raise Http404("No such session.")
    exporter = ICalExporter(edition, [Day(session.start.date(), [session])])
    return exported(exporter)


@export
def dates_calendar(request, year=None):
    edition = edition_for(request, year)
    return exported(ImportantDatesExporter(edition, list(edition.important_dates.all())))
