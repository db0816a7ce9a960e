"""Which scenarios to implement next for a tier not yet reached, and why.

Three reasons rank the scenarios not yet implemented, in this order:

1. the tier's gap (``tiers``): a scenario that covers a link the tier still lacks comes first;
   every candidate lies in a dimension where the tier still needs implemented scenarios;
2. the enterprise's weak indicators: those in its peers' last quarter (``peers``; the band
   only), followed through the guide's own link→outcome statements (``LinkOutcome``) to the
   scenarios of the links that improve them;
3. what its peers did: among the submitted assessments of the batch whose applicants share its
   industry type and size (the frozen applicant) and whose answers are frozen (not returned),
   those that reached the tier, how many implemented each scenario. Counted only when both groups — the peers, and those of them
   that reached the tier — have at least ``MIN_PEERS`` members, so no single peer shows; and
   said in words ("多数", "部分"), never as a count.

The ranking and the reasons are pure functions (``rank``, ``weak_indicators``,
``peer_adoption``) over the catalog, the enterprise's values and the peers' frozen values;
``recommendations_for`` reads those from the database for the pages and the API.
"""

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from scenarios.frozen import per_published_version
from scenarios.models import TIER_ORDER, LinkOutcome, Scenario, Tier

from .models import EDITABLE_STATES, ScenarioAnswer
from .peers import MIN_PEERS, PeerStanding, peer_evaluations, peer_group
from .tiers import IMPLEMENTED, TierOutcome

SOURCES = {
    "tier_rules": gettext_lazy("层级规则"),
    "peer_benchmark": gettext_lazy("同行对比"),
    "guide": gettext_lazy("《指引》"),
    "peer_adoption": gettext_lazy("同类企业实践"),
    "catalog_order": gettext_lazy("目录顺序"),
}


@dataclass(frozen=True)
class Reason:
    kind: str  # gap, weak_indicator, guide, peer_adoption, catalog_order
    text: str
    source: str  # a key of SOURCES
    source_label: str


def _reason(kind: str, text: str, source: str) -> Reason:
    return Reason(kind, text, source, str(SOURCES[source]))


@dataclass(frozen=True)
class Recommendation:
    no: int
    name: str
    link: int
    reason: str  # the reasons in one sentence
    reasons: tuple[Reason, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class PeerAdoption:
    """How many peers reached the tier (at least ``MIN_PEERS``), and how many of them
    implemented each scenario."""

    reached: int
    counts: dict[int, int]

    def share_words(self, scenario_no: int) -> str:
        n = self.counts.get(scenario_no, 0)
        if 2 * n > self.reached:
            return pgettext("share of peers", "多数")
        return pgettext("share of peers", "部分") if n else ""


def weak_indicators(standings: list[PeerStanding]) -> dict[str, str]:
    """The indicators in the peers' last quarter: code → name."""
    return {s.code: s.name for s in standings if s.band == "bottom"}


def peer_adoption(*, peers: int, reached: int, counts: dict[int, int]) -> PeerAdoption | None:
    """What ``reached`` of the ``peers`` (those that reached the tier) implemented (``counts``:
    scenario no → how many of them); None unless both groups are at least ``MIN_PEERS``."""
    if peers < MIN_PEERS or reached < MIN_PEERS:
        return None
    return PeerAdoption(reached=reached, counts=counts)


def _lacking(tier_result) -> dict[str, set[str]]:
    """Dimension code → the gap kinds it has ("scenarios", "links")."""
    lacking: dict[str, set[str]] = {}
    for gap in tier_result.gaps:
        if gap.code in ("scenarios", "links"):
            lacking.setdefault(gap.dimension, set()).add(gap.code)
    return lacking


def tiers_to_recommend(outcome: TierOutcome) -> list[str]:
    """The tiers not reached that lack scenarios or links: those ``rank`` recommends for."""
    return [t.tier for t in outcome.tiers if not t.passed and _lacking(t)]


def _guide_reasons(scenario, outcomes, weak: dict[str, str]) -> list[Reason]:
    reasons = []
    for outcome in outcomes:
        if outcome.indicator_code not in weak:
            continue
        name = weak[outcome.indicator_code]
        reasons.append(
            _reason(
                "weak_indicator",
                _("您的%(indicator)s处于同行下四分位") % {"indicator": name},
                "peer_benchmark",
            )
        )
        text = _("《指引》%(link)s“%(words)s”") % {
            "link": scenario.link.display_name,
            "words": outcome.display_name,
        }
        if outcome.interpretation:
            text += _("（本系统解读为%(indicator)s）") % {"indicator": name}
        reasons.append(_reason("guide", text, "guide"))
    return reasons


def rank(
    *,
    scenarios: list,
    outcomes_by_link: dict[int, list],
    implemented: set[int],
    outcome: TierOutcome,
    weak: dict[str, str],
    adoption: dict[str, PeerAdoption | None],
    limit: int = 5,
) -> dict[str, list[Recommendation]]:
    """For every failed tier lacking scenarios or links: up to ``limit`` scenarios not yet
    implemented in the dimensions it lacks, ranked by the gap, the weak indicators and the
    peers (see the module's docstring), then catalog order; each with its reasons."""
    covered_links = {s.link.no for s in scenarios if s.no in implemented}
    result = {}
    for tier_result in outcome.tiers:
        lacking = _lacking(tier_result) if not tier_result.passed else {}
        if not lacking:
            continue
        tier_name = Tier(tier_result.tier).label
        peers = adoption.get(tier_result.tier)
        ranked = []
        for s in scenarios:
            if s.no in implemented or s.link.dimension.code not in lacking:
                continue
            opens_link = (
                "links" in lacking[s.link.dimension.code] and s.link.no not in covered_links
            )
            if opens_link:
                gap = _("可覆盖尚未覆盖的“%(link)s”") % {"link": s.link.display_name}
            else:
                gap = _("补足“%(dim)s”的已实施场景数") % {"dim": s.link.dimension.display_name}
            reasons = [_reason("gap", gap, "tier_rules")]
            guide = _guide_reasons(s, outcomes_by_link.get(s.link.no, []), weak)
            reasons += guide
            share = peers.share_words(s.no) if peers else ""
            if share:
                reasons.append(
                    _reason(
                        "peer_adoption",
                        _("同类型同规模已达%(tier)s的企业中%(share)s实施了该场景")
                        % {"tier": tier_name, "share": share},
                        "peer_adoption",
                    )
                )
            adopted = peers.counts.get(s.no, 0) if peers else 0
            key = (not opens_link, -len(guide), -adopted, s.no)
            ranked.append((key, s, reasons))
        ranked.sort(key=lambda item: item[0])
        recommendations = []
        for _key, s, reasons in ranked[:limit]:
            if len(reasons) == 1 and peers is None:
                reasons.append(
                    _reason(
                        "catalog_order",
                        _("同类型同规模已达该层级的企业不足 %(min)d 家，按目录顺序推荐")
                        % {"min": MIN_PEERS},
                        "catalog_order",
                    )
                )
            recommendations.append(
                Recommendation(
                    s.no,
                    s.display_name,
                    s.link.no,
                    pgettext("joins reasons", "；").join(r.text for r in reasons),
                    tuple(reasons),
                )
            )
        result[tier_result.tier] = recommendations
    return result


@per_published_version
def _scenarios(catalog_version) -> list[Scenario]:
    """The version's scenarios with their links and dimensions, in catalog order."""
    return list(
        Scenario.objects.filter(version=catalog_version)
        .select_related("link__dimension")
        .order_by("no")
    )


@per_published_version
def _outcomes_by_link(catalog_version) -> dict[int, list[LinkOutcome]]:
    """The version's link→outcome statements that name an indicator, by link number."""
    by_link: dict[int, list[LinkOutcome]] = {}
    for o in (
        LinkOutcome.objects.filter(version=catalog_version)
        .exclude(indicator_code="")
        .select_related("link")
        .order_by("no")
    ):
        by_link.setdefault(o.link.no, []).append(o)
    return by_link


def adoption_by_tier(assessment, tiers: list[str]) -> dict[str, PeerAdoption | None]:
    """``peer_adoption`` for each of ``tiers`` over the assessment's peers whose answers are
    frozen (submitted and not returned: their answers are the snapshot's), one query for the
    tiers they reached and one per tier for what they implemented."""
    frozen = peer_evaluations(assessment).exclude(assessment__state__in=EDITABLE_STATES)
    by_tier = dict(frozen.values_list("highest_tier").annotate(n=Count("pk")).order_by())
    peers = sum(by_tier.values())
    adoption = {}
    for tier in tiers:
        at_or_above = TIER_ORDER[TIER_ORDER.index(tier) :]
        reached = sum(by_tier.get(t, 0) for t in at_or_above)
        counts = {}
        if peers >= MIN_PEERS and reached >= MIN_PEERS:
            counts = dict(
                ScenarioAnswer.objects.filter(
                    assessment__evaluation__in=frozen.filter(highest_tier__in=at_or_above),
                    status=IMPLEMENTED,
                )
                .values_list("scenario__no")
                .annotate(n=Count("assessment_id", distinct=True))
                .order_by()
            )
        adoption[tier] = peer_adoption(peers=peers, reached=reached, counts=counts)
    return adoption


def recommendations_for(
    *,
    assessment,
    scenario_status: dict,
    outcome: TierOutcome,
    indicator_rows: list[dict],
    limit: int = 5,
    standings: list[PeerStanding] | None = None,
    adoption: dict[str, PeerAdoption | None] | None = None,
) -> dict[str, list[Recommendation]]:
    """``rank`` over what the database holds for ``assessment``: the catalog of its batch, its
    indicator rows (stored or live) banded against its peers, and its peers' frozen answers
    (``standings`` and ``adoption`` when the caller has read them, see ``peer_cache``)."""
    version = assessment.batch.catalog_version
    implemented = {int(no) for no, status in scenario_status.items() if status == IMPLEMENTED}
    if standings is None:
        group = peer_group(assessment=assessment, codes=[r["code"] for r in indicator_rows])
        standings = [group.standing(r) for r in indicator_rows]
    weak = weak_indicators(standings)
    failed = tiers_to_recommend(outcome)
    if adoption is None:
        adoption = adoption_by_tier(assessment, failed) if failed else {}
    return rank(
        scenarios=_scenarios(version),
        outcomes_by_link=_outcomes_by_link(version),
        implemented=implemented,
        outcome=outcome,
        weak=weak,
        adoption=adoption,
        limit=limit,
    )
