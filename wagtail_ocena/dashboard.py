"""The admin dashboard's panel of the yearly cycle (§4): per office, the last approved yearly
report, and the improvement actions past their deadline."""

import datetime

from django.db.models import Max
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component
from wagtail.models import Site

from .models import GeneratedReport, ImprovementAction, OfficeSettings, ReportApproval
from .permissions import APPROVE, GENERATE, REGISTER_ACTIONS, VIEW, policy
from .viewsets import improvement_action_viewset

# A yearly report older than this (by the end of its period) is overdue: §4 asks for one a year.
CYCLE_DAYS = 365


class SurveyCyclePanel(Component):
    name = "ocena_cycle"
    template_name = "wagtail_ocena/admin/dashboard_cycle.html"
    order = 90

    def get_context_data(self, parent_context):
        user = parent_context["request"].user
        today = timezone.localdate()
        report_sites = policy(GeneratedReport).sites_user_has_any_permission_for(
            user, [VIEW, GENERATE, APPROVE]
        )
        action_sites = policy(ImprovementAction).sites_user_has_any_permission_for(
            user, REGISTER_ACTIONS
        )
        last = dict(
            ReportApproval.objects.filter(site__in=report_sites)
            .values_list("site_id")
            .annotate(end=Max("period_end"))
        )
        offices = []
        for site in Site.objects.filter(pk__in=report_sites.values("pk")).order_by("site_name"):
            end = last.get(site.pk)
            offices.append(
                {
                    "name": OfficeSettings.of(site).name,
                    "last_approved_end": end,
                    "overdue": end is None or end < today - datetime.timedelta(days=CYCLE_DAYS),
                }
            )
        overdue = (
            ImprovementAction.objects.overdue(today)
            .filter(site__in=action_sites)
            .select_related("site")
            .order_by("deadline", "pk")
        )
        return {
            "offices": offices,
            "several": len(offices) > 1,
            "overdue_actions": [
                {
                    "action": action,
                    "office": OfficeSettings.of(action.site).name,
                    "url": reverse(
                        improvement_action_viewset.get_url_name("edit"), args=[action.pk]
                    ),
                }
                for action in overdue[:20]
            ],
            "overdue_count": overdue.count(),
        }

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context)
        if not context["offices"] and not context["overdue_count"]:
            return ""  # nothing of the survey this user may see
        return get_template(self.template_name).render(context)
