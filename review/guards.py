"""Decisions against the facts: a tier above the one the indicator engine computed, or a
decision against most of the experts' recommendations (a strict majority of them recommended
less — a lower tier or no approval — or more). Such a decision needs a written justification
and is kept flagged, with these reasons.

Plain functions over the tiers (no queries): a flag is a dict ``{"code": …, params}`` stored
with the decision, worded here in the reader's language."""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from scenarios.models import TIER_ORDER, Tier

ABOVE_COMPUTED = "above_computed_tier"
EXPERTS_REJECT = "experts_reject"  # approved, most experts recommended no approval
EXPERTS_LOWER = "experts_lower"  # approved, most experts recommended a lower tier
EXPERTS_HIGHER = "experts_higher"  # approved, most experts recommended a higher tier
EXPERTS_APPROVE = "experts_approve"  # rejected, most experts recommended a tier


def tier_rank(tier: str | None) -> int:
    """0 for no tier (not reached, not recommended, rejected), then 1, 2, 3 from 智能车间."""
    return TIER_ORDER.index(tier) + 1 if tier in Tier.values else 0


def decision_flags(
    *, approved: bool, tier: str, computed_tier: str | None, recommended: Sequence[str]
) -> list[dict]:
    """Why a decision needs a justification (empty when it needs none). ``computed_tier``:
    blank when the evaluation reaches no tier, None when there is no evaluation yet (nothing
    to compare with); ``recommended``: the tier each submitted review recommends (``none``
    for no approval)."""
    flags = []
    decided = tier_rank(tier) if approved else 0
    if approved and computed_tier is not None and decided > tier_rank(computed_tier):
        flags.append({"code": ABOVE_COMPUTED, "tier": tier, "computed_tier": computed_tier or ""})
    total = len(recommended)
    ranks = [tier_rank(t) for t in recommended]
    majority = total // 2 + 1
    rejecting = sum(r == 0 for r in ranks)
    lower = sum(r < decided for r in ranks)
    higher = sum(r > decided for r in ranks)
    counts = {"total": total, "tier": tier if approved else ""}
    if approved and rejecting >= majority:
        flags.append({"code": EXPERTS_REJECT, "count": rejecting, **counts})
    elif approved and lower >= majority:
        flags.append({"code": EXPERTS_LOWER, "count": lower, **counts})
    elif approved and higher >= majority:
        flags.append({"code": EXPERTS_HIGHER, "count": higher, **counts})
    elif not approved and higher >= majority:
        flags.append({"code": EXPERTS_APPROVE, "count": higher, **counts})
    return flags


def _tier_name(tier: str) -> str:
    return str(Tier(tier).label) if tier in Tier.values else _("未达到")


def flag_text(flag: dict) -> str:
    """One flag in words, e.g. 认定层级“标杆企业”高于系统计算层级“未达到”。"""
    code = flag.get("code")
    params = {
        "tier": _tier_name(flag.get("tier", "")),
        "computed": _tier_name(flag.get("computed_tier", "")),
        "count": flag.get("count", 0),
        "total": flag.get("total", 0),
    }
    texts = {
        ABOVE_COMPUTED: _("认定层级“%(tier)s”高于系统计算层级“%(computed)s”。"),
        EXPERTS_REJECT: _("%(total)s 位专家中有 %(count)s 位建议不予认定。"),
        EXPERTS_LOWER: _("%(total)s 位专家中有 %(count)s 位建议的层级低于“%(tier)s”。"),
        EXPERTS_HIGHER: _("%(total)s 位专家中有 %(count)s 位建议的层级高于“%(tier)s”。"),
        EXPERTS_APPROVE: _("%(total)s 位专家中有 %(count)s 位建议予以认定。"),
    }
    return texts[code] % params if code in texts else str(code)


def flag_texts(flags) -> list[str]:
    return [flag_text(f) for f in flags or []]
