"""Where archived report files live: a private storage, outside what the web server serves.

A report holds every comment and, in XLSX, every response, so its file must never have a
public URL: the archive view sends it after checking the user's permission. An installation
names a storage in ``STORAGES["wagtail_ocena_reports"]`` (e.g. a private S3 bucket) or a
directory in ``WAGTAIL_OCENA_REPORTS_ROOT``; the system check refuses a relative directory
or one inside ``MEDIA_ROOT``.
"""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, empty

from .conf import get_setting

STORAGE_ALIAS = "wagtail_ocena_reports"


class PrivateFileSystemStorage(FileSystemStorage):
    """The directory ``WAGTAIL_OCENA_REPORTS_ROOT``, read when used, without URLs."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        root = get_setting("REPORTS_ROOT")
        if not root:
            raise ImproperlyConfigured(
                "Set WAGTAIL_OCENA_REPORTS_ROOT to a private directory for archived reports."
            )
        return os.fspath(root)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Archived reports have no public URL; the archive view serves them.")


class ReportStorage(LazyObject):
    """The configured storage, looked up when first used (and again if settings change),
    like Django's ``default_storage``."""

    def _setup(self):
        if STORAGE_ALIAS in settings.STORAGES:
            self._wrapped = storages[STORAGE_ALIAS]
        else:
            self._wrapped = PrivateFileSystemStorage()


reports_storage = ReportStorage()


def report_storage():
    return reports_storage


def _reset(setting, **kwargs):
    if setting == "STORAGES":
        reports_storage._wrapped = empty


setting_changed.connect(_reset)


def reports_root_problem():
    """Why the configured report location is unsafe or missing, or None."""
    if STORAGE_ALIAS in settings.STORAGES:
        return None
    root = get_setting("REPORTS_ROOT")
    if not root:
        return "WAGTAIL_OCENA_REPORTS_ROOT is not set"
    if not os.path.isabs(root):
        return "WAGTAIL_OCENA_REPORTS_ROOT must be an absolute path"
    media = settings.MEDIA_ROOT
    if media:
        root, media = os.path.realpath(root), os.path.realpath(media)
        if os.path.commonpath([root, media]) == media:
            return "WAGTAIL_OCENA_REPORTS_ROOT lies inside MEDIA_ROOT, which the web server serves"
    return None
