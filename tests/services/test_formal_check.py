"""The formal check (形式审查): the checklist selector, the eligibility figures, passing and
returning item by item, the resubmission routed back to the formal check, and experts only
after it."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from evaluation import services
from evaluation.eligibility import formal_checklist
from evaluation.models import DocumentKind, Evidence, State
from portal.exceptions import StateConflict
from portal.models import Notification
from review import services as rs
from review.models import Recommendation
from scenarios.models import (
    DEFAULT_MIN_CMMM,
    DEFAULT_MIN_SELF_TEST,
    DEFAULT_STATEMENT_YEARS,
    Batch,
)

from .conftest import DECLARED, answers_to
from .test_review_workflow import audit_actions, notified, refused

pytestmark = pytest.mark.django_db


def missing(assessment) -> dict[str, str]:
    return {item.key: item.detail for item in formal_checklist(assessment).missing}


def remove(assessment, **which) -> None:
    """Take a paper off an assessment as if it was never there (its snapshot aside)."""
    Evidence.objects.filter(assessment=assessment, **which).update(removed_at=timezone.now())


# --- the checklist ------------------------------------------------------------------------------


def test_defaults_are_named_and_applied():
    batch = Batch()
    assert DEFAULT_MIN_CMMM == {"workshop": 2, "factory": 3, "benchmark": 3}
    assert DEFAULT_MIN_SELF_TEST == {"workshop": 60, "factory": 70, "benchmark": 80}
    assert batch.eligibility_gates() == {
        "workshop": (2, 60),
        "factory": (3, 70),
        "benchmark": (3, 80),
    }
    assert batch.statement_years_required == DEFAULT_STATEMENT_YEARS == 3
    assert batch.requires_business_licence is True


def test_a_complete_draft_misses_only_its_declarations(assessment):
    """Signed at submission: the enterprise sees that before it submits, nothing else."""
    checklist = formal_checklist(assessment)
    assert [i.key for i in checklist.items] == [
        "financial_statements",
        "business_licence",
        "declarations",
        "cmmm_level",
        "self_test_score",
        "eligibility",
    ]
    assert missing(assessment) == {"declarations": "申报承诺在提交时签署。"}
    assert checklist.allowed_tier == "benchmark"  # CMMM 3, self-test 85


def test_each_missing_paper_is_named(assessment):
    year = assessment.financial_years[1]
    remove(assessment, financial_year=year)
    remove(assessment, document=DocumentKind.BUSINESS_LICENCE)
    remove(assessment, document=DocumentKind.CMMM_REPORT)
    remove(assessment, document=DocumentKind.SELF_TEST_REPORT)
    found = missing(assessment)
    assert found["financial_statements"] == f"缺少 {year} 年度的财务报表。"
    assert found["business_licence"] == "未上传营业执照。"
    assert found["cmmm_level"] == "未上传 CMMM 自评估报告。"
    assert found["self_test_score"] == "未上传在线自测结果。"
    assert "eligibility" not in found  # the figures themselves are there
    # The batch asks for the latest year only, and no licence: both satisfied.
    assessment.batch.statement_years_required = 1
    assessment.batch.requires_business_licence = False
    found = missing(assessment)
    assert "financial_statements" not in found
    assert formal_checklist(assessment).item("business_licence") is None


def test_figures_not_entered(assessment):
    assessment.cmmm_level = None
    assessment.self_test_score = None
    found = missing(assessment)
    assert found["cmmm_level"] == "未填写 CMMM 自评等级。"
    assert found["self_test_score"] == "未填写在线自测得分。"
    assert found["eligibility"] == "须先填写 CMMM 自评等级和在线自测得分。"
    assert formal_checklist(assessment).allowed_tier == ""


GATES = [  # (CMMM level, self-test score, the highest tier the default gates allow)
    (1, 100, ""),  # CMMM 1 passes no tier
    (2, 59, ""),  # nor a self-test under 60
    (2, 60, "workshop"),
    (2, 95, "workshop"),  # the factory needs CMMM 3
    (3, 69.9, "workshop"),
    (3, 70, "factory"),
    (3, 80, "benchmark"),
    (5, 100, "benchmark"),
]


def test_gates_per_tier(assessment):
    for level, score, allowed in GATES:
        assessment.cmmm_level, assessment.self_test_score = level, Decimal(str(score))
        assert formal_checklist(assessment).allowed_tier == allowed, (level, score)
        assert ("eligibility" in missing(assessment)) is (allowed == ""), (level, score)


def test_gates_below_the_lowest_tier_say_why_and_a_batch_sets_its_own(assessment):
    assessment.cmmm_level, assessment.self_test_score = 1, Decimal("50")
    assert missing(assessment)["eligibility"] == (
        "CMMM 自评等级 1 级、在线自测 50 分未达到最低层级的门槛（智能车间：CMMM ≥ 2 级，自测 ≥ 60 分）。"
    )
    assessment.cmmm_level, assessment.self_test_score = 3, Decimal("85")
    assessment.batch.min_cmmm_workshop = 4  # the workshop's gate closes every tier above it
    assert formal_checklist(assessment).allowed_tier == ""


# --- the figures: entered with field-named errors -------------------------------------------------


BAD_FIGURES = [
    ({"cmmm_level": 6}, "cmmm_level"),
    ({"cmmm_level": 0}, "cmmm_level"),
    ({"cmmm_level": "2.5"}, "cmmm_level"),
    ({"cmmm_level": "三级"}, "cmmm_level"),
    ({"self_test_score": 101}, "self_test_score"),
    ({"self_test_score": "-1"}, "self_test_score"),
    ({"self_test_score": "85.55"}, "self_test_score"),
    ({"self_test_score": "NaN"}, "self_test_score"),
]


def test_bad_figures_are_refused_naming_the_field(assessment, admin_a):
    for data, field in BAD_FIGURES:
        with refused(ValidationError, field):  # nothing saved, the good field neither
            services.assessment_update(
                assessment=assessment, actor=admin_a, data={**data, "base_year": 2001}
            )


def test_figures_saved_and_cleared(assessment, admin_a):
    services.assessment_update(
        assessment=assessment, actor=admin_a, data={"cmmm_level": "4", "self_test_score": "72.5"}
    )
    assessment.refresh_from_db()
    assert (assessment.cmmm_level, assessment.self_test_score) == (4, Decimal("72.5"))
    services.assessment_update(assessment=assessment, actor=admin_a, data={"cmmm_level": ""})
    assessment.refresh_from_db()
    assert assessment.cmmm_level is None


def test_submission_takes_the_figures_and_refuses_bad_ones(assessment, admin_a):
    with refused(ValidationError, "cmmm_level", "self_test_score"):
        services.assessment_submit(
            assessment=assessment,
            actor=admin_a,
            declarations=DECLARED,
            eligibility={"cmmm_level": 6, "self_test_score": 101},
        )
    services.assessment_submit(
        assessment=assessment,
        actor=admin_a,
        declarations=DECLARED,
        eligibility={"cmmm_level": 2, "self_test_score": "61"},
    )
    assessment.refresh_from_db()
    assert (assessment.state, assessment.cmmm_level) == (State.SUBMITTED, 2)
    assert formal_checklist(assessment).complete
    assert formal_checklist(assessment).allowed_tier == "workshop"


def test_a_paper_upload_names_its_kind(assessment, admin_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .conftest import PDF

    with pytest.raises(ValidationError) as info:
        services.evidence_upload(
            assessment=assessment,
            actor=admin_a,
            uploaded=SimpleUploadedFile("x.pdf", PDF),
            document="passport",
        )
    assert "document" in info.value.message_dict


# --- passing and returning ------------------------------------------------------------------------


def test_pass(recommended, province_admin):
    Notification.objects.all().delete()
    rs.formal_check_pass(assessment=recommended, actor=province_admin, comment="齐全")
    recommended.refresh_from_db()
    assert recommended.state == State.FORMALLY_CHECKED
    row = recommended.recommendations.first()
    assert (row.stage, row.outcome, row.comment) == ("formal_check", "checked", "齐全")
    assert audit_actions(recommended)[-1] == "review.formal_check.pass"
    assert notified("review.formal_check.pass") == ["admin_a", "city_sz"]


def test_pass_refused(recommended, submitted, province_admin, city_reviewer_suzhou):
    with refused(PermissionDenied) as info:
        rs.formal_check_pass(assessment=recommended, actor=city_reviewer_suzhou)
    assert str(info.value) == "只有省级管理员可以进行形式审查。"
    remove(recommended, document=DocumentKind.BUSINESS_LICENCE)
    with refused(ValidationError, "checklist") as info:
        rs.formal_check_pass(assessment=recommended, actor=province_admin)
    assert info.value.message_dict["checklist"] == ["营业执照：未上传营业执照。"]


def test_pass_refused_before_the_city_recommends(submitted, province_admin):
    with refused(StateConflict):
        rs.formal_check_pass(assessment=submitted, actor=province_admin)


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ({}, "items"),
        ({"passport": ""}, "items.passport"),
        ({"financial_statements": ""}, "items.financial_statements"),  # present: say what's wrong
        ({"business_licence": "x" * 2001}, "items.business_licence"),
    ],
)
def test_return_refused_naming_the_item(recommended, province_admin, items, field):
    with refused(ValidationError, field):
        rs.formal_check_return(assessment=recommended, actor=province_admin, items=items)


def test_experts_only_after_the_formal_check(recommended, expert, province_admin):
    with refused(StateConflict):
        rs.assignment_add(assessment=recommended, expert=expert, actor=province_admin)
    assert rs.assignments_auto(batch=recommended.batch, actor=province_admin)["created"] == []


def test_returned_items_answered_one_by_one_and_back_to_the_formal_check(
    recommended, admin_a, province_admin
):
    """The province names each missing item; the resubmission answers each and goes straight
    back to the formal check, not to the city."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .conftest import PDF

    remove(recommended, document=DocumentKind.BUSINESS_LICENCE)
    rs.formal_check_return(
        assessment=recommended,
        actor=province_admin,
        items={"business_licence": "", "financial_statements": "2024 年度报表缺利润表"},
    )
    recommended.refresh_from_db()
    assert recommended.state == State.RETURNED
    rows = list(recommended.recommendations.filter(outcome="returned").order_by("pk"))
    assert [(r.stage, r.item, r.comment) for r in rows] == [
        ("formal_check", "financial_statements", "财务报表：2024 年度报表缺利润表"),
        ("formal_check", "business_licence", "营业执照：未上传营业执照。"),
    ]
    assert audit_actions(recommended)[-1] == "review.formal_check.return"
    assert notified("review.formal_check.return") == ["admin_a", "city_sz"]

    services.evidence_upload(
        assessment=recommended,
        actor=admin_a,
        uploaded=SimpleUploadedFile("营业执照.pdf", PDF),
        document=DocumentKind.BUSINESS_LICENCE,
    )
    with refused(ValidationError, *(f"answers.{r.pk}" for r in rows)):
        services.assessment_submit(assessment=recommended, actor=admin_a, declarations=DECLARED)
    Notification.objects.all().delete()
    services.assessment_submit(
        assessment=recommended,
        actor=admin_a,
        declarations=DECLARED,
        answers=answers_to(recommended, "已补充。"),
    )
    recommended.refresh_from_db()
    assert recommended.state == State.CITY_RECOMMENDED  # in the formal-check queue again
    assert all(r.answer == "已补充。" for r in recommended.recommendations.filter(item__gt=""))
    assert notified("assessment.resubmit_formal_check") == ["prov"]
    assert notified("assessment.submit") == []  # the city is not asked again
    rs.formal_check_pass(assessment=recommended, actor=province_admin)
    recommended.refresh_from_db()
    assert recommended.state == State.FORMALLY_CHECKED


def test_a_city_return_still_goes_through_the_city(submitted, admin_a, city_reviewer_suzhou):
    rs.assessment_return(assessment=submitted, actor=city_reviewer_suzhou, comment="补充说明")
    services.assessment_submit(
        assessment=submitted, actor=admin_a, declarations=DECLARED, answers=answers_to(submitted)
    )
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    assert Recommendation.objects.filter(assessment=submitted, stage="city").count() == 1


def test_the_province_sets_a_batch_s_gates(open_batch, province_admin):
    with pytest.raises(ValidationError) as info:
        rs.batch_settings_update(
            batch=open_batch, actor=province_admin, data={"min_cmmm_factory": 6}
        )
    assert "min_cmmm_factory" in info.value.message_dict
    rs.batch_settings_update(
        batch=open_batch,
        actor=province_admin,
        data={"min_cmmm_factory": 4, "min_self_test_benchmark": 90},
    )
    open_batch.refresh_from_db()
    assert open_batch.eligibility_gates()["factory"] == (4, 70)
    assert open_batch.eligibility_gates()["benchmark"] == (3, 90)


def test_a_direct_applicant_is_checked_from_its_submission(
    submitted, open_batch, enterprise_a, admin_a, province_admin
):
    """No city step: the formal check takes it as submitted, and its resubmission after a
    formal check's return is submitted again, in the same queue."""
    from review.selectors import formal_check_queue

    open_batch.direct_enterprises.add(enterprise_a)
    assert list(formal_check_queue(open_batch)) == [submitted]
    rs.formal_check_return(
        assessment=submitted, actor=province_admin, items={"business_licence": "已过期"}
    )
    assert notified("review.formal_check.return") == ["admin_a"]  # no city to tell
    services.assessment_submit(
        assessment=submitted, actor=admin_a, declarations=DECLARED, answers=answers_to(submitted)
    )
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    rs.formal_check_pass(assessment=submitted, actor=province_admin)
    submitted.refresh_from_db()
    assert submitted.state == State.FORMALLY_CHECKED


def test_the_formal_check_deadline_concerns_the_province(recommended, province_admin):
    from datetime import timedelta

    from review.deadlines import STAGES, stage_of

    batch = recommended.batch
    batch.formal_check_deadline = timezone.now() + timedelta(days=3)
    batch.save()
    assert stage_of(recommended).key == "formal_check"
    [due] = STAGES["formal_check"].dues(batch)
    assert (due.user, due.waiting) == (province_admin, 1)
    assert due.url == f"/review/batches/{batch.pk}/formal-check/"
    rs.formal_check_pass(assessment=recommended, actor=province_admin)
    assert list(STAGES["formal_check"].dues(batch)) == []
