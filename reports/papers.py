"""The papers an authority sends the province with its recommendations, produced from what it
recommended in a batch: the recommendation letter (推荐函, a PDF) and the summary table
(推荐汇总表, an Excel workbook); and the province's batch summary for its decision meeting as
a PDF (the same table as its Excel export, ``export_selectors.batch_summary_frame``).

Both are written for a ``PaperScope``: who recommends (the role of the recommending
reviewers) over which area (a filter on the applicant's frozen identity), to whom. A city
sends its papers to the province; a district (in a batch with the district step) to its city.
``paper_scope_for`` is the gate: a reviewer gets their own authority's scope, anyone else
none."""

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluation.models import Assessment, State
from portal.models import City, District, Role
from review.models import Recommendation
from review.selectors import tier_label
from scenarios.models import Batch

from .export_selectors import batch_summary_frame
from .pdf import RenderedPdf, html_to_pdf

# States in which an application has not been recommended (again) by its city: being drafted,
# awaiting its district or city, or returned to the enterprise; by its district: the same but
# the city's wait, which follows the district's recommendation.
NOT_RECOMMENDED = (State.DRAFT, State.SUBMITTED, State.DISTRICT_RECOMMENDED, State.RETURNED)
NOT_RECOMMENDED_BY_DISTRICT = (State.DRAFT, State.SUBMITTED, State.RETURNED)


@dataclass(frozen=True)
class PaperScope:
    """Whose papers: ``area`` selects the applications (on the frozen identity),
    ``recommender_role`` the reviewers whose recommendation counts."""

    level: str  # "city" or "district"
    code: str
    name: str  # 苏州市, 吴中区
    recommender_role: str
    area: Q
    addressee: str  # the letter's salutation: 江苏省工业和信息化厅：, 苏州市工业和信息化局：
    not_recommended: tuple = NOT_RECOMMENDED

    @property
    def authority(self) -> str:
        """The sender of the letter, e.g. 苏州市工业和信息化局."""
        return authority_of(self.name)

    @classmethod
    def city(cls, city: str) -> "PaperScope":
        return cls(
            level="city",
            code=city,
            name=str(City(city).label),
            recommender_role=Role.CITY_REVIEWER,
            area=Q(applicant_city=city),
            addressee=_("江苏省工业和信息化厅："),
        )

    @classmethod
    def district(cls, district: District) -> "PaperScope":
        return cls(
            level="district",
            code=district.code,
            name=district.name,
            recommender_role=Role.DISTRICT_REVIEWER,
            area=Q(applicant_district_code=district.code),
            addressee=_("%(authority)s：")
            % {"authority": authority_of(str(City(district.city).label))},
            not_recommended=NOT_RECOMMENDED_BY_DISTRICT,
        )


def authority_of(area: str) -> str:
    return _("%(area)s工业和信息化局") % {"area": area}


def paper_scope_for(user) -> PaperScope | None:
    """A city reviewer's own city, a district reviewer's own district; nobody else has papers
    to send."""
    if not user.is_authenticated:
        return None
    if user.is_city_reviewer and user.city:
        return PaperScope.city(user.city)
    if user.is_district_reviewer and user.district_id:
        return PaperScope.district(user.district)
    return None


@dataclass(frozen=True)
class RecommendedRow:
    no: int
    name: str
    credit_code: str
    district: str
    industry: str
    size: str
    computed_tier: str
    recommended_at: datetime
    comment: str
    city: str = ""


def recommended_in(scope: PaperScope, batch: Batch) -> QuerySet[Assessment]:
    """The batch's applications of the scope's area that its reviewers recommended, and that
    stayed recommended (not returned since)."""
    return (
        Assessment.objects.filter(batch=batch)
        .filter(scope.area)
        .exclude(state__in=scope.not_recommended)
        .filter(
            recommendations__outcome=Recommendation.Outcome.RECOMMENDED,
            recommendations__reviewer__role=scope.recommender_role,
        )
        .distinct()
        .select_related("evaluation")
        .order_by("applicant_name", "pk")
    )


def recommended_rows(scope: PaperScope, batch: Batch) -> list[RecommendedRow]:
    """One row per recommended application, by name, with its latest recommendation (two
    queries)."""
    assessments = list(recommended_in(scope, batch))
    latest = {}
    for r in Recommendation.objects.filter(
        assessment__in=assessments,
        outcome=Recommendation.Outcome.RECOMMENDED,
        reviewer__role=scope.recommender_role,
    ).order_by("created_at", "pk"):
        latest[r.assessment_id] = r
    rows = []
    for no, a in enumerate(assessments, 1):
        evaluation = getattr(a, "evaluation", None)
        rec = latest[a.pk]
        rows.append(
            RecommendedRow(
                no=no,
                name=a.applicant_name,
                credit_code=a.applicant_credit_code,
                district=a.applicant_district,
                industry=a.get_applicant_industry_type_display(),
                size=a.get_applicant_size_display(),
                computed_tier=str(tier_label(evaluation.highest_tier)) if evaluation else "",
                recommended_at=rec.created_at,
                comment=rec.comment,
                city=a.get_applicant_city_display(),
            )
        )
    return rows


def recommendation_letter(
    scope: PaperScope, batch: Batch, today: date | None = None
) -> RenderedPdf:
    """The formal letter to the province listing the recommended enterprises, signed with the
    authority's name and dated."""
    today = today or timezone.localdate()
    html = render_to_string(
        "reports/recommendation_letter.html",
        {
            "scope": scope,
            "batch": batch,
            "rows": recommended_rows(scope, batch),
            "date": _("%(y)s年%(m)s月%(d)s日")
            % {"y": today.year, "m": today.month, "d": today.day},
        },
    )
    return html_to_pdf(html)


def recommendation_table(scope: PaperScope, batch: Batch) -> pd.DataFrame:
    """The summary table of the recommended enterprises (written by ``reports.exports``,
    every text cell neutralised)."""
    frame = pd.DataFrame.from_records(
        [
            [
                r.no,
                r.name,
                r.credit_code,
                r.city,
                r.district,
                r.industry,
                r.size,
                r.computed_tier,
                r.recommended_at,
                r.comment,
            ]
            for r in recommended_rows(scope, batch)
        ],
        columns=[
            _("序号"),
            _("企业名称"),
            _("统一社会信用代码"),
            _("设区市"),
            _("县（市、区）"),
            _("行业类型"),
            _("企业规模"),
            _("系统计算层级"),
            _("推荐时间"),
            _("推荐意见"),
        ],
    )
    frame[_("推荐时间")] = pd.to_datetime(frame[_("推荐时间")], utc=True)
    return frame


def _printed(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def batch_summary_pdf(batch: Batch, today: date | None = None) -> RenderedPdf:
    """The batch summary printed for the decision meeting (A4 landscape)."""
    frame = batch_summary_frame(batch=batch)
    today = today or timezone.localdate()
    html = render_to_string(
        "reports/batch_summary.html",
        {
            "batch": batch,
            "columns": [str(c) for c in frame.columns],
            "rows": [[_printed(v) for v in row] for row in frame.itertuples(index=False)],
            "date": _("%(y)s年%(m)s月%(d)s日")
            % {"y": today.year, "m": today.month, "d": today.day},
        },
    )
    return html_to_pdf(html)
