"""What every request to a survey reads, kept between requests.

A published version's questions never change (``FrozenModel``): each process keeps them once
read. The rest a survey page needs on every request — its office, site, active departments,
current version, URL and whether it is restricted — is a ``SurveySnapshot`` in the
configured cache, shared by the app's processes and dropped whenever any of it may have
changed: a page, site, view restriction, office or department saved or deleted, a page
published, unpublished or moved (``register_invalidation``). A per-process cache cannot tell
the other processes, so there a snapshot lives only seconds.
"""

import logging
import secrets
from dataclasses import dataclass

from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.urls import NoReverseMatch, reverse
from wagtail.models import PageViewRestriction, Site, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import __version__
from .conf import get_setting, is_per_process_cache
from .models import Department, OfficeSettings, SurveyPage, SurveyVersion
from .models.survey import Page

logger = logging.getLogger(__name__)

# Under the package's version: a snapshot pickled by another release may not fit this one.
_PREFIX = f"wagtail_ocena:serving:{__version__}"
_GENERATION_KEY = f"{_PREFIX}:generation"
SNAPSHOT_SECONDS = 60 * 60
PER_PROCESS_SNAPSHOT_SECONDS = 10

# (version id, published at) -> (version, its questions with their options): a process reads
# each once. Not the id alone: on SQLite, the id of a version whose publishing was rolled
# back is given to the next one.
_frozen = {}
_FROZEN_MAX = 256


def frozen_version(version_id, created_at):
    """``(version, questions)`` of the published version ``version_id``, or None if there is
    no such version.

    The objects are shared by every request of the process: read them, never change them.
    """
    entry = _frozen.get((version_id, created_at))
    if entry is None:
        version = SurveyVersion.objects.filter(pk=version_id, created_at=created_at).first()
        if version is None:
            return None
        if len(_frozen) >= _FROZEN_MAX:
            _frozen.clear()
        entry = _frozen[(version_id, created_at)] = (version, tuple(version.load_questions()))
    return entry


@dataclass(frozen=True)
class SurveySnapshot:
    """A live survey page as its public views need it, without the page itself."""

    page_id: int
    # Whose versions it answers: an alias answers its original's.
    versions_page_id: int
    site_id: int
    url: str  # relative to its site's root URL, as are the two below
    thank_you_url: str
    form_action: str  # where the questionnaire is sent
    restricted: bool
    # (id, published at) of every version it answers, the current one last.
    versions: tuple[tuple[int, object], ...]
    office: OfficeSettings | None
    departments: tuple[Department, ...]

    @property
    def site(self):
        return Site(pk=self.site_id)

    def current(self):
        """``(version, questions)`` of the current version, or None before the first."""
        return frozen_version(*self.versions[-1]) if self.versions else None

    def version_of_token(self, version_id):
        """``(version, questions)`` of a version this survey answers, or None."""
        for pk, created_at in self.versions:
            if pk == version_id:
                return frozen_version(pk, created_at)
        return None


def build_snapshot(page):
    """The snapshot of ``page`` read from the database, or None unless it is live on a site."""
    if not page.live:
        return None
    site_id, _root_url, url = page.get_url_parts() or (None, None, None)
    if site_id is None:
        return None
    site = Site(pk=site_id)
    versions_page_id = page.alias_of_id or page.pk
    versions = tuple(
        SurveyVersion.objects.filter(page_id=versions_page_id)
        .order_by("number")
        .values_list("pk", "created_at")
    )
    try:
        form_action = reverse("wagtail_ocena:submit", args=[page.pk])
    except NoReverseMatch:
        # The site's URLconf does not include wagtail_ocena.urls (checks.W011): the page
        # itself takes the answers.
        form_action = url
    return SurveySnapshot(
        page_id=page.pk,
        versions_page_id=versions_page_id,
        site_id=site_id,
        url=url,
        thank_you_url=url + page.reverse_subpage("thank_you"),
        form_action=form_action,
        restricted=PageViewRestriction.objects.filter(
            page__in=page.get_ancestors(inclusive=True)
        ).exists(),
        versions=versions,
        office=OfficeSettings.objects.filter(site=site).first(),
        departments=tuple(Department.objects.for_site(site).active()),
    )


def _cache():
    return caches[get_setting("CACHE")]


def _snapshot_seconds():
    return PER_PROCESS_SNAPSHOT_SECONDS if is_per_process_cache() else SNAPSHOT_SECONDS


def _snapshot_key(generation, page_id):
    return f"{_PREFIX}:{generation}:{page_id}"


def _generation(cache):
    generation = cache.get(_GENERATION_KEY)
    if generation is None:
        cache.add(_GENERATION_KEY, secrets.token_hex(8), timeout=None)
        generation = cache.get(_GENERATION_KEY)
    return generation


def snapshot_of(page_id, page=None):
    """The snapshot of the survey page ``page_id`` (``page``, if the caller has it loaded);
    None if it is not a live survey."""
    try:
        cache = _cache()
        key = _snapshot_key(_generation(cache), page_id)
        snapshot = cache.get(key)
    except Exception:
        # The cache is out of reach: read the database, as without a cache.
        logger.exception("The survey's cache failed; read from the database instead.")
        cache = key = snapshot = None
    if snapshot is not None:
        return snapshot or None  # False: known not to be a live survey
    if page is None:
        page = SurveyPage.objects.filter(pk=page_id).first()
    snapshot = build_snapshot(page) if page is not None else None
    if cache is not None:
        try:
            cache.set(key, snapshot or False, _snapshot_seconds())
        except Exception:
            logger.exception("The survey's cache failed; the snapshot was not kept.")
    return snapshot


def site_id_for(request):
    """The id of the site ``request`` is for, as ``Site.find_for_request`` finds it (None if
    no site matches), looked up once per host between changes to sites."""
    host, port = request.get_host(), request.get_port()
    try:
        cache = _cache()
        key = f"{_PREFIX}:{_generation(cache)}:site:{host}:{port}"
        site_id = cache.get(key)
    except Exception:
        logger.exception("The survey's cache failed; read from the database instead.")
        cache = site_id = None
    if site_id is None:
        site = Site.find_for_request(request)
        site_id = site.pk if site is not None else 0
        if cache is not None:
            try:
                cache.set(key, site_id, _snapshot_seconds())
            except Exception:
                logger.exception("The survey's cache failed; the site was not kept.")
    return site_id or None


def invalidate():
    """Forget every survey's snapshot: now, and again once the transaction that changed them
    commits (a request in between may have read what the transaction had not yet written)."""
    _forget()
    transaction.on_commit(_forget)


def _forget():
    try:
        _cache().set(_GENERATION_KEY, secrets.token_hex(8), timeout=None)
    except Exception:
        logger.exception("The survey's cache could not be invalidated.")


def _changed(sender, **kwargs):
    invalidate()


def register_invalidation():
    # Any page model, each by name: a parent's new slug moves the survey's URL. (A receiver
    # for every sender would make Django load every row it deletes, of any model, to send it.)
    page_models = [Page, *get_page_models()]
    for name, signal in (("save", post_save), ("delete", post_delete)):
        for model in (
            *page_models,
            Site,
            PageViewRestriction,
            OfficeSettings,
            Department,
            SurveyVersion,
        ):
            signal.connect(
                _changed,
                sender=model,
                dispatch_uid=f"wagtail_ocena_serving_{model._meta.label_lower}_{name}",
            )
    for name, signal in (
        ("published", page_published),
        ("unpublished", page_unpublished),
        ("moved", post_page_move),
    ):
        signal.connect(_changed, dispatch_uid=f"wagtail_ocena_serving_{name}")
