"""What every kind of question has to say about itself.

A kind is one class: the block editors add the question with, the form field residents and
clerks answer it in, how its answer is stored as ``Answer`` rows and read back, the value
its answers are counted under in the daily counts, how reports treat it, and the templates
that draw it on the e-survey, the paper-entry screen and the printed sheet. The rest of the
package asks the question's kind (``SurveyQuestion.type``) and never tests its name.

To add a kind, subclass ``QuestionType`` (or the closest built-in kind) and register an
instance with ``wagtail_ocena.questions.register``; see docs/architecture.md.
"""

from django.core.exceptions import ImproperlyConfigured


class QuestionType:
    name = None  # stored in SurveyQuestion.kind; never change it once answers exist
    label = None
    # The StreamField block editors add such a question with.
    block_class = None
    # At most this many questions of the kind in one questionnaire (None: any number).
    max_per_questionnaire = None

    # Answers are counted in the daily counts (and so reach reports).
    counted = True
    # Answers are ratings on the 1–5 scale that make up the satisfaction indices.
    rated = False
    # The answer names the response's department.
    sets_department = False
    # Answers are free text: counted, read by reports only as comments, redactable.
    free_text = False
    # Several answers may be ticked.
    multiple = False
    # The answers are points of a scale: printed with their numbers, typed as digits.
    scale = False
    # Asked last, under "About you" (the metryczka).
    profile = False

    # Where a report shows the question: "areas" (the rated areas), "overall" (the overall
    # rating, beside the areas' mean), "questions" (the other questions, a table of answers
    # each), "profile", or None (not shown on its own).
    report_section = None
    report_template = "wagtail_ocena/reports/choice_table.html"

    # How the question is drawn: the resident's e-survey, the clerk's paper entry, the
    # printed sheet.
    template = "wagtail_ocena/questions/choices.html"
    paper_template = "wagtail_ocena/questions/paper/choices.html"
    printable_template = "wagtail_ocena/questions/printable/choices.html"
    printable_group_template = None
    # The options are printed in columns (many short answers, like the departments).
    printable_columns = False

    def __str__(self):
        return str(self.label)

    # The questionnaire

    def offered(self, departments):
        """Whether the question can be asked in an office with these active ``departments``
        (a tuple of ``Department``)."""
        return True

    def form_field(self, question, departments):
        """The form field of ``question`` (its label, hint and requiredness are set after)."""
        raise NotImplementedError

    def printable_group(self, question):
        """Questions next to each other with the same group (a tuple) print as one table,
        drawn by ``printable_group_template``; None: the question prints alone."""
        return None

    # Answers

    def answer_fields(self, question, value):
        """The ``Answer`` rows (as dicts of their fields) that store a cleaned answer."""
        raise NotImplementedError

    def form_value(self, answers):
        """The form data of stored ``answers`` (rows of one question), for corrections."""
        raise NotImplementedError

    def cell(self, rating, not_applicable, option_label, department_name, text):
        """An answer row in a raw export (CSV, the XLSX's responses sheet)."""
        return option_label or department_name or text

    # Daily counts

    def count_value(self, answer):
        """The value an answer row is counted under (``DailyAnswerCount.value``), if counted."""
        raise NotImplementedError

    def count_value_expression(self):
        """``count_value`` as a database expression over ``Answer``, for rebuilding counts:
        the two must agree, or a rebuild changes the figures."""
        raise NotImplementedError

    # Reports

    def report_result(self, result, figures):
        """Fill a report's ``QuestionResult`` of the question from the period's ``figures``."""


class UnregisteredQuestion(QuestionType):
    """A stored kind whose class is no longer registered: its answers stay in the database,
    out of the counts and reports, and responses with them can still be deleted."""

    counted = False

    def __init__(self, name):
        self.name = self.label = name

    def _missing(self, *args):
        raise ImproperlyConfigured(f"The question kind {self.name!r} is not registered.")

    form_field = answer_fields = _missing

    def form_value(self, answers):
        return None

    def count_value(self, answer):
        return None
