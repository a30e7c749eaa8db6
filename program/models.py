"""The workshop day: sessions in time order, the talks inside them, and the accepted papers."""

import datetime
import uuid

from django.db import models
from django.db.models import F, Prefetch, Q
from django.urls import reverse

from esfomo.common.fields import WebAddressField
from esfomo.common.markup import render_markdown, validate_markdown
from esfomo.content.registry import NaturalKeyModel, NaturalKeyQuerySet


class PaperQuerySet(NaturalKeyQuerySet):
    def for_edition(self, edition):
        return self.filter(edition=edition)


class Paper(NaturalKeyModel, models.Model):
    class Decision(models.TextChoices):
        ORAL = "oral", "Oral"
        SPOTLIGHT = "spotlight", "Spotlight"
        POSTER = "poster", "Poster"

    uid = models.UUIDField("permanent key", default=uuid.uuid4, unique=True, editable=False)
    edition = models.ForeignKey(
        "esfomo.Edition", on_delete=models.CASCADE, related_name="papers", verbose_name="edition"
    )
    title = models.CharField("title", max_length=400)
    authors = models.TextField(
        "authors", blank=True, help_text="Separated by commas, in the paper's order, e.g. “Ada Lovelace, Alan Turing”."
    )
    abstract = models.TextField("abstract", blank=True)
    decision = models.CharField("presented as", max_length=20, choices=Decision.choices, default=Decision.POSTER)
    openreview_id = models.CharField(
        "OpenReview id",
        max_length=40,
        blank=True,
        help_text="The id in the paper's OpenReview address (forum?id=…), e.g. “a1B2c3D4e5”.",
    )
    url = WebAddressField("link", blank=True, help_text="Paper page when it is not on OpenReview.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = PaperQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = "accepted paper"
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "openreview_id"],
                condition=~Q(openreview_id=""),
                name="unique_openreview_paper_per_edition",
                violation_error_message="This OpenReview paper is already in this edition.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("program:papers", kwargs={"year": self.edition.year}) + f"#{self.anchor}"

    @property
    def anchor(self):
        """The id of the paper on the papers page."""
        return f"paper-{self.pk}"

    @property
    def link(self):
        if self.openreview_id:
            return f"https://openreview.net/forum?id={self.openreview_id}"
        return self.url

    @property
    def author_list(self):
        return [name.strip() for name in self.authors.split(",") if name.strip()]


class SessionQuerySet(NaturalKeyQuerySet):
    def for_edition(self, edition):
        return self.filter(edition=edition)

    def with_talks(self):
        """Prefetch talks, their speakers and papers in a fixed number of queries."""
        speakers = TalkSpeaker.objects.select_related("person")
        talks = Talk.objects.select_related("paper").prefetch_related(
            Prefetch("talk_speakers", queryset=speakers, to_attr="credits")
        )
        return self.prefetch_related(Prefetch("talks", queryset=talks, to_attr="talk_list"))


class Session(NaturalKeyModel, models.Model):
    class Kind(models.TextChoices):
        REMARKS = "remarks", "Remarks"
        INVITED_TALK = "invited_talk", "Invited Talk"
        ORAL = "oral", "Oral"
        SPOTLIGHT = "spotlight", "Spotlight"
        POSTER = "poster", "Poster Session"
        PANEL = "panel", "Panel"
        BREAK = "break", "Break"
        OTHER = "other", "Other"

    # Kinds whose talks are each presented as a talk of this kind ("Oral", "Spotlight").
    TALK_LABELS = {Kind.ORAL: "Oral", Kind.SPOTLIGHT: "Spotlight", Kind.INVITED_TALK: "Invited Talk"}

    uid = models.UUIDField(
        "permanent key", default=uuid.uuid4, unique=True, editable=False,
        help_text="Identifies the session in calendars and apps, whatever its time or room.",
    )  # fmt: skip
    edition = models.ForeignKey(
        "esfomo.Edition", on_delete=models.CASCADE, related_name="sessions", verbose_name="edition"
    )
    kind = models.CharField("kind", max_length=20, choices=Kind.choices)
    title = models.CharField(
        "title", max_length=200, help_text="e.g. “Invited Talk”, “Orals Session 1”, “Coffee break”."
    )
    start = models.DateTimeField("start", help_text="In the edition's time zone.")
    end = models.DateTimeField("end", help_text="In the edition's time zone.")
    room = models.CharField("room", max_length=100, blank=True, help_text="Blank: the edition's room.")
    description = models.TextField(
        "description",
        blank=True,
        validators=[validate_markdown],
        help_text="Markdown, shown in the plan when the session has no talks, e.g. “TBA”.",
    )
    description_html = models.TextField(editable=False, blank=True)
    sequence = models.PositiveIntegerField(
        "revision", default=0, editable=False, help_text="Raised when the time or place changes (for calendars)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["start", "end", "pk"]
        verbose_name = "session"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="session_ends_after_start",
                violation_error_message="A session must end after it starts.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.start:%Y-%m-%d %H:%M} UTC)"

    def save(self, *args, **kwargs):
        self.description_html = render_markdown(self.description, top_heading=4)
        if self.pk and self.has_moved():
            self.sequence += 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.edition.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self):
        """The id of the session's row in the plan."""
        return f"session-{self.pk}"

    def has_moved(self):
        before = Session.objects.filter(pk=self.pk).values("start", "end", "room", "title").first()
        if before is None:
            return False
        return any(before[key] != getattr(self, key) for key in before)

    @property
    def duration(self) -> datetime.timedelta:
        return self.end - self.start

    @property
    def talk_label(self):
        return self.TALK_LABELS.get(self.kind, self.get_kind_display())

    @property
    def is_talk_kind(self):
        return self.kind in self.TALK_LABELS

    @property
    def has_timed_talks(self):
        """Whether the plan lists this session's talks on rows of their own (needs `with_talks()`)."""
        return any(talk.start for talk in self.talk_list)

    @property
    def talks_have_own_slots(self):
        """Whether every talk carries its own start, so feeds may list each talk as an event of its own."""
        return bool(self.talk_list) and all(talk.start for talk in self.talk_list)

    @property
    def place(self):
        """Where the session happens: its own room, else the edition's room (needs the edition loaded)."""
        return self.room or self.edition.room


class Talk(NaturalKeyModel, models.Model):
    uid = models.UUIDField(
        "permanent key", default=uuid.uuid4, unique=True, editable=False,
        help_text="Identifies the talk in attendee apps, whatever its time or place in the session.",
    )  # fmt: skip
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="talks", verbose_name="session")
    title = models.CharField("title", max_length=400, blank=True)
    start = models.DateTimeField(
        "start", null=True, blank=True, help_text="Only when the session lists its talks with their own times."
    )
    abstract = models.TextField("abstract", blank=True)
    paper = models.ForeignKey(
        Paper,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="talks",
        verbose_name="accepted paper",
        help_text="For orals and spotlights: the paper presented.",
    )
    speakers = models.ManyToManyField(
        "people.Person", through="TalkSpeaker", related_name="talks", verbose_name="speakers"
    )
    position = models.PositiveIntegerField("position", default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NaturalKeyQuerySet.as_manager()

    # When a talk with its own start ends: the next talk's start or the session's end.
    # Not stored: `schedule_for()` sets it from the session's other talks.
    end = None

    class Meta:
        ordering = ["position", "start", "pk"]
        verbose_name = "talk"

    def __str__(self):
        return self.display_title

    def get_absolute_url(self):
        return f"{self.session.edition.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self):
        """The id of the talk's place in the plan: its paper's slot, its own row if timed, else its session's."""
        if self.paper_id:
            return f"paper-slot-{self.paper_id}"
        return f"talk-{self.pk}" if self.start else f"session-{self.session_id}"

    @property
    def display_title(self):
        return self.title or (self.paper.title if self.paper_id else "")

    @property
    def affiliations(self):
        """The speakers' affiliations as credited, e.g. “CMU / Cartesia AI” (needs `with_talks()`)."""
        return " / ".join(dict.fromkeys(credit.affiliation for credit in self.credits if credit.affiliation))


class TalkSpeaker(NaturalKeyModel, models.Model):
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="talk_speakers", verbose_name="talk")
    # A person who still gives a talk cannot be deleted by accident: remove the talk first.
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="talk_credits", verbose_name="person"
    )
    credited_name = models.CharField(
        "name as credited",
        max_length=200,
        blank=True,
        help_text="Only when the programme names them differently, e.g. “Zachary Charles” for Zach.",
    )
    affiliation = models.CharField(
        "affiliation for this talk",
        max_length=200,
        blank=True,
        help_text="Shown with the talk, e.g. “Cerebras Systems”. Blank: none.",
    )
    position = models.PositiveIntegerField("position", default=0)

    objects = NaturalKeyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "speaker"
        constraints = [
            models.UniqueConstraint(
                fields=["talk", "person"],
                name="one_credit_per_speaker",
                violation_error_message="This person is already a speaker of this talk.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.credited_name or self.person.name
