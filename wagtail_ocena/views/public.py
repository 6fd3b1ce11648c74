"""Public views: the resident's questionnaire and its thank-you page."""

import logging

from django.core.cache import caches
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail import hooks

from .. import serving
from ..choices import Channel
from ..conf import get_setting
from ..forms import SurveyResponseForm
from ..models import Department, OfficeSettings, SurveyResponse
from ..models.survey import Page
from ..names import SENT_TWICE, printable_filename
from ..printing import render_questionnaire_pdf
from ..protection import (
    HONEYPOT_FIELD,
    TOKEN_FIELD,
    FormToken,
    RateLimit,
    SubmissionProblem,
)
from .unavailable import TRANSIENT_DATABASE_ERRORS

logger = logging.getLogger(__name__)


class SurveyContext:
    """What every public page of one survey needs: the office it is answered for.

    Read from the survey's snapshot (``serving``) when it is live; a preview reads the
    database.
    """

    def __init__(self, request, page=None, snapshot=None):
        self.request = request
        self._page = page
        self.snapshot = snapshot
        if snapshot is not None:
            self.page_id = snapshot.page_id
            self.site = snapshot.site
            self.office = snapshot.office
            self.departments = snapshot.departments
        else:
            # The office is the site the page is served on (for an alias, the alias's site).
            self.page_id = page.pk
            self.site = page.get_site()
            self.office = OfficeSettings.objects.filter(site=self.site).first()
            self.departments = tuple(Department.objects.for_site(self.site).active())

    @cached_property
    def page(self):
        # Only needed to render the page: accepting answers reads the snapshot alone.
        return self._page or Page.objects.get(pk=self.page_id).specific

    def form(self, questions, data=None):
        return SurveyResponseForm(data, questions=questions, departments=self.departments)

    def render(self, template, context=None, status=200):
        context = {
            **self.page.get_context(self.request),
            "office": self.office,
            "base_template": get_setting("BASE_TEMPLATE"),
            **(context or {}),
        }
        return TemplateResponse(self.request, template, context, status=status)

    def render_form(self, form, token, *, status=200, problem=None, preview=False):
        return self.render(
            self.page.template,
            {
                "form": form,
                "form_action": self.snapshot.form_action if self.snapshot else "",
                "token": token.sign() if token else "",
                "token_field": TOKEN_FIELD,
                "honeypot_field": HONEYPOT_FIELD,
                "problem": SubmissionProblem.MESSAGES.get(problem),
                "preview": preview,
            },
            status=status,
        )


def survey_form(request, page, preview=False):
    """The questionnaire at the survey page's URL (through Wagtail's page routing)."""
    if preview:
        survey = SurveyContext(request, page)
        return survey.render_form(survey.form(page.draft_questions()), None, preview=True)
    snapshot = serving.snapshot_of(page.pk, page)
    if snapshot is None:
        raise Http404
    survey = SurveyContext(request, page, snapshot)
    current = snapshot.current()
    if current is None:
        return survey.render("wagtail_ocena/survey_unavailable.html", status=503)
    if request.method == "POST":
        return _submit(survey, current)
    version, questions = current
    form = survey.form(questions)
    return survey.render_form(form, FormToken.issue(page.pk, version.pk))


def submit(request, page_id):
    """Where the questionnaire is sent: the survey page's answers without page routing.

    The page stays the form's home (a form with errors is shown again here, as the page
    would show it; opened otherwise, this URL leads to the page). Wagtail's serving hooks are
    run as its page view runs them whenever the page is restricted or a hook other than
    Wagtail's own is registered.
    """
    snapshot = serving.snapshot_of(page_id)
    if snapshot is None:
        raise Http404
    if serving.site_id_for(request) != snapshot.site_id:
        raise Http404
    if request.method != "POST":
        # A link back from an error page, or a reload: the questionnaire is on its page.
        return HttpResponseRedirect(snapshot.url)
    survey = SurveyContext(request, snapshot=snapshot)
    current = snapshot.current()
    if current is None:
        return survey.render("wagtail_ocena/survey_unavailable.html", status=503)
    if snapshot.restricted or not _only_wagtails_serving_hooks():
        return _serve_as_wagtail(request, survey.page, lambda: _submit(survey, current))
    return _submit(survey, current)


def _only_wagtails_serving_hooks():
    from wagtail import wagtail_hooks

    return hooks.get_hooks("before_serve_page") == [
        wagtail_hooks.check_request_method
    ] and hooks.get_hooks("on_serve_page") == [wagtail_hooks.check_view_restrictions]


def _serve_as_wagtail(request, page, view):
    """``view()`` behind the serving hooks, as ``wagtail.views.serve`` runs a page."""
    chain = lambda page, request, args, kwargs: view()  # noqa: E731
    for fn in reversed(hooks.get_hooks("on_serve_page")):
        chain = fn(chain)
    for fn in hooks.get_hooks("before_serve_page"):
        result = fn(page, request, [], {})
        if isinstance(result, HttpResponse):
            return result
    return chain(page, request, [], {})


def _submit(survey, current):
    request, snapshot = survey.request, survey.snapshot
    if request.content_type.startswith("multipart/"):
        # The questionnaire's form sends no files; a multipart body is a script's.
        return request_refused(request, reason=RefusedBody.FILES)
    limit = RateLimit(request)
    if not limit.hit():
        response = survey.render(
            "wagtail_ocena/rate_limited.html",
            {"retry_minutes": limit.retry_minutes},
            status=429,
        )
        response["Retry-After"] = str(limit.retry_after)
        return response

    token = FormToken.read(request.POST.get(TOKEN_FIELD), snapshot.page_id)
    problem = token.problem() if token else SubmissionProblem.INVALID_TOKEN
    version, questions = current
    if token is not None and problem != SubmissionProblem.EXPIRED:
        # The version the form was rendered with, even if the survey was republished
        # since: the answers belong to those questions, and versions never mix.
        rendered = snapshot.version_of_token(token.version_id)
        if rendered is None:
            token, problem = None, SubmissionProblem.INVALID_TOKEN
        else:
            version, questions = rendered
    if request.POST.get(HONEYPOT_FIELD):
        problem = SubmissionProblem.HONEYPOT

    form = survey.form(questions, request.POST)
    if form.is_valid() and problem is None:
        try:
            response = SurveyResponse.objects.record(
                version,
                form.answers(),
                questions=questions,
                once=token.used(),
                site=survey.site,
                channel=Channel.ELECTRONIC,
                submitted_on=timezone.localdate(),
            )
        except TRANSIENT_DATABASE_ERRORS:
            # Rolled back whole, the token with it: the same form can be sent again.
            logger.exception("A survey response could not be saved; the resident may resend.")
            # Should rendering fail too, DatabaseUnavailableMiddleware answers for it.
            return survey.render_form(
                form, token, status=503, problem=SubmissionProblem.UNAVAILABLE
            )
        if response is None:
            # Sent twice (a double click, or Back and send again): it was saved the first time.
            return _see_other(snapshot.thank_you_url + "?" + SENT_TWICE)
        return _see_other(snapshot.thank_you_url)

    if token is None or problem == SubmissionProblem.EXPIRED:
        # A fresh form is always for the current questions; answers carry over by key.
        current_version, current_questions = current
        token = FormToken.issue(snapshot.page_id, current_version.pk)
        if version != current_version:
            form = survey.form(current_questions, request.POST)
            form.is_valid()
    return survey.render_form(form, token, status=400, problem=problem)


def _see_other(url):
    response = HttpResponseRedirect(url)
    response.status_code = 303  # See Other: reloading the thank-you page resends nothing
    return response


def thank_you(request, page):
    survey = SurveyContext(request, page)
    home_url = survey.site.root_page.get_url(request) if survey.site else None
    return survey.render(
        page.thank_you_template,
        {"home_url": home_url, "sent_twice": SENT_TWICE in request.GET},
    )


# Rendering takes a fifth of a second: on a public URL it is cached, so that reloading it
# costs nothing. Changes to the office data show within this time.
PRINTABLE_CACHE_SECONDS = 10 * 60


def printable_questionnaire(request, page):
    """The printable questionnaire for residents, if the editor offers it."""
    version, site = page.current_version, page.get_site()
    if not page.offer_printable or version is None or site is None:
        raise Http404
    cache = caches[get_setting("CACHE")]
    key = f"wagtail_ocena:printable:{site.pk}:{version.pk}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_questionnaire_pdf(version, OfficeSettings.of(site), page.get_full_url(request))
        cache.set(key, pdf, PRINTABLE_CACHE_SECONDS)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{printable_filename(version.code)}"'
    return response


class RefusedBody:
    """Why a posted body was refused before its answers could be read."""

    TOO_LARGE = "too_large"
    TOO_MANY_FIELDS = "too_many_fields"
    FILES = "files"
    OTHER = "other"

    STATUS = {TOO_LARGE: 413}


def request_refused(request, exception=None, reason=None):
    """A readable page for a request Django refuses as malformed (HTTP 400), and the survey's
    refusal of a body too large, with too many fields, or with files.

    Set ``handler400 = "wagtail_ocena.views.request_refused"`` in the site's root URLconf.
    """
    if reason is None:
        if isinstance(exception, RequestDataTooBig):
            reason = RefusedBody.TOO_LARGE
        elif isinstance(exception, TooManyFieldsSent):
            reason = RefusedBody.TOO_MANY_FIELDS
        else:
            reason = RefusedBody.OTHER
    return TemplateResponse(
        request,
        "wagtail_ocena/request_refused.html",
        {
            "base_template": get_setting("BASE_TEMPLATE"),
            "reason": reason,
            "retry_url": request.path,
        },
        status=RefusedBody.STATUS.get(reason, 400),
    )


def csrf_failure(request, reason=""):
    """A readable page for a form posted without a valid CSRF token.

    Set ``CSRF_FAILURE_VIEW = "wagtail_ocena.views.csrf_failure"`` to use it.
    """
    return TemplateResponse(
        request,
        "wagtail_ocena/csrf_failure.html",
        {"base_template": get_setting("BASE_TEMPLATE"), "retry_url": request.path},
        status=403,
    )
