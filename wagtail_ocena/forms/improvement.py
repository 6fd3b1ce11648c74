"""An action of the register of improvement actions, as the administrator edits it."""

from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Site

from ..models import (
    Department,
    GeneratedReport,
    ImprovementAction,
    OfficeSettings,
    ReportStatus,
    SurveyQuestion,
    SurveyVersion,
)
from ..models.improvement import rated_questions
from ..permissions import ADD, CHANGE, policy


class OfficeLabelled(forms.ModelChoiceField):
    """A department or report with its office's name, when the user works for several."""

    def __init__(self, *args, with_office=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.with_office = with_office

    def label_from_instance(self, obj):
        label = super().label_from_instance(obj)
        return f"{obj.site_name} – {label}" if self.with_office else label


class OfficeField(forms.ModelChoiceField):
    """A site, named by its office."""

    def label_from_instance(self, obj):
        return OfficeSettings.of(obj).name


class QuestionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.text


class ImprovementActionForm(WagtailAdminModelForm):
    """Only the offices the user may add actions in (or change this one's), and only their
    departments, rated questions and archived reports, are offered or accepted."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        action = CHANGE if self.instance.pk else ADD
        sites = policy(ImprovementAction).sites_user_has_permission_for(for_user, action)
        if self.instance.pk:
            sites = sites.filter(pk=self.instance.site_id)
        sites = Site.objects.filter(pk__in=sites.values("pk")).order_by("site_name", "pk")
        several = sites.count() > 1
        self.fields["site"] = OfficeField(
            queryset=sites,
            label=self.fields["site"].label,
            # One office: chosen already.
            **({} if several else {"empty_label": None}),
        )
        if not several and not self.instance.pk:
            self.fields["site"].initial = sites.first()
        departments = Department.objects.filter(office__site__in=sites).annotate(
            site_name=F("office__site__site_name")
        )
        for name in ("department", "responsible_department"):
            field = self.fields[name]
            self.fields[name] = OfficeLabelled(
                queryset=departments.order_by("office__site__site_name", "sort_order", "pk"),
                required=False,
                label=field.label,
                help_text=field.help_text,
                with_office=several,
            )
        linked = Q(pk__in=self.instance.questions.values("pk")) if self.instance.pk else Q()
        field = self.fields["questions"]
        self.fields["questions"] = QuestionsField(
            queryset=SurveyQuestion.objects.filter(rated_questions())
            .filter(Q(version__in=_newest_versions(sites)) | linked)
            .order_by("version__page__title", "position"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=field.label,
            help_text=field.help_text,
        )
        # Changed or not against the action as stored (its default is a callable, for which
        # Django would compare with a hidden copy of the initial value instead).
        self.fields["status_changed_on"].show_hidden_initial = False
        reports = GeneratedReport.objects.filter(site__in=sites, status=ReportStatus.DONE)
        self.fields["source_report"] = OfficeLabelled(
            queryset=reports.annotate(site_name=F("site__site_name")).order_by("-created_at"),
            required=False,
            label=self.fields["source_report"].label,
            with_office=several,
        )

    def clean(self):
        data = super().clean()
        site = data.get("site")
        if site is None:
            return data
        # Departments of another office: refused by the model's clean(), run after this.
        versions = SurveyVersion.objects.for_site(site)
        for question in data.get("questions") or ():
            if not versions.filter(pk=question.version_id).exists():
                self.add_error(
                    "questions",
                    _("“%(question)s” is a question of another office’s questionnaire.")
                    % {"question": question.text},
                )
        report = data.get("source_report")
        if report is not None and report.site_id != site.pk:
            self.add_error("source_report", _("This report is of another office."))
        return data

    def save(self, commit=True):
        # A status changed without its date: changed today.
        if "status" in self.changed_data and "status_changed_on" not in self.changed_data:
            self.instance.status_changed_on = timezone.localdate()
        return super().save(commit=commit)


def _newest_versions(sites):
    """The questions residents answer now: each survey page's newest version."""
    newest = {}
    for site in sites:
        for pk, page_id, number in SurveyVersion.objects.for_site(site).values_list(
            "pk", "page_id", "number"
        ):
            if page_id not in newest or number > newest[page_id][1]:
                newest[page_id] = (pk, number)
    return [pk for pk, _number in newest.values()]
