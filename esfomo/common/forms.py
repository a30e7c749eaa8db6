"""Form fields for the admin's image uploads."""

from django import forms

from esfomo.common import images


class CheckedImageField(forms.ImageField):
    """An image upload checked by the pipeline first, so a refused file gets the pipeline's clear reason.

    Django's own check would answer every problem with “Upload a valid image”; this one says what is
    wrong (too large, SVG, truncated, script inside…) before anything is stored.
    """

    def to_python(self, data):
        if data not in self.empty_values:
            images.open_checked(images.read_upload(data))
        return super().to_python(data)
