"""Load test: wrk hammers the homepage while an organizer saves content through the admin.

    python bench/load.py [--duration 60] [--connections 64]

Everything runs on this machine and talks to 127.0.0.1 only: the script drops and creates its own
database (LOAD_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/esfomo_load; it never reads
DATABASE_URL), migrates it and loads the demo content, starts gunicorn (DEBUG off) with Redis as
the page cache (LOAD_CACHE_URL, default redis://127.0.0.1:6379/6), as on the conference day, then runs
wrk against `/` for the given time while a staff user, signed in over HTTP with a CSRF token,
saves the current edition's schedule note in the admin in a loop. It prints the homepage's
responses by status and the count of admin saves, restores the note, and exits non-zero unless
every response was a 2xx or 3xx and every save went through.

gunicorn runs with the production settings (gunicorn.conf.py: sync workers, WEB_CONCURRENCY of
them). `--threads` shows why they are not threaded: an admin page renders for a few hundred
milliseconds holding the GIL, and the threads of one process wait for each other. In a minute on
two cores, 2 workers of 8 threads gave visitors a p99 of 1.07 s and the organizer 50 saves; 2 sync
workers gave a p99 of 0.14 s and 270 saves (each of which makes every cached page stale).
"""

import argparse
import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import lxml.html
from scratch import fresh_database

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
ORGANIZER = "load-organizer"
MAX_SAVES = 100_000  # a bound on the loop, whatever the duration
DATABASE_URL = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/esfomo_load")
CACHE_URL = os.environ.get("LOAD_CACHE_URL", "redis://127.0.0.1:6379/6")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def prepare_database(env: dict) -> str:
    """Migrate, load the demo content and (re)create the organizer; return their password."""
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=BASE_DIR, env=env, check=True)
    password = secrets.token_urlsafe(24)
    script = (
        "from axes.models import AccessAttempt\n"
        "from django.contrib.auth.models import Permission, User\n"
        f"user, _ = User.objects.get_or_create(username={ORGANIZER!r})\n"
        f"user.is_staff = True; user.set_password({password!r}); user.save()\n"
        "user.user_permissions.set(Permission.objects.filter(codename__in=['view_edition', 'change_edition']))\n"
        "AccessAttempt.objects.filter(username=user.username).delete()\n"
    )
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", script]
    subprocess.run(command, cwd=BASE_DIR, env=env, check=True)
    return password


class Gunicorn:
    def __init__(self, env: dict, port: int, workers: int | None, threads: int | None):
        """The web process as production runs it (gunicorn.conf.py), unless told other workers or threads."""
        command = [
            sys.executable, "-m", "gunicorn", "esfomo.wsgi", "--config", str(BASE_DIR / "gunicorn.conf.py"),
            "--bind", f"{HOST}:{port}",
        ]  # fmt: skip
        if workers:
            command += ["--workers", str(workers)]
        if threads:
            command += ["--threads", str(threads)]
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - kept open as long as the server runs
        self.process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not start:\n{self.output()}")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


class Organizer:
    """A staff member in the admin over real HTTP: session and CSRF cookies, tokens from the forms."""

    def __init__(self, port: int):
        self.origin = f"https://{HOST}:{port}"
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.statuses = Counter()

    def request(self, method: str, path: str, fields: dict | None = None):
        headers = {
            "X-Forwarded-Proto": "https",  # as the PaaS router says; cookies are Secure
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Origin": self.origin,
            "Referer": self.origin + path,
        }
        body = None
        if fields is not None:
            body = urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        self.cookies.update({name: morsel.value for name, morsel in jar.items()})
        self.statuses[response.status] += 1
        return response.status, response.headers, text

    def form(self, path: str, form_id: str) -> dict:
        """The values a browser would send for the form of that id on the page."""
        status, _, html = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        form = next(f for f in lxml.html.fromstring(html).forms if f.get("id") == form_id)
        values: dict[str, list[str]] = {}
        for name, value in form.form_values():
            values.setdefault(name, []).append(value)
        return values

    def log_in(self, password: str):
        fields = self.form("/admin/login/", "login-form")
        fields.update(username=[ORGANIZER], password=[password])
        status, _, _ = self.request("POST", "/admin/login/?next=/admin/", fields)
        if status != 302:
            raise SystemExit(f"The organizer could not sign in (status {status}).")

    def save_schedule_note(self, path: str, note: str) -> bool:
        fields = self.form(path, "edition_form")
        fields["schedule_note"] = [note]
        fields["_continue"] = ["Save and continue editing"]
        status, headers, _ = self.request("POST", path, fields)
        return status == 302 and headers.get("Location", "").endswith(path)


def organizer_loop(organizer: Organizer, path: str, stop: threading.Event, results: Counter):
    for number in range(1, MAX_SAVES + 1):
        if stop.is_set():
            return
        try:
            saved = organizer.save_schedule_note(path, f"Load test: saved {number} times.")
        except (OSError, http.client.HTTPException, RuntimeError, StopIteration) as error:
            results["errors"] += 1
            print(f"admin save {number} failed: {error}", file=sys.stderr)
            organizer.connection.close()
            continue
        results["saved" if saved else "refused"] += 1


def run_wrk(port: int, duration: int, connections: int) -> str:
    command = [
        WRK, "--threads", "2", "--connections", str(connections), "--duration", f"{duration}s",
        "--timeout", "10s", "--latency", "--script", str(BASE_DIR / "bench" / "status.lua"), f"http://{HOST}:{port}/",
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=duration + 120).stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (default 64)")
    parser.add_argument("--workers", type=int, help="gunicorn worker processes (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, help="threads per gunicorn worker (default: gunicorn.conf.py's, none)")
    args = parser.parse_args()
    if not 1 <= args.duration <= 600 or not 1 <= args.connections <= 1024:
        raise SystemExit("Keep it bounded: at most 600 seconds and 1024 connections.")
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        raise SystemExit("LOAD_DATABASE_URL must name a PostgreSQL database (it is dropped, created and seeded).")
    if not Path(WRK).exists():
        raise SystemExit("wrk is not installed (apt-get install wrk).")

    static_root = tempfile.mkdtemp(prefix="esfomo-load-static-")
    fresh_database(DATABASE_URL)
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "CACHE_URL": CACHE_URL,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "STATIC_ROOT": static_root,
        "DJANGO_SETTINGS_MODULE": "esfomo.settings",
    }
    password = prepare_database(env)
    port = free_port()
    server = Gunicorn(env, port, args.workers, args.threads)
    stop, saves = threading.Event(), Counter()
    try:
        organizer = Organizer(port)
        organizer.log_in(password)
        _, _, html = organizer.request("GET", "/admin/esfomo/edition/?is_current__exact=1")
        change = re.search(r'href="(/admin/esfomo/edition/\d+/change/)', html).group(1)
        original = organizer.form(change, "edition_form")["schedule_note"][0]
        loop = threading.Thread(target=organizer_loop, args=(organizer, change, stop, saves), daemon=True)
        loop.start()
        report = run_wrk(port, args.duration, args.connections)
        stop.set()
        loop.join(timeout=60)
        organizer.save_schedule_note(change, original)
    finally:
        stop.set()
        server.stop()
        shutil.rmtree(static_root, ignore_errors=True)

    statuses = {int(m[0]): int(m[1]) for m in re.findall(r"^STATUS (\d+) (\d+)$", report, re.M)}
    errors = [int(n) for n in re.search(r"^ERRORS (\d+) (\d+) (\d+) (\d+) (\d+)$", report, re.M).groups()]
    print(re.sub(r"^(STATUS|ERRORS) .*\n", "", report, flags=re.M).rstrip())
    print()
    print(f"Homepage responses by status ({args.connections} connections, {args.duration} s):")
    for code, count in sorted(statuses.items()):
        print(f"  {code}: {count}")
    print(f"  socket errors (connect, read, write, timeout): {sum(errors[:4])}")
    print(f"Admin saves by the organizer: {saves['saved']} saved, {saves['refused']} refused, {saves['errors']} failed")
    print(f"Admin responses by status: {dict(sorted(organizer.statuses.items()))}")
    bad = {code: n for code, n in statuses.items() if not 200 <= code < 400}
    failed = bad or sum(errors[:4]) or not saves["saved"] or saves["refused"] or saves["errors"]
    print("Result: " + ("FAILED" if failed else "every response 2xx/3xx, every save went through"))
    if failed:
        print(server.output()[-5000:], file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
