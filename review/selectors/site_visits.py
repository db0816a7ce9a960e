"""The site visit's stage, derived from its record (no state of its own: the assessment stays
under review), the gate of the visits an expert sees, and the report as the province reads
it beside the material review (the decision page, the decisions API and exports)."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet, TextChoices
from django.utils.translation import gettext_lazy as _

from evaluation.models import Assessment, State
from scenarios.models import Batch, Scenario, SiteVisitRule

from .. import rules
from ..models import SiteVisit, SiteVisitPhoto

VISITED_STATES = (State.UNDER_REVIEW, State.APPROVED, State.REJECTED)


class SiteVisitStage(TextChoices):
    NOT_REQUIRED = "not_required", _("无需现场核查")
    AWAITING_VISITORS = "awaiting_visitors", _("待指派核查专家")
    VISITING = "visiting", _("现场核查中")
    REPORTED = "reported", _("已提交核查报告")


def _stage(required: bool, visitors: int, submitted: bool) -> SiteVisitStage:
    if submitted:
        return SiteVisitStage.REPORTED
    if not required:
        return SiteVisitStage.NOT_REQUIRED
    return SiteVisitStage.VISITING if visitors else SiteVisitStage.AWAITING_VISITORS


def site_visit_stages(assessments) -> dict[int, SiteVisitStage]:
    """The stage of each assessment under review or decided (others have none), one query for
    all of them; the assessments come with their batch and evaluation."""
    reviewed = [a for a in assessments if a.state in VISITED_STATES]
    if not any(a.batch.site_visit != SiteVisitRule.NEVER for a in reviewed):
        visits = {}
    else:
        visits = {
            v["assessment_id"]: v
            for v in SiteVisit.objects.filter(assessment__in=[a.pk for a in reviewed])
            .annotate(sent=Count("assignments"))
            .values("assessment_id", "sent", "submitted_at")
        }
    stages = {}
    for a in reviewed:
        visit = visits.get(a.pk, {})
        stages[a.pk] = _stage(
            rules.site_visit_required(a),
            visit.get("sent", 0),
            visit.get("submitted_at") is not None,
        )
    return stages


def site_visit_stage(assessment) -> SiteVisitStage | None:
    return site_visit_stages([assessment]).get(assessment.pk)


def site_visits_for(user) -> QuerySet[SiteVisit]:
    """The gate: an expert's visits are those they are sent on; the province sees all; nobody
    else any."""
    qs = SiteVisit.objects.select_related("assessment__batch", "assessment__enterprise")
    if not user.is_authenticated:
        return qs.none()
    if user.is_province_admin:
        return qs
    if user.is_expert:
        return qs.filter(assignments__expert=user)
    return qs.none()


def site_visit_photos_for(user) -> QuerySet[SiteVisitPhoto]:
    return SiteVisitPhoto.objects.filter(visit__in=site_visits_for(user)).select_related("visit")


@dataclass(frozen=True)
class ScenarioCheck:
    no: int
    name: str
    result: str
    result_label: str
    notes: str
    photos: list


@dataclass(frozen=True)
class SiteVisitReport:
    """A visit as the province reads it (names of its experts included): the province only."""

    visit: SiteVisit | None
    stage: SiteVisitStage | None
    visitors: list
    checks: list[ScenarioCheck]
    general_photos: list

    @property
    def submitted(self) -> bool:
        return self.visit is not None and self.visit.is_submitted

    @property
    def finding_label(self) -> str:
        return self.visit.get_finding_display() if self.submitted else ""


def _scenario_names(batch: Batch) -> dict[int, str]:
    return {
        s.no: s.display_name
        for s in Scenario.objects.filter(version_id=batch.catalog_version_id).only(
            "no", "name", "name_en"
        )
    }


def site_visit_report(assessment: Assessment, claimed: list[int]) -> SiteVisitReport:
    """The visit of one assessment, each claimed scenario's check with its photos (those of
    no scenario apart), whoever visited."""
    visit = (
        SiteVisit.objects.filter(assessment=assessment)
        .prefetch_related("assignments__expert", "photos")
        .first()
    )
    stage = site_visit_stage(assessment)
    if visit is None:
        return SiteVisitReport(None, stage, [], [], [])
    names = _scenario_names(assessment.batch)
    photos = list(visit.photos.all())
    results = dict(SiteVisit.Result.choices)
    checks = []
    for no in claimed:
        check = visit.checks.get(str(no), {})
        checks.append(
            ScenarioCheck(
                no=no,
                name=names.get(no, ""),
                result=check.get("result", ""),
                result_label=str(results.get(check.get("result", ""), "")),
                notes=check.get("notes", ""),
                photos=[p for p in photos if p.scenario_no == no],
            )
        )
    return SiteVisitReport(
        visit=visit,
        stage=stage,
        visitors=[a.expert for a in visit.assignments.all()],
        checks=checks,
        general_photos=[p for p in photos if p.scenario_no is None],
    )


def batch_site_visits(batch: Batch) -> dict[int, SiteVisit]:
    """Each submitted visit report of the batch, by assessment id (one query)."""
    return {
        v.assessment_id: v
        for v in SiteVisit.objects.filter(assessment__batch=batch, submitted_at__isnull=False)
    }


def finding_text(visit: SiteVisit | None) -> str:
    """A submitted report's finding in words, e.g. 基本属实，有保留意见：……; blank without one."""
    if visit is None or not visit.is_submitted:
        return ""
    label = visit.get_finding_display()
    return f"{label}：{visit.finding_text}" if visit.finding_text else str(label)
