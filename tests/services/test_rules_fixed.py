"""A batch's tier rules are fixed at its first submission: editing the defaults afterwards
leaves the batch, its evaluations and tiers unchanged; a batch without submissions still
follows the defaults. The batch's catalog version is kept as well."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from evaluation import services
from evaluation.batch import batch_recompute
from evaluation.models import Evaluation
from evaluation.tiers import rules_for_batch
from portal.models import AuditLog
from scenarios import services as scenario_services
from scenarios.models import (
    Batch,
    CatalogLocked,
    RulesFixed,
    TierRequirement,
    TierRule,
)
from scenarios.services import batch_rules_fix, catalog_version_clone, catalog_version_publish

from ..conftest import draft_assessment
from .conftest import DECLARED


def other_batch(batch, name="另一批次") -> Batch:
    return Batch.objects.create(
        year=batch.year + 1,
        name=name,
        catalog_version=batch.catalog_version,
        opens_at=batch.opens_at,
        closes_at=batch.closes_at,
    )


def rules_of(batch) -> list:
    return [
        (
            r.tier,
            r.min_support_elements,
            r.support_categories,
            r.min_indicators_improved,
            sorted(r.requirements.values_list("dimension_code", "min_scenarios", "min_links")),
        )
        for r in TierRule.objects.filter(batch=batch).order_by("tier")
    ]


def tighten_the_default_workshop_rule() -> None:
    """The workshop tier asks for more than enterprise A has: 5 support elements."""
    rule = TierRule.objects.get(batch=None, tier="workshop")
    rule.min_support_elements = 5
    rule.save()
    requirement = rule.requirements.first()
    requirement.min_scenarios += 1
    requirement.save()


@pytest.mark.django_db
def test_a_batch_without_submissions_follows_the_defaults(open_batch, assessment):
    assert open_batch.rules_fixed_at is None and not TierRule.objects.filter(batch=open_batch)
    assert services.evaluation_refresh(assessment=assessment).highest_tier == "workshop"
    tighten_the_default_workshop_rule()
    assert rules_for_batch(open_batch).is_default
    evaluation = services.evaluation_refresh(assessment=assessment)
    assert evaluation.highest_tier == "" and evaluation.rules_source == "default"


@pytest.mark.django_db
def test_the_first_submission_copies_the_defaults_into_the_batch(submitted, admin_a):
    batch = Batch.objects.get(pk=submitted.batch_id)
    assert batch.rules_fixed_at is not None
    assert rules_of(batch) == rules_of(None) and len(rules_of(batch)) == 3
    rules = rules_for_batch(batch)
    assert not rules.is_default and [t.tier for t in rules.tiers] == [
        "workshop",
        "factory",
        "benchmark",
    ]
    entry = AuditLog.objects.get(action="batch.rules_fix")
    assert entry.actor == admin_a and entry.target_id == str(batch.pk)
    assert entry.data["source"] == "default" and len(entry.data["rules"]) == 3
    assert Evaluation.objects.get(assessment=submitted).rules_source == "batch"
    # each copied row has its history, as a row saved one by one has
    for copies in (
        TierRule.objects.filter(batch=batch),
        TierRequirement.objects.filter(rule__batch=batch),
    ):
        created = copies.model.history.filter(history_type="+", id__in=copies.values("pk"))
        assert copies.count() > 0 and created.count() == copies.count()


@pytest.mark.django_db
def test_editing_the_defaults_leaves_a_batch_with_submissions_unchanged(
    submitted, admin_b, enterprise_b
):
    batch = submitted.batch
    before = Evaluation.objects.get(assessment=submitted)
    assert before.highest_tier == "workshop"
    waiting = other_batch(batch)  # no submission: follows the defaults
    draft = draft_assessment(enterprise_b, waiting, admin_b)
    assert services.evaluation_refresh(assessment=draft).highest_tier == "workshop"

    tighten_the_default_workshop_rule()

    services.evaluation_refresh(assessment=submitted)
    batch_recompute(batch=batch)
    after = Evaluation.objects.get(assessment=submitted)
    assert after.highest_tier == "workshop"
    assert after.tier_result == before.tier_result
    assert rules_of(batch) != rules_of(None)
    assert services.evaluation_refresh(assessment=draft).highest_tier == ""


@pytest.mark.django_db
def test_fixing_is_idempotent_and_keeps_a_batchs_own_rules(open_batch, province_admin):
    own = other_batch(open_batch, "自定规则批次")
    rule = TierRule.objects.create(batch=own, tier="workshop", min_support_elements=1)
    TierRequirement.objects.create(
        rule=rule, dimension_code="production", min_scenarios=2, min_links=1
    )
    expected = rules_of(own)
    assert batch_rules_fix(batch=own, actor=province_admin) is True
    assert batch_rules_fix(batch=own, actor=province_admin) is False
    assert rules_of(own) == expected  # its own rules, nothing copied
    assert AuditLog.objects.get(action="batch.rules_fix").data["source"] == "batch"
    assert batch_rules_fix(batch=open_batch) is True
    assert batch_rules_fix(batch=open_batch) is False
    assert TierRule.objects.filter(batch=open_batch).count() == 3
    assert AuditLog.objects.filter(action="batch.rules_fix").count() == 2


@pytest.mark.django_db
def test_a_second_submission_copies_nothing_more(submitted, enterprise_b, admin_b):
    second = draft_assessment(enterprise_b, submitted.batch, admin_b)
    services.assessment_submit(assessment=second, actor=admin_b, declarations=DECLARED)
    assert TierRule.objects.filter(batch=submitted.batch).count() == 3
    assert AuditLog.objects.filter(action="batch.rules_fix").count() == 1


@pytest.mark.django_db
def test_a_fixed_batchs_rules_refuse_every_change(submitted):
    batch = submitted.batch
    before = rules_of(batch)
    rule = TierRule.objects.get(batch=batch, tier="workshop")
    rule.min_support_elements = 0
    with pytest.raises(RulesFixed, match="自首次提交申报起已固定"):
        rule.save()
    with pytest.raises(RulesFixed):
        TierRule.objects.get(batch=batch, tier="factory").delete()
    with pytest.raises(ValidationError) as exc:
        rule.full_clean()
    assert "自首次提交申报起已固定" in str(exc.value)
    requirement = TierRequirement.objects.filter(rule__batch=batch).first()
    requirement.min_scenarios = 0
    with pytest.raises(RulesFixed):
        requirement.save()
    with pytest.raises(RulesFixed):
        requirement.delete()
    with pytest.raises(RulesFixed):
        TierRequirement.objects.create(
            rule=rule, dimension_code="supply_chain", min_scenarios=1, min_links=1
        )
    with pytest.raises(RulesFixed):
        TierRule.objects.create(batch=batch, tier="benchmark")  # refused before the insert
    default = TierRule.objects.get(batch=None, tier="benchmark")
    default.batch = batch  # moved into the fixed batch
    with pytest.raises(RulesFixed):
        default.save()
    assert rules_of(batch) == before
    default.batch = None
    default.min_support_elements = 9
    default.save()  # the defaults stay editable
    assert TierRule.objects.get(batch=None, tier="benchmark").min_support_elements == 9


@pytest.mark.django_db
def test_a_fixed_batch_keeps_its_catalog_version(submitted, province_admin):
    batch = Batch.objects.get(pk=submitted.batch_id)
    draft = catalog_version_clone(version=batch.catalog_version, label="2026.1")
    newer = catalog_version_publish(version=draft, actor=province_admin)
    batch.catalog_version = newer
    with pytest.raises(ValidationError) as exc:
        batch.full_clean()
    assert "catalog_version" in exc.value.message_dict
    with pytest.raises(CatalogLocked):
        batch.save()
    # the pinned version itself is frozen too
    with pytest.raises(CatalogLocked):
        Batch.objects.get(pk=batch.pk).catalog_version.assert_editable()
    waiting = other_batch(batch)
    waiting.catalog_version = newer
    waiting.full_clean()
    waiting.save()  # a batch without submissions may still move to a newer version


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_submissions_copy_the_defaults_once(catalog, default_rules, monkeypatch):
    now = timezone.now()
    batch = Batch.objects.create(
        year=now.year,
        name="并发批次",
        catalog_version=catalog,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
    )
    copying, results, errors = threading.Event(), [], []
    copy = scenario_services._rules_copy

    def slow_copy(rules, into):
        copying.set()  # the first caller holds the batch's lock from here
        time.sleep(0.3)
        copy(rules, into)

    def fix(wait_for_the_other: bool):
        try:
            if wait_for_the_other:
                copying.wait(5)
            with transaction.atomic():
                results.append(batch_rules_fix(batch=Batch.objects.get(pk=batch.pk)))
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connection.close()

    monkeypatch.setattr(scenario_services, "_rules_copy", slow_copy)
    threads = [threading.Thread(target=fix, args=(w,)) for w in (False, True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not errors and sorted(results) == [False, True]
    assert TierRule.objects.filter(batch=batch).count() == 3
    assert AuditLog.objects.filter(action="batch.rules_fix").count() == 1
