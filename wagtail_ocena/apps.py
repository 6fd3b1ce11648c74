import sys

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def register_sqlite_functions(sender, connection, **kwargs):
    """SQL functions the reports use that SQLite lacks (``reports.comments.NormalisedText``)."""
    if connection.vendor == "sqlite":
        from .reports.comments import normalised_text

        connection.connection.create_function(
            "wagtail_ocena_normalised_text",
            1,
            lambda text: None if text is None else normalised_text(text),
            deterministic=True,
        )


def is_task_worker():
    """Whether this process is django-tasks' database worker (``manage.py db_worker``)."""
    return sys.argv[1:2] == ["db_worker"]


class WagtailOcenaAppConfig(AppConfig):
    name = "wagtail_ocena"
    label = "wagtail_ocena"
    verbose_name = _("Office rating")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from . import checks, signal_handlers  # noqa: F401 (checks register themselves)
        from .forms import OfficeSettingsForm
        from .models import OfficeSettings
        from .permissions import permission_policies

        # Set here, not in the model, so that models import no form (Wagtail sets
        # Page.base_form_class in its admin app's ready() the same way).
        OfficeSettings.base_form_class = OfficeSettingsForm
        for model, policy in permission_policies().items():
            register_permission_policy(model, policy)
        signal_handlers.register_signal_handlers()
        connection_created.connect(
            register_sqlite_functions, dispatch_uid="wagtail_ocena_sqlite_functions"
        )
        if is_task_worker():
            # The worker renders the report PDFs: WeasyPrint's import and font set-up (about
            # 0.5 s) once when it starts rather than in its first report. Web processes import
            # it only when they render a PDF.
            from .printing import prepare_pdf_rendering

            prepare_pdf_rendering()
