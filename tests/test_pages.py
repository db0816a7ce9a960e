"""Catalog browser, API docs, admin catalog editing and seed_demo."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from evaluation.flag_selectors import reviewer_flags
from evaluation.models import Assessment, State
from evaluation.peers import peer_standings
from evaluation.selectors import assessment_results
from portal.models import Enterprise, User
from scenarios.models import Batch, CatalogVersion, Scenario
from scenarios.services import catalog_version_clone

from .conftest import login


@pytest.mark.django_db
def test_catalog_browser_shows_the_whole_catalog(client, catalog):
    html = client.get("/catalog/").content.decode()
    for text in (
        "生产全过程",
        "计划调度环节",
        "生产计划优化",
        "供应链风险预警与弹性管控",
        "工业IOT平台",
        "全员劳动生产率",
        "关键设备联网率",
        "起/20万工时",
    ):
        assert text in html
    assert html.count('data-testid="scenario-') == 45
    assert html.count('data-testid="indicator-') == 19


@pytest.mark.django_db
def test_catalog_browser_in_english(client, catalog):
    client.post("/i18n/setlang/", {"language": "en", "next": "/catalog/"})
    html = client.get("/catalog/").content.decode()
    assert "Production planning optimization" in html or "Production plan optimization" in html
    assert 'lang="en"' in html


@pytest.mark.django_db
def test_drafts_are_previewed_only_by_the_province_admin(client, catalog, province_admin, admin_a):
    catalog_version_clone(version=catalog, label="2025.1")
    assert client.get("/catalog/?version=2025.1").status_code == 404
    login(client, admin_a)
    assert client.get("/catalog/?version=2025.1").status_code == 404
    login(client, province_admin)
    response = client.get("/catalog/?version=2025.1")
    assert response.status_code == 200
    # choosing another version is sent with a button, not as soon as the select changes
    form = re.search(r'data-testid="version-form">(.*?)</form>', response.content.decode(), re.S)
    assert 'name="version"' in form[1] and 'type="submit"' in form[1]


@pytest.mark.django_db
def test_schema_and_docs_are_served_offline(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/api/v1/auth/token/", "/api/v1/catalog/", "/api/v1/enterprises/"):
        assert path in text
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn." not in docs and "unpkg" not in docs


@pytest.mark.django_db
def test_admin_refuses_to_change_a_frozen_version(client, catalog, province_admin):
    login(client, province_admin)
    scenario = Scenario.objects.get(version=catalog, no=1)
    url = f"/admin/scenarios/scenario/{scenario.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and "生产计划优化" in page.content.decode()
    client.post(url, {"no": 1, "name": "篡改", "link": scenario.link_id})
    assert Scenario.objects.get(pk=scenario.pk).name == "生产计划优化"


@pytest.mark.django_db
def test_admin_clones_edits_and_publishes(client, catalog, province_admin):
    login(client, province_admin)
    response = client.post(
        f"/admin/scenarios/catalogversion/{catalog.pk}/clone/", {"label": "2025.1"}
    )
    draft = CatalogVersion.objects.get(label="2025.1")
    assert response.status_code == 302 and draft.is_editable
    scenario = Scenario.objects.get(version=draft, no=1)
    response = client.post(
        f"/admin/scenarios/scenario/{scenario.pk}/change/",
        {
            "no": 1,
            "name": "生产计划优化（2025 修订）",
            "name_en": "",
            "description": scenario.description,
            "description_en": "",
            "link": scenario.link_id,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Scenario.objects.get(pk=scenario.pk).name == "生产计划优化（2025 修订）"
    export = client.get(f"/admin/scenarios/catalogversion/{draft.pk}/export/xlsx/")
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxml"
    )
    assert client.post(f"/admin/scenarios/catalogversion/{draft.pk}/publish/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"


@pytest.mark.django_db
def test_admin_is_closed_to_everyone_but_province_admins(
    client, catalog, admin_a, city_reviewer_suzhou, expert
):
    for user in (admin_a, city_reviewer_suzhou, expert):
        login(client, user)
        assert client.get("/admin/").status_code == 302
        assert (
            client.get(f"/admin/scenarios/catalogversion/{catalog.pk}/export/json/").status_code
            == 302
        )


@pytest.mark.slow
@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    call_command("seed_demo", verbosity=0)
    counts = (
        User.objects.count(),
        Enterprise.objects.count(),
        Batch.objects.count(),
        Scenario.objects.count(),
    )
    call_command("seed_demo", verbosity=0)
    assert counts == (
        User.objects.count(),
        Enterprise.objects.count(),
        Batch.objects.count(),
        Scenario.objects.count(),
    )
    # 10 accounts and 2 enterprises, 36 peers, one enterprise registered by itself (ent_new)
    assert counts[0] == 11 + 36 and counts[1] == 3 + 36 and counts[2] == 4 and counts[3] == 45
    from portal.models import EnterpriseRegistration

    statuses = EnterpriseRegistration.objects.values_list("status", flat=True)
    assert sorted(statuses) == ["join_pending", "pending"]
    assert User.objects.get(username="ent_new").enterprise.registration_status == "pending"
    ent_a = User.objects.get(username="ent_a")
    assert ent_a.check_password("demo-pass-2026") and ent_a.is_enterprise_admin
    assert User.objects.get(username="city_a").city == ent_a.enterprise.city
    assert User.objects.get(username="district_a").district == ent_a.enterprise.district
    assert User.objects.get(username="province_admin").is_staff
    assert Batch.objects.open_now().count() == 1
    assert User.objects.get(username="ent_b").enterprise.city != ent_a.enterprise.city
    # the other applicants: submitted and evaluated, some recommended by ent_a's city, and
    # enough of ent_a's kind for peer benchmarking
    main = Batch.objects.open_now().get()
    others = (
        Assessment.objects.filter(batch=main)
        .exclude(enterprise=ent_a.enterprise)
        .exclude(enterprise__name=User.objects.get(username="ent_b").enterprise.name)
    )
    assert others.count() == 30
    assert not others.filter(state=State.DRAFT).exists()
    assert not others.filter(evaluation=None).exists()
    assert others.filter(
        state=State.CITY_RECOMMENDED, enterprise__city=ent_a.enterprise.city
    ).exists()
    _assert_later_stages(ent_a)
    own = Assessment.objects.get(enterprise=ent_a.enterprise, batch__in=Batch.objects.open_now())
    # ent_a's application of the year before, decided: this year's draft was started from it
    last = Assessment.objects.get(enterprise=ent_a.enterprise, state=State.APPROVED)
    assert last.batch.year == own.batch.year - 1 and last.current_year == own.base_year
    assert own.carry_over.source == last and own.carry_over.report["scenarios"]["copied"]
    assert own.base_inputs == {**own.base_inputs, **last.current_inputs}
    results = assessment_results(own)
    standings = peer_standings(assessment=own, rows=results.indicators)
    assert sum(s.comparable for s in standings) >= 10
    # its first recommendation says every kind of reason: the tier's gap, a weak indicator
    # through the guide's link, and what peers that reached the tier implemented
    first = next(iter(results.recommendations.values()))[0]
    assert {r.kind for r in first.reasons} == {"gap", "weak_indicator", "guide", "peer_adoption"}
    # the demo officials sign in with the authenticator key the README publishes; the demo's
    # command prints its current code (and refuses any other account)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert set(TOTPDevice.objects.values_list("user__username", flat=True)) == {
        "city_a",
        "district_a",
        "expert1",
        "expert2",
        "expert3",
        "province_admin",
        "province_admin2",
    }
    out = io.StringIO()
    call_command("demo_code", "city_a", stdout=out, stderr=io.StringIO())
    assert TOTPDevice.objects.get(user__username="city_a").verify_token(out.getvalue().strip())
    with pytest.raises(CommandError):
        call_command("demo_code", "ent_a")


def _assert_later_stages(ent_a):
    """The batch with the district step: ``district_a`` has two submissions waiting (its
    deadline passed) and one it recommended waiting for ``city_a``; one application awaits the
    report of the site visit ``expert1`` and ``expert2`` were sent on. In the second batch with
    the district step, two wait for their experts in its preference phase."""
    from review import rules
    from review.deadlines import is_past
    from review.models import SiteVisit

    batch, second = Batch.objects.filter(requires_district_step=True).order_by("pk")
    assert not batch.is_open and is_past(batch.district_deadline)
    assert not is_past(batch.city_deadline) and not is_past(batch.decision_deadline)
    states = sorted(batch.assessments.values_list("state", "applicant_district_code"))
    district = ent_a.enterprise.district_id
    assert states == sorted(
        [
            (State.SUBMITTED, district),
            (State.SUBMITTED, district),
            (State.DISTRICT_RECOMMENDED, district),
            (State.UNDER_REVIEW, district),
        ]
    )
    waiting = [(State.FORMALLY_CHECKED, district)] * 2
    assert list(second.assessments.values_list("state", "applicant_district_code")) == waiting
    # the preference phase is open on the two waiting for their experts, some marks made
    from review.models import ExpertPreference
    from review.preferences import open_phases

    assert list(open_phases().values_list("batch", flat=True)) == [second.pk]
    assert ExpertPreference.objects.filter(assessment__batch=second).count() == 3
    assert batch.discussion.ends_on > timezone.localdate()  # the first batch in discussion
    visit = SiteVisit.objects.get(assessment__batch=batch)
    flags = reviewer_flags(visit.assessment, visit.assessment.evaluation)
    assert {f.code for f in flags} >= {"sales_staff_vs_employees", "sales_vs_output"}
    assert not visit.is_submitted and rules.reviews_complete(visit.assessment)
    assert rules.site_visit_pending(visit.assessment)
    assert rules.can_record_visit(User.objects.get(username="expert1"), visit)
    recommended = batch.assessments.get(state=State.DISTRICT_RECOMMENDED)
    assert rules.can_recommend(User.objects.get(username="city_a"), recommended)


@pytest.mark.django_db
def test_openapi_schema_validates_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


@pytest.mark.django_db
def test_default_tier_rules_are_named_as_defaults_in_the_admin(
    client, province_admin, default_rules
):
    login(client, province_admin)
    html = client.get("/admin/scenarios/tierrule/").content.decode()
    assert html.count("默认规则") >= 3


@pytest.mark.django_db
def test_tier_rules_page_shows_defaults_and_each_batchs_own_rules(client, open_batch, catalog):
    from scenarios.models import Batch, TierRequirement, TierRule

    own = Batch.objects.create(
        year=open_batch.year + 1,
        name="自定规则批次",
        catalog_version=catalog,
        opens_at=open_batch.opens_at,
        closes_at=open_batch.closes_at,
    )
    rule = TierRule.objects.create(batch=own, tier="workshop", min_support_elements=4)
    TierRequirement.objects.create(
        rule=rule, dimension_code="production", min_scenarios=9, min_links=5
    )
    html = client.get("/rules/").content.decode()
    default = html.split('data-testid="rules-default"')[1].split('data-testid="rules-batch')[0]
    assert "智能车间" in default and "智能工厂" in default and "标杆企业" in default
    assert "生产全过程：至少 6 个场景，覆盖至少 3 个环节" in default
    batch_card = html.split(f'data-testid="rules-batch-{open_batch.pk}"')[1]
    assert "采用默认规则" in batch_card.split('data-testid="rules-batch')[0]
    own_card = html.split(f'data-testid="rules-batch-{own.pk}"')[1].split(
        'data-testid="rules-batch'
    )[0]
    assert "本批次规则" in own_card and "至少 9 个场景，覆盖至少 5 个环节" in own_card
    assert "至少 4 项" in own_card and "智能工厂" not in own_card


def test_no_web_page_shares_its_url_name_with_an_api_route():
    """reverse() picks one of two equal names; a web link must never land on the API."""
    from django.urls import get_resolver

    def names(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                yield from names(p.url_patterns, prefix + str(p.pattern))
            elif p.name:
                yield p.name, prefix + str(p.pattern)

    routes = {}
    for name, route in names(get_resolver().url_patterns):
        routes.setdefault(name, set()).add(route.startswith("api/"))
    shadowed = sorted(name for name, kinds in routes.items() if kinds == {True, False})
    assert shadowed == []
