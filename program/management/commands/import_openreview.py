import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from esfomo.content.writer import CREATED, UNCHANGED, UPDATED, WriteError, Writer
from esfomo.models import Edition
from program.paper_import import ImportRefused, apply, fetch_venue, parse_notes, read_export


class Command(BaseCommand):
    help = (
        "Import an edition's accepted papers from OpenReview: from a venue through the official client, "
        "or from a saved JSON export of the venue's notes. Running it again updates the papers, never "
        "duplicates them; a bad input is refused whole and nothing is written."
    )

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--venue", help="OpenReview venue id, e.g. ICML.cc/2025/Workshop/ES-FoMo-III")
        source.add_argument("--file", type=Path, help="a saved JSON export of the venue's notes (API v2)")
        parser.add_argument("--edition", type=int, required=True, help="the edition's year, e.g. 2025")
        parser.add_argument("--dry-run", action="store_true", help="say what would change, write nothing")
        parser.add_argument("--save", type=Path, help="with --venue: also save the notes read to this file")

    def handle(self, *args, venue=None, file=None, edition, dry_run=False, save=None, **options):
        chosen = Edition.objects.filter(year=edition).first()
        if chosen is None:
            raise CommandError(f"There is no {edition} edition; create it in the admin first.")
        if save and not venue:
            raise CommandError("--save records what --venue reads; it does not go with --file.")
        try:
            notes = fetch_venue(venue) if venue else read_export(file)
            source = f"venue {venue}" if venue else str(file)
            parsed = parse_notes(notes, source)
            if not parsed.records:
                raise ImportRefused(f"{source}: holds no accepted paper; check the venue or the file.")
            with Writer(f"OpenReview ({source})", dry_run=dry_run) as writer:
                not_in_import = apply(chosen, parsed.records, writer)
        except (ImportRefused, WriteError) as error:
            raise CommandError(f"{error} Nothing was written.") from None
        if save:
            save.write_text(json.dumps(notes, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        self.report(chosen, parsed, writer.report, not_in_import, dry_run)

    def report(self, edition, parsed, report, not_in_import, dry_run):
        titles = {action: [c.label for c in report.changes if c.action == action] for action in (CREATED, UPDATED)}
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {len(parsed.records)} accepted papers into {edition}: {len(titles[CREATED])} new, "
                f"{len(titles[UPDATED])} updated, {report.count('paper', UNCHANGED)} unchanged."
            )
        )
        for title in titles[CREATED]:
            self.stdout.write(f"  new: {title}")
        for title in titles[UPDATED]:
            self.stdout.write(f"  updated: {title}")
        for reason in parsed.skipped:
            self.stdout.write(f"  skipped {reason}")
        for title in not_in_import:
            self.stdout.write(
                self.style.WARNING(f"  kept, but not in this import (withdrawn?): {title}; remove it in the admin")
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
