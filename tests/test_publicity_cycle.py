"""One batch from submission to a final public list, through the pages each person uses: the
city recommends, the province assigns experts and decides with their reviews in view,
publishes for a 公示 period, a member of the public objects to two listed enterprises, the
province upholds one objection (that decision reopens and is taken again) and dismisses the
other, and once the period is over with nothing pending the list says it is final."""

from datetime import timedelta

import pytest

from evaluation import services as evaluation_services
from evaluation.models import Assessment, State
from portal.models import Notification
from review.models import Objection
from scenarios.models import Batch

from .conftest import complete_review, login
from .publicity import letter, objection_data
from .services.test_review_workflow import quick_assessment

CONTACT = {"contact_department": "江苏省工业和信息化厅", "contact_phone": "025-83331234"}


def html_of(response) -> str:
    return response.content.decode()


def detail(a) -> str:
    return f"/review/assessments/{a.pk}/"


def decide(client, a, outcome: str, tier: str, reason: str, **more) -> None:
    data = {"outcome": outcome, "tier": tier, "reason": reason, "confirmed": "1", **more}
    response = client.post(f"{detail(a)}decide/", data)
    assert response.status_code == 302, html_of(response)


def objection(client, batch, listed, grounds: str) -> Objection:
    data = {**objection_data(listed, grounds=grounds), "letter": letter()}
    response = client.post(f"/public/lists/{batch.pk}/objections/", data)
    assert response.status_code in (200, 302), html_of(response)
    return Objection.objects.get(assessment=listed)


def resolve(client, o: Objection, outcome: str, reason: str) -> None:
    data = {"outcome": outcome, "reason": reason, "confirmed": "1"}
    assert client.post(f"/review/objections/{o.pk}/resolve/", data).status_code == 302


@pytest.mark.django_db
def test_one_batch_from_submission_to_a_final_list(
    client, submitted, city_reviewer_suzhou, experts, province_admin, admin_a
):
    batch = submitted.batch
    evaluation_services.evaluation_refresh(assessment=submitted)
    other = quick_assessment(batch, name="乙精密制造有限公司")

    login(client, city_reviewer_suzhou)
    assert client.post(f"{detail(submitted)}recommend/", {"confirmed": "1"}).status_code == 302

    login(client, province_admin)
    response = client.post(
        f"{detail(submitted)}formal-check/", {"action": "pass", "confirmed": "1"}
    )
    assert response.status_code == 302, html_of(response)
    response = client.post(f"/review/batches/{batch.pk}/assignments/auto/", {"confirmed": "1"})
    assert response.status_code == 302
    for assignment in (submitted.assignments.all() | other.assignments.all()).distinct():
        complete_review(assignment)
    html = html_of(client.get(detail(submitted)))
    assert html.count('data-testid="full-review-expert"') == 3  # every review in full, then decide
    decide(client, submitted, "approved", "workshop", "三位专家一致认可。")
    decide(client, other, "approved", "workshop", "三位专家一致认可。")

    response = client.post(
        f"/review/batches/{batch.pk}/publish/", {"action": "publish", **CONTACT, "confirmed": "1"}
    )
    assert response.status_code == 302, html_of(response)
    client.logout()
    public = f"/public/lists/{batch.pk}/"
    html = html_of(client.get(public))
    assert "公示中" in html and submitted.applicant_name in html and other.applicant_name in html

    upheld = objection(client, batch, submitted, "智能排产场景尚未投入使用，现场仍为人工排产。")
    dismissed = objection(client, batch, other, "该企业规模不符合申报条件。")

    login(client, province_admin)
    resolve(client, upheld, "upheld", "现场核查属实，撤回认定，重新决定。")
    resolve(client, dismissed, "dismissed", "经核查，企业规模符合申报条件。")
    assert Assessment.objects.get(pk=submitted.pk).state == State.UNDER_REVIEW
    assert Notification.objects.filter(recipient=admin_a, kind__startswith="objection").exists()
    # against the experts' written reviews: the decision must say why
    decide(
        client,
        submitted,
        "rejected",
        "",
        "异议成立：所申报场景尚未投用，不予认定。",
        justification="公示期异议经现场核查属实，专家书面评审时未掌握该情况。",
    )
    client.logout()

    html = html_of(client.get(public))
    assert other.applicant_name in html and submitted.applicant_name not in html
    assert "名单为最终结果" not in html  # the period still runs
    starts_on = Batch.objects.get(pk=batch.pk).publicity_starts_on
    Batch.objects.filter(pk=batch.pk).update(  # the period is over
        publicity_starts_on=starts_on - timedelta(days=10),
        publicity_ends_on=starts_on - timedelta(days=3),
    )
    html = html_of(client.get(public))
    assert 'data-testid="publicity-final"' in html and "名单为最终结果" in html
    assert other.applicant_name in html and submitted.applicant_name not in html
