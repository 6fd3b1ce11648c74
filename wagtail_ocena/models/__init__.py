from .banner import BannerStyle, SurveyBanner
from .counts import (
    DailyAnswerCount,
    DailyDepartmentRating,
    DailyOfficeAnswerCount,
    DailyResponseCount,
    MonthlyAreaCount,
    MonthlyOfficeAnswerCount,
)
from .improvement import OPEN_STATUSES, ActionStatus, ImprovementAction
from .office import Department, OfficeSettings
from .reports import (
    GeneratedReport,
    ReportApproval,
    ReportFormat,
    ReportReason,
    ReportStatus,
)
from .responses import Answer, SurveyResponse
from .survey import QuestionOption, SurveyPage, SurveyQuestion, SurveyVersion
from .tokens import UsedFormToken

__all__ = [
    "OPEN_STATUSES",
    "ActionStatus",
    "Answer",
    "BannerStyle",
    "DailyAnswerCount",
    "DailyDepartmentRating",
    "DailyOfficeAnswerCount",
    "DailyResponseCount",
    "Department",
    "GeneratedReport",
    "ImprovementAction",
    "MonthlyAreaCount",
    "MonthlyOfficeAnswerCount",
    "OfficeSettings",
    "QuestionOption",
    "ReportApproval",
    "ReportFormat",
    "ReportReason",
    "ReportStatus",
    "SurveyBanner",
    "SurveyPage",
    "SurveyQuestion",
    "SurveyResponse",
    "SurveyVersion",
    "UsedFormToken",
]
