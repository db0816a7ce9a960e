"""Who may review whom, and who reviews next: conflict-of-interest rules and the
load-balancing choice of experts. Plain functions over plain data, so the rules are tested
without a request."""

from collections import deque
from collections.abc import Callable, Hashable
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
        same_organisation(expert.employer, name)
        for name in (applicant.name, *applicant.other_names)
    ):
        reasons.append(str(_("专家的工作单位即申报企业")))
    if (expert.id, applicant.enterprise_id) in declared:
        reasons.append(str(_("专家已申报与该企业存在利益冲突")))
    if avoid_same_city and expert.city and expert.city == applicant.city:
        reasons.append(str(_("本批次要求回避同市专家")))
    return reasons


def eligible_experts(
    candidates: list[ExpertProfile],
    *,
    excluded: set[int],
    applicant: Applicant,
    declared: set[tuple[int, int]],
    avoid_same_city: bool,
) -> list[ExpertProfile]:
    """The candidates not excluded (already assigned) and without a conflict of interest."""
    return [
        e
        for e in candidates
        if e.id not in excluded
        and not conflicts(e, applicant, declared=declared, avoid_same_city=avoid_same_city)
    ]


def pick_experts(
    needed: int,
    candidates: list[ExpertProfile],
    load: dict[int, int],
    *,
    excluded: set[int],
    applicant: Applicant,
    declared: set[tuple[int, int]],
    avoid_same_city: bool,
    cost: dict[int, int] | None = None,
) -> list[ExpertProfile]:
    """The ``needed`` least-loaded eligible experts (ties by the expert's ``cost`` for this
    applicant, then by id, so a run is repeatable); ``load`` is updated in place so the next
    applicant sees these picks."""
    eligible = eligible_experts(
        candidates,
        excluded=excluded,
        applicant=applicant,
        declared=declared,
        avoid_same_city=avoid_same_city,
    )
    cost = cost or {}
    chosen = sorted(eligible, key=lambda e: (load.get(e.id, 0), cost.get(e.id, 1), e.id))[:needed]
    for expert in chosen:
        load[expert.id] = load.get(expert.id, 0) + 1
    return chosen


def balance_picks(
    picks: dict[Hashable, list[int]],
    eligible: dict[Hashable, set[int]],
    load: dict[int, int],
) -> None:
    """Even out a run's picks (applicant → expert ids) in place, ``load`` with them.

    Picking the least-loaded experts applicant by applicant can end uneven once conflicts
    narrow the choice (3/3/2/1 reviews where 3/2/2/2 was possible): an early applicant took
    an expert only a later one could not do without. So while some expert has at least two
    reviews more than another who could take one over — directly, or along a chain of
    reviews each handed to an expert eligible for that applicant — one review moves down the
    chain. When no such chain is left, the loads are as even as the conflicts allow (within
    one review whenever that is possible). Each applicant keeps its number of reviewers, and
    never gets the same expert twice; ``eligible`` holds, per applicant, the experts it may
    have (not conflicted, not already assigned to it).
    """
    while True:
        for source in sorted(load, key=lambda e: (-load[e], e)):
            chain = _chain_down(source, picks, eligible, load)
            if chain:
                break
        else:
            return
        for key, giver, taker in chain:
            picks[key][picks[key].index(giver)] = taker
        load[chain[0][1]] -= 1
        load[chain[-1][2]] = load.get(chain[-1][2], 0) + 1


def _chain_down(source: int, picks, eligible, load) -> list[tuple]:
    """The shortest chain of hand-overs (applicant, from, to) taking one review of
    ``source`` to an expert with at least two fewer (the least loaded such), or []."""
    holds: dict[int, list] = {}
    for key in sorted(picks):
        for expert in picks[key]:
            holds.setdefault(expert, []).append(key)
    came_from = {source: None}
    queue, found = deque([source]), []
    while queue:
        expert = queue.popleft()
        for key in holds.get(expert, ()):
            for other in sorted(eligible[key] - set(picks[key])):
                if other in came_from:
                    continue
                came_from[other] = (key, expert)
                queue.append(other)
                if load.get(other, 0) <= load[source] - 2:
                    found.append(other)
    if not found:
        return []
    target = min(found, key=lambda e: (load.get(e, 0), e))
    chain = []
    while came_from[target] is not None:
        key, giver = came_from[target]
        chain.append((key, giver, target))
        target = giver
    return chain[::-1]


MAX_PREFERENCE_PASSES = 20


def improve_preferences(
    picks: dict[Hashable, list[int]],
    eligible: dict[Hashable, set[int]],
    load: dict[int, int],
    cost: Callable[[Hashable, int], int],
) -> None:
    """Make a balanced run's picks (``balance_picks``) suit the experts' preferences better,
    in place, without making the loads less even: ``cost(applicant, expert)`` is the weight of
    the expert's preference (lower is better).

    Two moves, repeated while either lowers the total cost: an expert hands a review to one
    the applicant suits better who has fewer reviews (so the spread never widens), or two
    applicants exchange experts (the loads stay as they are)."""
    for _pass in range(MAX_PREFERENCE_PASSES):
        improved = False
        for key in sorted(picks):
            for giver in list(picks[key]):
                spare = sorted(eligible[key] - set(picks[key]))
                better = [
                    e
                    for e in spare
                    if cost(key, e) < cost(key, giver) and load.get(e, 0) < load[giver]
                ]
                if better:
                    taker = min(better, key=lambda e: (cost(key, e), load.get(e, 0), e))
                    picks[key][picks[key].index(giver)] = taker
                    load[giver] -= 1
                    load[taker] = load.get(taker, 0) + 1
                    improved = True
        improved |= _exchanges(picks, eligible, cost)
        if not improved:
            return


def _exchanges(picks, eligible, cost) -> bool:
    """Swap experts between applicants wherever that lowers the total cost. Only the experts
    an applicant would rather have than one of its own are looked for among the others'
    picks, so a run where few experts marked anything stays quick."""
    holds: dict[int, set] = {}
    for key, experts in picks.items():
        for expert in experts:
            holds.setdefault(expert, set()).add(key)
    improved = False
    for first in sorted(picks):
        if not picks[first]:
            continue
        worst = max(cost(first, a) for a in picks[first])
        wanted = sorted(e for e in eligible[first] - set(picks[first]) if cost(first, e) < worst)
        for b in wanted:
            for second in sorted(holds.get(b, ())):
                swapped = _exchange(first, second, b, picks, eligible, cost)
                if swapped:
                    a = swapped
                    holds[a] = (holds[a] - {first}) | {second}
                    holds[b] = (holds[b] - {second}) | {first}
                    improved = True
                    break
    return improved


def _exchange(first, second, b, picks, eligible, cost):
    """Give ``first`` the expert ``b`` of ``second`` for one of its own when that lowers the
    total cost: the expert handed over, or None."""
    if b in picks[first] or b not in picks[second]:
        return None
    for a in sorted(picks[first], key=lambda e: -cost(first, e)):
        if a in picks[second] or a not in eligible[second]:
            continue
        if cost(first, b) + cost(second, a) < cost(first, a) + cost(second, b):
            picks[first][picks[first].index(a)] = b
            picks[second][picks[second].index(b)] = a
            return a
    return None
