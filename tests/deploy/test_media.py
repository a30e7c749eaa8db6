"""Uploads: on an S3-compatible store when configured (here moto's server on 127.0.0.1), else served from disk."""

import io
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import lxml.html
import pytest
from django.conf import settings
from django.test import override_settings
from PIL import Image

from people.models import Person
from tests.admin_forms import admin_form
from tests.conftest import DATA, require

pytestmark = pytest.mark.django_db

PHOTO = DATA / "alfolio-sample" / "assets" / "img" / "tri.jpeg"
BUCKET = "esfomo-media"
CREDENTIALS = {"access_key": "testing", "secret_key": "testing"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read()


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3-compatible server, started for these tests and stopped after them."""
    server = shutil.which("moto_server", path=str(Path(sys.executable).parent))
    require(server is not None, "moto's server is not installed (pip install -r requirements-dev.txt)")
    port = free_port()
    process = subprocess.Popen(
        [server, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                fetch(endpoint + "/")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        else:
            pytest.fail("moto's server did not start")
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def s3_media(s3_endpoint):
    """Media storage on the S3 server, as settings.py configures it when AWS_STORAGE_BUCKET_NAME is set."""
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")  # fmt: skip
    client.create_bucket(Bucket=BUCKET)
    # Public reads, as README "Deploy" tells hosts to set up their bucket.
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
        ],
    }
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "querystring_auth": False,
                "file_overwrite": False,
                "object_parameters": {"CacheControl": f"public, max-age={settings.MEDIA_CACHE_SECONDS}"},
                **CREDENTIALS,
            },
        },
    }
    with override_settings(STORAGES=storages):
        yield client


def portrait_sources(html, person_name):
    """Every URL in the srcsets of a person's card on a page."""
    card = next(
        li for li in lxml.html.fromstring(html).cssselect("li.card") if person_name in li.text_content()
    )  # fmt: skip
    urls = []
    for element in card.cssselect("source, img"):
        urls += [candidate.split()[0] for candidate in element.get("srcset").split(",")]
    return card, urls


def test_a_photo_uploaded_in_the_admin_is_stored_on_s3_and_shown_from_there(admin_client, client, s3_media):
    person = Person.objects.get(slug="tri-dao")
    change_url = f"/admin/people/person/{person.pk}/change/"
    with PHOTO.open("rb") as photo:
        response = admin_client.post(change_url, admin_form(admin_client.get(change_url).content, photo=photo))
    assert response.status_code == 302, response.content.decode()[:2000]

    person.refresh_from_db()
    stored = {item["Key"] for item in s3_media.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert person.photo.name in stored
    assert len(stored) == 5  # the normalized upload and four renditions

    card, urls = portrait_sources(client.get("/").content.decode(), "Dao")
    img = card.cssselect("img")[0]
    assert (img.get("width"), img.get("height"), img.get("loading")) == ("160", "160", "lazy")
    assert len(urls) == 4
    for url in urls:
        assert url.startswith(s3_media.meta.endpoint_url + f"/{BUCKET}/people/")
        status, headers, body = fetch(url)
        assert status == 200
        assert len(body) <= 20 * 1024
        assert headers["Cache-Control"] == f"public, max-age={settings.MEDIA_CACHE_SECONDS}"
        assert headers["Content-Type"] == ("image/webp" if url.endswith(".webp") else "image/jpeg")
        width = int(url.rsplit(".", 2)[-2].removesuffix("w"))
        assert Image.open(io.BytesIO(body)).size == (width, width)


def test_replacing_a_photo_gives_it_a_new_name(admin_client, s3_media):
    person = Person.objects.get(slug="tri-dao")
    change_url = f"/admin/people/person/{person.pk}/change/"
    names = []
    for _ in range(2):
        with PHOTO.open("rb") as photo:
            admin_client.post(change_url, admin_form(admin_client.get(change_url).content, photo=photo))
        person.refresh_from_db()
        names.append(person.photo.name)
    assert names[0] != names[1]


# --- Local disk ----------------------------------------------------------------------


def test_uploads_on_disk_are_served_by_the_app_with_a_week_of_caching(demo_site, client):
    _, urls = portrait_sources(client.get("/").content.decode(), "Dao")
    status, headers, body = fetch(demo_site.url + urls[0])
    assert status == 200
    assert headers["Content-Type"] == "image/webp"
    assert headers["Cache-Control"] == f"public, max-age={settings.MEDIA_CACHE_SECONDS}"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert len(body) <= 20 * 1024


@pytest.mark.parametrize("path", ["/media/../esfomo/settings.py", "/media/people/", "/media/notes.txt", "/media/x.svg"])
def test_only_images_inside_the_media_folder_are_served(client, media_root, path):
    (media_root / "notes.txt").write_text("secret")
    (media_root / "x.svg").write_text("<svg onload='alert(1)'/>")
    assert client.get(path).status_code == 404
