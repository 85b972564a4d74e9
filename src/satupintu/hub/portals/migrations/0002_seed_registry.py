from django.db import migrations


def seed(apps, schema_editor):
    from satupintu.hub.portals.registry import AGGREGATED, NOT_YET_AGGREGATED

    Portal = apps.get_model("portals", "Portal")
    for code, name, url, date in AGGREGATED:
        Portal.objects.get_or_create(
            code=code, defaults={"name": name, "url": url, "implemented_on": date, "aggregation_active": True}
        )
    for code, name, url in NOT_YET_AGGREGATED:
        Portal.objects.get_or_create(code=code, defaults={"name": name, "url": url})


class Migration(migrations.Migration):
    dependencies = [("portals", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
