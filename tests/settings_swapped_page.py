"""The test settings with Wagtail 8's page model swapped (WAGTAIL_PAGE_MODEL), as a site may do."""

from .settings import *  # noqa: F403

# Wagtail ships this base page model for its own tests; it must come before wagtail_ocena.
INSTALLED_APPS = ["wagtail.test.basepage"] + [
    app
    for app in INSTALLED_APPS  # noqa: F405
    if app != "example_site.home"  # the example homepage extends the unswapped Page
]
WAGTAIL_PAGE_MODEL = "basepage.BasePage"
