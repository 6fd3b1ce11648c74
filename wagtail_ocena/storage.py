"""Where archived report files live: a private storage, outside what the web server serves.

A report holds every comment and, in XLSX, every response, so its file must never have a
public URL: the archive view sends it after checking the user's permission. An installation
names a storage in ``STORAGES["wagtail_ocena_reports"]`` (e.g. a private S3 bucket) or a
directory in ``WAGTAIL_OCENA_REPORTS_ROOT``; the system check refuses anything inside
``MEDIA_ROOT``.
"""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, storages

from .conf import get_setting

STORAGE_ALIAS = "wagtail_ocena_reports"


class PrivateReportStorage(FileSystemStorage):
    """The directory of ``WAGTAIL_OCENA_REPORTS_ROOT``, read when used, with no URL."""

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


_private = PrivateReportStorage()


def report_storage():
    if STORAGE_ALIAS in settings.STORAGES:
        return storages[STORAGE_ALIAS]
    return _private


def reports_root_problem():
    """Why the configured report location is unsafe or missing, or None."""
    if STORAGE_ALIAS in settings.STORAGES:
        return None
    root = get_setting("REPORTS_ROOT")
    if not root:
        return "WAGTAIL_OCENA_REPORTS_ROOT is not set"
    media = settings.MEDIA_ROOT
    if media:
        root, media = os.path.realpath(root), os.path.realpath(media)
        if os.path.commonpath([root, media]) == media:
            return "WAGTAIL_OCENA_REPORTS_ROOT lies inside MEDIA_ROOT, which the web server serves"
    return None
