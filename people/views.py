"""Public pages about people: one page per person, listing every edition they took part in."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from esfomo.models import Edition
from esfomo.pagecache import public_page
from esfomo.queries import frame_for

from .models import Person, Role


@public_page
@require_GET
def person(request, slug):
    person = get_object_or_404(Person, slug=slug)
    roles = list(
        Role.objects.filter(person=person, edition__is_published=True).shown().select_related("edition")
        .order_by("-edition__year", "kind")
    )  # fmt: skip
    if not roles:
        # Only people the public site shows have a public page.
        raise Http404("No such person.")
    edition = Edition.objects.published().current() or roles[0].edition
    return render(request, "people/person.html", {**frame_for(request, edition), "person": person, "roles": roles})
