"""Two app servers (gunicorn, as in production) sharing PostgreSQL and Redis, as on the conference day."""

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
import redis
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from esfomo.models import Edition
from tests.admin_forms import admin_form
from tests.conftest import require

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/3"
PASSWORD = secrets.token_urlsafe(16)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Server:
    """One gunicorn serving the project, reached as a PaaS router would (X-Forwarded-Proto: https)."""

    def __init__(self, environment):
        self.port = free_port()
        self.environment = environment
        self.process = None
        self.cookies = {}

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "esfomo.wsgi", "--config", "gunicorn.conf.py",
             "--bind", f"127.0.0.1:{self.port}"],
            cwd=ROOT, env=self.environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        for _ in range(300):  # up to 30 s: workers import Django
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn stopped: {self.process.stderr.read()}")
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        pytest.fail("gunicorn did not answer")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"X-Forwarded-Proto": "https", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name] = rest.partition(";")[0]
            return response.status, response.headers, response.read().decode()
        finally:
            conn.close()

    def get(self, path):
        return self.request("GET", path)

    def post_form(self, path, fields):
        body = urllib.parse.urlencode(fields, doseq=True)
        origin = f"https://127.0.0.1:{self.port}"
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded",
                                                  "Origin": origin, "Referer": origin + path})  # fmt: skip

    def log_in(self, username):
        _, _, page = self.get("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, headers, _ = self.post_form(
            "/admin/login/?next=/admin/", {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        )
        assert status == 302 and headers["Location"] == "/admin/", "login failed"


@pytest.fixture
def servers(django_db_blocker, media_root, static_manifest):
    try:
        redis_up = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        redis_up = False
    require(redis_up, f"Redis is not answering at {REDIS_URL}")
    require(connection.vendor == "postgresql", "several app servers need PostgreSQL (set DATABASE_URL)")
    with django_db_blocker.unblock():
        call_command("seed_demo", verbosity=0)
        get_user_model().objects.create_superuser("organizer", "organizer@example.org", PASSWORD)
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
        "CACHE_URL": REDIS_URL,
        "STATIC_ROOT": str(static_manifest),
        "MEDIA_ROOT": str(media_root),
        "WEB_CONCURRENCY": "2",
    }
    pair = [Server(environment), Server(environment)]
    try:
        for server in pair:
            server.start()
        yield pair
    finally:
        for server in pair:
            if server.process and server.process.poll() is None:
                server.stop()


def test_an_organizers_change_through_one_server_shows_on_the_other_within_a_second(servers):
    one, other = servers
    for _ in range(3):  # warm both servers' caches and workers
        assert "Changed through one server" not in other.get("/")[2]
        one.get("/")
    assert other.get("/")[1]["X-Page-Cache"] == "hit"

    one.log_in("organizer")
    edition = Edition.objects.get(year=2025)
    change = f"/admin/esfomo/edition/{edition.pk}/change/"
    form = admin_form(one.get(change)[2], tagline="Changed through one server")
    status, _, body = one.post_form(change, form)
    assert status == 302, body[:3000]

    # The other server reads the content version again within PAGE_CACHE_RECHECK_SECONDS.
    time.sleep(1.1)
    status, _, page = other.get("/")
    assert status == 200
    assert "Changed through one server" in page
    # Every worker of both servers shows it (each request may land on another worker).
    for server in servers * 3:
        assert "Changed through one server" in server.get("/")[2]


def test_each_server_keeps_answering_while_the_other_restarts(servers):
    for restarting, answering in (servers, servers[::-1]):
        restarting.stop()
        for path in ("/", "/call/", "/papers/", "/people/tri-dao/", "/healthz"):
            assert answering.get(path)[0] == 200
        restarting.start()
        assert restarting.get("/")[0] == 200
