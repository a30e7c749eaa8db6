"""Photos, logos and the banner, read from the checkout for the site's writer.

The writer (esfomo/content/writer.py) puts them through the one image pipeline, as an admin upload,
and leaves an image alone when the pipeline would store the same pixels again, so a re-import
neither rewrites files nor counts a change. An image that is missing, remote, too large or
unreadable is a warning here: the import goes on without it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError

from esfomo.common import images
from esfomo.content.writer import Report

from .cards import ImageRef
from .checkout import Checkout, TooLarge
from .problems import Notice


class Photos:
    """Read the images a site's cards and pages refer to; the writer puts them through the pipeline."""

    def __init__(self, checkout: Checkout, report: Report):
        self.checkout = checkout
        self.report = report

    def load(self, ref: ImageRef | None, owner: str) -> bytes | None:
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
            images.open_checked(data)
        except TooLarge as error:
            return self._skip(ref, "refused", f"{error.message} {owner} is imported without it.")
        except ValidationError as error:
            return self._skip(
                ref, "refused", f"{self.checkout.relative(path)}: {error.messages[0]} {owner} is imported without it."
            )
        return data

    def _skip(self, ref: ImageRef, outcome: str, message: str) -> None:
        self.report.images[outcome] += 1
        self.report.warn(Notice(message, ref.where))
        return None
