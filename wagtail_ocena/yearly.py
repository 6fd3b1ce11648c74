"""The yearly report kept going (§4): on a configured day each year, every office's report
of the previous calendar year is archived and its survey administrators are told by e-mail.

Run daily, from cron (``manage.py archive_yearly_reports``) or as the django-tasks task
``tasks.archive_yearly_reports``: on and after the day, an office without the previous year's
scheduled report gets it, once; before the day, nothing happens.
"""

import datetime
import functools
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .conf import get_setting
from .models import GeneratedReport, OfficeSettings, ReportFormat, ReportReason
from .permissions import GENERATE, VIEW, policy
from .reports.filters import ReportFilters
from .reports.period import Period

logger = logging.getLogger(__name__)


def scheduled_day(year):
    """The day of ``year`` on which the previous year's report is due, or None if off."""
    setting = get_setting("YEARLY_REPORT_DAY")
    if not setting:
        return None
    month, day = (int(part) for part in setting.split("-"))
    return datetime.date(year, month, day)


def archive_due_reports(today=None):
    """Archive the previous calendar year's report of each office that has none yet, if the
    scheduled day has come; e-mail each office's survey administrators. Returns the reports."""
    today = today or timezone.localdate()
    day = scheduled_day(today.year)
    if day is None or today < day:
        return []
    year = Period(datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31))
    made = []
    for office in OfficeSettings.objects.select_related("site").order_by("site_id"):
        exists = GeneratedReport.objects.filter(
            site=office.site,
            reason=ReportReason.YEARLY,
            period_start=year.start,
            period_end=year.end,
        ).exists()
        if exists:
            continue
        # Pending: the background task renders it when this transaction commits.
        record = GeneratedReport.objects.request(
            office.site, year, ReportFilters(), ReportFormat.PDF, reason=ReportReason.YEARLY
        )
        made.append(record)
        # Once the report is on record: a rolled-back run tells no one.
        transaction.on_commit(functools.partial(notify, record, office))
    return made


def notify(record, office):
    """Tell the office's survey administrators where the report is: a link, and nothing of
    its content (an e-mail leaves the office's systems)."""
    users = policy(GeneratedReport).users_with_any_permission_for_instance([VIEW, GENERATE], record)
    recipients = sorted({user.email for user in users if user.is_active and user.email})
    if not recipients:
        logger.warning("No survey administrator of %s has an e-mail address.", office.name)
        return
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "wagtail_ocena_admin:archived_report", args=[record.pk]
    )
    with translation.override(settings.LANGUAGE_CODE):
        context = {"office": office.name, "year": record.period_start.year, "link": link}
        subject = _("The %(year)s yearly satisfaction report of %(office)s") % context
        body = (
            _(
                "The yearly report of the customer satisfaction survey for %(year)s (%(office)s) "
                "has been archived. After logging in, you will find it at:\n\n%(link)s\n\n"
                "Please check it. To add the conclusions and actions, generate the report of this "
                "period again with them, then pass it to the Secretary for approval (§4 and §8 of "
                "the ordinance).\n\nThis message was sent automatically."
            )
            % context
        )
    send_mail(subject, body, None, recipients)
