"""Who may review whom, and who reviews next: conflict-of-interest rules and the
load-balancing choice of experts. Plain functions over plain data, so the rules are tested
without a request."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

MIN_NAME_MATCH = 4  # shorter employer names ("公司") would match everything


@dataclass(frozen=True)
class ExpertProfile:
    id: int
    employer: str
    city: str


@dataclass(frozen=True)
class Applicant:
    """The applicant as it applied (its frozen identity); ``other_names``: names it has had
    since (a confirmed rename), which an expert's employer must not match either."""

    enterprise_id: int
    name: str
    city: str
    other_names: tuple[str, ...] = ()


def _normalised(name: str) -> str:
    return "".join((name or "").split()).casefold()


def same_organisation(employer: str, enterprise_name: str) -> bool:
    """The expert works for the enterprise: equal names, or one contains the other (a
    branch, a group company)."""
    a, b = _normalised(employer), _normalised(enterprise_name)
    if len(a) < MIN_NAME_MATCH or len(b) < MIN_NAME_MATCH:
        return a == b and bool(a)
    return a in b or b in a


def conflicts(
    expert: ExpertProfile,
    applicant: Applicant,
    *,
    declared: set[tuple[int, int]],
    avoid_same_city: bool,
) -> list[str]:
    """Why this expert must not review this applicant (empty: no conflict)."""
    reasons = []
    if any(
        same_organisation(expert.employer, name) for name in (applicant.name, *applicant.other_names)
    ):
        reasons.append(str(_("专家的工作单位即申报企业")))
    if (expert.id, applicant.enterprise_id) in declared:
        reasons.append(str(_("专家已申报与该企业存在利益冲突")))
    if avoid_same_city and expert.city and expert.city == applicant.city:
        reasons.append(str(_("本批次要求回避同市专家")))
    return reasons


def pick_experts(
    needed: int,
    candidates: list[ExpertProfile],
    load: dict[int, int],
    *,
    excluded: set[int],
    applicant: Applicant,
    declared: set[tuple[int, int]],
    avoid_same_city: bool,
) -> list[ExpertProfile]:
    """The ``needed`` least-loaded eligible experts (ties by id, so a run is repeatable);
    ``load`` is updated in place so the next applicant sees these picks."""
    eligible = [
        e
        for e in candidates
        if e.id not in excluded
        and not conflicts(e, applicant, declared=declared, avoid_same_city=avoid_same_city)
    ]
    chosen = sorted(eligible, key=lambda e: (load.get(e.id, 0), e.id))[:needed]
    for expert in chosen:
        load[expert.id] = load.get(expert.id, 0) + 1
    return chosen
