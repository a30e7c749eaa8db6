from adminsortable2.admin import SortableAdminBase
from django.contrib import admin

from esfomo.admin import EDITION_PAGES
from esfomo.common.admin import ContentAdmin, ContentInline, PositionsFormSet, SortableContentInline, thumbnail
from program.models import TalkSpeaker

from .models import EditionPeople, Person, Role, Sponsor


class RoleGroupFormSet(PositionsFormSet):
    """The people of one role group of an edition (its speakers, say), ordered by drag and drop."""

    kind = None  # given to new rows when the inline does not show the role field

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if "kind" not in form.fields:
            form.instance.kind = self.kind
        return form

    def clean(self):
        super().clean()
        seen = set()
        for form in self.kept_forms():
            person = form.cleaned_data.get("person")
            key = (person, form.cleaned_data.get("kind", self.kind))
            if person is not None and key in seen:
                form.add_error("person", f"{person} is already in this list.")
            seen.add(key)


class RoleGroupInline(SortableContentInline):
    """One role group of an edition, for its edit page: drag the rows to set the homepage's order."""

    model = Role
    formset = RoleGroupFormSet
    kinds: tuple[str, ...] = ()
    fields = ("person", "affiliation", "photo")
    readonly_fields = ("photo",)
    autocomplete_fields = ("person",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind__in=self.kinds).select_related("person")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.kind = self.kinds[0]
        return formset

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            kwargs["choices"] = [(kind, Role.Kind(kind).label) for kind in self.kinds]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    @admin.display(description="photo")
    def photo(self, role):
        return thumbnail(role.person.portrait)


class SpeakerInline(RoleGroupInline):
    kinds = (Role.Kind.SPEAKER,)
    verbose_name = "invited speaker"
    verbose_name_plural = "invited speakers (drag to set the homepage's order)"


class OrganizerInline(RoleGroupInline):
    kinds = (Role.Kind.ORGANIZER,)
    verbose_name = "organizer"
    verbose_name_plural = "organizers (drag to set the homepage's order)"


class PanelInline(RoleGroupInline):
    kinds = (Role.Kind.PANELIST, Role.Kind.MODERATOR)
    fields = ("person", "kind", "affiliation", "photo")
    verbose_name = "panelist or moderator"
    verbose_name_plural = "panelists and moderators"
    classes = ("collapse",)


class SponsorInline(SortableContentInline):
    model = Sponsor
    formset = PositionsFormSet
    fields = ("name", "tier", "url", "logo", "logo_dark", "logo_alt", "logo_preview")
    readonly_fields = ("logo_preview",)
    verbose_name_plural = "sponsors (drag to set the homepage's order)"

    @admin.display(description="logo")
    def logo_preview(self, sponsor):
        return thumbnail(sponsor.picture, size=96)


class PersonRoleInline(ContentInline):
    model = Role
    fields = ("edition", "kind", "affiliation", "position")
    verbose_name_plural = "roles in each edition"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("edition")


@admin.register(Person)
class PersonAdmin(ContentAdmin):
    list_display = ("photo_thumbnail", "__str__", "slug", "photo_described", "website")
    list_display_links = ("photo_thumbnail", "__str__")
    list_filter = (("roles__edition", admin.RelatedOnlyFieldListFilter), "roles__kind")
    search_fields = ("given_name", "family_name", "slug", "roles__affiliation")
    prepopulated_fields = {"slug": ("given_name", "family_name")}
    fieldsets = (
        (None, {"fields": ("given_name", "family_name", "slug")}),
        ("Photo", {"fields": ("photo", "photo_alt", "photo_preview")}),
        ("Links", {"fields": ("website", "scholar_url", "social_url")}),
    )
    readonly_fields = ("photo_preview",)
    inlines = (PersonRoleInline,)

    @admin.display(description="photo")
    def photo_thumbnail(self, person):
        return thumbnail(person.portrait)

    @admin.display(description="current photo")
    def photo_preview(self, person):
        return thumbnail(person.portrait, size=160)

    @admin.display(description="photo described", boolean=True)
    def photo_described(self, person):
        return bool(person.photo_alt) if person.photo else None

    # A speaker's talks protect them from a careless delete; confirming removes them from the talks.

    def talk_credits(self, person):
        return TalkSpeaker.objects.filter(person=person).select_related("talk__session")

    def deletion_guard(self, person):
        credits = list(self.talk_credits(person))
        if not credits:
            return ""
        titles = "; ".join(f"“{credit.talk}” ({credit.talk.session.title})" for credit in credits)
        return f"Remove {person} from {len(credits)} talk(s) — {titles} — and delete them. The talks stay."

    def get_deleted_objects(self, objs, request):
        to_delete, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if getattr(request, "guarded_delete", False):
            # Only talk credits protect a person; the ticked confirmation removes them first.
            to_delete = [*to_delete, *(f"Speaker of “{credit.talk}”" for credit in self.talk_credits(objs[0]))]
            protected = []
        return to_delete, counts, perms_needed, protected

    def before_delete(self, person):
        TalkSpeaker.objects.filter(person=person).delete()


@admin.register(Role)
class RoleAdmin(ContentAdmin):
    list_display = ("photo", "person", "edition", "kind", "affiliation", "position")
    list_display_links = ("photo", "person")
    list_filter = ("edition", "kind")
    search_fields = ("person__given_name", "person__family_name", "affiliation")
    autocomplete_fields = ("person",)
    list_select_related = ("person", "edition")
    fields = ("edition", "person", "kind", "affiliation", "position")

    @admin.display(description="photo")
    def photo(self, role):
        return thumbnail(role.person.portrait)


@admin.register(Sponsor)
class SponsorAdmin(ContentAdmin):
    list_display = ("logo_thumbnail", "name", "edition", "tier", "position")
    list_display_links = ("logo_thumbnail", "name")
    list_filter = ("edition", "tier")
    search_fields = ("name",)
    list_select_related = ("edition",)
    fieldsets = (
        (None, {"fields": ("edition", "name", "url", "tier", "position")}),
        ("Logo", {"fields": ("logo", "logo_alt", "logo_preview", "logo_dark", "logo_dark_preview")}),
    )
    readonly_fields = ("logo_preview", "logo_dark_preview")

    @admin.display(description="logo")
    def logo_thumbnail(self, sponsor):
        return thumbnail(sponsor.picture, size=96)

    @admin.display(description="current logo")
    def logo_preview(self, sponsor):
        return thumbnail(sponsor.picture, size=240)

    @admin.display(description="current dark-mode logo")
    def logo_dark_preview(self, sponsor):
        return thumbnail(sponsor.dark_picture, size=240)


@admin.register(EditionPeople)
class EditionPeopleAdmin(SortableAdminBase, ContentAdmin):
    """An edition's speakers, organizers, panel and sponsors: drag the rows to set the homepage's order."""

    list_display = ("year", "name")
    fields = ("name", "year")
    readonly_fields = ("name", "year")
    inlines = (SpeakerInline, OrganizerInline, PanelInline, SponsorInline)

    def has_add_permission(self, request):
        return False  # an edition is created on its own page

    def has_delete_permission(self, request, obj=None):
        return False


EDITION_PAGES.append(("Speakers, organizers and sponsors", "admin:people_editionpeople_change"))
