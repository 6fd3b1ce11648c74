from .banner import BannerStyle, SurveyBanner
from .office import Department, OfficeSettings
from .responses import Answer, SurveyResponse
from .survey import QuestionOption, SurveyPage, SurveyQuestion, SurveyVersion

__all__ = [
    "Answer",
    "BannerStyle",
    "Department",
    "OfficeSettings",
    "QuestionOption",
    "SurveyBanner",
    "SurveyPage",
    "SurveyQuestion",
    "SurveyResponse",
    "SurveyVersion",
]
