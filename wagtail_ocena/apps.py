from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
