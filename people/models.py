"""People (speakers, organizers, panelists), their role in each edition, and sponsors."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Deferrable, Max, Q
from django.urls import reverse
from django.utils.text import slugify

from esfomo.common import images
from esfomo.common.fields import WebAddressField
from esfomo.content.registry import NaturalKeyModel, NaturalKeyQuerySet
from esfomo.models import Edition


class Person(NaturalKeyModel, images.StoredImages, models.Model):
    IMAGE_SHAPES = {"photo": images.PORTRAIT}

    given_name = models.CharField(
        "given name", max_length=100, help_text="Shown in bold on the photo card, e.g. “Tri”."
    )
    family_name = models.CharField("family name", max_length=100, blank=True, help_text="e.g. “Dao”.")
    slug = models.SlugField(
        "address",
        max_length=120,
        unique=True,
        help_text="The person's page address, e.g. “tri-dao” for /people/tri-dao/. Filled in from the name.",
    )
    website = WebAddressField("website", blank=True, help_text="Where the photo card links to, e.g. https://tridao.me")
    scholar_url = WebAddressField("Google Scholar profile", blank=True)
    social_url = WebAddressField("social profile", blank=True, help_text="X, Bluesky, LinkedIn or similar.")
    photo = models.ImageField(
        "photo",
        upload_to="people/",
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
        validators=[images.validate_image_file],
        help_text="Square photo, at least 400 × 400 px (JPEG, PNG or WebP, at most 10 MB). "
        "It is turned upright and stripped of location and camera data.",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_alt = models.CharField(
        "photo description",
        max_length=200,
        blank=True,
        help_text="For screen readers; blank says “Portrait of <name>”.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NaturalKeyQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = "person"
        verbose_name_plural = "people"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.unique_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("people:person", kwargs={"slug": self.slug})

    @property
    def name(self):
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def initials(self):
        return "".join(part[0] for part in (self.given_name, self.family_name) if part).upper()

    @property
    def link(self):
        return self.website or self.social_url or self.scholar_url

    @property
    def portrait_alt(self):
        return self.photo_alt or f"Portrait of {self.name}"

    @property
    def portrait(self):
        return images.picture(self.photo, images.PORTRAIT, (self.photo_width, self.photo_height))

    def unique_slug(self):
        base = slugify(self.name)[:100] or "person"
        slug, n = base, 2
        while Person.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug


class RoleQuerySet(NaturalKeyQuerySet):
    def for_edition(self, edition):
        return self.filter(edition=edition)

    def shown(self):
        return self.exclude(kind=Role.Kind.HIDDEN)

    def speakers(self):
        return self.filter(kind=Role.Kind.SPEAKER)

    def organizers(self):
        return self.filter(kind=Role.Kind.ORGANIZER)

    def with_people(self):
        return self.select_related("person")


class Role(NaturalKeyModel, models.Model):
    class Kind(models.TextChoices):
        SPEAKER = "speaker", "Invited speaker"
        ORGANIZER = "organizer", "Organizer"
        PANELIST = "panelist", "Panelist"
        MODERATOR = "moderator", "Moderator"
        HIDDEN = "hidden", "Hidden (kept, not shown)"

    edition = models.ForeignKey(
        "esfomo.Edition", on_delete=models.CASCADE, related_name="roles", verbose_name="edition"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles", verbose_name="person")
    kind = models.CharField("role", max_length=20, choices=Kind.choices)
    affiliation = models.CharField(
        "affiliation",
        max_length=200,
        blank=True,
        help_text="As shown on this edition's card; several separated by commas, e.g. “UCSD, Together AI”.",
    )
    position = models.PositiveIntegerField(
        "position", default=0, help_text="Order among this edition's people of the same role; 1 comes first."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = RoleQuerySet.as_manager()

    # Set by a formset that checks the positions of a whole group together (see esfomo.common.admin).
    positions_checked_with_group = False

    class Meta:
        ordering = ["position"]
        verbose_name = "role"
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "person", "kind"],
                name="one_role_of_a_kind_per_person",
                violation_error_message="This person already has this role in this edition.",
            ),
            # Deferred so that drag-and-drop reordering may swap positions inside one transaction.
            models.UniqueConstraint(
                fields=["edition", "kind", "position"],
                name="unique_role_position",
                deferrable=Deferrable.DEFERRED,
                violation_error_message="Two people of the same role cannot share a position.",
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.get_kind_display()} {self.edition.year}"

    def save(self, *args, **kwargs):
        if not self.position:
            last = Role.objects.filter(edition_id=self.edition_id, kind=self.kind).aggregate(Max("position"))
            self.position = (last["position__max"] or 0) + 1
        super().save(*args, **kwargs)

    def clean(self):
        # Deferrable constraints are not checked by model validation: say it here, in the form. A
        # drag-and-drop formset checks its whole group at once (rows may swap) and sets the flag.
        if self.positions_checked_with_group:
            return
        taken = Role.objects.filter(edition_id=self.edition_id, kind=self.kind, position=self.position)
        if self.position and taken.exclude(pk=self.pk).exists():
            raise ValidationError({"position": "Another person of this role already has this position."})


class SponsorQuerySet(NaturalKeyQuerySet):
    def for_edition(self, edition):
        return self.filter(edition=edition)


class Sponsor(NaturalKeyModel, images.StoredImages, models.Model):
    IMAGE_SHAPES = {"logo": images.LOGO, "logo_dark": images.LOGO}

    class Tier(models.TextChoices):
        PLATINUM = "platinum", "Platinum"
        GOLD = "gold", "Gold"
        SILVER = "silver", "Silver"
        SUPPORTER = "supporter", "Supporter"

    uid = models.UUIDField("permanent key", default=uuid.uuid4, unique=True, editable=False)
    edition = models.ForeignKey(
        "esfomo.Edition", on_delete=models.CASCADE, related_name="sponsors", verbose_name="edition"
    )
    name = models.CharField("name", max_length=120, help_text="e.g. “Together AI”.")
    url = WebAddressField("website", blank=True)
    tier = models.CharField("tier", max_length=20, choices=Tier.choices, default=Tier.SUPPORTER)
    logo = models.ImageField(
        "logo",
        upload_to="sponsors/",
        width_field="logo_width",
        height_field="logo_height",
        validators=[images.validate_image_file],
        help_text="PNG with a transparent background or JPEG, at least 480 px wide.",
    )
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_dark = models.ImageField(
        "logo for dark mode",
        upload_to="sponsors/",
        blank=True,
        width_field="logo_dark_width",
        height_field="logo_dark_height",
        validators=[images.validate_image_file],
        help_text="Optional variant shown when the visitor uses dark mode.",
    )
    logo_dark_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_dark_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_alt = models.CharField(
        "logo description", max_length=200, help_text="For screen readers, usually the name, e.g. “Together AI”."
    )
    position = models.PositiveIntegerField("position", default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SponsorQuerySet.as_manager()

    positions_checked_with_group = False

    class Meta:
        ordering = ["position"]
        verbose_name = "sponsor"
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "position"],
                name="unique_sponsor_position",
                deferrable=Deferrable.DEFERRED,
                violation_error_message="Two sponsors cannot share a position.",
            ),
            models.CheckConstraint(condition=~Q(logo_alt=""), name="sponsor_logo_has_alt"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.position:
            last = Sponsor.objects.filter(edition_id=self.edition_id).aggregate(Max("position"))
            self.position = (last["position__max"] or 0) + 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.edition.get_absolute_url() + "#sponsors"

    def clean(self):
        if self.positions_checked_with_group:
            return
        taken = Sponsor.objects.filter(edition_id=self.edition_id, position=self.position)
        if self.position and taken.exclude(pk=self.pk).exists():
            raise ValidationError({"position": "Another sponsor already has this position."})

    @property
    def picture(self):
        return images.picture(self.logo, images.LOGO, (self.logo_width, self.logo_height))

    @property
    def dark_picture(self):
        return images.picture(self.logo_dark, images.LOGO, (self.logo_dark_width, self.logo_dark_height))


class EditionPeople(Edition):
    """An edition seen from its people: speakers, organizers, panel and sponsors, ordered on a page of their own."""

    class Meta:
        proxy = True
        verbose_name = "people and sponsors of an edition"
        verbose_name_plural = "people and sponsors by edition"
