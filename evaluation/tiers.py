"""The tier an enterprise qualifies for, with the exact gaps for every tier it misses.

Pure functions over plain data: the catalog's shape, the rules, and the
statuses. The single-assessment service, the stateless API and the batch
recompute all call ``evaluate_tiers``.
"""

from collections import Counter
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _

from scenarios.frozen import per_published_version
from scenarios.models import (
    TIER_ORDER,
    Dimension,
    Link,
    Scenario,
    SupportCategory,
    SupportElement,
    Tier,
    TierRule,
)

IMPLEMENTED = "implemented"


@dataclass(frozen=True)
class CatalogShape:
    dimension_names: dict[str, str]  # code → name in the active language
    scenario_link: dict[int, int]  # scenario no → link no
    link_dimension: dict[int, str]  # link no → dimension code
    support_category: dict[int, str]  # support element no → category

    @classmethod
    def for_version(cls, version) -> "CatalogShape":
        return _catalog_shape(version)

    @classmethod
    def build(cls, version) -> "CatalogShape":
        return cls(
            dimension_names={
                d.code: d.display_name for d in Dimension.objects.filter(version=version)
            },
            scenario_link=dict(
                Scenario.objects.filter(version=version).values_list("no", "link__no")
            ),
            link_dimension=dict(
                Link.objects.filter(version=version).values_list("no", "dimension__code")
            ),
            support_category=dict(
                SupportElement.objects.filter(version=version).values_list("no", "category")
            ),
        )

    def scenario_dimension(self, scenario_no: int) -> str:
        return self.link_dimension[self.scenario_link[scenario_no]]


_catalog_shape = per_published_version(CatalogShape.build)


@dataclass(frozen=True)
class Requirement:
    dimension: str
    min_scenarios: int
    min_links: int


@dataclass(frozen=True)
class TierRules:
    tier: str
    requirements: tuple[Requirement, ...]
    min_support_elements: int = 0
    support_categories: tuple[str, ...] = ()
    min_indicators_improved: int = 0


@dataclass(frozen=True)
class RuleSet:
    tiers: tuple[TierRules, ...]  # lowest first
    is_default: bool

    @classmethod
    def from_models(cls, rules, *, is_default: bool) -> "RuleSet":
        by_tier = {r.tier: r for r in rules}
        return cls(
            tiers=tuple(
                TierRules(
                    tier=tier,
                    requirements=tuple(
                        Requirement(q.dimension_code, q.min_scenarios, q.min_links)
                        for q in by_tier[tier].requirements.all()
                    ),
                    min_support_elements=by_tier[tier].min_support_elements,
                    support_categories=tuple(by_tier[tier].support_categories or ()),
                    min_indicators_improved=by_tier[tier].min_indicators_improved,
                )
                for tier in TIER_ORDER
                if tier in by_tier
            ),
            is_default=is_default,
        )


def rules_for_batch(batch=None) -> RuleSet:
    """The batch's own rules, or the defaults when it has none (or no batch is given).

    A batch's rules are fixed at its first submission (the defaults copied into it), so a
    batch with submissions never follows later edits of the defaults."""
    if batch is not None:
        own = list(TierRule.objects.filter(batch=batch).prefetch_related("requirements"))
        if own or batch.rules_fixed_at is not None:
            return RuleSet.from_models(own, is_default=False)
    defaults = TierRule.objects.filter(batch=None).prefetch_related("requirements")
    return RuleSet.from_models(list(defaults), is_default=True)


@dataclass(frozen=True)
class Gap:
    """What a tier lacks. ``dimension`` names the subject: a dimension code, a support
    category, or for ``lower_tier`` the tier just below."""

    code: str
    dimension: str = ""
    required: int = 0
    actual: int = 0
    missing: int = 0
    message: str = ""  # rendered in the active language; not stored

    def as_json(self, *, messages: bool = True) -> dict:
        data = {
            "code": self.code,
            "dimension": self.dimension,
            "required": self.required,
            "actual": self.actual,
            "missing": self.missing,
        }
        if messages:
            data = {"code": self.code, "message": self.message, **data}
        return data


@dataclass(frozen=True)
class TierResult:
    tier: str
    passed: bool
    gaps: tuple[Gap, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return Tier(self.tier).label

    def as_json(self, *, messages: bool = True) -> dict:
        return {
            "tier": self.tier,
            "passed": self.passed,
            "gaps": [g.as_json(messages=messages) for g in self.gaps],
        }


@dataclass(frozen=True)
class TierOutcome:
    highest_tier: str | None
    tiers: tuple[TierResult, ...]
    rules_are_default: bool

    def as_json(self, *, messages: bool = True) -> dict:
        """The API's form; ``messages=False`` is the stored form (messages follow the reader)."""
        return {
            "highest_tier": self.highest_tier,
            "tiers": [t.as_json(messages=messages) for t in self.tiers],
        }

    @classmethod
    def from_json(
        cls, data: dict, shape: "CatalogShape", *, rules_are_default: bool = False
    ) -> "TierOutcome":
        """A stored outcome, its gap messages written in the active language."""
        texts = GapTexts()
        return cls(
            highest_tier=data.get("highest_tier"),
            tiers=tuple(
                TierResult(
                    t["tier"],
                    t["passed"],
                    tuple(
                        texts.render(Gap(**{k: v for k, v in g.items() if k != "message"}), shape)
                        for g in t["gaps"]
                    ),
                )
                for t in data.get("tiers", [])
            ),
            rules_are_default=rules_are_default,
        )


@dataclass(frozen=True)
class Coverage:
    """What an enterprise has implemented, counted the way the rules count."""

    scenarios: Counter  # dimension code → implemented scenarios
    links: dict[str, int]  # dimension code → links with an implemented scenario
    support_elements: int
    support_categories: set[str]

    @classmethod
    def count(cls, shape: CatalogShape, scenario_status: dict, support_status: dict) -> "Coverage":
        scenarios, links = Counter(), {}
        for no, status in scenario_status.items():
            if status == IMPLEMENTED and int(no) in shape.scenario_link:
                link = shape.scenario_link[int(no)]
                dimension = shape.link_dimension[link]
                scenarios[dimension] += 1
                links.setdefault(dimension, set()).add(link)
        elements = [
            int(no)
            for no, status in support_status.items()
            if status == IMPLEMENTED and int(no) in shape.support_category
        ]
        return cls(
            scenarios=scenarios,
            links={dimension: len(nos) for dimension, nos in links.items()},
            support_elements=len(elements),
            support_categories={shape.support_category[no] for no in elements},
        )


class GapTexts:
    """The gap messages in the active language, translated once per evaluation run."""

    def __init__(self):
        self.scenarios = _("%(dim)s还需 %(n)d 个已实施场景（要求 %(req)d 个，已有 %(have)d 个）")
        self.links = _("%(dim)s还需覆盖 %(n)d 个未覆盖环节（要求 %(req)d 个，已覆盖 %(have)d 个）")
        self.support_elements = _(
            "还需 %(n)d 个已实施的支撑要素（要求 %(req)d 个，已有 %(have)d 个）"
        )
        self.support_category = _("支撑要素还需至少一项“%(cat)s”类")
        self.indicators_improved = _(
            "还需 %(n)d 项成效指标较基准年改善（要求 %(req)d 项，已有 %(have)d 项）"
        )
        self.lower_tier = _("需先达到%(tier)s")
        self.tier_names = {tier.value: str(tier.label) for tier in Tier}
        self.category_names = {c.value: str(c.label) for c in SupportCategory}

    def render(self, gap: Gap, shape: CatalogShape) -> Gap:
        """The gap with its message."""
        values = {"n": gap.missing, "req": gap.required, "have": gap.actual}
        match gap.code:
            case "scenarios" | "links":
                name = shape.dimension_names.get(gap.dimension, gap.dimension)
                message = getattr(self, gap.code) % {"dim": name, **values}
            case "support_elements" | "indicators_improved":
                message = getattr(self, gap.code) % values
            case "support_category":
                name = self.category_names.get(gap.dimension, gap.dimension)
                message = self.support_category % {"cat": name}
            case "lower_tier":
                message = self.lower_tier % {"tier": self.tier_names[gap.dimension]}
            case _:
                message = gap.code
        return replace(gap, message=message)


def _tier_gaps(rules: TierRules, coverage: Coverage, improved: int) -> list[Gap]:
    gaps = []
    for req in rules.requirements:
        for code, required, actual in (
            ("scenarios", req.min_scenarios, coverage.scenarios.get(req.dimension, 0)),
            ("links", req.min_links, coverage.links.get(req.dimension, 0)),
        ):
            if actual < required:
                gaps.append(Gap(code, req.dimension, required, actual, required - actual))
    if coverage.support_elements < rules.min_support_elements:
        have, required = coverage.support_elements, rules.min_support_elements
        gaps.append(Gap("support_elements", "", required, have, required - have))
    for category in rules.support_categories:
        if category not in coverage.support_categories:
            gaps.append(Gap("support_category", category, 1, 0, 1))
    if improved < rules.min_indicators_improved:
        required = rules.min_indicators_improved
        gaps.append(Gap("indicators_improved", "", required, improved, required - improved))
    return gaps


def evaluate_tiers(
    shape: CatalogShape,
    rules: RuleSet,
    scenario_status: dict,
    support_status: dict,
    indicators_improved: int | None = None,
) -> TierOutcome:
    coverage = Coverage.count(shape, scenario_status, support_status)
    return evaluate_coverage(shape, rules, coverage, indicators_improved or 0)


def evaluate_coverage(
    shape: CatalogShape,
    rules: RuleSet,
    coverage: "Coverage",
    improved: int,
    texts: GapTexts | None = None,
) -> TierOutcome:
    texts = texts or GapTexts()
    results, highest, lower_passed, below = [], None, True, None
    for rules_for_tier in rules.tiers:
        blocked_by = None if lower_passed else below
        result = evaluate_tier(rules_for_tier, shape, coverage, improved, blocked_by, texts)
        results.append(result)
        if result.passed:
            highest = rules_for_tier.tier
        lower_passed = lower_passed and result.passed
        below = rules_for_tier.tier
    return TierOutcome(highest, tuple(results), rules.is_default)


def evaluate_tier(
    rules: TierRules,
    shape: CatalogShape,
    coverage: "Coverage",
    improved: int,
    blocked_by: str | None,
    texts: GapTexts,
) -> TierResult:
    """One tier; ``blocked_by`` names the tier just below when some lower tier is not reached."""
    gaps = _tier_gaps(rules, coverage, improved)
    if blocked_by:
        gaps.insert(0, Gap("lower_tier", blocked_by))
    return TierResult(rules.tier, not gaps, tuple(texts.render(g, shape) for g in gaps))
