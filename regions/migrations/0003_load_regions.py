from django.db import migrations

from regions.loading import load_regions


def load(apps, schema_editor):
    load_regions(
        apps.get_model("regions", "Region"),
        apps.get_model("regions", "RegionBoundary"),
        apps.get_model("regions", "RegionCodeAlias"),
    )


class Migration(migrations.Migration):
    """Load the shipped 시·도, 시·군·구 and 읍·면·동 (regions/data/) on migrate."""

    dependencies = [("regions", "0002_region_is_autonomous")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
