from .views.unavailable import TRANSIENT_DATABASE_ERRORS, unavailable


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
