"""Monthly counts of the rated areas' answers per department.

The yearly report's index of each area per department summed up to a million daily answer
counts; it now reads the period's whole months from ``MonthlyAreaCount`` (see
``wagtail_ocena.models.counts``). The table is filled here from the answer rows, so that
reports are right as soon as the upgrade is done; going back drops it.
"""

import django.db.models.deletion
import uuid
from django.db import migrations, models


def fill_monthly_area_counts(apps, schema_editor):
    """Count every rated answer in its month. Self-contained: the query is that of
    ``counting.monthly_area_counts_from_rows`` as it was when this migration was written, on
    the historical models, with the kinds (and their counted values) registered now."""
    from django.db.models import Count, F, Value
    from django.db.models.functions import Coalesce, TruncMonth

    from wagtail_ocena import questions

    def rated(kind):
        return kind.rated

    db = schema_editor.connection.alias
    answers = apps.get_model("wagtail_ocena", "Answer").objects.using(db)
    counts = apps.get_model("wagtail_ocena", "MonthlyAreaCount")
    rows = (
        answers.filter(question__kind__in=questions.names_where(rated))
        .values(
            "question_id",
            site_id=F("response__site_id"),
            day=TruncMonth("response__submitted_on"),
            channel=F("response__channel"),
            department_key=Coalesce("response__department_id", Value(0)),
            value=questions.count_value_expression(rated),
        )
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts.objects.using(db).bulk_create(
        (counts(month=row["day"], **row) for row in rows.iterator(chunk_size=5000)),
        batch_size=5000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('wagtail_ocena', '0018_overall_rating_question'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        migrations.CreateModel(
            name='MonthlyAreaCount',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('day', models.DateField()),
                ('month', models.DateField()),
                ('channel', models.CharField(max_length=16)),
                ('count', models.IntegerField(default=0)),
                ('value', models.PositiveBigIntegerField()),
                ('department_key', models.PositiveBigIntegerField(default=0)),
                ('question', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='wagtail_ocena.surveyquestion')),
                ('site', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='wagtailcore.site')),
            ],
            options={
                'verbose_name': 'monthly area count',
                'constraints': [models.UniqueConstraint(fields=('site', 'day', 'question', 'value', 'channel', 'department_key'), name='wagtail_ocena_monthly_area_key')],
            },
        ),
        migrations.RunPython(fill_monthly_area_counts, migrations.RunPython.noop),
    ]
