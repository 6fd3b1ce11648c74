"""Request handling that Django leaves to the project: add both to ``MIDDLEWARE``, the first
before ``django.middleware.csrf.CsrfViewMiddleware``."""

from django.core.exceptions import BadRequest
from django.http import QueryDict

from .views.unavailable import TRANSIENT_DATABASE_ERRORS, unavailable

URLENCODED = "application/x-www-form-urlencoded"


class UndecodableFormMiddleware:
    """Refuse, with the site's 400 page, a urlencoded POST that declares a charset other than
    UTF-8.

    Django refuses such a body each time ``request.POST`` is read, and its 400 handler reads it
    again for the CSRF token: the second refusal escapes as a server error (500), for any POST
    of the site, with nothing logged that points at the client. Setting an empty POST first
    lets the 400 page render.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        encoding = request.encoding
        if (
            request.method == "POST"
            and request.content_type == URLENCODED
            and encoding is not None
            and encoding.lower() != "utf-8"
        ):
            request.POST = QueryDict()
            raise BadRequest(f"A form must be sent as UTF-8, not {encoding}.")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """Answer 503 with the posted form kept, instead of a server error, while the database
    is out of reach (for the survey, whose page cannot even be found then, and the admin)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, TRANSIENT_DATABASE_ERRORS):
            return unavailable(request)
        return None
