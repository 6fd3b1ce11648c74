"""Migrations of wagtail_ocena are reversible and keep the survey data.

Offices keep years of responses; an upgrade that has to be rolled back must not lose or alter
a single answer or count. The round trip below runs on a database with responses of two
offices, two questionnaire versions and both channels, and compares every table of the app row
for row. Migrating changes the schema, which cannot happen inside the test's transaction on
every backend, so that test is transactional: Django flushes the database after it.
"""

import datetime
import io
import uuid

import pytest
from django.apps import apps as installed_apps
from django.core.management import call_command
from django.db import connection, migrations
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import TextField
from django.db.models.functions import Cast
from wagtail.fields import StreamField

from example_site.home.synthetic import ResponseGenerator
from wagtail_ocena import questions as question_kinds
from wagtail_ocena.choices import Channel
from wagtail_ocena.models import (
    DailyResponseCount,
    Department,
    SurveyQuestion,
    SurveyResponse,
)

from .conftest import record_response, valid_answers

APP = "wagtail_ocena"
PREVIOUS = "0011_report_format_csv"
REGISTRY = "0012_question_kinds_registry"
SURVEY_TABLES = [
    "SurveyVersion",
    "SurveyQuestion",
    "QuestionOption",
    "SurveyResponse",
    "Answer",
    "DailyResponseCount",
    "DailyAnswerCount",
    "DailyOfficeAnswerCount",
    "DailyDepartmentRating",
    "MonthlyAreaCount",
    "MonthlyOfficeAnswerCount",
]

SOURCES = {
    "type": "multiple_choice",
    "value": {
        "key": "zrodla",
        "text": "Skąd wiesz o ankiecie?",
        "help_text": "",
        "required": False,
        "options": [
            {"key": "strona", "label": "ze strony"},
            {"key": "plakat", "label": "z plakatu"},
            {"key": "urzednik", "label": "od urzędnika"},
        ],
    },
}


# Migration 0013 gives these rows new random keys going forward and new sequential ones going
# back (0019 and 0023 write the monthly counts anew): their rows are compared without the key.
REKEYED = {
    "Answer",
    "DailyResponseCount",
    "DailyAnswerCount",
    "DailyOfficeAnswerCount",
    "DailyDepartmentRating",
    "MonthlyAreaCount",
    "MonthlyOfficeAnswerCount",
}

# Count tables added after PREVIOUS that their migration fills again from the answer rows:
# compared without the rows that deletions left at 0 (the answer rows have nothing to say of them).
REFILLED = {"MonthlyAreaCount", "MonthlyOfficeAnswerCount"}

# Columns added after PREVIOUS that come back with their defaults: what was written in them
# cannot be kept by a schema without them.
ADDED_COLUMNS = {"GeneratedReport": {"conclusions": "", "fingerprint": "", "frozen": None}}


def snapshot(apps):
    """Every row of every model of the app, as ``values()`` ordered by primary key (rows whose
    key a migration replaces: without it, in order of their values)."""
    names = [model.__name__ for model in installed_apps.get_app_config(APP).get_models()]
    tables = {}
    for name in names:
        try:
            manager = apps.get_model(APP, name)._default_manager
        except LookupError:  # a model added since
            continue
        if name in REKEYED:
            rows = manager.exclude(count=0) if name in REFILLED else manager.all()
            rows = [{k: v for k, v in row.items() if k != "id"} for row in rows.values()]
            tables[name] = sorted(rows, key=lambda row: sorted(map(str, row.items())))
        else:
            tables[name] = list(_stored(manager.order_by("pk")))
    return tables


def _stored(queryset):
    """``values()`` with a StreamField's JSON as stored, not its blocks: an older state of
    the app drops a block type added since from its StreamValue."""
    fields = queryset.model._meta.concrete_fields
    streams = [f.attname for f in fields if isinstance(f, StreamField)]
    if not streams:
        yield from queryset.values()
        return
    raw = {f"{name}_as_stored": Cast(name, TextField()) for name in streams}
    for row in queryset.values(*(f.attname for f in fields), **raw):
        for name in streams:
            row[name] = row.pop(f"{name}_as_stored")
        yield row


def same_columns(rows, like):
    """``rows`` with only the columns of ``like``'s rows (a column added since is left out)."""
    if not like:
        return rows
    columns = set(like[0])
    projected = [{k: v for k, v in row.items() if k in columns} for row in rows]
    if "id" in columns:
        return projected
    return sorted(projected, key=lambda row: sorted(map(str, row.items())))


def schema():
    introspection = connection.introspection
    with connection.cursor() as cursor:
        tables = [t for t in introspection.table_names(cursor) if t.startswith(f"{APP}_")]
        return {
            table: (
                # By name: a re-keyed table's key may come back as its last column.
                sorted(introspection.get_table_description(cursor, table), key=lambda c: c.name),
                introspection.get_constraints(cursor, table),
            )
            for table in tables
        }


def statements(migration, backwards=False):
    out = io.StringIO()
    call_command("sqlmigrate", APP, migration, backwards=backwards, stdout=out)
    lines = (line.strip() for line in out.getvalue().splitlines())
    return [line for line in lines if line not in ("", "BEGIN;", "COMMIT;") and line[:2] != "--"]


def applied():
    return set(MigrationRecorder(connection).applied_migrations())


def fill(survey, other_office_survey, clerk):
    """Responses over ten days, electronic and paper, to two versions (the second with a
    question of the one kind the default questionnaire lacks) in two offices; one corrected and
    one deleted, so that the counts also hold rows changed after the fact."""
    sheets = {}
    for page in (survey, other_office_survey, survey):
        site = page.get_site()
        generator = ResponseGenerator(
            page.current_version, site, Department.objects.for_site(site), seed=page.pk, clerk=clerk
        )
        for day, channel in generator.days(datetime.date(2026, 3, 2), datetime.date(2026, 3, 11)):
            paper = (
                generator.paper_fields(day, sheets.setdefault(site.pk, {}))
                if channel == Channel.PAPER
                else {}
            )
            record_response(
                page, generator.answers(0.5), channel=channel, submitted_on=day, **paper
            )
        if page == survey and page.current_version.number == 1:
            questions = survey.questions.raw_data
            questions[1]["value"]["text"] = "Po co przyszedł Pan/przyszła Pani do Urzędu?"
            survey.questions = [*questions, SOURCES]
            survey.save_revision().publish()
            survey.refresh_from_db()
    first, second = SurveyResponse.objects.order_by("pk")[:2]
    first.correct({"wydzial": first.department, "ogolna-ocena": "1", "uwagi": "Poprawione."})
    second.delete()


# serialized_rollback restores the rows that migrations create (root page, default site,
# groups) before the test, should an earlier transactional test have flushed them. The flush
# after it leaves the database empty; pytest-django runs transactional tests after every other
# test that uses the database, and a later transactional one needing those rows must ask for
# serialized_rollback too.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrating_back_and_forward_keeps_every_row(survey, other_office_survey, clerk, client):
    fill(survey, other_office_survey, clerk)
    before = snapshot(installed_apps)
    for name in SURVEY_TABLES:
        assert before[name], name
    # The cluster sums, dropped on the way back, are filled again from the rows (0016).
    assert any(row["answers_sq"] > row["answers"] for row in before["DailyResponseCount"])
    assert {row["channel"] for row in before["SurveyResponse"]} == set(Channel.values)
    assert len(before["SurveyVersion"]) == 3
    kinds = {row["kind"] for row in before["SurveyQuestion"]}
    assert kinds == {kind.name for kind in question_kinds.kinds()}
    # Choices live in Python only: the registry's migration has nothing to run on the database.
    assert statements(REGISTRY) == statements(REGISTRY, backwards=True) == []
    schema_before = schema()
    previous_state = MigrationExecutor(connection).loader.project_state((APP, PREVIOUS))

    try:
        call_command("migrate", APP, PREVIOUS, verbosity=0)
        assert (APP, REGISTRY) not in applied()
        at_previous = snapshot(previous_state.apps)
        answer_ids = previous_state.apps.get_model(APP, "Answer").objects.values_list(
            "pk", flat=True
        )
        assert all(isinstance(pk, int) for pk in answer_ids)
    finally:
        call_command("migrate", verbosity=0)

    assert set(MigrationLoader(connection).graph.leaf_nodes(APP)) <= applied()
    assert at_previous == {
        name: same_columns(before[name], at_previous[name]) for name in at_previous
    }
    # Tables made after the previous migration come back empty, or filled from the rows.
    assert set(before) - set(at_previous) == {
        "UsedFormToken",
        "ReportApproval",
        "ImprovementAction",
        *REFILLED,
    }
    # So do the columns added to kept tables since, where nothing refills them (0017, 0020).
    for name, defaults in ADDED_COLUMNS.items():
        before[name] = [{**row, **defaults} for row in before[name]]
    assert snapshot(installed_apps) == before
    assert schema() == schema_before
    for name in REKEYED:
        keys = list(installed_apps.get_model(APP, name).objects.values_list("pk", flat=True))
        assert all(isinstance(pk, uuid.UUID) for pk in keys), name
        assert len(set(keys)) == len(before[name]), name

    choices = dict(SurveyQuestion._meta.get_field("kind").choices)
    assert kinds <= set(choices)
    assert {question.type.name for question in SurveyQuestion.objects.all()} == kinds
    record_response(survey, {"porownanie": "lepsza"}, submitted_on=datetime.date(2026, 3, 12))
    response = client.post(survey.url, valid_answers(survey))
    assert response.status_code == 303
    responses = len(before["SurveyResponse"]) + 2
    assert SurveyResponse.objects.count() == responses
    assert sum(DailyResponseCount.objects.values_list("count", flat=True)) == responses


def operations(operation):
    yield operation
    if isinstance(operation, migrations.SeparateDatabaseAndState):
        for inner in operation.database_operations:
            yield from operations(inner)


def test_every_migration_of_the_app_is_reversible():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    names = sorted(name for app, name in loader.disk_migrations if app == APP)
    assert PREVIOUS in names
    assert REGISTRY in names
    for name in names:
        for top in loader.disk_migrations[APP, name].operations:
            for operation in operations(top):
                where = f"{name}: {operation.describe()}"
                assert operation.reversible, where
                if isinstance(operation, migrations.RunPython):
                    assert operation.reverse_code is not None, where
                if isinstance(operation, migrations.RunSQL):
                    assert operation.reverse_sql is not None, where
