from django.urls import reverse

from esfomo.common.sitemaps import Sitemap
from esfomo.models import Edition


class PapersSitemap(Sitemap):
    """The accepted papers page of every published edition that has papers."""

    changefreq = "weekly"

    def items(self):
        return Edition.objects.published().filter(papers__isnull=False).distinct().order_by("-year")

    def location(self, edition):
        return reverse("program:papers", kwargs={"year": edition.year})

    def lastmod(self, edition):
        return edition.content_changed_at
