"""Uploads over real HTTP to gunicorn: a 50 MB photo is refused in its form; a huge body is refused unread."""

import io
import re
import socket

import pytest
from django.conf import settings
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from PIL import Image

from people.models import Person
from tests.admin_forms import form_values

pytestmark = pytest.mark.django_db(transaction=True)


def stored_files(root):
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


@pytest.fixture
def signed_in(admin_user):
    """A session cookie of a superuser, valid for a server that shares this process's SECRET_KEY."""
    client = Client()
    client.force_login(admin_user)
    return client.cookies["sessionid"].value


def test_a_50_mb_photo_is_refused_in_its_form_and_nothing_is_stored(serve, signed_in, media_root):
    site = serve(extra_env={"SECRET_KEY": settings.SECRET_KEY})
    person = Person.objects.get(slug="tri-dao")
    before_row = Person.objects.filter(pk=person.pk).values().get()
    before_files = stored_files(media_root)
    url = f"/admin/people/person/{person.pk}/change/"
    page = site.get(url, headers={"Cookie": f"sessionid={signed_in}"})
    assert page.status == 200
    csrf = re.search(r"csrftoken=([^;]+)", page.headers["Set-Cookie"]).group(1)

    buffer = io.BytesIO()
    Image.new("RGB", (800, 800), "teal").save(buffer, "JPEG")
    photo = io.BytesIO(buffer.getvalue() + b"\x00" * (50 * 1024 * 1024))
    photo.name = "huge.jpg"
    body = encode_multipart(BOUNDARY, {**form_values(page.text), "photo": photo})
    assert len(body) > 50 * 1024 * 1024
    response = site.request(
        "POST", url, body=body,
        headers={"Content-Type": MULTIPART_CONTENT, "Cookie": f"sessionid={signed_in}; csrftoken={csrf}"},
    )  # fmt: skip

    assert response.status == 200
    assert "The file is 50.0 MB; images must be at most 10 MB." in response.text
    assert Person.objects.filter(pk=person.pk).values().get() == before_row
    assert stored_files(media_root) == before_files


def test_a_body_over_the_limit_is_answered_before_it_is_sent(serve):
    """The server answers 413 as soon as it has the headers: it neither waits for nor reads 200 MB."""
    site = serve()
    with socket.create_connection(("127.0.0.1", site.port), timeout=30) as connection:
        connection.sendall(
            b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            + f"Content-Length: {200 * 1024 * 1024}\r\n\r\n".encode()
            + b"--x\r\n" * 100
        )
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = connection.recv(65536)
            assert chunk, "connection closed without an answer"
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413 ")
