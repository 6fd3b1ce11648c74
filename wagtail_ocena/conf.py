"""Settings of wagtail-ocena, each read from ``WAGTAIL_OCENA_<NAME>`` in Django settings."""

from django.conf import settings

DEFAULTS = {
    # A human needs at least this long to read and answer the questionnaire;
    # faster submissions are treated as automated and asked to resubmit.
    "MIN_FILL_SECONDS": 5,
    # A rendered questionnaire may be submitted for this long before it must be reloaded.
    "FORM_MAX_AGE": 4 * 60 * 60,
    # At most this many survey POSTs per client within the window (seconds).
    "RATE_LIMIT_POSTS": 20,
    "RATE_LIMIT_WINDOW": 60 * 60,
    # Which Django cache holds rate-limit counters and used form tokens; in production
    # with several app processes it must be shared (Redis, Memcached, database).
    "CACHE": "default",
    # How many reverse proxies in front of Django append to X-Forwarded-For. With 0 the
    # rate limit counts per REMOTE_ADDR, which behind a proxy is the proxy itself.
    "TRUSTED_PROXY_COUNT": 0,
    # Reports hide a department's figures below this many responses, for anonymity.
    "REPORT_MINIMUM_GROUP": 5,
    # Reports print an interval only from this many answers (a pooled figure: responses);
    # and compare with a previous period only if it has this many responses.
    "REPORT_MINIMUM_ANSWERS": 30,
    # A finished improvement action's effect: its questions' index this many days before the
    # day it was finished against as many days after it.
    "ACTION_EFFECT_DAYS": 90,
    # The day ("MM-DD") each year on which every office's report of the previous calendar
    # year is archived and its administrators e-mailed (``yearly``); None: never.
    "YEARLY_REPORT_DAY": "01-15",
    # The longest period a report may cover, in days.
    "REPORT_MAX_DAYS": 5 * 366,
    # A report still being generated after this many seconds is taken as failed (its
    # worker died) and can be asked for again.
    "REPORT_TIMEOUT": 60 * 60,
    # A private directory for archived report files, outside MEDIA_ROOT (see storage.py).
    "REPORTS_ROOT": None,
    # Open answers (comments) older than this many years lose their text when
    # ``manage.py redact_old_comments`` runs (cron); None keeps them.
    "COMMENT_RETENTION_YEARS": None,
    # Template that public survey pages extend; it must define the block "content".
    "BASE_TEMPLATE": "wagtail_ocena/base.html",
}


def get_setting(name):
    return getattr(settings, f"WAGTAIL_OCENA_{name}", DEFAULTS[name])


# Caches that each app process keeps for itself: a rate limit counted in one is split between
# the processes, and a change seen by one is not seen by the others.
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def is_per_process_cache():
    backend = settings.CACHES.get(get_setting("CACHE"), {}).get("BACKEND", "")
    return backend in PER_PROCESS_CACHES
