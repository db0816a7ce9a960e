"""The district step: the reference list of Jiangsu's county-level divisions, the enterprise's
district as a choice among its city's (the text typed before mapped where it names one), and the
district reviewers who recommend or return their district's submissions before the city when a
batch requires it."""

import json
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluation import services
from evaluation.models import Assessment, State
from evaluation.selectors import assessments_for, submission_problems
from portal.districts import REFERENCE, district_match, reference_rows
from portal.exceptions import StateConflict
from portal.models import AuditLog, City, District, Enterprise, Notification, Role
from review import services as rs
from review.filters import review_queue_filter
from review.models import Recommendation
from review.selectors import review_queue_for

from .conftest import api_token, login
from .factories import EnterpriseFactory, UserFactory, district_of
from .services.conftest import DECLARED, answers_to

# --- the reference list ----------------------------------------------------------------------


def test_the_reference_list_has_95_divisions_each_under_its_citys_code():
    rows = reference_rows()
    codes = [r["code"] for r in rows]
    assert len(rows) == 95 and len(set(codes)) == 95
    assert {r["city"] for r in rows} == set(City.values)
    for r in rows:
        assert r["code"][:4] == r["city"][:4] and len(r["code"]) == 6 and r["code"].isdigit()
        assert r["kind"] == {"区": "district", "县": "county", "市": "county_city"}[r["name"][-1]]
    # 55 districts, 21 county-level cities, 19 counties; names unique within a city
    assert Counter(r["kind"] for r in rows) == {"district": 55, "county_city": 21, "county": 19}
    assert len({(r["city"], r["name"]) for r in rows}) == 95
    by_code = {r["code"]: r["name"] for r in rows}
    assert (by_code["320102"], by_code["320104"], by_code["320581"]) == (
        "玄武区",
        "秦淮区",
        "常熟市",
    )
    assert json.loads(REFERENCE.read_text(encoding="utf-8"))[0]["model"] == "portal.district"


@pytest.mark.django_db
def test_the_migration_loaded_the_reference_list():
    stored = set(District.objects.values_list("code", "name", "kind", "city"))
    assert stored == {(r["code"], r["name"], r["kind"], r["city"]) for r in reference_rows()}


# --- mapping the text typed before ------------------------------------------------------------

DIVISIONS = [(r["code"], r["name"], r["city"]) for r in reference_rows()]


@pytest.mark.parametrize(
    ("city", "text", "code"),
    [
        (City.SUZHOU, "吴中区", "320506"),  # exactly
        (City.SUZHOU, " 吴中 区", "320506"),  # spaces typed
        (City.SUZHOU, "吴中", "320506"),  # without its suffix
        (City.SUZHOU, "昆山", "320583"),
        (City.XUZHOU, "丰", "320321"),
        (City.SUZHOU, "昆山区", "320583"),  # the wrong suffix still names one division
        (City.NANJING, "鼓楼区", "320106"),  # Nanjing's, not Xuzhou's 鼓楼区
        (City.XUZHOU, "鼓楼区", "320302"),
        (City.SUZHOU, "苏州工业园区", None),  # a development zone, not a division
        (City.SUZHOU, "工业园区", None),
        (City.SUZHOU, "玄武区", None),  # Nanjing's: not in the enterprise's city
        (City.SUZHOU, "", None),
        (City.SUZHOU, None, None),
    ],
)
def test_district_match(city, text, code):
    assert district_match(city, text, DIVISIONS) == code


# --- the enterprise's district ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_district_of_another_city_is_refused_naming_the_field(
    client, api_client, enterprise_a, admin_a
):
    enterprise_a.district = district_of(City.NANJING)
    with pytest.raises(ValidationError) as info:
        enterprise_a.full_clean()
    assert list(info.value.message_dict) == ["district"]
    assert "苏州市" in info.value.message_dict["district"][0]

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(admin_a)}")
    url = f"/api/v1/enterprises/{enterprise_a.pk}/"
    response = api_client.patch(url, {"district": "320102"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["district"]
    assert api_client.patch(url, {"district": "999999"}, format="json").status_code == 400
    assert Enterprise.objects.get(pk=enterprise_a.pk).district_id == "320505"

    page = login(client, admin_a).get(reverse("enterprise-edit", args=[enterprise_a.pk]))
    offered = set(page.context["form"].fields["district"].queryset.values_list("city", flat=True))
    assert offered == {City.SUZHOU}


@pytest.mark.django_db
def test_an_unmatched_district_is_listed_for_the_province_until_chosen(
    client, enterprise_a, admin_a, province_admin
):
    Enterprise.objects.filter(pk=enterprise_a.pk).update(district=None, district_text="园区")
    url = reverse("districts-unmatched")
    assert login(client, admin_a).get(url).status_code == 403
    html = login(client, province_admin).get(url).content.decode()
    assert f'data-testid="unmatched-{enterprise_a.pk}"' in html and "园区" in html
    edit = client.get(reverse("enterprise-edit", args=[enterprise_a.pk])).content.decode()
    assert "原填写为“园区”" in edit
    form = {
        "name": enterprise_a.name,
        "credit_code": enterprise_a.credit_code,
        "city": enterprise_a.city,
        "district": "320506",
        "industry_code": enterprise_a.industry_code,
        "industry_type": enterprise_a.industry_type,
        "size": enterprise_a.size,
    }
    assert client.post(reverse("enterprise-edit", args=[enterprise_a.pk]), form).status_code == 302
    assert 'data-testid="none-unmatched"' in client.get(url).content.decode()


# --- the district step ------------------------------------------------------------------------


@pytest.fixture
def stepped(open_batch):
    open_batch.requires_district_step = True
    open_batch.save(update_fields=["requires_district_step"])
    return open_batch


@pytest.fixture
def district_reviewer(enterprise_a):
    """The reviewer of enterprise A's district (虎丘区, Suzhou)."""
    return UserFactory(
        username="district_hq", role=Role.DISTRICT_REVIEWER, district=enterprise_a.district
    )


@pytest.fixture
def other_district_reviewer(db):
    return UserFactory(
        username="district_wz",
        role=Role.DISTRICT_REVIEWER,
        district=district_of(City.SUZHOU, "吴中区"),
    )


@pytest.fixture
def at_district(stepped, district_reviewer, submitted):
    """A's submission in a batch with the district step, waiting for its district."""
    return submitted


def test_the_district_recommends_then_the_city(
    at_district, district_reviewer, city_reviewer_suzhou, admin_a, province_admin
):
    a = at_district
    assert a.applicant_district_code == "320505" and a.applicant_district == "虎丘区"
    # its district was told of the submission, not the city
    assert list(
        Notification.objects.filter(kind="assessment.submit").values_list(
            "recipient__username", flat=True
        )
    ) == ["district_hq"]
    with pytest.raises(StateConflict):  # the city waits for the district
        rs.assessment_recommend(assessment=a, actor=city_reviewer_suzhou)
    rs.assessment_recommend(
        assessment=a, actor=district_reviewer, comment="区级审核通过。", confirm_no_tier=True
    )
    a.refresh_from_db()
    assert a.state == State.DISTRICT_RECOMMENDED
    entry = AuditLog.objects.filter(action="review.district_recommend").get()
    assert entry.actor == district_reviewer and entry.summary == "区级审核通过。"
    told = set(
        Notification.objects.filter(kind="review.recommend").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {admin_a.username, city_reviewer_suzhou.username}
    with pytest.raises(StateConflict):  # recommended once
        rs.assessment_recommend(assessment=a, actor=district_reviewer, confirm_no_tier=True)
    rs.assessment_recommend(assessment=a, actor=city_reviewer_suzhou, confirm_no_tier=True)
    a.refresh_from_db()
    assert a.state == State.CITY_RECOMMENDED
    assert [r.reviewer.username for r in a.recommendations.order_by("pk")] == [
        "district_hq",
        "city_sz",
    ]
    # the formal check's outcome reaches both authorities that recommended it
    rs.formal_check_return(
        assessment=a, actor=province_admin, items={"financial_statements": "缺利润表"}
    )
    told = Notification.objects.filter(kind="review.formal_check.return")
    assert set(told.values_list("recipient__username", flat=True)) == {
        admin_a.username,
        city_reviewer_suzhou.username,
        district_reviewer.username,
    }
    with pytest.raises(StateConflict):  # the city's recommendation is not the district's to undo
        rs.assessment_return(assessment=a, actor=district_reviewer, comment="撤回")


def test_another_district_may_neither_see_nor_act(
    at_district, other_district_reviewer, city_reviewer_nanjing
):
    a = at_district
    for reviewer in (other_district_reviewer, city_reviewer_nanjing):
        assert not review_queue_for(reviewer).exists() and not assessments_for(reviewer).exists()
        with pytest.raises(PermissionDenied):
            rs.assessment_recommend(assessment=a, actor=reviewer, confirm_no_tier=True)
        with pytest.raises(PermissionDenied):
            rs.assessment_return(assessment=a, actor=reviewer, comment="退回")
    assert Assessment.objects.get(pk=a.pk).state == State.SUBMITTED
    assert not Recommendation.objects.exists()


def test_without_the_step_the_district_only_reads_and_the_city_acts_as_before(
    submitted, district_reviewer, city_reviewer_suzhou
):
    assert review_queue_for(district_reviewer).get() == submitted
    with pytest.raises(PermissionDenied):
        rs.assessment_recommend(assessment=submitted, actor=district_reviewer, confirm_no_tier=True)
    assert review_queue_filter(user=city_reviewer_suzhou, data={}).qs.get() == submitted
    rs.assessment_recommend(assessment=submitted, actor=city_reviewer_suzhou, confirm_no_tier=True)
    assert Assessment.objects.get(pk=submitted.pk).state == State.CITY_RECOMMENDED


def test_the_citys_queue_shows_a_submission_once_its_district_recommended_it(
    at_district, district_reviewer, city_reviewer_suzhou
):
    a = at_district
    assert not review_queue_for(city_reviewer_suzhou).exists()
    assert not assessments_for(city_reviewer_suzhou).exists()
    assert review_queue_filter(user=district_reviewer, data={}).qs.get() == a  # awaits it
    rs.assessment_recommend(assessment=a, actor=district_reviewer, confirm_no_tier=True)
    assert review_queue_filter(user=city_reviewer_suzhou, data={}).qs.get() == a
    assert not review_queue_filter(user=district_reviewer, data={}).qs.exists()
    assert review_queue_for(district_reviewer).get() == a  # still its district's to read


def test_a_district_return_is_answered_on_resubmission_and_goes_to_the_district_again(
    at_district, district_reviewer, admin_a
):
    a = at_district
    rs.assessment_return(assessment=a, actor=district_reviewer, comment="请补充验收报告。")
    a.refresh_from_db()
    assert a.state == State.RETURNED
    with pytest.raises(ValidationError) as info:  # each return comment answered
        services.assessment_submit(assessment=a, actor=admin_a, declarations=DECLARED)
    assert any(k.startswith("answers.") for k in info.value.message_dict)
    services.assessment_submit(
        assessment=a, actor=admin_a, declarations=DECLARED, answers=answers_to(a)
    )
    a.refresh_from_db()
    assert a.state == State.SUBMITTED
    assert review_queue_filter(user=district_reviewer, data={}).qs.get() == a
    assert a.recommendations.get().answer == "已按退回意见修改。"


def test_the_city_sees_a_return_only_once_the_submission_reached_it(
    at_district, district_reviewer, city_reviewer_suzhou, admin_a
):
    """Returned by its district before reaching the city, a submission is none of the city's
    business (nor is its resubmission, waiting for the district again); once the district
    recommended it, the city keeps seeing it, its own return included."""
    a = at_district
    rs.assessment_return(assessment=a, actor=district_reviewer, comment="请补充验收报告。")
    assert Assessment.objects.get(pk=a.pk).state == State.RETURNED
    assert not review_queue_for(city_reviewer_suzhou).exists()
    assert not assessments_for(city_reviewer_suzhou).exists()
    assert review_queue_for(district_reviewer).get() == a
    a.refresh_from_db()
    services.assessment_submit(
        assessment=a, actor=admin_a, declarations=DECLARED, answers=answers_to(a)
    )
    assert not review_queue_for(city_reviewer_suzhou).exists()
    rs.assessment_recommend(assessment=a, actor=district_reviewer, confirm_no_tier=True)
    rs.assessment_return(assessment=a, actor=city_reviewer_suzhou, comment="请补充证明材料。")
    returned = review_queue_filter(user=city_reviewer_suzhou, data={"state": State.RETURNED})
    assert returned.qs.get() == a and assessments_for(city_reviewer_suzhou).get() == a
    a.refresh_from_db()
    services.assessment_submit(
        assessment=a, actor=admin_a, declarations=DECLARED, answers=answers_to(a)
    )
    assert Assessment.objects.get(pk=a.pk).state == State.SUBMITTED  # at its district again
    assert review_queue_for(city_reviewer_suzhou).get() == a  # the city once saw it


def test_an_enterprise_applying_directly_skips_its_district(
    at_district, district_reviewer, province_admin
):
    at_district.batch.direct_enterprises.add(at_district.enterprise)
    assert not review_queue_filter(user=district_reviewer, data={}).qs.exists()
    with pytest.raises(PermissionDenied):
        rs.assessment_recommend(
            assessment=at_district, actor=district_reviewer, confirm_no_tier=True
        )
    from review import rules

    assert rules.can_formally_check(province_admin, at_district)  # the province's, at once


def test_a_batch_with_the_step_needs_a_district_chosen(stepped, assessment, enterprise_a):
    Enterprise.objects.filter(pk=enterprise_a.pk).update(district=None, district_text="园区")
    assessment.refresh_from_db()
    assert any("县（市、区）" in p for p in submission_problems(assessment))


def test_pages_and_api_of_the_district_step(
    client,
    api_client,
    at_district,
    district_reviewer,
    other_district_reviewer,
    city_reviewer_suzhou,
):
    a = at_district
    detail = reverse("review-detail", args=[a.pk])
    login(client, other_district_reviewer)
    assert client.get(detail).status_code == 404
    login(client, district_reviewer)
    html = client.get(detail).content.decode()
    assert "推荐至设区市" in html and 'data-testid="return-form"' in html
    response = client.post(
        reverse("review-recommend", args=[a.pk]), {"comment": "同意", "confirmed": "1"}
    )
    assert response.status_code == 302
    assert Assessment.objects.get(pk=a.pk).state == State.DISTRICT_RECOMMENDED
    # the city reads what its district recommended, by whom, from where
    login(client, city_reviewer_suzhou)
    html = client.get(detail).content.decode()
    assert "虎丘区" in html and "同意" in html and "推荐至省级" in html
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(city_reviewer_suzhou)}")
    rounds = api_client.get(f"/api/v1/review/assessments/{a.pk}/").json()["rounds"]
    assert [(r["reviewer_role"], r["reviewer_district"], r["comment"]) for r in rounds] == [
        ("district_reviewer", "虎丘区", "同意")
    ]
    # the API: the district returns what it recommended (withdrawing its recommendation)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(district_reviewer)}")
    listed = api_client.get("/api/v1/review/assessments/").json()
    assert [row["id"] for row in listed["results"]] == [a.pk]
    url = f"/api/v1/review/assessments/{a.pk}/return/"
    assert api_client.post(url, {"comment": ""}, format="json").status_code == 400
    assert api_client.post(url, {"comment": "请补充。"}, format="json").status_code == 200
    assert Assessment.objects.get(pk=a.pk).state == State.RETURNED


def test_the_batch_setting_is_edited_with_the_others(open_batch, province_admin):
    rs.batch_settings_update(
        batch=open_batch, actor=province_admin, data={"requires_district_step": True}
    )
    open_batch.refresh_from_db()
    assert open_batch.requires_district_step
    entry = AuditLog.objects.get(action="batch.settings")
    assert entry.data["changed"] == {"requires_district_step": ["False", "True"]}


@pytest.mark.django_db
def test_a_district_reviewer_sees_only_its_districts_enterprises(enterprise_a, district_reviewer):
    from portal.selectors import enterprises_for

    EnterpriseFactory(name="吴中企业", district=district_of(City.SUZHOU, "吴中区"))
    assert list(enterprises_for(district_reviewer)) == [enterprise_a]
