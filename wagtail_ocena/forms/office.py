from django.core.exceptions import ValidationError
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm


class OfficeSettingsForm(WagtailAdminModelForm):
    """Refuses to delete a department that has responses; it can be deactivated instead."""

    def clean(self):
        cleaned_data = super().clean()
        departments = self.formsets.get("departments")
        if departments is None or not departments.is_valid():
            return cleaned_data
        for form in departments.deleted_forms:
            department = form.instance
            if department.pk and department.has_responses():
                self.add_error(
                    None,
                    ValidationError(
                        _(
                            "The department “%(name)s” has survey responses and cannot be "
                            "deleted. Untick “active” to remove it from the questionnaire."
                        ),
                        params={"name": department.name},
                    ),
                )
                # Show the department again: the deletion did not happen.
                form.data = form.data.copy()
                form.data[form.add_prefix(DELETION_FIELD_NAME)] = ""
        return cleaned_data
