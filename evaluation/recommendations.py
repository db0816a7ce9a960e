"""Which scenarios to implement next for a tier not yet reached, and why."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count
from django.utils.translation import gettext as _

from scenarios.frozen import per_published_version
from scenarios.models import TIER_ORDER, Scenario, Tier

from .models import AnswerStatus, ScenarioAnswer, State
from .tiers import IMPLEMENTED, TierOutcome

MIN_PEERS = 5


@dataclass(frozen=True)
class Recommendation:
    no: int
    name: str
    link: int
    reason: str


ADOPTION_CACHE_SECONDS = 600  # decisions are rare; a preview may lag one by minutes


def peer_adoption(tier: str) -> tuple[int, dict[int, int]]:
    """Among enterprises decided at this tier or above: how many, and how many implemented each
    scenario. Every preview asks, and the answer grows with the decided assessments of every
    batch, so it is cached."""
    return cache.get_or_set(
        f"recommendations:peer-adoption:{tier}",
        lambda: _peer_adoption(tier),
        ADOPTION_CACHE_SECONDS,
    )


def _peer_adoption(tier: str) -> tuple[int, dict[int, int]]:
    tiers = TIER_ORDER[TIER_ORDER.index(tier) :]
    decided = ScenarioAnswer.objects.filter(
        assessment__state=State.APPROVED, assessment__decided_tier__in=tiers
    )
    peers = decided.values("assessment__enterprise").distinct().count()
    counts = dict(
        decided.filter(status=AnswerStatus.IMPLEMENTED)
        .values_list("scenario__no")
        .annotate(n=Count("assessment__enterprise", distinct=True))
    )
    return peers, counts


@per_published_version
def _scenarios(catalog_version) -> list[Scenario]:
    """The version's scenarios with their links and dimensions, in catalog order."""
    return list(
        Scenario.objects.filter(version=catalog_version)
        .select_related("link__dimension")
        .order_by("no")
    )


def recommend(
    *, catalog_version, scenario_status: dict, outcome: TierOutcome, limit: int = 5
) -> dict[str, list[Recommendation]]:
    """For every failed tier: up to ``limit`` unimplemented scenarios in the dimensions it lacks.

    Ranked first by whether the scenario's link is still uncovered (when the tier
    lacks links there), then by how often enterprises decided at that tier
    implemented it (only with at least 5 such enterprises), then catalog order.
    """
    implemented = {int(no) for no, status in scenario_status.items() if status == IMPLEMENTED}
    scenarios = _scenarios(catalog_version)
    covered_links = {s.link.no for s in scenarios if s.no in implemented}
    result = {}
    for tier_result in outcome.tiers:
        if tier_result.passed:
            continue
        lacking = {}  # dimension → the gap kinds it has ("scenarios", "links")
        for gap in tier_result.gaps:
            if gap.code in ("scenarios", "links"):
                lacking.setdefault(gap.dimension, set()).add(gap.code)
        if not lacking:
            continue
        peers, adoption = peer_adoption(tier_result.tier)
        use_peers = peers >= MIN_PEERS
        tier_name = Tier(tier_result.tier).label

        def rank(s, lacking=lacking, adoption=adoption, use_peers=use_peers):
            opens_link = (
                "links" in lacking[s.link.dimension.code] and s.link.no not in covered_links
            )
            return (not opens_link, -(adoption.get(s.no, 0) if use_peers else 0), s.no)

        candidates = sorted(
            (s for s in scenarios if s.no not in implemented and s.link.dimension.code in lacking),
            key=rank,
        )[:limit]
        recommendations = []
        for s in candidates:
            reasons = []
            if "links" in lacking[s.link.dimension.code] and s.link.no not in covered_links:
                reasons.append(_("可覆盖尚未覆盖的“%(link)s”") % {"link": s.link.display_name})
            if use_peers:
                reasons.append(
                    _("已认定为%(tier)s及以上的 %(peers)d 家企业中有 %(n)d 家实施了该场景")
                    % {"tier": tier_name, "peers": peers, "n": adoption.get(s.no, 0)}
                )
            if not reasons:
                reasons.append(
                    _(
                        "补足“%(dim)s”的已实施场景数（同层级已认定企业不足 %(min)d 家，按目录顺序推荐）"
                    )
                    % {"dim": s.link.dimension.display_name, "min": MIN_PEERS}
                )
            recommendations.append(
                Recommendation(s.no, s.display_name, s.link.no, "；".join(reasons))
            )
        result[tier_result.tier] = recommendations
    return result
