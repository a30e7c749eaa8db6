from django import forms
from django.db import models


class WebAddressField(models.URLField):
    """A URL field whose forms complete “example.org” to “https://example.org”."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.URLField, "assume_scheme": "https", **kwargs})
