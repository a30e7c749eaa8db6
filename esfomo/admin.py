from adminsortable2.admin import SortableAdminBase
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from esfomo.common.admin import ContentAdmin, SortableContentInline, thumbnail
from esfomo.common.locking import VersionTokenAdminMixin
from esfomo.content.cloning import CloneError, clone_edition, same_day_in

from . import readiness
from .forms import CloneEditionForm
from .models import Announcement, Edition, ImportantDate, Page

# Pages of other apps about one edition (its people, its plan), linked from the edition's page:
# (label, admin URL name taking the edition's id). Apps add theirs in their admin module.
EDITION_PAGES: list[tuple[str, str]] = []


@admin.display(description="status", ordering="is_published")
def publication_status(obj):
    return "Published" if obj.is_published else "Draft (staff only)"


class ImportantDateInline(SortableContentInline):
    model = ImportantDate
    fields = ("label", "date", "time", "zone", "extended_date", "extension_reason", "announce")


class PageInline(SortableContentInline):
    model = Page
    fields = ("title", "slug", "nav_title", "in_menu", "is_published", "show_important_dates")
    show_change_link = True
    verbose_name_plural = "pages (drag to set the menu's order; open one to edit its text)"


class AnnouncementInline(VersionTokenAdminMixin, admin.StackedInline):
    model = Announcement
    fields = ("kind", "title", "body", "is_published", "published_at")
    extra = 0
    classes = ("collapse",)


@admin.register(Edition)
class EditionAdmin(SortableAdminBase, ContentAdmin):
    list_display = ("year", "name", "banner_thumbnail", "conference", "date", publication_status, "is_current")
    list_display_links = ("year", "name")
    list_filter = ("is_published", "is_current")
    search_fields = ("name", "title", "conference", "city")
    fieldsets = (
        (None, {"fields": ("year", "name", "title", "acronym", "subtitle", "tagline")}),
        ("Publishing", {"fields": ("is_published", "is_current")}),
        ("When and where", {"fields": ("date", ("time_zone", "time_zone_label"), "conference", "conference_url")}),
        ("Venue", {"fields": ("city", "venue", "room")}),
        (
            "Homepage",
            {"fields": ("summary", "pitch", "speakers_intro", "schedule_note", "contact_email", "submission_url")},
        ),
        ("Banner", {"fields": ("banner", "banner_alt", "banner_preview")}),
    )
    readonly_fields = ("banner_preview",)
    inlines = (ImportantDateInline, PageInline, AnnouncementInline)
    actions = ("clone_selected",)

    def get_urls(self):
        readiness_url = path(
            "<path:object_id>/readiness/",
            self.admin_site.admin_view(self.readiness_view),
            name="esfomo_edition_readiness",
        )
        return [readiness_url, *super().get_urls()]

    def get_actions(self, request):
        actions = super().get_actions(request)
        # An edition takes all its content along: delete editions one at a time, with the guard.
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="banner")
    def banner_thumbnail(self, edition):
        return thumbnail(edition.banner_picture, size=96)

    @admin.display(description="current banner")
    def banner_preview(self, edition):
        return thumbnail(edition.banner_picture, size=320)

    def deletion_guard(self, edition):
        counts = self.count_related(edition)
        if not counts:
            return ""
        listed = ", ".join(f"{count} {name}" for name, count in counts.items())
        return f"Delete {edition} with everything in it ({listed}). History keeps a copy to recover it."

    @admin.action(description="Clone into a new edition (next year's start)", permissions=("add",))
    def clone_selected(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one edition to clone.", messages.WARNING)
            return None
        source = queryset.get()
        if "apply" in request.POST:
            form = CloneEditionForm(request.POST)
            if form.is_valid():
                try:
                    clone = clone_edition(source, form.cleaned_data["year"], form.cleaned_data["date"])
                except CloneError as error:
                    form.add_error(None, str(error))
                else:
                    self.message_user(
                        request,
                        f"{clone} was created from {source}, unpublished. Check its dates, pages and plan, "
                        "add this year's speakers, then publish it.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:esfomo_edition_change", args=[clone.pk]))
        else:
            year = source.year + 1
            form = CloneEditionForm(initial={"year": year, "date": same_day_in(source.date, year)})
        context = {
            **self.admin_site.each_context(request),
            "title": f"Clone {source}",
            "opts": self.model._meta,
            "source": source,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/esfomo/edition/clone.html", context)

    def readiness_view(self, request, object_id):
        edition = self.get_object(request, unquote(object_id))
        if edition is None:
            raise Http404("No such edition.")
        if not self.has_view_or_change_permission(request, edition):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"Is {edition} ready?",
            "opts": self.model._meta,
            "original": edition,
            "sections": readiness.run(edition),
        }
        return TemplateResponse(request, "admin/esfomo/edition/readiness.html", context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["readiness_url"] = reverse("admin:esfomo_edition_readiness", args=[obj.pk])
            context["edition_pages"] = [(label, reverse(name, args=[obj.pk])) for label, name in EDITION_PAGES]
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(Page)
class PageAdmin(ContentAdmin):
    list_display = ("title", "edition", "slug", "in_menu", publication_status, "position")
    list_filter = ("edition", "is_published", "in_menu")
    search_fields = ("title", "body")
    list_select_related = ("edition",)
    fields = ("edition", "title", "slug", "nav_title", "body", "show_important_dates", "in_menu", "is_published")


@admin.register(Announcement)
class AnnouncementAdmin(ContentAdmin):
    list_display = ("title", "edition", "kind", "is_published", "published_at")
    list_filter = ("edition", "kind", "is_published")
    search_fields = ("title", "body")
    list_select_related = ("edition",)
