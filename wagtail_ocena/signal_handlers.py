import logging

from django.db.models.signals import pre_delete
from wagtail.signals import page_published

logger = logging.getLogger(__name__)


def freeze_survey_version(sender, instance, revision, **kwargs):
    from .models import SurveyPage
    from .reports.archive import report_before_change

    # Scheduling a first publication also sends page_published; the version is frozen
    # when the page actually goes live. Aliases answer their original's versions.
    if not isinstance(instance, SurveyPage) or not instance.live or instance.alias_of_id:
        return
    user = getattr(revision, "user", None)
    if instance.questions_changed():
        # The admin archives this report before publishing, and can stop the publication
        # if it fails; a scheduled or scripted publication is already live here, so it
        # can only try, and leave the failure in the archive and the log.
        try:
            report_before_change(instance, user)
        except Exception:
            logger.exception("The report before changing survey page %s failed.", instance.pk)
    instance.freeze_version(user=user, revision=revision)


def uncount_deleted_response(sender, instance, **kwargs):
    from .counting import count

    # Its answers still exist here; they are deleted with it.
    count(instance, instance.answers.select_related("question"), sign=-1)


def register_signal_handlers():
    from .models import SurveyResponse

    # No sender filter: subclasses of SurveyPage are surveys too.
    page_published.connect(freeze_survey_version, dispatch_uid="wagtail_ocena_freeze")
    pre_delete.connect(
        uncount_deleted_response, sender=SurveyResponse, dispatch_uid="wagtail_ocena_uncount"
    )
