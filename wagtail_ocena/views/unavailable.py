"""The page a request gets when the database is out of reach for a moment.

It needs nothing from the database: it cannot use the site's base template (which may read
the office's settings) and it repeats a posted form from the request alone, so that what a
resident or a clerk typed is sent again with one click once the database is back.
"""

from django.db import InterfaceError, OperationalError
from django.template.response import TemplateResponse

# A locked SQLite file, a PostgreSQL server restarting, a connection killed: these pass. Other
# database errors are faults of the code and stay server errors.
TRANSIENT_DATABASE_ERRORS = (OperationalError, InterfaceError)

RETRY_AFTER_SECONDS = 30


def unavailable(request):
    fields = []
    # Files cannot be put back into a form; everything else can.
    resendable = request.method == "POST" and not request.FILES
    if resendable:
        fields = [
            (name, value)
            for name, values in request.POST.lists()
            if "password" not in name.lower()
            for value in values
        ]
    response = TemplateResponse(
        request,
        "wagtail_ocena/unavailable.html",
        {"resend_fields": fields, "resendable": resendable, "retry_url": request.path},
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response.render()
