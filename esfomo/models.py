"""The site: editions of the workshop, their pages, important dates and announcements."""

import datetime
import re
import uuid
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags

from esfomo.common import images
from esfomo.common.fields import WebAddressField
from esfomo.common.markup import render_inline, render_markdown, validate_markdown
from esfomo.content.registry import NaturalKeyModel, NaturalKeyQuerySet
from esfomo.pages.social_card import card_path
from esfomo.serving import pagecache

# "Anywhere on Earth", the ML deadline convention: the deadline has passed nowhere on Earth.
AOE = datetime.timezone(datetime.timedelta(hours=-12), "AoE")

# First path segments the site itself uses; a page cannot take them as its slug.
RESERVED_SLUGS = frozenset(
    {"admin", "static", "media", "papers", "people", "schedule", "healthz", "sitemap",
     "robots", "feeds", "feed", "api", "readiness"}
)  # fmt: skip


def validate_timezone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "“%(value)s” is not an IANA time zone; write it like “America/Vancouver”.",
            params={"value": value},
        )


def validate_page_slug(value):
    if value in RESERVED_SLUGS:
        raise ValidationError(
            "“%(value)s” is used by the site itself; choose another address.",
            params={"value": value},
        )


class EditionQuerySet(NaturalKeyQuerySet):
    def published(self):
        return self.filter(is_published=True)

    def current(self):
        """Return the edition `/` shows: the one marked current, else the latest published."""
        return self.published().order_by("-is_current", "-year").first()

    def touch(self):
        """Mark the content of these editions as changed (ETags follow, and every cached page once committed).

        Code that changes content without saving models one by one (`QuerySet.update()`, bulk
        imports, raw SQL) calls this afterwards.
        """
        # This process reads the version again at its next request, inside this transaction and after
        # it commits; the other processes within PAGE_CACHE_RECHECK_SECONDS.
        pagecache.recheck()
        transaction.on_commit(pagecache.recheck, using=self.db)
        return self.update(content_version=F("content_version") + 1, content_changed_at=timezone.now())


class Edition(NaturalKeyModel, images.StoredImages, models.Model):
    IMAGE_SHAPES = {"banner": images.BANNER}

    year = models.PositiveSmallIntegerField(
        "year", unique=True, help_text="The edition's address: 2025 is shown at /2025/."
    )
    name = models.CharField(
        "short name", max_length=60, help_text="Shown in the header and titles, e.g. “ES-FoMo III”."
    )
    title = models.CharField(
        "full title",
        max_length=200,
        default="Efficient Systems for Foundation Models",
        help_text="The workshop's full name, e.g. “Efficient Systems for Foundation Models”.",
    )
    acronym = models.CharField(
        "acronym for schedule feeds",
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(
                r"^[a-z0-9_]{4,}$",
                "Lower-case letters, digits and underscores only, at least four, e.g. “esfomo2025”.",
            )
        ],
        help_text="Identifies the edition in calendar and app feeds, e.g. “esfomo2025”.",
    )
    subtitle = models.CharField(
        "subtitle",
        validators=[validate_markdown],
        max_length=300,
        blank=True,
        help_text="Under the title, e.g. “Workshop at the International Conference on Machine Learning (ICML) 2025.”",
    )
    tagline = models.CharField(
        "tagline",
        validators=[validate_markdown],
        max_length=200,
        blank=True,
        help_text="A short line under the banner, e.g. “Code it, run it, crash it--restart it.”",
    )
    banner = models.ImageField(
        "banner",
        upload_to="editions/",
        blank=True,
        width_field="banner_width",
        height_field="banner_height",
        validators=[images.validate_image_file],
        help_text="Wide image at the top of the homepage, at least 1024 px wide.",
    )
    banner_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    banner_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    banner_alt = models.CharField(
        "banner description",
        max_length=200,
        blank=True,
        help_text="What the banner shows, for screen readers, e.g. “ES-FoMo logo”.",
    )

    # When and where.
    date = models.DateField("workshop day", help_text="The (first) day of the workshop.")
    time_zone = models.CharField(
        "time zone",
        max_length=64,
        default="America/Vancouver",
        validators=[validate_timezone],
        help_text="IANA zone of the venue; the schedule is shown in it, e.g. “America/Vancouver”.",
    )
    time_zone_label = models.CharField(
        "time zone label",
        max_length=20,
        blank=True,
        help_text="Short name shown as “All times PT”, e.g. “PT”. Blank: the zone's abbreviation.",
    )
    conference = models.CharField("host conference", max_length=100, blank=True, help_text="e.g. “ICML 2025”.")
    conference_url = WebAddressField("host conference website", blank=True, help_text="e.g. https://icml.cc")
    city = models.CharField("city", max_length=100, blank=True, help_text="e.g. “Vancouver”.")
    venue = models.CharField("venue", max_length=200, blank=True, help_text="e.g. “Vancouver Convention Center”.")
    room = models.CharField(
        "room",
        max_length=100,
        blank=True,
        help_text="Where the workshop takes place inside the venue, once known, e.g. “East Exhibition Hall A”.",
    )

    # Homepage text.
    summary = models.TextField(
        "what? (the gist)",
        validators=[validate_markdown],
        blank=True,
        help_text="One or two sentences in markdown: what the workshop is about.",
    )
    summary_html = models.TextField(editable=False, blank=True)
    subtitle_html = models.TextField(editable=False, blank=True)
    tagline_html = models.TextField(editable=False, blank=True)
    pitch = models.TextField(
        "the pitch", blank=True, validators=[validate_markdown], help_text="The longer motivation, in markdown."
    )
    pitch_html = models.TextField(editable=False, blank=True)
    speakers_intro = models.CharField(
        "speakers introduction",
        max_length=300,
        blank=True,
        help_text="A line above the speakers' photos, e.g. “This year, we're excited to welcome…”.",
    )
    schedule_note = models.CharField(
        "schedule note",
        max_length=200,
        blank=True,
        help_text="Shown under the plan's heading, e.g. “Full schedule to be confirmed.”",
    )
    contact_email = models.EmailField("contact email", blank=True, help_text="e.g. esfomo.workshop@gmail.com")
    submission_url = WebAddressField(
        "submission site",
        blank=True,
        help_text="Where papers are submitted, e.g. the OpenReview group of this edition.",
    )

    is_published = models.BooleanField(
        "published", default=False, help_text="Unpublished editions are visible to staff only."
    )
    is_current = models.BooleanField(
        "current edition", default=False, help_text="The edition shown at the site's root address “/”."
    )

    content_version = models.PositiveIntegerField(default=1, editable=False)
    content_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = "edition"
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="one_current_edition",
                violation_error_message="Another edition is already the current one; unmark it first.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.year})"

    def save(self, *args, **kwargs):
        self.subtitle_html = render_inline(self.subtitle)
        self.tagline_html = render_inline(self.tagline)
        self.summary_html = render_inline(self.summary)
        self.pitch_html = render_markdown(self.pitch, top_heading=3)
        if not self.acronym:
            self.acronym = self.default_acronym()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        if self.is_current:
            return reverse("esfomo:home")
        return reverse("esfomo:edition", kwargs={"year": self.year})

    @property
    def url(self):
        """The address, as templates read it from an edition or from the homepage document."""
        return self.get_absolute_url()

    @property
    def share_card_path(self):
        return card_path(self)

    @property
    def summary_text(self):
        """The summary without markup, for page descriptions."""
        return strip_tags(self.summary_html)

    def clean(self):
        if self.banner and not self.banner_alt.strip():
            raise ValidationError(
                {"banner_alt": "Describe the banner for screen readers, e.g. “ES-FoMo logo over a circuit board”."}
            )

    @cached_property
    def tzinfo(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def zone_label(self):
        if self.time_zone_label:
            return self.time_zone_label
        noon = datetime.datetime.combine(self.date, datetime.time(12), tzinfo=self.tzinfo)
        return noon.tzname()

    def default_acronym(self):
        """Derive a feed acronym from the name's first word and the year: “ES-FoMo III” -> esfomo2025."""
        first_word = (self.name or "edition").split()[0]
        return re.sub(r"[^a-z0-9_]", "", first_word.lower()) + str(self.year)

    @property
    def banner_picture(self):
        return images.picture(self.banner, images.BANNER, (self.banner_width, self.banner_height))


class Page(NaturalKeyModel, models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="pages", verbose_name="edition")
    slug = models.SlugField(
        "address",
        max_length=60,
        validators=[validate_page_slug],
        help_text="The page's address: “call” is shown at /call/ and /2025/call/.",
    )
    title = models.CharField("title", max_length=120, help_text="e.g. “📝 call for papers”.")
    nav_title = models.CharField(
        "menu label", max_length=40, blank=True, help_text="Short label in the menu; blank uses the title."
    )
    body = models.TextField(
        "text", blank=True, validators=[validate_markdown], help_text="The page's content, in markdown."
    )
    body_html = models.TextField(editable=False, blank=True)
    show_important_dates = models.BooleanField(
        "show important dates",
        default=False,
        help_text="List the edition's important dates on this page (for the call for papers).",
    )
    in_menu = models.BooleanField("in the menu", default=True)
    is_published = models.BooleanField(
        "published", default=True, help_text="Unpublished pages are visible to staff only."
    )
    position = models.PositiveIntegerField("position", default=0, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NaturalKeyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "page"
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "slug"],
                name="unique_page_slug_per_edition",
                violation_error_message="This edition already has a page at that address.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        if self.edition.is_current:
            return reverse("esfomo:current-page", kwargs={"slug": self.slug})
        return reverse("esfomo:page", kwargs={"year": self.edition.year, "slug": self.slug})

    @property
    def menu_label(self):
        return self.nav_title or self.title


class ImportantDateQuerySet(NaturalKeyQuerySet):
    def announced(self):
        return self.filter(announce=True)


class ImportantDate(NaturalKeyModel, models.Model):
    class Zone(models.TextChoices):
        AOE = "AoE", "Anywhere on Earth (UTC−12)"
        UTC = "UTC", "UTC"

    uid = models.UUIDField("permanent key", default=uuid.uuid4, unique=True, editable=False)
    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="important_dates", verbose_name="edition"
    )
    label = models.CharField("what", max_length=100, help_text="e.g. “Submission deadline”.")
    date = models.DateField("date", help_text="The date as first announced.")
    time = models.TimeField(
        "time",
        null=True,
        blank=True,
        default=datetime.time(23, 59),
        help_text="Time of day in the zone below, e.g. 23:59. Blank for a whole-day date such as a notification.",
    )
    zone = models.CharField("zone", max_length=3, choices=Zone.choices, default=Zone.AOE)
    extended_date = models.DateField(
        "extended to", null=True, blank=True, help_text="The new date if the deadline was extended."
    )
    extension_reason = models.CharField(
        "note on the extension",
        max_length=200,
        blank=True,
        help_text="Shown next to the date, e.g. “one-day extension for US Memorial Day”.",
    )
    announce = models.BooleanField(
        "in the homepage announcement", default=False, help_text="List this date under the homepage announcement."
    )
    position = models.PositiveIntegerField("position", default=0, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ImportantDateQuerySet.as_manager()

    class Meta:
        ordering = ["position", "date"]
        verbose_name = "important date"
        constraints = [
            models.CheckConstraint(
                condition=Q(extended_date__isnull=True) | Q(extended_date__gt=F("date")),
                name="extension_after_original_date",
                violation_error_message="The extended date must come after the original date.",
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.effective_date:%Y-%m-%d}"

    @property
    def effective_date(self):
        return self.extended_date or self.date

    @property
    def is_extended(self):
        return bool(self.extended_date or self.extension_reason)

    @property
    def tzinfo(self):
        return AOE if self.zone == self.Zone.AOE else datetime.UTC

    @property
    def due(self):
        """The aware moment the date falls due (end of day when no time is given)."""
        time = self.time or datetime.time(23, 59, 59)
        return datetime.datetime.combine(self.effective_date, time, tzinfo=self.tzinfo)

    def has_passed(self, now=None):
        return (now or timezone.now()) > self.due


class AnnouncementQuerySet(NaturalKeyQuerySet):
    def published(self):
        return self.filter(is_published=True, published_at__lte=timezone.now())

    def news(self):
        return self.filter(kind=Announcement.Kind.NEWS)

    def live(self):
        return self.filter(kind=Announcement.Kind.LIVE)


class Announcement(NaturalKeyModel, models.Model):
    class Kind(models.TextChoices):
        NEWS = "news", "News (under the banner)"
        LIVE = "live", "Live notice (banner on every page: running late, room change, stream link)"

    uid = models.UUIDField("permanent key", default=uuid.uuid4, unique=True, editable=False)
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="announcements", verbose_name="edition")
    kind = models.CharField("kind", max_length=10, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField(
        "title", max_length=200, help_text="For the feed and the admin, e.g. “Submissions are open”."
    )
    body = models.TextField(
        "text",
        validators=[validate_markdown],
        help_text="In markdown, e.g. “➡️ **ES-FoMo is back!** Submissions are live on [OpenReview](https://…)!”",
    )
    body_html = models.TextField(editable=False, blank=True)
    is_published = models.BooleanField("published", default=True)
    published_at = models.DateTimeField("publication time", default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = "announcement"

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body, top_heading=3)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.edition.get_absolute_url()
