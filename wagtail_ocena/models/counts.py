from django.db import models
from django.utils.translation import gettext_lazy as _

# A response without a department, in the counts' department key (0 is never a primary key).
NO_DEPARTMENT = 0


class DailyResponseCount(models.Model):
    """How many responses an office got per day, version, channel and department.

    Kept up to date in the same transaction as every response, correction and deletion
    (``wagtail_ocena.counting``), so that reports read days, not responses.
    """

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    # The first day of ``day``'s month: reports group by it without a date function.
    month = models.DateField()
    version = models.ForeignKey(
        "wagtail_ocena.SurveyVersion", on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=16)
    department_key = models.PositiveBigIntegerField(default=NO_DEPARTMENT)
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("daily response count")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "day", "version", "channel", "department_key"],
                name="wagtail_ocena_daily_response_key",
            )
        ]

    def __str__(self):
        return f"{self.day} {self.channel}: {self.count}"


class DailyAnswerCount(models.Model):
    """How many times each answer was given, per office, day, channel and department.

    ``value`` is the rating 1–5 (0 for "not applicable") of a rating question, the chosen
    option's id of a choice question, or 0 for an open answer (counted, so that a report
    knows how many comments there are without reading them). The department question is
    not counted here: it is the ``department_key`` of every row.

    The full detail, read by reports of one department; office-wide reports read the much
    smaller ``DailyOfficeAnswerCount``, and department breakdowns ``DailyDepartmentRating``.
    """

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    month = models.DateField()
    question = models.ForeignKey(
        "wagtail_ocena.SurveyQuestion", on_delete=models.CASCADE, related_name="+"
    )
    value = models.PositiveBigIntegerField()
    channel = models.CharField(max_length=16)
    department_key = models.PositiveBigIntegerField(default=NO_DEPARTMENT)
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("daily answer count")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "day", "question", "value", "channel", "department_key"],
                name="wagtail_ocena_daily_answer_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["site", "department_key", "day"], name="wagtail_ocena_answer_dept_day"
            )
        ]

    def __str__(self):
        return f"{self.day} {self.question_id}={self.value}: {self.count}"


class DailyOfficeAnswerCount(models.Model):
    """``DailyAnswerCount`` summed over departments: what office-wide reports read."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    month = models.DateField()
    question = models.ForeignKey(
        "wagtail_ocena.SurveyQuestion", on_delete=models.CASCADE, related_name="+"
    )
    value = models.PositiveBigIntegerField()
    channel = models.CharField(max_length=16)
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("daily office answer count")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "day", "question", "value", "channel"],
                name="wagtail_ocena_daily_office_answer_key",
            )
        ]

    def __str__(self):
        return f"{self.day} {self.question_id}={self.value}: {self.count}"


class DailyDepartmentRating(models.Model):
    """Ratings of all rated areas together, per day, department, version and channel: what
    a report's per-department satisfaction index reads."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    month = models.DateField()
    version = models.ForeignKey(
        "wagtail_ocena.SurveyVersion", on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=16)
    department_key = models.PositiveBigIntegerField(default=NO_DEPARTMENT)
    value = models.PositiveSmallIntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("daily department rating count")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "day", "version", "channel", "department_key", "value"],
                name="wagtail_ocena_daily_department_rating_key",
            )
        ]

    def __str__(self):
        return f"{self.day} {self.department_key}={self.value}: {self.count}"
