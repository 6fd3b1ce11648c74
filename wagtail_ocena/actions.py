"""Wagtail actions that keep survey responses from being deleted along with what they belong to."""

from django.core.exceptions import PermissionDenied
from wagtail.actions import DeleteAction

from .models import GeneratedReport, SurveyResponse


class DeleteSiteAction(DeleteAction):
    """Deleting a site would orphan its office's responses and reports; refuse while it has any.

    The admin turns the refusal into its standard "no permission" message, instead of the
    database's protection surfacing as a server error.
    """

    def _delete(self):
        if SurveyResponse.objects.filter(site=self.instance).exists():
            raise PermissionDenied("The site's office has survey responses.")
        if GeneratedReport.objects.filter(site=self.instance).exists():
            raise PermissionDenied("The site's office has archived reports.")
        return super()._delete()
