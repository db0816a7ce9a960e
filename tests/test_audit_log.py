"""The audit log: every change made in the admin site is recorded with its fields before and
after, the actions read in words in both languages, the page and its export share their
filters, and a replacement assigned after a conflict is the portal's act."""

import csv
import io
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation

from portal.admin import AuditedAdminMixin
from portal.audit import AUDIT_ACTION_LABELS, audit_action_label
from portal.models import AuditLog, City, Role
from portal.services import audit_log_record
from review import services as review_services
from review.models import ExpertAssignment
from scenarios import services as catalog_services
from scenarios.models import Batch, RubricCriterion, TierRule

from .conftest import login
from .factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"portal", "scenarios", "indicators", "evaluation", "review", "reports"}


# --- the admin site ---------------------------------------------------------------------------


class _FormReader(HTMLParser):
    """The values a browser would send for the admin's change form, as it is shown."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea, self._in_form = {}, None, None, False

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
        if not self._in_form or "disabled" in a:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(a["name"], a.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                self._add(a["name"], a.get("value", ""))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self._add(self._select, a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._add(self._textarea, "")

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def admin_form(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, url
    reader = _FormReader()
    reader.feed(response.content.decode())
    data = {k: v[0] if len(v) == 1 else v for k, v in reader.data.items()}
    data.pop("_continue", None)
    data.pop("_addanother", None)
    return data


def admin_save(client, url: str, **changes):
    data = admin_form(client, url) | {k: str(v) for k, v in changes.items()}
    response = client.post(url, data)
    assert response.status_code == 302, response.context and [
        response.context["adminform"].form.errors,
        *(f.formset.errors for f in response.context["inline_admin_formsets"]),
    ]


def entry_for(obj, action: str) -> AuditLog:
    return AuditLog.objects.get(
        action=action,
        target_type=ContentType.objects.get_for_model(obj),
        target_id=str(obj.pk),
    )


def test_every_admin_of_the_project_records_its_changes():
    """A ModelAdmin added later without the mixin fails here: no admin change escapes."""
    covered = [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PROJECT_APPS or model is Group
    ]
    assert len(covered) > 10
    unaudited = [
        model._meta.label
        for model, model_admin in covered
        if not isinstance(model_admin, AuditedAdminMixin) and model is not AuditLog
    ]
    assert unaudited == []


@pytest.fixture
def batch_with_rubric(open_batch):
    review_services.rubric_ensure(open_batch)
    return open_batch


def _change_url(obj) -> str:
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def test_admin_changes_are_recorded_with_before_and_after(
    client, batch_with_rubric, province_admin, member_a, enterprise_b
):
    """Tier rule, batch, its rubric (an inline) and an account, each changed in the admin
    site: each change is an entry with the province admin, the field before and after."""
    login(client, province_admin)
    rule = TierRule.objects.filter(batch=None).order_by("pk").first()
    criterion = batch_with_rubric.rubric.order_by("no").first()
    n = batch_with_rubric.reviewers_per_assessment
    cases = [
        (rule, {"min_indicators_improved": rule.min_indicators_improved + 1}, _change_url(rule)),
        (batch_with_rubric, {"reviewers_per_assessment": n + 1}, _change_url(batch_with_rubric)),
        (
            criterion,
            {"rubric-0-max_score": criterion.max_score + 5},
            _change_url(batch_with_rubric),
        ),
        (
            member_a,
            {"role": Role.ENTERPRISE_ADMIN, "enterprise": enterprise_b.pk},
            _change_url(member_a),
        ),
    ]
    for obj, changes, url in cases:
        before = {name.split("-")[-1]: getattr(obj, name.split("-")[-1]) for name in changes}
        admin_save(client, url, **changes)
        entry = entry_for(obj, "admin.change")
        assert entry.actor == province_admin
        assert entry.data["model"] == obj._meta.label_lower
        changed = entry.data["changed"]
        obj.refresh_from_db()
        for field, old in before.items():
            new = getattr(obj, field)
            assert old != new
            shown = [str(old), str(new)] if field == "enterprise" else [old, new]
            assert changed[field] == shown, (obj, changed)
    # the rubric's and the rule's entries carry their batch (the default rules have none)
    assert entry_for(criterion, "admin.change").data["batch"] == batch_with_rubric.pk
    assert "batch" not in entry_for(rule, "admin.change").data
    # the account's entry is about its (new) enterprise, whose filter finds it
    assert entry_for(member_a, "admin.change").enterprise == enterprise_b


def test_admin_additions_deletions_and_passwords_are_recorded(
    client, batch_with_rubric, province_admin, catalog
):
    login(client, province_admin)
    criterion = batch_with_rubric.rubric.order_by("no").first()
    admin_save(client, _change_url(batch_with_rubric), **{"rubric-0-DELETE": "on"})
    deleted = entry_for(criterion, "admin.delete")
    assert deleted.data["changed"]["name"] == [criterion.name, None]
    assert not RubricCriterion.objects.filter(pk=criterion.pk).exists()

    response = client.post(
        "/admin/portal/user/add/",
        {
            "username": "new_expert",
            "password1": "a-Strong-pass-2026",
            "password2": "a-Strong-pass-2026",
            "usable_password": "true",
            "role": Role.EXPERT,
            "employer": "南京大学",
        },
    )
    assert response.status_code == 302
    user = type(province_admin).objects.get(username="new_expert")
    added = entry_for(user, "admin.add")
    assert added.data["changed"]["role"] == [None, Role.EXPERT]
    assert added.data["changed"]["password"] == [None, "******"]  # never the hash

    response = client.post(
        f"/admin/portal/user/{user.pk}/password/",
        {"password1": "another-Pass-2027", "password2": "another-Pass-2027"},
    )
    assert response.status_code == 302
    assert entry_for(user, "admin.change").data["changed"] == {"password": ["******", "******"]}

    draft = catalog_services.catalog_version_clone(
        version=catalog, label="2026.9", actor=province_admin
    )
    scenario = draft.scenarios.order_by("no").first()
    admin_save(client, _change_url(scenario), name="新的场景名称")
    assert entry_for(scenario, "admin.change").data["changed"]["name"] == [
        scenario.name,
        "新的场景名称",
    ]

    client.post(f"/admin/portal/user/{user.pk}/delete/", {"post": "yes"})
    assert AuditLog.objects.filter(action="admin.delete", target_id=str(user.pk)).exists()


def test_an_admin_save_without_a_change_writes_nothing(client, default_rules, province_admin):
    login(client, province_admin)
    admin_save(client, _change_url(TierRule.objects.order_by("pk").first()))
    assert not AuditLog.objects.filter(action__startswith="admin.").exists()


# --- labels in words ---------------------------------------------------------------------------


def test_every_action_reads_in_words_in_both_languages():
    for code in AUDIT_ACTION_LABELS:
        with translation.override("zh-hans"):
            chinese = str(audit_action_label(code))
        with translation.override("en"):
            english = str(audit_action_label(code))
        assert chinese != code and english != code
        assert chinese != english, code  # an English translation exists
    with translation.override("zh-hans"):
        assert str(audit_action_label("review.decide")) == "作出认定决定"
    with translation.override("en"):
        assert str(audit_action_label("review.decide")) == "Approval decision"


def test_every_action_the_review_writes_has_a_label(under_review):
    written = set(AuditLog.objects.values_list("action", flat=True))
    assert {"assessment.submit", "review.recommend", "review.assign"} <= written
    assert written <= set(AUDIT_ACTION_LABELS)


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_page_and_the_export_show_labels_in_the_readers_language(
    client, province_admin, enterprise_a
):
    audit_log_record(
        actor=None, action="review.decide", enterprise=enterprise_a, summary="认定为车间级"
    )
    login(client, province_admin)
    page = client.get("/audit-log/").content.decode()
    assert "作出认定决定" in page and ">review.decide<" not in page and "系统" in page
    row = read_csv(client.get("/audit-log.csv"))[0]
    assert row["操作"] == "作出认定决定" and row["操作人"] == "系统"

    client.cookies["django_language"] = "en"
    page = client.get("/audit-log/").content.decode()
    assert "Approval decision" in page and "System" in page
    row = read_csv(client.get("/audit-log.csv"))[0]
    assert "Approval decision" in row.values() and "System" in row.values()


# --- filters, the page's and the export's -----------------------------------------------------


def forget_account_creations():
    """The fixtures' accounts are on the log too (the portal's own act): not what is tested."""
    AuditLog.objects.filter(action="user.create").delete()


@pytest.fixture
def entries(open_batch, catalog, province_admin, admin_a, enterprise_a, enterprise_b):
    """Entries that differ in one thing each, with what each filter must select."""
    forget_account_creations()
    other_batch = Batch.objects.create(
        year=open_batch.year - 1,
        name="往年批次",
        catalog_version=catalog,
        opens_at=open_batch.opens_at,
        closes_at=open_batch.closes_at,
    )
    made = {
        "by_admin_a": audit_log_record(
            actor=admin_a, action="enterprise.update", enterprise=enterprise_a, summary="e1"
        ),
        "by_province": audit_log_record(
            actor=province_admin, action="batch.settings", target=open_batch, summary="e2"
        ),
        "by_system": audit_log_record(
            actor=None, action="review.assign", enterprise=enterprise_b, summary="e3"
        ),
        "other_batch": audit_log_record(
            actor=province_admin,
            action="admin.change",
            summary="e4",
            data={"batch": other_batch.pk, "changed": {"weight": ["1", "2"]}},
        ),
    }
    old = timezone.now() - timedelta(days=40)
    AuditLog.objects.filter(pk=made["by_admin_a"].pk).update(created_at=old)
    return made, other_batch, old


def _shown_on_page(client, query: str) -> set[str]:
    response = client.get(f"/audit-log/?{query}")
    assert response.status_code == 200
    return {e.summary for e in response.context["page"]}


def _in_export(client, query: str) -> set[str]:
    return {row["摘要"] for row in read_csv(client.get(f"/audit-log.csv?{query}"))}


def test_each_filter_selects_the_same_entries_on_the_page_and_in_the_export(
    client, entries, province_admin, admin_a, enterprise_b, open_batch
):
    made, other_batch, old = entries
    login(client, province_admin)
    day = timezone.localdate()
    cases = {
        f"actor={admin_a.pk}": {"e1"},
        "actor=system": {"e3"},
        "action=batch.settings": {"e2"},
        f"enterprise={enterprise_b.pk}": {"e3"},
        f"batch={open_batch.pk}": {"e2"},
        f"batch={other_batch.pk}": {"e4"},
        f"date_from={day}": {"e2", "e3", "e4"},
        f"date_to={(old + timedelta(days=1)).date()}": {"e1"},
        f"actor={province_admin.pk}&date_from={day}": {"e2", "e4"},
        "": {"e1", "e2", "e3", "e4"},
    }
    for query, expected in cases.items():
        assert _shown_on_page(client, query) == expected, query
        assert _in_export(client, query) == expected, query


def test_the_page_links_its_export_with_its_filters(client, entries, province_admin):
    login(client, province_admin)
    page = client.get("/audit-log/?action=batch.settings&page=1").content.decode()
    assert 'href="/audit-log.csv?action=batch.settings"' in page


def test_a_bad_filter_is_named_not_a_500(client, entries, province_admin):
    login(client, province_admin)
    response = client.get("/audit-log/?date_from=2026-13-45&action=nonsense")
    assert response.status_code == 200
    assert set(response.context["filter"].errors) == {"date_from", "action"}
    export = client.get("/audit-log.csv?date_from=2026-13-45")
    assert export.status_code == 400
    assert "起始日期" in export.content.decode()


def test_an_enterprise_admin_filters_only_its_own_entries(client, entries, admin_a, enterprise_b):
    login(client, admin_a)
    assert _shown_on_page(client, "") == {"e1"}
    response = client.get(f"/audit-log/?enterprise={enterprise_b.pk}")
    assert "enterprise" in response.context["filter"].errors  # not a choice it has
    assert _in_export(client, "actor=system") == set()


# --- the automatic replacement ---------------------------------------------------------------


def test_a_replacement_after_a_conflict_is_the_systems_act(
    client, under_review, experts, province_admin
):
    forget_account_creations()
    spare = UserFactory(username="expert4", role=Role.EXPERT, employer="河海大学", city=City.WUXI)
    withdrawing = ExpertAssignment.objects.get(assessment=under_review, expert=experts[0])
    replacements = review_services.conflict_declare(
        assignment=withdrawing, actor=experts[0], reason="曾为其提供咨询"
    )
    assert [r.expert for r in replacements] == [spare]
    assert replacements[0].assigned_by is None
    conflict = AuditLog.objects.get(action="review.conflict")
    assert conflict.actor == experts[0]  # the withdrawal is the expert's own act
    assign = AuditLog.objects.filter(action="review.assign", data__expert=spare.pk).get()
    assert assign.actor is None  # the replacement is not
    assert assign.data["replaces"] == experts[0].pk

    login(client, province_admin)
    rows = read_csv(client.get("/audit-log.csv?actor=system"))
    assert [(r["操作人"], r["操作"]) for r in rows] == [("系统", "分配评审专家")]
    assert not AuditLog.objects.filter(action="review.assign", actor=experts[0]).exists()


def test_the_enterprises_filter_lists_only_what_the_user_may_see(client, admin_a, enterprise_a):
    EnterpriseFactory(name="别家企业")
    login(client, admin_a)
    choices = client.get("/audit-log/").context["filter"].form.fields["enterprise"].queryset
    assert list(choices) == [enterprise_a]
