"""The Atom feed of announcements: the whole site's, or one edition's."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Max
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from esfomo.models import Announcement, Edition
from esfomo.pages.queries import edition_for

LATEST = 30


class AtomFeed(Atom1Feed):
    """Atom dated by its content: a feed without entries is as recent as its edition, not the moment it is read.

    So the same content always gives the same document (the static archive rewrites only what changed).
    """

    def latest_post_date(self):
        if self.items:
            return super().latest_post_date()
        edition = self.feed["edition"]
        if edition is not None:
            return edition.content_changed_at
        latest = Edition.objects.published().aggregate(latest=Max("content_changed_at"))["latest"]
        return latest or super().latest_post_date()


class AnnouncementsFeed(Feed):
    feed_type = AtomFeed

    def get_object(self, request, year=None):
        return edition_for(request, year) if year else None

    def title(self, edition):
        return f"{edition.name} news" if edition else "ES-FoMo news"

    def subtitle(self, edition):
        title = edition.title if edition else "Efficient Systems for Foundation Models"
        return f"Announcements of the {title} workshop: calls, deadlines, programme and live notices."

    def link(self, edition):
        return edition.get_absolute_url() if edition else "/"

    def feed_url(self, edition):
        return reverse("esfomo:edition-feed", kwargs={"year": edition.year}) if edition else reverse("esfomo:feed")

    def feed_extra_kwargs(self, edition):
        return {"edition": edition}

    def items(self, edition):
        announcements = Announcement.objects.published().filter(edition__is_published=True).select_related("edition")
        if edition:
            announcements = announcements.filter(edition=edition)
        return announcements.order_by("-published_at", "-pk")[:LATEST]

    def item_title(self, announcement):
        return announcement.title

    def item_description(self, announcement):
        return announcement.body_html

    def item_link(self, announcement):
        return f"{announcement.edition.get_absolute_url()}#announcement-{announcement.pk}"

    def item_guid(self, announcement):
        # Stable whatever the edition's address becomes (the current edition moves from / to /<year>/)
        # and whichever host name the feed was read through.
        return f"{settings.SITE_URL}/{announcement.edition.year}/#announcement-{announcement.pk}"

    def item_pubdate(self, announcement):
        return announcement.published_at

    def item_updateddate(self, announcement):
        return announcement.updated_at

    def item_categories(self, announcement):
        return [announcement.get_kind_display().split(" (")[0], str(announcement.edition.year)]
