"""Test settings: the example site with a database from DATABASE_URL (SQLite in memory by default)."""

import os

import dj_database_url

from example_site.settings import *  # noqa: F403

DEBUG = False
SECRET_KEY = "tests-only"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", "sqlite://:memory:"))}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
ALLOWED_HOSTS = ["*"]  # tests serve several offices under their own host names
# One test process: its per-process cache is all the rate limit needs here.
SILENCED_SYSTEM_CHECKS = ["wagtail_ocena.W001"]
