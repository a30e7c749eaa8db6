from django.contrib import admin

from .models import Announcement, Edition, ImportantDate, Page


class ImportantDateInline(admin.TabularInline):
    model = ImportantDate
    extra = 0
    fields = ("label", "date", "time", "zone", "extended_date", "extension_reason", "announce", "position")


class PageInline(admin.TabularInline):
    model = Page
    extra = 0
    fields = ("title", "slug", "in_menu", "is_published", "position")
    show_change_link = True


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ("year", "name", "conference", "date", "is_published", "is_current")
    list_filter = ("is_published", "is_current")
    search_fields = ("name", "title", "conference", "city")
    inlines = (ImportantDateInline, PageInline)


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ("title", "edition", "slug", "in_menu", "is_published", "position")
    list_filter = ("edition", "is_published")
    search_fields = ("title", "body")
    list_select_related = ("edition",)


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ("title", "edition", "kind", "is_published", "published_at")
    list_filter = ("edition", "kind", "is_published")
    search_fields = ("title", "body")
    list_select_related = ("edition",)
