"""Public pages of the programme: the accepted papers."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from esfomo.pagecache import public_page
from esfomo.queries import edition_for, frame_for

from .models import Paper


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
