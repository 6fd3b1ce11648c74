import logging

from wagtail.signals import page_published

logger = logging.getLogger(__name__)


def freeze_survey_version(sender, instance, revision, **kwargs):
    from .models import SurveyPage

    if not isinstance(instance, SurveyPage):
        return
    version = instance.freeze_version(user=getattr(revision, "user", None), revision=revision)
    if version is None:
        logger.warning(
            "Survey page %s was published outside any site; it has no version to answer.",
            instance.pk,
        )


def register_signal_handlers():
    # No sender filter: subclasses of SurveyPage are surveys too.
    page_published.connect(freeze_survey_version, dispatch_uid="wagtail_ocena_freeze")
