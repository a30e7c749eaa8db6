"""Root URL configuration. The public addresses are a contract: see DESIGN.md."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from .pagecache import public_page
from .sitemaps import SITEMAPS

admin.site.site_header = "ES-FoMo portal"
admin.site.site_title = "ES-FoMo admin"
admin.site.index_title = "Site content"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("program.urls")),
    path("", include("people.urls")),
    # Last: its `<slug>/` pattern catches every other first path segment.
    path("", include("esfomo.site_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
