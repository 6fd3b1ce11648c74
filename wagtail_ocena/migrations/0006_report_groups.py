from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMINISTRATORS = "Ocena Urzędu — administratorzy"
SUPERVISORS = "Ocena Urzędu — nadzór"

GROUPS = {
    # Deleting archived reports takes its own permission, given to nobody by default.
    ADMINISTRATORS: [
        ("wagtail_ocena", "generatedreport", "generate_generatedreport"),
        ("wagtail_ocena", "generatedreport", "view_generatedreport"),
    ],
    # The Secretary supervises: reads the archived reports, nothing else.
    SUPERVISORS: [
        ("wagtailadmin", "admin", "access_admin"),
        ("wagtail_ocena", "generatedreport", "view_generatedreport"),
    ],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations have run; these are needed now.
    app_config = apps.get_app_config("wagtail_ocena")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, model, codename in permissions:
            permission = Permission.objects.filter(
                content_type__app_label=app_label, content_type__model=model, codename=codename
            ).first()
            if permission is not None:
                group.permissions.add(permission)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=SUPERVISORS).delete()


class Migration(migrations.Migration):
    dependencies = [("wagtail_ocena", "0005_reports")]

    operations = [migrations.RunPython(create_groups, remove_groups)]
