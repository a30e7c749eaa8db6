"""Uploads through the admin: a refused file gets a clear reason and nothing is stored; old files go away."""

import io
import os
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageCms, PngImagePlugin

from esfomo.common import images
from esfomo.models import Edition
from people.models import Person, Sponsor
from tests.adminforms import errors_of, form_values
from tests.factories import EditionFactory, PersonFactory, SponsorFactory

pytestmark = pytest.mark.django_db


def png_bytes(size=(480, 480), colour="teal", mode="RGB", **save_options):
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, "PNG", **save_options)
    return buffer.getvalue()


def png_upload(name="photo.png", colour="teal", size=(480, 480)):
    return SimpleUploadedFile(name, png_bytes(size, colour), content_type="image/png")


def jpeg_bytes(size=(480, 480), **save_options):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "JPEG", **save_options)
    return buffer.getvalue()


def noise_png(width, height):
    """Random pixels do not compress: a real PNG of about width × height × 3 bytes."""
    return png_bytes_from(Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)))


def png_bytes_from(image, **save_options):
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **save_options)
    return buffer.getvalue()


def text_chunk_png(key, text, zipped=False):
    info = PngImagePlugin.PngInfo()
    info.add_text(key, text, zip=zipped)
    return png_bytes(pnginfo=info)


def stored_files(media_root: Path) -> set[str]:
    return {str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file()}


ATTACKS = {
    "pdf": (b"%PDF-1.4\n1 0 obj<<>>endobj\n" + b"x" * 300, "PDF files are not accepted"),
    "bmp": (None, "BMP files are not accepted"),
    "heic": (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200, "HEIC/AVIF files are not accepted"),
    "svg": (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>', "script"),
    "svg-script": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "script"),
    "html": (b"<!doctype html><html><body><img src=x onerror=alert(1)></body></html>", "script"),
    "truncated-png": (None, "not a readable image"),
    "truncated-jpeg": (None, "not a readable image"),
    "jpeg-then-html": (None, "script"),
    "jpeg-comment-script": (None, "script"),
    "png-text-script": (None, "script"),
    "png-ztxt-bomb": (None, "not a readable image"),
    "pixel-bomb": (None, "decompression bomb"),
    "over-40-megapixels": (None, "at most 40 megapixels"),
    "over-10-mb": (None, "at most 10 MB"),
    "empty": (b"", "empty"),
}


def attack_file(name) -> bytes:
    content, _ = ATTACKS[name]
    if content is not None:
        return content
    if name == "bmp":
        buffer = io.BytesIO()
        Image.new("RGB", (64, 64), "red").save(buffer, "BMP")
        return buffer.getvalue()
    if name == "truncated-png":
        return noise_png(200, 200)[:5000]
    if name == "truncated-jpeg":
        return jpeg_bytes((800, 800), quality=95)[:2000]
    if name == "jpeg-then-html":
        return jpeg_bytes() + b"<html><script>alert(document.cookie)</script></html>"
    if name == "jpeg-comment-script":
        return jpeg_bytes(comment=b"<script>fetch('/admin/')</script>")
    if name == "png-text-script":
        return text_chunk_png("Comment", "x" * 3000 + "<iframe src=javascript:alert(1)>")
    if name == "png-ztxt-bomb":
        return text_chunk_png("Description", "A" * 20_000_000, zipped=True)
    if name == "pixel-bomb":
        return png_bytes((20_000, 20_000), colour=0, mode="1")
    if name == "over-40-megapixels":
        return png_bytes((8_000, 6_000), colour="white")
    if name == "over-10-mb":
        return noise_png(1900, 1900)
    raise KeyError(name)


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_refused_upload_gets_a_clear_reason_and_nothing_is_stored(admin_client, media_root, attack):
    content = attack_file(attack)
    person = PersonFactory(given_name="Grace", family_name="Hopper")
    url = reverse("admin:people_person_change", args=[person.pk])
    data = form_values(admin_client.get(url), "person_form")
    data["family_name"] = "Hopper-Changed"
    before = stored_files(media_root)

    data["photo"] = SimpleUploadedFile("portrait.jpg", content, content_type="image/jpeg")
    response = admin_client.post(url, data)

    assert response.status_code == 200
    errors = " ".join(errors_of(response))
    assert ATTACKS[attack][1] in errors, errors
    assert stored_files(media_root) == before
    person.refresh_from_db()
    assert (person.family_name, person.photo.name) == ("Hopper", "")


def test_metadata_and_colour_profiles_are_stripped_from_the_original_and_the_renditions():
    image = Image.new("RGB", (600, 600), (200, 30, 30))
    exif = image.getexif()
    exif[0x010F] = "Synthetic camera maker"
    exif.get_ifd(0x8825)[2] = (49.0, 17.0, 0.0)  # a GPS latitude
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>secret-location</rdf:RDF></x:xmpmeta>'
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, xmp=xmp, icc_profile=icc, comment=b"Taken at home")
    person = PersonFactory(photo=SimpleUploadedFile("me.jpg", buffer.getvalue(), content_type="image/jpeg"))

    storage = person.photo.storage
    names = [person.photo.name] + [r.name for r in images.renditions(person.photo.name, images.PORTRAIT, (1, 1))]
    for name in names:
        with storage.open(name, "rb") as handle:
            data = handle.read()
        kept = Image.open(io.BytesIO(data))
        assert not kept.getexif(), name
        assert not {"icc_profile", "exif", "xmp", "comment"} & set(kept.info), (name, kept.info.keys())
        for secret in (b"Synthetic camera", b"secret-location", b"Taken at home", b"Exif"):
            assert secret not in data, (name, secret)


def test_png_text_chunks_are_not_kept():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane Doe, 12 Hidden Street")
    upload = SimpleUploadedFile("logo.png", png_bytes((480, 240), mode="RGBA", colour=(0, 0, 0, 0), pnginfo=info))
    sponsor = SponsorFactory(logo=upload)
    with sponsor.logo.storage.open(sponsor.logo.name, "rb") as handle:
        data = handle.read()
    assert b"Hidden Street" not in data
    assert Image.open(io.BytesIO(data)).mode == "RGBA"


def rendition_names(field_file, shape):
    return [field_file.name] + [r.name for r in images.renditions(field_file.name, shape, (1, 1))]


def test_replacing_a_photo_removes_the_old_file_and_its_renditions(django_capture_on_commit_callbacks):
    person = PersonFactory(photo=png_upload("first.png"))
    old = rendition_names(person.photo, images.PORTRAIT)
    storage = person.photo.storage
    assert all(storage.exists(name) for name in old)

    person = Person.objects.get(pk=person.pk)
    with django_capture_on_commit_callbacks(execute=True):
        person.photo = png_upload("second.png", colour="orange")
        person.save()

    assert not any(storage.exists(name) for name in old)
    assert all(storage.exists(name) for name in rendition_names(person.photo, images.PORTRAIT))


def test_clearing_a_photo_in_the_admin_removes_its_files(admin_client, django_capture_on_commit_callbacks):
    person = PersonFactory(photo=png_upload("clear-me.png"))
    old = rendition_names(person.photo, images.PORTRAIT)
    url = reverse("admin:people_person_change", args=[person.pk])
    data = form_values(admin_client.get(url), "person_form")
    data["photo-clear"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, data).status_code == 302

    person.refresh_from_db()
    assert not person.photo
    assert not any(person.photo.storage.exists(name) for name in old)


def test_files_stay_when_the_save_is_rolled_back(django_capture_on_commit_callbacks):
    person = PersonFactory(photo=png_upload("keep.png"))
    old = rendition_names(person.photo, images.PORTRAIT)
    person = Person.objects.get(pk=person.pk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        person.photo = png_upload("other.png")
        person.save()
    # The removal waits for the commit: a rolled-back transaction never runs it.
    removals = [callback for callback in callbacks if "remove_image_files_on_commit" in callback.__qualname__]
    assert len(removals) == 1
    assert all(person.photo.storage.exists(name) for name in old)


def test_deleting_a_sponsor_removes_both_logos(django_capture_on_commit_callbacks):
    sponsor = SponsorFactory(logo_dark=png_upload("dark.png", colour="white", size=(480, 240)))
    names = rendition_names(sponsor.logo, images.LOGO) + rendition_names(sponsor.logo_dark, images.LOGO)
    storage = sponsor.logo.storage
    assert all(storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        Sponsor.objects.filter(pk=sponsor.pk).delete()
    assert not any(storage.exists(name) for name in names)


def test_a_dark_mode_logo_gets_its_own_renditions_and_is_shown_in_dark_mode(client):
    edition = Edition.objects.get(year=2025)
    SponsorFactory(edition=edition, name="Night Corp", logo_dark=png_upload("night.png", size=(480, 240)))
    html = client.get("/").content.decode()
    assert 'class="logo-dark"' in html
    assert "night.240w.webp 240w" in html


def test_a_banner_needs_a_description():
    edition = EditionFactory.build(banner=png_upload("banner.png", size=(1024, 300)), banner_alt=" ")
    with pytest.raises(ValidationError, match="Describe the banner"):
        edition.full_clean()


def test_a_sponsor_logo_needs_a_description(admin_client):
    edition = Edition.objects.get(year=2025)
    data = {"edition": edition.pk, "name": "Acme", "tier": "gold", "logo_alt": "", "logo": png_upload("acme.png")}
    response = admin_client.post(reverse("admin:people_sponsor_add"), data)
    assert response.status_code == 200
    assert "This field is required." in errors_of(response)
    assert not Sponsor.objects.filter(name="Acme").exists()
