"""The submission receipt (回执): a one-page PDF of what was submitted, when and by whom signed,
with the verification code (the snapshot's digest) and its QR code, which the public page
``/verify/<code>/`` confirms. Everything it states is read from the frozen snapshot."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from evaluation.models import AnswerStatus, Assessment

from .pdf import RenderedPdf, html_to_pdf
from .verification import Fact, _shown_time, qr_data_uri, verify_url


@dataclass(frozen=True)
class Receipt:
    facts: list[Fact]
    code: str
    url: str


def _implemented(answers: dict) -> int:
    return sum(1 for a in (answers or {}).values() if a.get("status") == AnswerStatus.IMPLEMENTED)


def receipt_of(assessment: Assessment) -> Receipt:
    """What the receipt states of a submitted assessment (``snapshot`` set)."""
    snapshot = assessment.snapshot or {}
    profile = snapshot.get("enterprise", {})
    declarations = snapshot.get("declarations", {})
    facts = [
        Fact("enterprise", _("申报单位"), profile.get("name", "")),
        Fact("credit_code", _("统一社会信用代码"), profile.get("credit_code", "")),
        Fact("batch", _("申报批次"), str(assessment.batch)),
        Fact("submitted", _("提交时间"), _shown_time(assessment.submitted_at)),
        Fact("scenarios", _("已实施的典型场景"), str(_implemented(snapshot.get("scenarios")))),
        Fact(
            "support_elements",
            _("已具备的支撑要素"),
            str(_implemented(snapshot.get("support_elements"))),
        ),
        Fact("evidence", _("证明材料"), str(len(snapshot.get("evidence", [])))),
        Fact("signer", _("承诺签署人"), declarations.get("signer") or declarations.get("by", "")),
    ]
    code = assessment.snapshot_sha256
    return Receipt(facts, code, verify_url(code))


def receipt_pdf(assessment: Assessment) -> RenderedPdf:
    receipt = receipt_of(assessment)
    html = render_to_string(
        "reports/receipt.html",
        {"receipt": receipt, "assessment": assessment, "qr": qr_data_uri(receipt.url)},
    )
    return html_to_pdf(html)
