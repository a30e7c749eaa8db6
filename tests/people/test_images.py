"""Photos go through one Pillow pipeline: checked, upright, without metadata, with small renditions."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from esfomo.common import images
from tests.conftest import DATA
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
SAMPLE_IMAGES = DATA / "alfolio-sample" / "assets" / "img"


def upload(path: Path):
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="image/jpeg")


def jpeg_bytes(size=(600, 400), **save_options):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "JPEG", **save_options)
    return buffer.getvalue()


def stored(field_file) -> Image.Image:
    with field_file.storage.open(field_file.name, "rb") as handle:
        image = Image.open(handle)
        image.load()
    return image


def test_photo_is_turned_upright_from_its_exif_orientation():
    original = Image.open(SAMPLE_IMAGES / "deepak.JPG")
    assert original.getexif().get(0x0112) == 6 and original.size == (1200, 900)
    person = PersonFactory(photo=upload(SAMPLE_IMAGES / "deepak.JPG"))
    kept = stored(person.photo)
    assert kept.size == (900, 1200)
    assert (person.photo_width, person.photo_height) == (900, 1200)


@pytest.mark.parametrize("name", ["dan.jpeg", "tri.jpeg"])
def test_gps_and_every_other_metadata_are_stripped_from_everything_stored(name):
    assert Image.open(SAMPLE_IMAGES / name).getexif().get_ifd(0x8825)  # the sample carries GPS data
    person = PersonFactory(photo=upload(SAMPLE_IMAGES / name))
    storage = person.photo.storage
    names = [person.photo.name] + [r.name for r in images.renditions(person.photo.name, images.PORTRAIT, (1, 1))]
    for stored_name in names:
        with storage.open(stored_name, "rb") as handle:
            data = handle.read()
        image = Image.open(io.BytesIO(data))
        assert not image.getexif(), stored_name
        assert b"Exif" not in data and b"Synthetic camera" not in data, stored_name


def test_portrait_renditions_are_small_square_webp_and_jpeg():
    person = PersonFactory(photo=upload(SAMPLE_IMAGES / "albert.jpg"))
    picture = person.portrait
    assert (picture.width, picture.height) == (160, 160)
    assert ".160w.webp 160w" in picture.webp_srcset and ".320w.webp 320w" in picture.webp_srcset
    for rendition in images.renditions(person.photo.name, images.PORTRAIT, (900, 1200)):
        with person.photo.storage.open(rendition.name, "rb") as handle:
            data = handle.read()
        image = Image.open(io.BytesIO(data))
        assert image.size == (rendition.width, rendition.width)
        assert len(data) <= 20 * 1024, (rendition.name, len(data))


def test_logo_keeps_its_transparency_and_proportions():
    from tests.factories import SponsorFactory

    sponsor = SponsorFactory(logo=upload(SAMPLE_IMAGES / "together.png"))
    kept = stored(sponsor.logo)
    assert kept.mode == "RGBA" and kept.size == (800, 400)
    assert (sponsor.picture.width, sponsor.picture.height) == (240, 120)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"GIF89a" + b"\x00" * 20, "not a readable image"),
        (jpeg_bytes()[:800], "not a readable image"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "script"),
        (b"<html><body>hello</body></html>", "script"),
        (jpeg_bytes() + b"<script>alert(1)</script>", "script"),
        (b"%PDF-1.4\n" + b"x" * 100, "PDF files are not accepted"),
    ],
    ids=["empty", "fake-gif", "truncated-jpeg", "svg-with-script", "html", "jpeg-html-polyglot", "pdf"],
)
def test_files_that_are_not_sane_images_are_refused_with_a_reason(content, message):
    with pytest.raises(ValidationError, match=message):
        images.open_checked(content)


def test_decompression_bombs_are_refused():
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, "PNG")
    assert len(buffer.getvalue()) < 100_000
    with pytest.raises(ValidationError, match=r"megapixels|decompression bomb"):
        images.open_checked(buffer.getvalue())


def test_oversized_uploads_are_refused_before_decoding(settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError, match="at most"):
        images.read_upload(SimpleUploadedFile("big.jpg", jpeg_bytes(), content_type="image/jpeg"))
