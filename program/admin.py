from adminsortable2.admin import SortableAdminBase, SortableTabularInline
from django.contrib import admin
from django.db.models import Prefetch
from django.utils import timezone

from esfomo.common.admin import ContentAdmin, SortableStackedContentInline

from .models import Paper, Session, Talk, TalkSpeaker


def speaker_names(talk):
    return ", ".join(credit.name for credit in talk.talk_speakers.all()) or "—"


class TalkInline(SortableStackedContentInline):
    model = Talk
    fields = ("title", "start", "paper", "speakers")
    readonly_fields = ("speakers",)
    autocomplete_fields = ("paper",)
    show_change_link = True
    verbose_name_plural = "talks (drag to order; open one to add its speakers)"

    def get_queryset(self, request):
        credits = TalkSpeaker.objects.select_related("person")
        return super().get_queryset(request).prefetch_related(Prefetch("talk_speakers", queryset=credits))

    @admin.display(description="speakers")
    def speakers(self, talk):
        return speaker_names(talk)


class TalkSpeakerInline(SortableTabularInline):
    model = TalkSpeaker
    extra = 0
    fields = ("person", "credited_name", "affiliation")
    autocomplete_fields = ("person",)
    verbose_name_plural = "speakers (drag to set the order they are named in)"


@admin.register(Session)
class SessionAdmin(SortableAdminBase, ContentAdmin):
    list_display = ("title", "edition", "kind", "local_time", "room")
    list_filter = ("edition", "kind")
    search_fields = ("title", "description", "talks__title", "talks__talk_speakers__person__family_name")
    list_select_related = ("edition",)
    fields = ("edition", "kind", "title", "start", "end", "room", "description")
    inlines = (TalkInline,)

    @admin.display(description="time (local)", ordering="start")
    def local_time(self, session):
        zone = session.edition.tzinfo
        start, end = timezone.localtime(session.start, zone), timezone.localtime(session.end, zone)
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M} {session.edition.zone_label}"


@admin.register(Talk)
class TalkAdmin(SortableAdminBase, ContentAdmin):
    list_display = ("__str__", "session", "speaker_list", "start")
    list_filter = ("session__edition", "session__kind")
    search_fields = ("title", "paper__title", "talk_speakers__person__given_name", "talk_speakers__person__family_name")
    list_select_related = ("session", "paper")
    autocomplete_fields = ("session", "paper")
    fields = ("session", "title", "start", "paper", "abstract")
    inlines = (TalkSpeakerInline,)

    def get_queryset(self, request):
        credits = TalkSpeaker.objects.select_related("person")
        return super().get_queryset(request).prefetch_related(Prefetch("talk_speakers", queryset=credits))

    @admin.display(description="speakers")
    def speaker_list(self, talk):
        return speaker_names(talk)


@admin.register(Paper)
class PaperAdmin(ContentAdmin):
    list_display = ("title", "edition", "decision", "openreview_id")
    list_filter = ("edition", "decision")
    search_fields = ("title", "authors", "openreview_id")
    list_select_related = ("edition",)
