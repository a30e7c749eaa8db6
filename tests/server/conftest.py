"""Fixtures that serve the site from a real gunicorn process, optionally behind a cuttable TCP relay."""

from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection

from tests.conftest import require
from tests.servers import GUNICORN, Gunicorn, TcpProxy


def database_url(host: str, port: int) -> str:
    """The test database's address, through another host and port (the relay's)."""
    settings = connection.settings_dict
    user = quote(settings["USER"] or "", safe="")
    password = quote(settings["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{credentials}{host}:{port}/{quote(settings['NAME'])}"


@pytest.fixture
def serve(transactional_db, static_manifest, media_root, tmp_path):
    """Start the site under gunicorn (DEBUG off) on the test database, with the demo editions.

    `serve()` returns the running server; `serve(behind_proxy=True)` puts a `TcpProxy` between it
    and PostgreSQL as `server.proxy`, to cut and restore the database. `extra_env` sets (or, with
    None, unsets) environment variables of the server, e.g. `{"CACHE_URL": "redis://..."}`; `threads`
    its number of threads, each with its own database connection.
    """
    require(connection.vendor == "postgresql", "real-server tests need PostgreSQL (set DATABASE_URL)")
    require(GUNICORN.exists(), f"gunicorn is not installed at {GUNICORN}")
    call_command("seed_demo", verbosity=0)
    started = []

    def start(extra_env: dict | None = None, behind_proxy: bool = False, threads: int = 4) -> Gunicorn:
        settings = connection.settings_dict
        host, port = settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432)
        proxy = TcpProxy(host, port) if behind_proxy else None
        env = {"STATIC_ROOT": str(static_manifest), "MEDIA_ROOT": str(media_root), **(extra_env or {})}
        url = database_url("127.0.0.1", proxy.port) if proxy else database_url(host, port)
        server = Gunicorn(url, tmp_path / f"gunicorn-{len(started)}.log", env, threads=threads)
        server.proxy = proxy
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()
        if server.proxy:
            server.proxy.close()
