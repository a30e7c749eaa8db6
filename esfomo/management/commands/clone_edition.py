import datetime

from django.core.management.base import BaseCommand, CommandError

from esfomo.content.cloning import CloneError, clone_edition
from esfomo.models import Edition


def iso_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"“{value}” is not a date like 2026-07-17.") from error


class Command(BaseCommand):
    help = (
        "Start next year's edition from an existing one: pages, important dates, organizers in their order, "
        "sponsors with logos and the day's sessions, moved to the new date. Talks, papers and speakers are "
        "left out. The new edition is unpublished."
    )

    def add_arguments(self, parser):
        parser.add_argument("from_year", type=int, help="The edition to copy, e.g. 2025.")
        parser.add_argument("to_year", type=int, help="The new edition's year, e.g. 2026.")
        parser.add_argument(
            "--date",
            type=iso_date,
            help="The new workshop day, e.g. 2026-07-17. Default: the same day and month in the new year.",
        )

    def handle(self, *args, from_year, to_year, date=None, **options):
        source = Edition.objects.filter(year=from_year).first()
        if source is None:
            raise CommandError(f"There is no edition {from_year}.")
        try:
            clone = clone_edition(source, to_year, date)
        except CloneError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {clone} on {clone.date:%Y-%m-%d} from {source}: {clone.pages.count()} pages, "
                f"{clone.important_dates.count()} important dates, {clone.roles.count()} organizers, "
                f"{clone.sponsors.count()} sponsors, {clone.sessions.count()} sessions. It is unpublished: "
                "review it in the admin, then publish."
            )
        )
