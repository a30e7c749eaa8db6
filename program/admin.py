from django.contrib import admin

from .models import Paper, Session, Talk, TalkSpeaker


class TalkInline(admin.StackedInline):
    model = Talk
    extra = 0
    fields = ("title", "start", "paper", "position")
    show_change_link = True


class TalkSpeakerInline(admin.TabularInline):
    model = TalkSpeaker
    extra = 0
    autocomplete_fields = ("person",)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("title", "edition", "kind", "start", "end", "room")
    list_filter = ("edition", "kind")
    search_fields = ("title", "description")
    list_select_related = ("edition",)
    inlines = (TalkInline,)


@admin.register(Talk)
class TalkAdmin(admin.ModelAdmin):
    list_display = ("__str__", "session", "start")
    list_filter = ("session__edition",)
    search_fields = ("title", "paper__title")
    list_select_related = ("session", "paper")
    inlines = (TalkSpeakerInline,)


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ("title", "edition", "decision", "openreview_id")
    list_filter = ("edition", "decision")
    search_fields = ("title", "authors", "openreview_id")
    list_select_related = ("edition",)
