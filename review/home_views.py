"""The signed-in user's home page (工作台), for each role: it shows the enterprise's assessments
and the review's queues and tasks, so it lives here, above both."""

from django.shortcuts import render

from evaluation.carry_over import carry_over_sources
from evaluation.selectors import assessments_for, assessments_to_start
from portal.models import EnterpriseRegistration
from portal.selectors import enterprises_for

from . import selectors as review_selectors
from .selectors.onboarding import registrations_for


def home(request):
    if not request.user.is_authenticated:
        return render(request, "portal/landing.html")
    user = request.user
    context = {}
    if user.is_enterprise_user:
        context["enterprise"] = user.enterprise
        context["assessments"] = assessments_for(user).order_by("-batch__year")
        context["batches_to_start"] = assessments_to_start(user)
        context["carry_sources"] = carry_over_sources(user.enterprise)
    if user.is_local_reviewer or user.is_province_admin:
        context["enterprises"] = enterprises_for(user)
        context["registrations_pending"] = (
            registrations_for(user).filter(status=EnterpriseRegistration.Status.PENDING).count()
        )
    if user.is_local_reviewer:
        context["city_summary"] = review_selectors.city_summary(user)
    if user.is_province_admin:
        context["review_batches"] = review_selectors.province_batches()
    if user.is_expert:
        context["expert_summary"] = review_selectors.expert_summary(user)
    return render(request, "portal/home.html", context)
