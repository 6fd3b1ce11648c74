"""Cluster sums in the daily response counts.

A pooled index (the overall index over all rated areas, a department's, a month's or a
channel's over several areas) treats each response as one cluster of answers; its interval
needs, per day and breakdown, sums of every response's own totals (``CLUSTER_SUMS`` in
``wagtail_ocena.models.counts``). The columns are filled here from the answer rows, so that
reports are right as soon as the upgrade is done; going back drops them.
"""

from django.db import migrations, models

SUMS = (
    "rated",
    "answers",
    "positive",
    "score",
    "answers_sq",
    "positive_sq",
    "score_sq",
    "answers_positive",
    "answers_score",
)
KEY = ("site_id", "day", "version_id", "channel", "department_key")
SCALE = (1, 2, 3, 4, 5)
POSITIVE = (4, 5)


def fill_cluster_sums(apps, schema_editor):
    """Give every stored response count its sums, in place (each row keeps its id and
    count, so a count of 0 left by deletions stays as it is).

    Self-contained: the query is that of ``counting.response_counts_from_rows`` as it was
    when this migration was written, on the historical models. The rated kinds are those
    registered now, and a rating on the scale is an answer's ``rating`` 1–5 ("not applicable"
    has none).
    """
    from django.db.models import Count, F, Q, Sum, Value
    from django.db.models.functions import Coalesce

    from wagtail_ocena import questions

    db = schema_editor.connection.alias
    answers = apps.get_model("wagtail_ocena", "Answer").objects.using(db)
    counts = apps.get_model("wagtail_ocena", "DailyResponseCount")
    per_response = (
        answers.filter(
            question__kind__in=questions.names_where(lambda kind: kind.rated),
            rating__in=SCALE,
        )
        .values(
            "response_id",
            site_id=F("response__site_id"),
            day=F("response__submitted_on"),
            version_id=F("response__version_id"),
            channel=F("response__channel"),
            department_key=Coalesce("response__department_id", Value(0)),
        )
        .annotate(x=Count("pk"), p=Count("pk", filter=Q(rating__in=POSITIVE)), s=Sum("rating"))
        .order_by()
    )
    inner, params = per_response.query.get_compiler(db, elide_empty=False).as_sql()
    key = ", ".join(map(schema_editor.quote_name, KEY))
    terms = ["x", "p", "s", "x * x", "p * p", "s * s", "x * p", "x * s"]
    totals = ", ".join(f"SUM({term})" for term in terms)
    day = counts._meta.get_field("day")
    sums = {}
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {key}, COUNT(*), {totals} FROM ({inner}) c GROUP BY {key}",  # noqa: S608
            params,
        )
        for site, on, version, channel, department, *values in cursor.fetchall():
            sums[(site, day.to_python(on), version, channel, department)] = values

    stored = list(counts.objects.using(db).values_list("pk", *KEY))
    changed = []
    for pk, *row_key in stored:
        values = sums.get(tuple(row_key))
        if values:
            changed.append(counts(pk=pk, **dict(zip(SUMS, map(int, values), strict=True))))
    counts.objects.using(db).bulk_update(changed, SUMS, batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('wagtail_ocena', '0015_report_approval'),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name='dailyresponsecount',
                name=name,
                field=models.BigIntegerField(default=0),
            )
            for name in SUMS
        ),
        migrations.RunPython(fill_cluster_sums, migrations.RunPython.noop),
    ]
