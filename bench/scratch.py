"""A scratch PostgreSQL database for the measurement scripts: never the one in DATABASE_URL."""

import urllib.parse

import psycopg


def fresh_database(url: str):
    """Drop and create the database `url` names, so every run starts from the same empty state."""
    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
