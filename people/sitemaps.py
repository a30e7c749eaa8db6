from django.urls import reverse

from esfomo.common.sitemaps import Sitemap

from .appearances import participants


class PeopleSitemap(Sitemap):
    """The people index and every person page the public site shows."""

    changefreq = "monthly"

    def items(self):
        return ["index", *(participant.person for participant in participants())]

    def location(self, item):
        return reverse("people:index") if item == "index" else item.get_absolute_url()
