"""Sitemaps whose addresses are on the site's public address (SITE_URL), whichever host the request named."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import sitemaps


class Sitemap(sitemaps.Sitemap):
    """A sitemap whose addresses are on the site's public address (SITE_URL), whichever host was asked."""

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc
