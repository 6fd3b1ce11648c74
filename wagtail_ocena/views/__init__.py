"""Views: ``public`` for residents, ``paper`` and ``printable`` for survey administrators."""

from .public import csrf_failure

__all__ = ["csrf_failure"]
