"""The public list (公示名单) and the decision an applicant learns."""

from django.db.models import F, QuerySet

from evaluation.models import Assessment
from scenarios.models import Batch, Tier

from ..models import Decision
from .publicity import on_public_list


def published_batches() -> QuerySet[Batch]:
    return Batch.objects.filter(list_published_at__isnull=False).order_by("-year")


def public_list(batch: Batch) -> list[dict]:
    """The enterprises a published batch lists (``on_public_list``): name, city, tier and how
    long the recognition lasts, nothing else."""
    if batch.list_published_at is None:
        return []
    order = {t: i for i, t in enumerate(reversed(Tier.values))}
    rows = (
        on_public_list(batch)
        .only("decided_tier", "applicant_name", "applicant_city")
        .annotate(valid_until=F("decision__valid_until"))
    )
    shown = [
        {
            "enterprise": a.applicant_name,
            "city": a.get_applicant_city_display(),
            "city_code": a.applicant_city,
            "tier": a.decided_tier,
            "tier_display": Tier(a.decided_tier).label,
            "valid_until": a.valid_until,
        }
        for a in rows
    ]
    return sorted(shown, key=lambda r: (order.get(r["tier"], 9), r["city_code"], r["enterprise"]))


def decision_of(assessment: Assessment) -> Decision | None:
    return Decision.objects.filter(assessment=assessment).first()
