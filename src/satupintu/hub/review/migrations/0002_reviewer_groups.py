"""The groups that hold the review permissions, so that an administrator only adds staff to them."""

from django.db import migrations

GROUPS = {
    # LPSE staff (with their portal set on the user) who resolve their own portal's queue.
    "Verifikator LPSE": ("resolve_review", "Can resolve the review queue of their own portal"),
    # LKPP's directorate: every portal's queue.
    "Direktorat LKPP": ("resolve_any_portal", "Can resolve the review queue of every portal"),
}


def add_groups(apps, schema_editor):
    # Permissions are normally created after every migration has run; these groups need them now. The
    # names are those of ReviewDecision.Meta.permissions, so the later run finds them and adds nothing.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="review", model="reviewdecision")
    for name, (codename, label) in GROUPS.items():
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": label}
        )
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(permission)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(add_groups, remove_groups)]
