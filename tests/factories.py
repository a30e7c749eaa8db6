"""factory_boy factories for the portal's models: small valid objects, overridable per test."""

import datetime
import zoneinfo

import factory

from esfomo.models import Announcement, Edition, ImportantDate, Page
from people.models import Person, Role, Sponsor
from program.models import Paper, Session, Talk, TalkSpeaker

VANCOUVER = zoneinfo.ZoneInfo("America/Vancouver")


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition

    year = factory.Sequence(lambda n: 2100 + n)
    name = factory.LazyAttribute(lambda o: f"Test Workshop {o.year}")
    acronym = factory.LazyAttribute(lambda o: f"testworkshop{o.year}")
    date = factory.LazyAttribute(lambda o: datetime.date(o.year, 7, 18))
    time_zone = "America/Vancouver"
    time_zone_label = "PT"
    is_published = True


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    edition = factory.SubFactory(EditionFactory)
    slug = factory.Sequence(lambda n: f"page-{n}")
    title = factory.Sequence(lambda n: f"Page {n}")
    body = "Some **text**."


class ImportantDateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportantDate

    edition = factory.SubFactory(EditionFactory)
    label = "Submission deadline"
    date = factory.LazyAttribute(lambda o: datetime.date(o.edition.year, 5, 26))


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Announcement

    edition = factory.SubFactory(EditionFactory)
    title = "News"
    body = "Something **new**."


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    website = "https://example.org/"


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    edition = factory.SubFactory(EditionFactory)
    person = factory.SubFactory(PersonFactory)
    kind = Role.Kind.SPEAKER
    affiliation = "Example University"


class SponsorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sponsor

    edition = factory.SubFactory(EditionFactory)
    name = factory.Sequence(lambda n: f"Sponsor {n}")
    logo_alt = factory.LazyAttribute(lambda o: o.name)
    logo = factory.django.ImageField(width=480, height=240, format="PNG", color="navy")


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paper

    edition = factory.SubFactory(EditionFactory)
    title = factory.Sequence(lambda n: f"Paper {n}: efficient things")
    authors = "Ada Lovelace, Alan Turing"
    decision = Paper.Decision.POSTER


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    edition = factory.SubFactory(EditionFactory)
    kind = Session.Kind.INVITED_TALK
    title = "Invited Talk"
    start = factory.LazyAttribute(
        lambda o: datetime.datetime.combine(o.edition.date, datetime.time(9, 0), tzinfo=VANCOUVER)
    )
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(minutes=30))


class TalkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Talk

    session = factory.SubFactory(SessionFactory)
    title = factory.Sequence(lambda n: f"Talk {n}")


class TalkSpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TalkSpeaker

    talk = factory.SubFactory(TalkFactory)
    person = factory.SubFactory(PersonFactory)
