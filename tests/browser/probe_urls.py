"""The site's addresses plus a probe page for browser tests of the Content Security Policy."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from esfomo.urls import urlpatterns as site_urlpatterns

PROBE = """{% extends "base.html" %}
{% block head %}
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Event", "name": "Probe"}</script>
{% if inline %}
<script>document.title = "inline script ran";</script><p style="color: red">styled</p>
{% endif %}
{% endblock head %}
{% block content %}<h1>probe</h1>{% endblock content %}"""


def probe(request):
    """A page of the site's frame with a JSON-LD data block and, with ?inline=1, inline script and style."""
    template = engines["jinja2"].from_string(PROBE)
    return HttpResponse(template.render({"inline": "inline" in request.GET}, request))


urlpatterns = [path("csp-probe/", probe), *site_urlpatterns]
