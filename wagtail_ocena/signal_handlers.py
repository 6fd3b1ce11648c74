from wagtail.signals import page_published


def freeze_survey_version(sender, instance, revision, **kwargs):
    from .models import SurveyPage

    # Scheduling a first publication also sends page_published; the version is frozen
    # when the page actually goes live. Aliases answer their original's versions.
    if isinstance(instance, SurveyPage) and instance.live and not instance.alias_of_id:
        instance.freeze_version(user=getattr(revision, "user", None), revision=revision)


def register_signal_handlers():
    # No sender filter: subclasses of SurveyPage are surveys too.
    page_published.connect(freeze_survey_version, dispatch_uid="wagtail_ocena_freeze")
