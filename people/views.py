"""Public pages about people: an index across editions, and one page per person."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from esfomo.pages.queries import edition_for, frame_for
from esfomo.serving.pagecache import public_page

from .appearances import participants
from .models import Person


@public_page
@require_safe
def index(request):
    edition = edition_for(request)
    return render(request, "people/index.html", {**frame_for(request, edition), "participants": participants()})


@public_page
@require_safe
def person(request, slug):
    person = get_object_or_404(Person, slug=slug)
    shown = participants(person)
    if not shown:
        # Only people the public site shows have a public page.
        raise Http404("No such person.")
    edition = edition_for(request)
    return render(
        request,
        "people/person.html",
        {**frame_for(request, edition), "person": person, "appearances": shown[0].appearances},
    )
