"""What every content admin shares: history, optimistic locking, checked image uploads, guarded deletes."""

import reversion
from adminsortable2.admin import CustomInlineFormSet, SortableStackedInline, SortableTabularInline
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects, unquote
from django.db import models, router
from django.http import QueryDict
from django.utils.html import format_html
from reversion.admin import VersionAdmin

from esfomo.common.forms import CheckedImageField
from esfomo.common.locking import VersionTokenAdminMixin
from esfomo.content import history

IMAGE_UPLOADS = {models.ImageField: {"form_class": CheckedImageField}}
GUARD_FIELD = "confirm_guarded_delete"


def thumbnail(picture, size=48):
    """Return a small <img> of a picture's smallest rendition (an URL only: no storage access)."""
    if picture is None:
        return "—"
    height = max(1, round(picture.height * size / picture.width))
    return format_html('<img src="{}" width="{}" height="{}" alt="" class="admin-thumb">', picture.src, size, height)


class ContentAdmin(VersionTokenAdminMixin, VersionAdmin):
    """Base admin for the site's content: versioned, revertible, locked against lost edits."""

    formfield_overrides = IMAGE_UPLOADS
    history_latest_first = True
    delete_confirmation_template = "admin/guarded_delete_confirmation.html"

    class Media:
        css = {"all": ("esfomo/admin.css",)}

    def __init__(self, model, admin_site):
        # Explicit registrations (with their follow lists) before reversion would guess its own.
        history.register_models()
        super().__init__(model, admin_site)

    # History.

    def revision_view(self, request, object_id, version_id, extra_context=None):
        with history.reverting():
            return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        with history.reverting():
            return super().recover_view(request, version_id, extra_context)

    # Deleting: recorded first, so it can be recovered; guarded where much goes with it.

    def deletion_guard(self, obj) -> str:
        """Return what an organizer must tick to delete `obj`, or "" when the usual confirmation is enough."""
        return ""

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        guard = self.deletion_guard(obj) if obj is not None else ""
        context = {**(extra_context or {}), "deletion_guard": guard, "guard_field": GUARD_FIELD}
        request.guarded_delete = bool(guard)
        if guard and request.method == "POST" and request.POST.get(GUARD_FIELD) != "yes":
            context["deletion_guard_error"] = "Tick the box to confirm. Nothing was deleted."
            # Django's delete view deletes on any POST with data: show the confirmation page again instead.
            request.POST = QueryDict()
        return super().delete_view(request, object_id, context)

    def before_delete(self, obj):
        """Hook: remove what would block the delete (only reached after an explicit confirmation)."""

    def delete_model(self, request, obj):
        history.record_before_delete([obj], request.user)
        self.before_delete(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        history.record_before_delete(queryset, request.user)
        super().delete_queryset(request, queryset)

    def count_related(self, obj) -> dict[str, int]:
        """Count what a delete of `obj` would take along, by verbose name (for guard sentences)."""
        collector = NestedObjects(using=router.db_for_write(type(obj)))
        collector.collect([obj])
        counts = {}
        for model, instances in collector.model_objs.items():
            # Content only (what history keeps): not what is derived from it, like the homepage's document.
            if model is not type(obj) and reversion.is_registered(model):
                counts[str(model._meta.verbose_name_plural)] = len(instances)
        return counts


class PositionsFormSet(CustomInlineFormSet):
    """A drag-and-drop formset: its rows are one group (one edition's speakers, say) renumbered together.

    Rows may swap positions, which a row-by-row check would refuse; the database constraint is
    deferred to the commit, and the whole group's positions are checked here at once.
    """

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.positions_checked_with_group = True
        return form

    def kept_forms(self):
        """The rows that passed their own checks and are not marked for deletion."""
        return [form for form in self.forms if hasattr(form, "cleaned_data") and not self._should_delete_form(form)]

    def clean(self):
        super().clean()
        seen = set()
        for form in self.kept_forms():
            position = form.cleaned_data.get(self.default_order_field)
            if position and position in seen:
                form.add_error(None, "Two rows have the same position; drag one of them to another place.")
            seen.add(position)


class ContentInline(VersionTokenAdminMixin, admin.TabularInline):
    formfield_overrides = IMAGE_UPLOADS
    extra = 0


class SortableContentInline(VersionTokenAdminMixin, SortableTabularInline):
    """Rows ordered by dragging them (or with the first/last arrows); saved with the page."""

    formfield_overrides = IMAGE_UPLOADS
    extra = 0


class SortableStackedContentInline(VersionTokenAdminMixin, SortableStackedInline):
    formfield_overrides = IMAGE_UPLOADS
    extra = 0
