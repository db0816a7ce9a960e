"""Shared test data: an implemented answer, the submit declarations and answers to a return."""

IMPL = {
    "status": "implemented",
    "description": "已建成并投用。",
    "systems": "MES（某软件公司）",
    "started_on": "2023-03-01",
    "completed_on": "2024-06-30",
}
DECLARED = {"no_major_accident": True, "not_dishonest": True, "truthful": True, "signer": "张三"}

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def attach_statement(assessment, actor):
    """The current year's financial statements, which a submission needs (DESIGN §4a)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evaluation import services

    return services.evidence_upload(
        assessment=assessment,
        actor=actor,
        uploaded=SimpleUploadedFile("财务报表.pdf", PDF),
        financial_year=assessment.current_year,
    )


def attach_application_papers(assessment, actor):
    """What the formal check asks beyond a submission's minimum: the statements of the other
    two of the last three years, the business licence, the CMMM self-assessment report and the
    online self-test result, with a CMMM level and self-test score meeting every tier's default
    gates — as the demo's applicants get them."""
    from review.management.demo_peers import application_papers

    application_papers(assessment, actor)


def answers_to(assessment, text: str = "已按退回意见修改。") -> dict:
    """An answer to each return comment a resubmission of ``assessment`` must answer."""
    from evaluation import review_hooks
    from evaluation.models import Assessment

    fresh = Assessment.objects.get(pk=assessment.pk)  # returned since it was read, maybe
    return {r.pk: text for r in review_hooks.returns_awaiting_answer(fresh)}
