"""Root URL configuration: composes the site's pages with the programme's and the people's.

The public addresses are a contract: see DESIGN.md.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from esfomo.pages.sitemaps import EditionSitemap, PageSitemap
from esfomo.serving.media import serve_media
from esfomo.serving.pagecache import public_page
from people.sitemaps import PeopleSitemap
from program.sitemaps import PapersSitemap

SITEMAPS = {"editions": EditionSitemap, "pages": PageSitemap, "papers": PapersSitemap, "people": PeopleSitemap}

admin.site.site_header = "ES-FoMo portal"
admin.site.site_title = "ES-FoMo admin"
admin.site.index_title = "Site content"

# The 404, 403 and 400 pages are the templates of the same names; 500 needs a look at the error.
handler500 = "esfomo.pages.views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Uploads on the local disk (no S3 bucket configured); see esfomo/media.py.
    path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", serve_media, name="media"),
    path("sitemap.xml", public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("program.urls")),
    path("", include("people.urls")),
    # Last: its `<slug>/` pattern catches every other first path segment.
    path("", include("esfomo.pages.urls")),
]
