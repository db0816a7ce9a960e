"""Sections given to colleagues: the admin's page, tenant isolation, what a member and the
overview show (evaluation.sections, services.section_assign)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from evaluation import services
from evaluation.models import SectionAssignment
from portal.models import AuditLog, Notification

from .conftest import login

pytestmark = pytest.mark.django_db


def url(assessment, path=""):
    return f"/assessments/{assessment.pk}/{path}"


def test_the_admin_assigns_sections_and_the_member_sees_them_with_progress(
    client, assessment, admin_a, member_a
):
    login(client, admin_a)
    page = client.get(url(assessment, "assignments/")).content.decode()
    assert 'name="section-link:1"' in page and 'name="section-support"' in page
    r = client.post(
        url(assessment, "assignments/"),
        {"section-support": member_a.pk, "section-link:1": member_a.pk, "section-link:2": ""},
    )
    assert r.status_code == 302
    assert set(SectionAssignment.objects.values_list("section", "assignee")) == {
        ("support", member_a.pk),
        ("link:1", member_a.pk),
    }
    assert AuditLog.objects.filter(action="section.assign").count() == 2
    assert Notification.objects.filter(recipient=member_a, kind="section.assign").count() == 2
    client.logout()
    login(client, member_a)
    support = client.get(url(assessment, "support/")).content.decode()
    assert 'data-testid="assigned-to-me"' in support and "2/8" in support  # the fixture's 2
    overview = client.get(url(assessment)).content.decode()
    mine = overview[overview.index('data-testid="my-sections"') :]
    assert "支撑要素" in mine and "环节 1" in mine
    members = overview[overview.index('data-testid="members-progress"') :]
    assert 'data-testid="member-member_a"' in members
    # and the member may look, not assign
    page = client.get(url(assessment, "assignments/")).content.decode()
    assert "<select" not in page and "分配给我" in page
    assert client.post(url(assessment, "assignments/"), {"section-support": ""}).status_code == 403
    assert SectionAssignment.objects.count() == 2


def test_sections_go_only_to_the_enterprises_own_users(client, assessment, admin_a, admin_b):
    login(client, admin_a)
    r = client.post(url(assessment, "assignments/"), {"section-support": admin_b.pk})
    assert r.status_code == 422 and "只能分配给本企业的成员" in r.content.decode()
    with pytest.raises(ValidationError) as info:
        services.section_assign(
            assessment=assessment, actor=admin_a, section="support", assignee_id=admin_b.pk
        )
    assert "assignee" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.section_assign(
            assessment=assessment, actor=admin_a, section="link:99", assignee_id=admin_a.pk
        )
    assert "section" in info.value.message_dict
    with pytest.raises(PermissionDenied):  # another enterprise's admin, on A's assessment
        services.section_assign(
            assessment=assessment, actor=admin_b, section="support", assignee_id=admin_b.pk
        )
    assert not SectionAssignment.objects.exists()


def test_a_member_may_not_assign_nor_may_anyone_once_submitted(submitted, admin_a, member_a):
    with pytest.raises(PermissionDenied):
        services.section_assign(
            assessment=submitted, actor=member_a, section="support", assignee_id=member_a.pk
        )
    with pytest.raises(PermissionDenied):
        services.section_assign(
            assessment=submitted, actor=admin_a, section="support", assignee_id=member_a.pk
        )
    assert not SectionAssignment.objects.exists()


def test_the_overview_shows_who_changed_each_item_last(client, assessment, admin_a, member_a):
    services.scenario_answer_set(
        assessment=assessment, actor=member_a, scenario_no=9, data={"status": "planned"}
    )
    services.assessment_update(
        assessment=assessment, actor=admin_a, data={"base_inputs": {"avg_employees": "3"}}
    )
    login(client, admin_a)
    html = client.get(url(assessment)).content.decode()
    changes = html[html.index('data-testid="last-changes"') :]
    assert "场景 9" in changes and "member_a" in changes
    assert "指标数据“" in changes and "admin_a" in changes
    members = html[html.index('data-testid="members-progress"') :]
    assert 'data-testid="member-admin_a"' in members and 'data-testid="member-member_a"' in members
