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
from django.db import transaction
from PIL import Image, ImageCms, ImageOps

MAX_PIXELS = 40_000_000
# Only these decoders ever see an upload: Pillow's other plugins (EPS runs Ghostscript) stay out of reach.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
# Browsers sniff the start of a file and some servers its end: markup there means a polyglot.
MARKUP_SIGNS = (b"<script", b"<html", b"<svg", b"<?xml", b"<?php", b"<body", b"<iframe", b"javascript:")
# These are long enough never to occur by chance in compressed image data: looked for in the whole file.
SCRIPT_SIGNS = (b"<script", b"<html", b"<?php", b"<iframe", b"javascript:")
SNIFF_BYTES = 1024
# Formats people often try, named in the refusal so they know what to export instead.
OTHER_FORMATS = (
    (b"%PDF", "PDF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
    (b"8BPS", "Photoshop"),
    (b"%!PS", "PostScript"),
)
HEIF_BRANDS = (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif", b"ftyphevc")
SRGB = ImageCms.createProfile("sRGB")


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


def other_format(data: bytes) -> str | None:
    """Name the kind of a file that is not one of the accepted image formats, when it is a common one."""
    if data.lstrip()[:1] == b"<":
        return "SVG or web page"
    if data[4:12] in HEIF_BRANDS:
        return "HEIC/AVIF"
    for signature, name in OTHER_FORMATS:
        if data.startswith(signature):
            return name
    return None


def open_checked(data: bytes) -> Image.Image:
    """Return the decoded image, or raise ValidationError saying why it is refused."""
    if not data:
        _refuse("The file is empty.")
    lowered = data.lower()
    edges = lowered[:SNIFF_BYTES] + lowered[-SNIFF_BYTES:]
    if any(sign in edges for sign in MARKUP_SIGNS) or any(sign in lowered for sign in SCRIPT_SIGNS):
        _refuse("The file contains web page or script code; upload a plain JPEG, PNG, WebP or GIF image.")
    kind = other_format(data)
    if kind:
        _refuse(f"{kind} files are not accepted; export the picture as JPEG or PNG and upload that.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
            if probe.width * probe.height > MAX_PIXELS:
                _refuse(
                    f"The image is {probe.width} × {probe.height} pixels; "
                    f"at most {MAX_PIXELS // 1_000_000} megapixels are accepted."
                )
            probe.verify()
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
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
    """Return the pixels upright, in sRGB, with no metadata left to be written out again."""
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    icc_profile = image.info.get("icc_profile")
    image = image.convert("RGBA" if has_alpha else "RGB")
    if icc_profile:
        # The colour profile goes with the other metadata; convert first so the colours stay right.
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            image = ImageCms.profileToProfile(image, source, SRGB, outputMode=image.mode)
        except (ImageCms.PyCMSError, OSError):
            pass  # A broken profile: keep the pixels as they are.
    # Pillow writes some of `info` (EXIF, XMP, ICC, text chunks) back when saving; start from nothing.
    image.info = {}
    return image


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


def delete_with_renditions(storage, name: str, shape: Shape):
    """Remove a stored image and every rendition made from it."""
    for rendition in renditions(name, shape, (1, 1)):
        storage.delete(rendition.name)
    storage.delete(name)


class StoredImages:
    """Model mixin for the image fields listed in IMAGE_SHAPES, e.g. `{"photo": PORTRAIT}`.

    New uploads are normalized before the row is saved and get their renditions after; a replaced
    or cleared image loses its files (and renditions) once the transaction commits, so a rolled-back
    save never removes a file that is still referenced. Deleted objects lose theirs through
    `remove_files_of_deleted`, connected for every such model when the app is ready.
    """

    IMAGE_SHAPES: dict[str, Shape] = {}

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_image_names = instance.stored_image_names()
        return instance

    def save(self, *args, **kwargs):
        new_uploads = [name for name in self.IMAGE_SHAPES if prepare(getattr(self, name))]
        super().save(*args, **kwargs)
        for name in new_uploads:
            field_file = getattr(self, name)
            make_renditions(field_file.storage, field_file.name, self.IMAGE_SHAPES[name])
        before = getattr(self, "_stored_image_names", {})
        now = self.stored_image_names()
        for name, old in before.items():
            if old and old != now.get(name):
                self.remove_image_files_on_commit(name, old)
        self._stored_image_names = now

    def stored_image_names(self) -> dict[str, str]:
        """Return the stored file name of each image field loaded on this instance (deferred ones skipped)."""
        names = {}
        for name in self.IMAGE_SHAPES:
            attname = self._meta.get_field(name).attname
            if attname in self.__dict__:
                value = self.__dict__[attname]
                names[name] = getattr(value, "name", value) or ""
        return names

    def remove_image_files_on_commit(self, field_name: str, stored_name: str):
        storage = self._meta.get_field(field_name).storage
        shape = self.IMAGE_SHAPES[field_name]
        transaction.on_commit(lambda: delete_with_renditions(storage, stored_name, shape))


def remove_files_of_deleted(sender, instance, **kwargs):
    """post_delete receiver: a deleted object's images go too (after the commit)."""
    for name, stored_name in instance.stored_image_names().items():
        if stored_name:
            instance.remove_image_files_on_commit(name, stored_name)


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
