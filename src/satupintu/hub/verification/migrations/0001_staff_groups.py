"""The permissions of verification and the helpdesk, given to the staff groups: an administrator only
adds staff to a group (and sets their portal)."""

from django.db import migrations

# group: ((app, model, codename, label), ...)
GROUPS = {
    # An LPSE's verifier verifies its registrations and reads their online verification tickets.
    "Verifikator LPSE": (
        ("registration", "registration", "verify_registration", "Can verify the registrations of their own portal"),
        ("helpdesk", "ticket", "handle_ticket", "Can handle the helpdesk tickets of their own portal"),
    ),
    # An LPSE's helpdesk answers its tickets.
    "Helpdesk LPSE": (
        ("helpdesk", "ticket", "handle_ticket", "Can handle the helpdesk tickets of their own portal"),
    ),
    # LKPP's directorate: every portal's.
    "Direktorat LKPP": (
        ("registration", "registration", "verify_any_portal", "Can verify the registrations of every portal"),
        ("helpdesk", "ticket", "handle_any_portal", "Can handle the helpdesk tickets of every portal"),
    ),
}


def add_permissions(apps, schema_editor):
    # As in review's groups: the permissions are made now, under the names the models declare, so that
    # the run after the migrations finds them and adds nothing.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, model, codename, label in permissions:
            content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": label}
            )
            group.permissions.add(permission)


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in GROUPS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            codenames = [codename for _, _, codename, _ in permissions]
            group.permissions.remove(*Permission.objects.filter(codename__in=codenames))
    Group.objects.filter(name="Helpdesk LPSE").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0002_verification"),
        ("helpdesk", "0001_initial"),
        ("review", "0002_reviewer_groups"),
    ]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
