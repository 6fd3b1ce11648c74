"""Public views: the resident's questionnaire and its thank-you page."""

from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from wagtail.models import Site

from .choices import Channel
from .conf import get_setting
from .forms import SurveyResponseForm
from .models import Department, OfficeSettings, SurveyResponse, SurveyVersion
from .protection import (
    HONEYPOT_FIELD,
    TOKEN_FIELD,
    FormToken,
    RateLimit,
    SubmissionProblem,
)


def _office(request):
    try:
        # Cached on the request, shared with Wagtail's {{ settings }} in templates.
        return OfficeSettings.for_request(request)
    except OfficeSettings.DoesNotExist:
        return None


def _render(request, page, template, context=None, status=200):
    context = {
        "page": page,
        "self": page,
        "office": _office(request),
        "base_template": get_setting("BASE_TEMPLATE"),
        **(context or {}),
    }
    return TemplateResponse(request, template, context, status=status)


def _survey_response(request, page, form, token, *, status=200, problem=None, preview=False):
    return _render(
        request,
        page,
        page.template,
        {
            "form": form,
            "token": token.sign() if token else "",
            "token_field": TOKEN_FIELD,
            "honeypot_field": HONEYPOT_FIELD,
            "problem": SubmissionProblem.MESSAGES.get(problem),
            "preview": preview,
        },
        status=status,
    )


def survey_form(request, page, preview=False):
    if preview:
        site = Site.find_for_request(request)
        form = SurveyResponseForm(
            questions=page.draft_questions(),
            departments=Department.objects.for_site(site).active(),
        )
        return _survey_response(request, page, form, None, preview=True)

    version = page.current_version
    if version is None:
        return _render(request, page, "wagtail_ocena/survey_unavailable.html", status=503)
    if request.method == "POST":
        return _submit(request, page)
    form = SurveyResponseForm(
        questions=version.load_questions(),
        departments=Department.objects.for_site(version.site_id).active(),
    )
    return _survey_response(request, page, form, FormToken.issue(page, version))


def _submit(request, page):
    limit = RateLimit(request)
    if not limit.hit():
        response = _render(request, page, "wagtail_ocena/rate_limited.html", status=429)
        response["Retry-After"] = str(limit.retry_after)
        return response

    token = FormToken.read(request.POST.get(TOKEN_FIELD), page)
    version = None
    if token is not None:
        # The version the form was rendered with, even if the survey was republished
        # since: the answers belong to those questions, and versions never mix.
        version = SurveyVersion.objects.filter(pk=token.version_id, page=page).first()
    if version is None:
        token = None
        version = page.current_version

    questions = version.load_questions()
    form = SurveyResponseForm(
        request.POST,
        questions=questions,
        departments=Department.objects.for_site(version.site_id).active(),
    )
    if request.POST.get(HONEYPOT_FIELD):
        problem = SubmissionProblem.HONEYPOT
    elif token is None:
        problem = SubmissionProblem.INVALID_TOKEN
    else:
        problem = token.problem()

    if form.is_valid() and problem is None:
        if not token.use():
            problem = SubmissionProblem.REPLAYED
            token = None
        else:
            try:
                SurveyResponse.objects.record(
                    version,
                    form.answers(),
                    channel=Channel.ELECTRONIC,
                    submitted_on=timezone.localdate(),
                    questions=questions,
                )
            except Exception:
                token.release()
                raise
            response = HttpResponseRedirect(page.get_thank_you_url(request))
            response.status_code = 303  # See Other: reloading the thank-you page resends nothing
            return response

    if token is None or problem == SubmissionProblem.EXPIRED:
        token = FormToken.issue(page, version)
    return _survey_response(request, page, form, token, status=400, problem=problem)


def thank_you(request, page):
    site = Site.find_for_request(request)
    home_url = site.root_page.get_url(request) if site else None
    return _render(request, page, page.thank_you_template, {"home_url": home_url})


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
