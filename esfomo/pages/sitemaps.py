from esfomo.common.sitemaps import Sitemap
from esfomo.models import Edition, Page


class EditionSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Edition.objects.published()

    def lastmod(self, edition):
        return edition.content_changed_at


class PageSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Page.objects.filter(is_published=True, edition__is_published=True).select_related("edition")

    def lastmod(self, page):
        return page.updated_at
