"""What the application report (申报书) shows: one read of an assessment, frozen or draft.

A submitted assessment is reported from its frozen snapshot and stored evaluation; a draft
from its live data and a live evaluation (a preview, watermarked, with no verification code).
"""

import hashlib
import json
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from evaluation.models import AnswerStatus, Assessment, Evaluation
from evaluation.selectors import assessment_results, calculator_breakdowns
from evaluation.snapshot import build_snapshot, snapshot_digest
from indicators.calculators import CALCULATORS
from indicators.models import IndicatorDefinition, InputDefinition
from review.selectors import Dossier, dossier
from scenarios.selectors import catalog_dimensions

from .charts import BarChart, RadarChart, bar_chart, radar_chart
from .verification import Fact, cover_facts, qr_data_uri, verify_url


class NotEvaluatedYet(Exception):
    """A submitted assessment whose evaluation the worker has not written yet."""


@dataclass(frozen=True)
class ReportSource:
    """The data a report is rendered from, and the key naming it."""

    snapshot: dict
    evaluation: Evaluation
    draft: bool
    digest: str  # the snapshot's SHA-256, the verification code; "" for a draft
    cache_key: str


def report_source(assessment: Assessment, *, language: str | None = None) -> ReportSource:
    draft = not assessment.snapshot
    if draft:
        snapshot = build_snapshot(assessment)
        results = assessment_results(assessment)
        evaluation = results.evaluation if results else None
    else:
        snapshot = assessment.snapshot
        evaluation = Evaluation.objects.filter(assessment=assessment).first()
    if evaluation is None:
        raise NotEvaluatedYet
    evaluated = json.dumps(
        [evaluation.indicators, evaluation.tier_result, evaluation.rules_source],
        sort_keys=True,
        ensure_ascii=False,
    )
    snapshot_key = snapshot_digest(snapshot)
    key = "|".join([snapshot_key, evaluated, language or get_language(), "draft" * draft])
    return ReportSource(
        snapshot=snapshot,
        evaluation=evaluation,
        draft=draft,
        digest="" if draft else assessment.snapshot_sha256,
        cache_key=hashlib.sha256(key.encode("utf-8")).hexdigest(),
    )


@dataclass(frozen=True)
class LinkCoverage:
    no: int
    name: str
    dimension: str
    implemented: int
    total: int

    @property
    def share(self) -> float:
        return 100 * self.implemented / self.total if self.total else 0.0


def link_coverage(assessment: Assessment, snapshot: dict) -> list[LinkCoverage]:
    """Implemented scenarios of each of the catalog's links."""
    statuses = {no: a["status"] for no, a in snapshot.get("scenarios", {}).items()}
    return [
        LinkCoverage(
            no=link.no,
            name=link.display_name,
            dimension=dimension.display_name,
            implemented=sum(
                statuses.get(str(s.no)) == AnswerStatus.IMPLEMENTED for s in link.scenarios.all()
            ),
            total=len(link.scenarios.all()),
        )
        for dimension in catalog_dimensions(version=assessment.batch.catalog_version)
        for link in dimension.links.all()
    ]


@dataclass(frozen=True)
class ReportCharts:
    """The report's two charts, drawn alike in the PDF and on the report page."""

    coverage: list[LinkCoverage]
    coverage_chart: RadarChart
    improvement_chart: BarChart


def report_charts(
    assessment: Assessment, source: ReportSource, indicators: list[dict]
) -> ReportCharts:
    """``indicators``: the evaluation's ``indicator_rows``."""
    coverage = link_coverage(assessment, source.snapshot)
    return ReportCharts(
        coverage=coverage,
        coverage_chart=radar_chart([(c.name, c.share) for c in coverage], max_value=100, unit="%"),
        improvement_chart=bar_chart(
            [(f"{r['no']} {r['name']}", r["improvement"]) for r in indicators],
            unit="%",
            decimals=1,
            label_chars=14,
        ),
    )


def evidence_rows(the_dossier: Dossier, snapshot: dict) -> list[dict]:
    """Every file of the snapshot with what it proves, in the report's order."""
    scenarios = {
        row["scenario"].no: row["scenario"].display_name
        for d in the_dossier.dimensions
        for link in d["links"]
        for row in link["scenarios"]
    }
    elements = {s["element"].no: s["element"].display_name for s in the_dossier.support}
    rows = []
    for item in snapshot.get("evidence", []):
        if item.get("scenario") is not None:
            subject = _("场景 %(no)s · %(name)s") % {
                "no": item["scenario"],
                "name": scenarios.get(item["scenario"], ""),
            }
        elif item.get("support_element") is not None:
            subject = _("支撑要素 %(no)s · %(name)s") % {
                "no": item["support_element"],
                "name": elements.get(item["support_element"], ""),
            }
        else:
            subject = _("%(year)s 年度财务报表") % {"year": item.get("financial_year")}
        rows.append({**item, "subject": subject})
    return rows


def correction_notes(evaluation: Evaluation) -> list[dict]:
    """The seed's errors the indicator definitions correct, for the notes under the table."""
    return [
        {"no": d.no, "name": d.display_name, "note": d.display_correction_note}
        for d in IndicatorDefinition.objects.filter(version_id=evaluation.catalog_version_id)
        .exclude(correction_note="")
        .order_by("no")
    ]


@dataclass(frozen=True)
class ApplicationReport:
    assessment: Assessment
    source: ReportSource
    dossier: Dossier
    charts: ReportCharts
    evidence: list[dict]
    notes: list[dict]
    verify_url: str
    qr: str  # a data: URI, empty for a draft
    generated_at: object

    @property
    def draft(self) -> bool:
        return self.source.draft

    @property
    def snapshot(self) -> dict:
        return self.source.snapshot

    @property
    def calculations(self) -> list[dict]:
        """The energy and CO2 calculators' lines kept with their inputs in the snapshot."""
        names = {
            d.code: d.display_name
            for d in InputDefinition.objects.filter(
                version=self.assessment.batch.catalog_version,
                code__in=[c.input_code for c in CALCULATORS.values()],
            )
        }
        shown = []
        for calculator in CALCULATORS.values():
            breakdowns = calculator_breakdowns(self.snapshot, calculator.input_code)
            if breakdowns:
                shown.append(
                    {
                        "code": calculator.input_code,
                        "name": names.get(calculator.input_code, calculator.input_code),
                        "unit": calculator.unit,
                        "breakdowns": breakdowns,
                    }
                )
        return shown

    @property
    def cover(self) -> list[Fact]:
        """The cover's facts, each confirmed by the verification page under the same label."""
        return cover_facts(
            self.assessment,
            self.snapshot,
            self.source.evaluation,
            draft=self.draft,
            generated_at=self.generated_at,
        )


def application_report(assessment: Assessment, source: ReportSource) -> ApplicationReport:
    the_dossier = dossier(assessment, snapshot=source.snapshot, evaluation=source.evaluation)
    url = verify_url(source.digest) if source.digest else ""
    return ApplicationReport(
        assessment=assessment,
        source=source,
        dossier=the_dossier,
        charts=report_charts(assessment, source, the_dossier.indicators),
        evidence=evidence_rows(the_dossier, source.snapshot),
        notes=correction_notes(source.evaluation),
        verify_url=url,
        qr=qr_data_uri(url) if url else "",
        generated_at=timezone.now(),
    )
