from django.core.checks import Error, register

from .storage import STORAGE_ALIAS, reports_root_problem


@register()
def check_report_storage(app_configs, **kwargs):
    problem = reports_root_problem()
    if problem is None:
        return []
    return [
        Error(
            f"Archived reports need private storage: {problem}.",
            hint=(
                "Set WAGTAIL_OCENA_REPORTS_ROOT to a directory outside MEDIA_ROOT that the web "
                f'server does not serve, or configure STORAGES["{STORAGE_ALIAS}"].'
            ),
            id="wagtail_ocena.E001",
        )
    ]
