"""Photos, logos and the banner, taken from the checkout through the portal's one image pipeline.

The files are assigned to the models' image fields exactly as an admin upload is, so they are
checked, turned upright, stripped of metadata and given renditions by `esfomo.common.images`. An image
that is missing, remote, too large or unreadable is a warning: the import goes on without it.
An image already stored is left alone when the pipeline would store the same bytes again, so
a re-import neither rewrites files nor counts a change.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from esfomo.common import images

from .cards import ImageRef
from .checkout import Checkout, TooLarge
from .problems import Notice
from .report import UNCHANGED, Report


@dataclass
class Upload:
    name: str
    data: bytes
    normalized: bytes


class Photos:
    def __init__(self, checkout: Checkout, report: Report, dry_run: bool):
        self.checkout = checkout
        self.report = report
        self.dry_run = dry_run
        self.stored: list[tuple] = []  # files written by this run, removed again if it fails

    def load(self, ref: ImageRef | None, owner: str) -> Upload | None:
        """Read and check an image a card or page refers to; warn and return None when it cannot be used."""
        if ref is None:
            return None
        if self.checkout.is_remote(ref.reference):
            return self._skip(ref, "missing", f"the image {ref.reference[:100]} is a web address, which is not "
                              f"downloaded; {owner} is imported without it (add it in the admin).")  # fmt: skip
        path = self.checkout.find(ref.reference, ref.where)
        if path is None:
            return self._skip(ref, "missing", f"the image {ref.reference} is not in the checkout; {owner} is "
                              "imported without it.")  # fmt: skip
        try:
            data = self.checkout.read_bytes(path, settings.MAX_IMAGE_UPLOAD_BYTES)
            normalized = images.normalize(ContentFile(data, name=path.name), path.name)
        except TooLarge as error:
            return self._skip(ref, "refused", f"{error.message} {owner} is imported without it.")
        except ValidationError as error:
            return self._skip(
                ref, "refused", f"{self.checkout.relative(path)}: {error.messages[0]} {owner} is imported without it."
            )
        return Upload(path.name, data, normalized.read())

    def _skip(self, ref: ImageRef, outcome: str, message: str) -> None:
        self.report.images[outcome] += 1
        self.report.warn(Notice(message, ref.where))
        return None

    def stage(self, instance, field_name: str, upload: Upload | None) -> bool:
        """Assign the upload to the field unless the stored image is the same; return whether it changes."""
        if upload is None:
            return False
        field = getattr(instance, field_name)
        if field and self._stored_bytes(field) == upload.normalized:
            self.report.images[UNCHANGED] += 1
            return False
        self.report.images["imported"] += 1
        if not self.dry_run:
            # The model removes the image it replaces once the import commits.
            setattr(instance, field_name, ContentFile(upload.data, name=upload.name))
        return True

    def saved(self, instance, field_name: str) -> None:
        """Note a file just written, so a failed import can remove it again."""
        field = getattr(instance, field_name)
        self.stored.append((field.storage, field.name, instance.IMAGE_SHAPES[field_name]))

    def discard(self) -> None:
        """Remove the files written by an import that was rolled back: no row refers to them."""
        for storage, name, shape in self.stored:
            images.delete_with_renditions(storage, name, shape)
        self.stored = []

    @staticmethod
    def _stored_bytes(field) -> bytes | None:
        try:
            with field.storage.open(field.name, "rb") as handle:
                return handle.read()
        except (OSError, ValueError):
            return None
