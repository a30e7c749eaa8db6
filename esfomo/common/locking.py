"""Optimistic locking for admin forms: a save based on an outdated copy is refused, the typed text kept.

The form carries the `updated_at` of the object as it was when the organizer opened it. When they
save, the row is locked and its `updated_at` compared: if someone saved in between, the form comes
back with their text in it and a message saying who changed what. The token in that form is then
the new one, so saving again is a deliberate choice to replace the other version (which stays in
the history).
"""

import datetime

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html

from esfomo.content import history

VERSION_FIELD = "version_token"


def has_version(model) -> bool:
    try:
        model._meta.get_field("updated_at")
    except FieldDoesNotExist:
        return False
    return True


def token_for(value) -> str:
    return value.isoformat() if value else ""


class VersionTokenForm(forms.ModelForm):
    """A ModelForm that refuses to save over changes made since it was opened."""

    version_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and has_version(type(self.instance)):
            self.initial[VERSION_FIELD] = token_for(self.instance.updated_at)

    def clean(self):
        cleaned_data = super().clean()
        self.check_version()
        return cleaned_data

    def check_version(self):
        submitted = self.cleaned_data.get(VERSION_FIELD)
        model = type(self.instance)
        if not submitted or self.instance._state.adding or not has_version(model):
            return
        rows = model._base_manager.filter(pk=self.instance.pk)
        if transaction.get_connection().in_atomic_block:
            # Hold the row until this save commits, so two saves at the same moment cannot both pass.
            rows = rows.select_for_update()
        current = rows.values_list("updated_at", flat=True).first()
        if current is None:
            raise ValidationError(
                "Someone deleted this %(what)s while you were editing it; copy your text elsewhere, "
                "then recover it from the history or add it again.",
                params={"what": model._meta.verbose_name},
                code="edit_conflict",
            )
        if token_for(current) == submitted:
            return
        # The next save of this same form is a deliberate overwrite: hand it the current token.
        self.data = self.data.copy()
        self.data[self.add_prefix(VERSION_FIELD)] = token_for(current)
        raise ValidationError(self.conflict_message(current), code="edit_conflict")

    def conflict_message(self, current):
        editor = history.last_editor(self.instance)
        who = (editor.get_full_name() or editor.get_username()) if editor else "Someone"
        what = type(self.instance)._meta.verbose_name
        if str(self.instance):
            what = f"{what} “{self.instance}”"
        upload_note = " Files you chose must be chosen again." if self.files else ""
        return format_html(
            "{who} saved this {what} at {time} UTC, after you opened it. Your changes are not saved yet: "
            "they are still in the form. Compare with their version (open the page again in another tab), "
            "keep what you need, then save again to replace their version with yours; theirs stays in the "
            "history.{upload_note}",
            who=who,
            what=what,
            time=timezone.localtime(current, datetime.UTC).strftime("%H:%M:%S"),
            upload_note=upload_note,
        )


class VersionTokenAdminMixin:
    """For ModelAdmin and InlineModelAdmin: use a locking form and render its hidden token."""

    form = VersionTokenForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if not has_version(self.model) or VERSION_FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        name, options = fieldsets[-1]
        fieldsets[-1] = (name, {**options, "fields": (*options["fields"], VERSION_FIELD)})
        return fieldsets
