from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from esfomo.content.archive import export_edition
from esfomo.models import Edition


class Command(BaseCommand):
    help = "Write an edition with everything in it (pages, people, programme, images) to a zip archive."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="The edition to export, e.g. 2025.")
        parser.add_argument("path", type=Path, help="The archive to write, e.g. esfomo-2025.zip; it must not exist.")

    def handle(self, year, path, **options):
        edition = Edition.objects.filter(year=year).first()
        if edition is None:
            raise CommandError(f"This site has no {year} edition.")
        if path.exists():
            raise CommandError(f"{path} already exists; choose another name or remove it first.")
        try:
            summary = export_edition(edition, path)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error}") from error
        self.stdout.write(f"{summary}\nWritten to {path}.")
