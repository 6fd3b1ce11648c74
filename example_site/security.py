from csp.middleware import CSPMiddleware

ADMIN_PREFIX = "/admin/"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The site's policy everywhere; on the admin, with what Wagtail's own pages need."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PREFIX) and parts.update is None:
            parts.update = ADMIN_ADDITIONS
        return parts


# Wagtail 8's admin runs inline scripts (page listings, the page editor's panels) and sets
# style attributes: its pages need these two; every other directive stays as strict.
ADMIN_ADDITIONS = {"script-src": ["'unsafe-inline'"], "style-src": ["'unsafe-inline'"]}
