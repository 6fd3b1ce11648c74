from django.db import transaction
from django.db.models.signals import post_save, pre_delete
from wagtail.signals import page_published


def freeze_survey_version(sender, instance, revision, **kwargs):
    from .before_change import on_published
    from .models import SurveyPage

    # Scheduling a first publication also sends page_published; the version is frozen
    # when the page actually goes live. Aliases answer their original's versions.
    if isinstance(instance, SurveyPage) and instance.live and not instance.alias_of_id:
        on_published(instance, user=getattr(revision, "user", None), revision=revision)


def uncount_deleted_response(sender, instance, **kwargs):
    from .models.counts import count

    # The stored row, locked, not the instance: a correction may have changed it since the
    # instance was read. Its answers still exist here; they are deleted with it.
    stored = sender.objects.select_for_update().filter(pk=instance.pk).first()
    if stored is not None:
        count(stored, stored.answers.select_related("question"), sign=-1)


def queue_requested_report(sender, instance, created, raw=False, **kwargs):
    from .models import ReportStatus
    from .tasks import generate_report_file

    if raw:  # loaddata restores records; it asks for nothing
        return
    # A report recorded as pending waits for the background task; one generated at once
    # (§5, the management command) is recorded as running.
    if created and instance.status == ReportStatus.PENDING:
        report_id = str(instance.pk)
        transaction.on_commit(lambda: generate_report_file.enqueue(report_id))


def register_signal_handlers():
    from . import serving
    from .models import GeneratedReport, SurveyResponse

    serving.register_invalidation()

    # No sender filter: subclasses of SurveyPage are surveys too.
    page_published.connect(freeze_survey_version, dispatch_uid="wagtail_ocena_freeze")
    pre_delete.connect(
        uncount_deleted_response, sender=SurveyResponse, dispatch_uid="wagtail_ocena_uncount"
    )
    post_save.connect(
        queue_requested_report, sender=GeneratedReport, dispatch_uid="wagtail_ocena_queue_report"
    )
