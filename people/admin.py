from django.contrib import admin

from .models import Person, Role, Sponsor


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    fields = ("edition", "kind", "affiliation", "position")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("__str__", "slug", "website")
    search_fields = ("given_name", "family_name", "slug")
    prepopulated_fields = {"slug": ("given_name", "family_name")}
    inlines = (RoleInline,)


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("person", "edition", "kind", "affiliation", "position")
    list_filter = ("edition", "kind")
    search_fields = ("person__given_name", "person__family_name", "affiliation")
    autocomplete_fields = ("person",)
    list_select_related = ("person", "edition")


@admin.register(Sponsor)
class SponsorAdmin(admin.ModelAdmin):
    list_display = ("name", "edition", "tier", "position")
    list_filter = ("edition", "tier")
    search_fields = ("name",)
    list_select_related = ("edition",)
