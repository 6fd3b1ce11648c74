from django.conf import settings
from django.core.checks import Error, register
from django.core.checks import Warning as CheckWarning

from .conf import get_setting, is_per_process_cache
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


@register()
def check_shared_cache(app_configs, **kwargs):
    alias = get_setting("CACHE")
    backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
    if settings.DEBUG or not is_per_process_cache():
        return []
    return [
        CheckWarning(
            f"The survey's rate limit is counted in the per-process cache {alias!r} ({backend}).",
            hint=(
                "With several app processes each counts its own share, and a restart forgets "
                "it; a change to office data or departments reaches the other processes only "
                "as their copies expire (within seconds). Point WAGTAIL_OCENA_CACHE at a "
                "shared cache (Redis, Memcached or the database cache). Used form tokens are "
                "kept in the database either way."
            ),
            id="wagtail_ocena.W001",
        )
    ]


@register()
def check_database_middleware(app_configs, **kwargs):
    middleware = "wagtail_ocena.middleware.DatabaseUnavailableMiddleware"
    if middleware in settings.MIDDLEWARE:
        return []
    return [
        CheckWarning(
            "A survey sent while the database is out of reach gets a server error, and the "
            "resident's answers are lost.",
            hint=f"Add {middleware!r} to MIDDLEWARE: it answers 503 with the form kept.",
            id="wagtail_ocena.W002",
        )
    ]


@register()
def check_public_urls(app_configs, **kwargs):
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("wagtail_ocena:submit", args=[1])
    except NoReverseMatch:
        return [
            CheckWarning(
                "The questionnaire is sent through Wagtail's page routing, which takes "
                "residents' answers at half the speed.",
                hint=(
                    'Add path("ocena/", include("wagtail_ocena.urls")) to the root URLconf, '
                    "before Wagtail's page URLs."
                ),
                id="wagtail_ocena.W011",
            )
        ]
    return []
