"""Views: ``public`` for residents; for survey administrators ``admin`` (the office-scoped
base and the office chooser), ``paper``, ``printable`` and ``reports``."""

from .public import csrf_failure, request_refused

__all__ = ["csrf_failure", "request_refused"]
