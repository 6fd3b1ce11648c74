"""The Polish words the package writes into URLs, file names and generated keys.

They are part of what residents and clerks see (an address, a downloaded file's name), so
they stay Polish whatever the admin's language; gathered here so that none is scattered
through the code as a literal.
"""

# Routes of the survey page (RoutablePageMixin), below the page's own URL.
THANK_YOU_PATH = "dziekujemy/"
PRINTABLE_PATH = "do-wydruku/"
# Query string flag of the thank-you page: the questionnaire had been sent already.
SENT_TWICE = "ponownie"

# Keys made for questions and answer options that have none of their own.
QUESTION_KEY_FALLBACK = "pytanie"
OPTION_KEY_FALLBACK = "odp"

# The banner's heading until an editor writes another; the ordinance's own words.
BANNER_HEADING = "Oceń Urząd"


def printable_filename(version_code):
    return f"ankieta-{version_code}.pdf"


def report_filename(contents, period_start, period_end, extension):
    """``contents`` is "report" (the report itself) or "responses" (its raw responses)."""
    prefix = {"report": "raport", "responses": "ankiety"}[contents]
    return f"{prefix}-{period_start:%Y%m%d}-{period_end:%Y%m%d}.{extension}"


def version_code(page_id, number):
    """Short code printed on paper questionnaires, unique across the installation: A12.3."""
    return f"A{page_id}.{number}"
