from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Ocena Urzędu — administratorzy"

PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("wagtail_ocena", "surveyresponse", "enter_paper_surveyresponse"),
    ("wagtail_ocena", "surveyresponse", "download_printable_surveyresponse"),
    ("wagtail_ocena", "surveyresponse", "view_surveyresponse"),
    ("wagtail_ocena", "surveyresponse", "delete_surveyresponse"),
    ("wagtail_ocena", "officesettings", "change_officesettings"),
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations have run; this one needs them now.
    app_config = apps.get_app_config("wagtail_ocena")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    for app_label, model, codename in PERMISSIONS:
        permission = Permission.objects.filter(
            content_type__app_label=app_label, content_type__model=model, codename=codename
        ).first()
        if permission is not None:
            group.permissions.add(permission)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_ocena", "0002_paper_questionnaires"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
