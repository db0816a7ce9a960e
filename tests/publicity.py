"""What the tests of the 公示 share: an approved enterprise, its list published for a period
running today, and a complete objection (the form's fields and a signed letter)."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from evaluation.models import Assessment
from review import services as review_services

from .conftest import complete_review
from .services.conftest import PDF, PNG

REASON = "三位专家一致认可，同意认定。"


def approve(assessment, province_admin) -> Assessment:
    """Every assigned expert scores it, then the province approves it as a workshop."""
    for assignment in assessment.assignments.all():
        complete_review(assignment)
    review_services.assessment_decide(
        assessment=assessment,
        actor=province_admin,
        outcome="approved",
        tier="workshop",
        reason=REASON,
    )
    return Assessment.objects.get(pk=assessment.pk)


def publish_now(batch, province_admin, **kwargs):
    """Published with a 公示 period that runs today (whatever day of the week it is)."""
    today = timezone.localdate()
    kwargs.setdefault("starts_on", today)
    kwargs.setdefault("ends_on", today + timedelta(days=6))
    return review_services.batch_list_publish(batch=batch, actor=province_admin, **kwargs)


def letter(name: str = "异议书.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def image_letter() -> SimpleUploadedFile:
    return letter("异议书.png", PNG)


def objection_data(listed, **changes) -> dict:
    """A named person's objection to the enterprise of ``listed`` (an assessment on the
    list), as the form sends it."""
    return {
        "objector_type": "person",
        "objector_name": "王五",
        "phone": "13812345678",
        "email": "wangwu@example.com",
        "assessment": str(listed.pk),
        "grounds": "该企业申报的智能排产场景尚未投入使用，现场仍为人工排产。",
    } | changes


def lodge(listed, **changes):
    """An objection to ``listed``, lodged through the service."""
    return review_services.objection_lodge(
        batch=listed.batch, data=objection_data(listed, **changes), letter=letter()
    )
