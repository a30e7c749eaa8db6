"""One Pillow pipeline for every photo and logo, whether it comes from the admin, an importer or the demo.

An upload is checked (a sane raster image of reasonable size), turned upright from its EXIF
orientation, stripped of all metadata and re-encoded; the public pages then use small
renditions of it in WebP with a JPEG or PNG fallback.
"""

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps

MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# Browsers sniff the start of a file and some servers its end: markup there means a polyglot.
MARKUP_SIGNS = (b"<script", b"<html", b"<svg", b"<?xml", b"<?php", b"<body", b"<iframe", b"javascript:")
SNIFF_BYTES = 1024


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    name: str
    mime: str


@dataclass(frozen=True)
class Shape:
    """How an image is shown: a square portrait, or a logo that keeps its proportions."""

    name: str
    widths: tuple[int, ...]
    square: bool


PORTRAIT = Shape("portrait", widths=(160, 320), square=True)
LOGO = Shape("logo", widths=(240, 480), square=False)
BANNER = Shape("banner", widths=(512, 1024), square=False)


def _refuse(message):
    # Not Django's "invalid_image" code: a model form would replace the message with its generic one.
    raise ValidationError(message, code="refused_image")


def read_upload(file) -> bytes:
    """Read an uploaded file whole, refusing it early when it is too large."""
    limit = settings.MAX_IMAGE_UPLOAD_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        _refuse(f"The file is {size / 1024 / 1024:.1f} MB; images must be at most {limit // 1024 // 1024} MB.")
    file.seek(0)
    data = file.read(limit + 1)
    file.seek(0)
    if len(data) > limit:
        _refuse(f"The file is larger than {limit // 1024 // 1024} MB; please upload a smaller image.")
    return data


def open_checked(data: bytes) -> Image.Image:
    """Return the decoded image, or raise ValidationError saying why it is refused."""
    if not data:
        _refuse("The file is empty.")
    edges = (data[:SNIFF_BYTES] + data[-SNIFF_BYTES:]).lower()
    if any(sign in edges for sign in MARKUP_SIGNS):
        _refuse("The file contains web page or script code; upload a plain JPEG, PNG, WebP or GIF image.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ACCEPTED_FORMATS:
                _refuse(f"{probe.format or 'This'} files are not accepted; upload a JPEG, PNG, WebP or GIF image.")
            if probe.width * probe.height > MAX_PIXELS:
                _refuse(
                    f"The image is {probe.width} × {probe.height} pixels; "
                    f"at most {MAX_PIXELS // 1_000_000} megapixels are accepted."
                )
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        _refuse("The image declares an absurd size (a decompression bomb); it was refused.")
    except (OSError, SyntaxError, ValueError, Image.UnidentifiedImageError):
        _refuse("The file is not a readable image (damaged, truncated or of another type).")
    for value in image.info.values():
        if isinstance(value, (bytes, str)):
            text = value.encode("latin-1", "ignore") if isinstance(value, str) else value
            if any(sign in text.lower() for sign in MARKUP_SIGNS):
                _refuse("The image carries script or web page code in its metadata; it was refused.")
    return image


def validate_image_file(file):
    """Model-field validator: the upload must pass the same checks as the pipeline."""
    if file and not getattr(file, "_committed", True):
        open_checked(read_upload(file))


def _flatten(image: Image.Image) -> Image.Image:
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    return image.convert("RGBA" if has_alpha else "RGB")


def _encode(image: Image.Image, fmt: str, quality: int = 85) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    elif fmt == "PNG":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "WEBP", quality=quality, method=6)
    return buffer.getvalue()


def normalize(file, name: str) -> ContentFile:
    """Return the upload upright, without any metadata, re-encoded as JPEG or (with transparency) PNG."""
    image = _flatten(open_checked(read_upload(file)))
    fmt = "PNG" if image.mode == "RGBA" else "JPEG"
    stem = PurePosixPath(name).stem or "image"
    suffix = ".png" if fmt == "PNG" else ".jpg"
    content = ContentFile(_encode(image, fmt, quality=90), name=f"{stem}{suffix}")
    content.image_size = image.size
    return content


def prepare(field_file) -> bool:
    """Normalize a newly assigned upload before the model is saved; return whether there was one."""
    if not field_file or field_file._committed:
        return False
    content = normalize(field_file, field_file.name)
    field_file.save(content.name, content, save=False)
    return True


def fallback_format(name: str) -> str:
    return "PNG" if name.lower().endswith(".png") else "JPEG"


def rendition_size(shape: Shape, width: int, original_size: tuple[int, int]) -> tuple[int, int]:
    if shape.square:
        return width, width
    original_width, original_height = original_size
    width = min(width, original_width)
    return width, max(1, round(original_height * width / original_width))


def renditions(name: str, shape: Shape, original_size: tuple[int, int]) -> list[Rendition]:
    """Describe the renditions of a stored image, without touching storage."""
    path = PurePosixPath(name)
    fallback = fallback_format(name)
    result = []
    for width in shape.widths:
        size = rendition_size(shape, width, original_size)
        fallback_ext = path.suffix.lstrip(".").lower()
        for ext, mime in (("webp", "image/webp"), (fallback_ext, f"image/{fallback.lower()}")):
            result.append(Rendition(size[0], size[1], str(path.with_name(f"{path.stem}.{width}w.{ext}")), mime))
    return result


def make_renditions(storage, name: str, shape: Shape) -> list[Rendition]:
    """Write the renditions of a stored (already normalized) image."""
    with storage.open(name, "rb") as handle:
        image = _flatten(Image.open(handle))
        image.load()
    made = []
    for rendition in renditions(name, shape, image.size):
        size = (rendition.width, rendition.height)
        if shape.square:
            resized = ImageOps.fit(image, size, Image.Resampling.LANCZOS, centering=(0.5, 0.4))
        else:
            resized = image.resize(size, Image.Resampling.LANCZOS)
        fmt = "WEBP" if rendition.mime == "image/webp" else fallback_format(name)
        if storage.exists(rendition.name):
            storage.delete(rendition.name)
        storage.save(rendition.name, ContentFile(_encode(resized, fmt, quality=80)))
        made.append(rendition)
    return made


def delete_with_renditions(storage, name: str, shape: Shape, original_size: tuple[int, int]):
    for rendition in renditions(name, shape, original_size):
        storage.delete(rendition.name)
    storage.delete(name)


@dataclass(frozen=True)
class Picture:
    """What a template needs for a <picture>: sources by type, a fallback and its size."""

    webp_srcset: str
    fallback_srcset: str
    fallback_type: str
    src: str
    width: int
    height: int


def picture(field_file, shape: Shape, original_size: tuple[int, int]) -> Picture | None:
    """Build the <picture> data for an image field (URLs only: no storage access)."""
    if not field_file or not all(original_size):
        return None
    items = renditions(field_file.name, shape, original_size)
    storage = field_file.storage
    webp = [r for r in items if r.mime == "image/webp"]
    fallback = [r for r in items if r.mime != "image/webp"]

    def srcset(group):
        return ", ".join(f"{storage.url(r.name)} {r.width}w" for r in group)

    return Picture(
        webp_srcset=srcset(webp),
        fallback_srcset=srcset(fallback),
        fallback_type=fallback[0].mime,
        src=storage.url(fallback[0].name),
        width=fallback[0].width,
        height=fallback[0].height,
    )
