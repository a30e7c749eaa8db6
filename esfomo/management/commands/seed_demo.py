import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from esfomo.content.archive import import_edition
from esfomo.demo import DEMO
from esfomo.models import Edition

# Where `make run` keeps the password of the local demo admin (the file is git-ignored).
LOCAL_ADMIN_FILE = Path(settings.BASE_DIR) / ".demo-admin-password"


class Command(BaseCommand):
    help = "Load or refresh the demo editions (ES-FoMo 2025, and 2024 for navigation). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--local-admin",
            action="store_true",
            help="Also create an 'admin' superuser for this local database and print its login (DEBUG only).",
        )

    def handle(self, *args, local_admin=False, **options):
        report = import_edition(DEMO, refresh=True).report
        editions = Edition.objects.filter(year__in=[2024, 2025])
        changed = len(report.written)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready: {', '.join(str(edition) for edition in editions)}; "
                f"{changed} object{'s' if changed != 1 else ''} written."
            )
        )
        if local_admin:
            self.ensure_local_admin()

    def ensure_local_admin(self):
        if not settings.DEBUG:
            raise CommandError("--local-admin is for local development only (DEBUG is off).")
        User = get_user_model()
        password = LOCAL_ADMIN_FILE.read_text().strip() if LOCAL_ADMIN_FILE.exists() else ""
        user = User.objects.filter(username="admin").first()
        if user is None or not password or not user.check_password(password):
            password = password or secrets.token_urlsafe(12)
            user = user or User(username="admin", email="admin@localhost")
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
            LOCAL_ADMIN_FILE.write_text(password + "\n")
            LOCAL_ADMIN_FILE.chmod(0o600)
        self.stdout.write(f"Local admin login: admin / {password}")
