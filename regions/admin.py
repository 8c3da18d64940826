from django.contrib import admin

from regions.models import Region, RegionCodeAlias


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "full_name", "level", "population", "pension_share", "is_active"]
    list_filter = ["level", "is_active", "point_source", "sido"]
    search_fields = ["code", "name", "full_name"]
    readonly_fields = [field.name for field in Region._meta.concrete_fields]
    list_select_related = ["sido"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(RegionCodeAlias)
class RegionCodeAliasAdmin(admin.ModelAdmin):
    list_display = ["old_code", "region"]
    search_fields = ["old_code", "region__full_name"]
    list_select_related = ["region"]
