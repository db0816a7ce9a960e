"""The public list (公示名单), the notifications page and badge, the notification emails, and
what the enterprise sees of the review on its overview page."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import Notification
from portal.tasks import send_notification_emails
from review import services as review_services

from .conftest import complete_review, login


def _decide(assessment, province_admin, outcome="approved", tier="workshop"):
    for assignment in assessment.assignments.all():
        complete_review(assignment, score=8)
    review_services.assessment_decide(
        assessment=assessment,
        actor=province_admin,
        outcome=outcome,
        tier=tier if outcome == "approved" else "",
        reason="场景建设成效显著，同意认定。",
        # rejecting what every expert recommends is flagged: it needs a justification
        justification="" if outcome == "approved" else "示范带动作用不足。",
    )
    assessment.refresh_from_db()
    return assessment


@pytest.fixture
def approved(under_review, province_admin):
    return _decide(under_review, province_admin)


def _recipients(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


# --- the public list ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_public_list_is_a_404_until_published(client, approved, province_admin, enterprise_a):
    batch = approved.batch
    url = f"/public/lists/{batch.pk}/"
    assert client.get(url).status_code == 404
    assert "目前没有已发布的公示名单" in client.get("/public/lists/").content.decode()

    review_services.batch_list_publish(batch=batch, actor=province_admin)
    batch.refresh_from_db()
    response = client.get(url)  # no login
    assert response.status_code == 200
    html = response.content.decode()
    row = html.split('data-testid="public-row"', 1)[1].split("</tr>", 1)[0]
    assert "甲企业" in row and "苏州市" in row and "智能车间" in row
    assert 'data-testid="tier-workshop"' in html
    assert batch.list_published_at.astimezone().strftime("%Y-%m-%d") in html
    assert enterprise_a.credit_code not in html
    assert "80.00" not in html and "expert1" not in html

    review_services.batch_list_publish(batch=batch, actor=province_admin, publish=False)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_list_index_names_each_published_batch(client, approved, province_admin):
    batch = approved.batch
    review_services.batch_list_publish(batch=batch, actor=province_admin)
    html = client.get("/public/lists/").content.decode()
    link = html.split(f'data-testid="public-list-{batch.pk}"', 1)[1].split("</a>", 1)[0]
    assert batch.name in link and "1 家企业" in link
    assert f'href="/public/lists/{batch.pk}/"' in html
    assert client.get("/public/lists/999999/").status_code == 404


@pytest.mark.django_db
def test_an_unapproved_enterprise_is_not_listed(client, under_review, province_admin):
    _decide(under_review, province_admin, outcome="rejected")
    batch = under_review.batch
    # Nothing approved: publishing is refused, and the batch stays unpublished.
    with pytest.raises(Exception):  # noqa: B017 - the service's ValidationError
        review_services.batch_list_publish(batch=batch, actor=province_admin)
    assert client.get(f"/public/lists/{batch.pk}/").status_code == 404


# --- notifications --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_step_notifies_the_right_users_only(
    city_reviewer_suzhou,
    city_reviewer_nanjing,
    admin_b,
    member_a,
    province_admin,
    approved,
    admin_a,
    experts,
):
    # The users exist before enterprise A submits (fixtures are set up in argument order).
    assert _recipients("assessment.submit") == {"city_sz"}
    assert _recipients("review.recommend") == {"admin_a", "member_a", "prov"}
    assert _recipients("review.assign") == {"expert1", "expert2", "expert3"}
    assert _recipients("review.decide") == {"admin_a", "member_a", "city_sz"}
    everyone = set(Notification.objects.values_list("recipient__username", flat=True))
    assert "city_nj" not in everyone and "admin_b" not in everyone
    decided = Notification.objects.get(kind="review.decide", recipient=admin_a)
    assert "认定" in decided.title and "智能车间" in decided.body
    assert decided.url == f"/assessments/{approved.pk}/"
    for n in Notification.objects.filter(recipient__in=[admin_a, member_a]):
        assert "expert" not in n.body and "expert" not in n.title


@pytest.mark.django_db
def test_a_return_notifies_the_enterprise_with_the_comment(
    submitted, admin_a, city_reviewer_suzhou, city_reviewer_nanjing
):
    review_services.assessment_return(
        assessment=submitted, actor=city_reviewer_suzhou, comment="请补充 MES 系统截图。"
    )
    assert _recipients("review.return") == {"admin_a"}
    n = Notification.objects.get(kind="review.return")
    assert "请补充 MES 系统截图。" in n.body


@pytest.mark.django_db
def test_the_page_lists_only_the_users_own_notifications(
    client, city_reviewer_suzhou, recommended, admin_a
):
    login(client, admin_a)
    response = client.get("/notifications/")
    assert response.status_code == 200
    html = response.content.decode()
    own = Notification.objects.get(recipient=admin_a, kind="review.recommend")
    assert f'data-testid="notification-{own.pk}"' in html and own.title in html
    assert "notification-unread" in html
    other = Notification.objects.get(recipient=city_reviewer_suzhou, kind="assessment.submit")
    assert f'data-testid="notification-{other.pk}"' not in html and other.title not in html
    assert "/notifications/" in client.get("/").content.decode()  # the bell


@pytest.mark.django_db
def test_notifications_are_paginated_newest_first(client, admin_a):
    from portal.services import notify

    for i in range(25):
        notify(recipients=[admin_a], kind="test", title=f"第{i:02d}条", body="正文\n第二行")
    login(client, admin_a)
    html = client.get("/notifications/").content.decode()
    assert "第24条" in html and "第05条" in html and "第04条" not in html
    assert html.index("第24条") < html.index("第23条")
    assert "正文<br>第二行" in html
    assert "第04条" in client.get("/notifications/?page=2").content.decode()


@pytest.mark.django_db
def test_marking_read(client, city_reviewer_suzhou, recommended, admin_a):
    own = Notification.objects.get(recipient=admin_a, kind="review.recommend")
    other = Notification.objects.get(recipient=city_reviewer_suzhou, kind="assessment.submit")
    login(client, admin_a)

    # Someone else's notification cannot be marked (nor shown to exist).
    assert client.post("/notifications/read/", {"id": other.pk}).status_code == 404
    assert client.post("/notifications/read/", {"id": "x"}).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None
    assert client.get("/notifications/read/").status_code == 405

    # One, opened: marked read and on to its link.
    response = client.post("/notifications/read/", {"id": own.pk})
    assert response.status_code == 302 and response["Location"] == own.url
    own.refresh_from_db()
    assert own.read_at is not None

    # An outside ``next`` is ignored.
    response = client.post("/notifications/read/", {"id": own.pk, "next": "https://example.org/"})
    assert response["Location"] == own.url


@pytest.mark.django_db
def test_mark_all_read_and_the_unread_badge(client, city_reviewer_suzhou, recommended, admin_a):
    from portal.services import notify

    notify(recipients=[admin_a], kind="test", title="另一条通知")
    login(client, admin_a)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()
    # the submission's receipt, the city's recommendation and this one
    assert re.search(r'data-testid="unread-count">3<', html)
    # the bell's name is its text, the unread count included, as a screen reader reads it
    assert re.search(
        r'<span class="visually-hidden">通知</span>\s*<span[^>]*><span data-testid="unread-count">3</span><span class="visually-hidden">条未读</span>',
        html,
    )
    counting = [q["sql"] for q in queries if "portal_notification" in q["sql"]]
    assert len(counting) == 1 and "COUNT" in counting[0].upper()

    response = client.post("/notifications/read/", {"next": "/notifications/"})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    assert not Notification.objects.filter(recipient=admin_a, read_at=None).exists()
    assert Notification.objects.filter(recipient=city_reviewer_suzhou, read_at=None).exists()
    html = client.get("/").content.decode()
    assert 'data-testid="notifications-bell"' in html and 'data-testid="unread-count"' not in html


@pytest.mark.django_db
def test_anonymous_users_have_no_notifications(client):
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post("/notifications/read/").status_code == 302
    html = client.get("/public/lists/").content.decode()
    assert 'data-testid="notifications-bell"' not in html and "公示名单" in html


@pytest.mark.django_db
def test_notification_emails_go_out_once(
    settings,
    eager_celery,
    django_capture_on_commit_callbacks,
    submitted,
    admin_a,
    member_a,
    city_reviewer_suzhou,
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_services.assessment_recommend(
            assessment=submitted, actor=city_reviewer_suzhou, comment=""
        )
    sent = {m.to[0] for m in mail.outbox}
    assert sent == {
        "admin_a@example.com",
        "member_a@example.com",
    }  # the province admin has no email
    assert all("已推荐" in m.subject for m in mail.outbox)
    notes = Notification.objects.filter(kind="review.recommend")
    emailed = notes.filter(emailed_at__isnull=False)
    assert set(emailed.values_list("recipient__username", flat=True)) == {"admin_a", "member_a"}

    assert send_notification_emails.delay([n.pk for n in notes]).get() == 0
    assert len(mail.outbox) == 2


# --- what the enterprise sees -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_enterprise_sees_the_return_comments(client, submitted, admin_a, city_reviewer_suzhou):
    review_services.assessment_return(
        assessment=submitted, actor=city_reviewer_suzhou, comment="请补充 MES 系统截图。"
    )
    login(client, admin_a)
    html = client.get(f"/assessments/{submitted.pk}/").content.decode()
    box = html.split('data-testid="return-comments"', 1)[1].split("</div>\n</div>", 1)[0]
    assert "退回意见" in box and "请补充 MES 系统截图。" in box
    assert submitted.recommendations.get().created_at.astimezone().strftime("%Y-%m-%d") in box
    assert "退回修改" in html  # the history entry


@pytest.mark.django_db
def test_the_enterprise_sees_the_decision_and_never_the_experts(
    client, approved, admin_a, province_admin, experts
):
    login(client, admin_a)
    html = client.get(f"/assessments/{approved.pk}/").content.decode()
    decision = html.split('data-testid="decision"', 1)[1].split('data-testid="progress"', 1)[0]
    assert "认定" in decision and "智能车间" in decision and "场景建设成效显著" in decision
    for e in experts:
        assert e.username not in html
    assert "分配评审专家" not in html and "评审专家提交评审" not in html
    assert "80.00" not in html and "80.0" not in html
    assert "作出认定决定" in html and "市级推荐至省级" in html

    login(client, province_admin)
    html = client.get(f"/assessments/{approved.pk}/").content.decode()
    assert "分配评审专家" in html and "评审专家提交评审" in html


# --- the navigation and the home pages -------------------------------------------------------------


@pytest.mark.django_db
def test_the_navigation_follows_the_role(
    client, admin_a, city_reviewer_suzhou, province_admin, expert
):
    def nav(user):
        login(client, user)
        return client.get("/").content.decode().split("</nav>", 1)[0]

    assert 'href="/review/"' not in nav(admin_a)
    assert 'href="/review/"' in nav(city_reviewer_suzhou)
    admin_nav = nav(province_admin)
    assert 'href="/review/"' in admin_nav and 'href="/review/batches/"' in admin_nav
    expert_nav = nav(expert)
    assert 'href="/review/assignments/"' in expert_nav and 'href="/review/"' not in expert_nav
    for user in (admin_a, city_reviewer_suzhou, province_admin, expert):
        assert 'href="/public/lists/"' in nav(user)


@pytest.mark.django_db
def test_the_review_counts_on_the_home_pages(
    client, submitted, city_reviewer_suzhou, city_reviewer_nanjing, province_admin
):
    login(client, city_reviewer_suzhou)
    html = client.get("/").content.decode()
    waiting = html.split('data-testid="city-waiting"', 1)[1]
    assert re.search(r'class="display-6">1<', waiting.split("</a>", 1)[0])
    assert 'href="/review/?state=awaiting" data-testid="city-waiting"' in html
    login(client, city_reviewer_nanjing)
    waiting = client.get("/").content.decode().split('data-testid="city-waiting"', 1)[1]
    assert re.search(r'class="display-6">0<', waiting.split("</a>", 1)[0])

    review_services.assessment_recommend(assessment=submitted, actor=city_reviewer_suzhou)
    login(client, province_admin)
    html = client.get("/").content.decode()
    row = html.split(f'data-testid="batch-{submitted.batch_id}"', 1)[1].split("</tr>", 1)[0]
    assert row.split('data-testid="awaiting-formal-check">', 1)[1].startswith("1<")
    assert row.split('data-testid="awaiting-experts">', 1)[1].startswith("0<")
    review_services.formal_check_pass(assessment=submitted, actor=province_admin)
    html = client.get("/").content.decode()
    row = html.split(f'data-testid="batch-{submitted.batch_id}"', 1)[1].split("</tr>", 1)[0]
    awaiting = row.split('data-testid="awaiting-experts">', 1)[1]
    assert awaiting.startswith("1<")
    assert f'href="/review/batches/{submitted.batch_id}/assignments/"' in row


# --- English -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_page_renders_in_chinese_and_english(client, approved, admin_a, province_admin):
    review_services.batch_list_publish(batch=approved.batch, actor=province_admin)
    urls = [
        "/public/lists/",
        f"/public/lists/{approved.batch_id}/",
        "/notifications/",
        f"/assessments/{approved.pk}/",
        "/",
    ]
    login(client, admin_a)
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (language, url)
            assert f'<html lang="{language}">' in response.content.decode()
    client.logout()
    client.cookies["django_language"] = "en"
    assert client.get(f"/public/lists/{approved.batch_id}/").status_code == 200
