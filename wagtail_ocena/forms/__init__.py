"""The package's forms: a questionnaire's answers, a paper sheet, the office data, a report
(and, in ``group_panel``, the group editor's panel of offices)."""

from .answers import QuestionField, SurveyResponseForm
from .office import OfficeSettingsForm
from .paper import PaperSheetForm
from .reports import ReportArchiveForm, ReportForm

__all__ = [
    "OfficeSettingsForm",
    "PaperSheetForm",
    "QuestionField",
    "ReportArchiveForm",
    "ReportForm",
    "SurveyResponseForm",
]
