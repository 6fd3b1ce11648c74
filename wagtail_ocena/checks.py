from django.conf import settings
from django.core.checks import Error, register
from django.core.checks import Warning as CheckWarning

from .conf import get_setting
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


# Caches that each app process keeps for itself: a rate limit counted in one is split between
# the processes, and every process starts it anew.
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register()
def check_shared_cache(app_configs, **kwargs):
    alias = get_setting("CACHE")
    backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        CheckWarning(
            f"The survey's rate limit is counted in the per-process cache {alias!r} ({backend}).",
            hint=(
                "With several app processes each counts its own share, and a restart forgets "
                "it: point WAGTAIL_OCENA_CACHE at a shared cache (Redis, Memcached or the "
                "database cache). Used form tokens are kept in the database either way."
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
