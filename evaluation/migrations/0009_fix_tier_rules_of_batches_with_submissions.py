"""Batches that already had submissions when batch tier rules became fixed at the first
submission: fix their rules now, the defaults copied into those without rules of their own
(as ``scenarios.services.batch_rules_fix`` does at a first submission)."""

from django.db import migrations
from django.utils import timezone


def fix_rules(apps, schema_editor):
    Assessment = apps.get_model("evaluation", "Assessment")
    Batch = apps.get_model("scenarios", "Batch")
    TierRule = apps.get_model("scenarios", "TierRule")
    TierRequirement = apps.get_model("scenarios", "TierRequirement")
    used = Assessment.objects.filter(submitted_at__isnull=False).values("batch_id")
    defaults = list(TierRule.objects.filter(batch=None).prefetch_related("requirements"))
    for batch in Batch.objects.filter(pk__in=used, rules_fixed_at=None):
        if not TierRule.objects.filter(batch=batch).exists():
            for rule in defaults:
                copy = TierRule.objects.create(
                    batch=batch,
                    tier=rule.tier,
                    min_support_elements=rule.min_support_elements,
                    support_categories=rule.support_categories,
                    min_indicators_improved=rule.min_indicators_improved,
                )
                TierRequirement.objects.bulk_create(
                    TierRequirement(
                        rule=copy,
                        dimension_code=q.dimension_code,
                        min_scenarios=q.min_scenarios,
                        min_links=q.min_links,
                    )
                    for q in rule.requirements.all()
                )
        batch.rules_fixed_at = timezone.now()
        batch.save(update_fields=["rules_fixed_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0008_assessment_applicant_identity"),
        ("scenarios", "0004_batch_rules_fixed_at"),
    ]

    operations = [migrations.RunPython(fix_rules, migrations.RunPython.noop)]
