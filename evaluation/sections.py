"""The sections an enterprise's admin can give to colleagues, and how far each one is.

A section is a link's scenarios (``link:<no>``), the support elements (``support``) or the
inputs of one indicator category (``indicators:<category>``). Reads only: who may assign is
``can_assign_sections``, asked by the service that writes and by the pages that offer it.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from indicators.models import IndicatorCategory, IndicatorDefinition
from portal.models import ENTERPRISE_ROLES, User
from scenarios.frozen import per_published_version
from scenarios.models import Link, Scenario

from .item_versions import input_key, item_labels, person, scenario_key, support_key
from .models import AnswerStatus, Assessment, ItemRevision, Period, SectionAssignment

SUPPORT = "support"


@dataclass
class Section:
    key: str
    label: str
    page: str  # the editor page's URL name
    items: list[str]  # item keys (see evaluation.item_versions)
    assignee: User | None = None
    done: int = 0

    @property
    def total(self) -> int:
        return len(self.items)


@dataclass
class MemberProgress:
    member: User
    sections: list[Section] = field(default_factory=list)
    changed: int = 0  # items this member changed last

    @property
    def done(self) -> int:
        return sum(s.done for s in self.sections)

    @property
    def total(self) -> int:
        return sum(s.total for s in self.sections)


def can_assign_sections(user, assessment: Assessment) -> bool:
    """The enterprise's own admin, while the assessment can still be edited."""
    return (
        user.is_authenticated
        and user.is_enterprise_admin
        and user.enterprise_id == assessment.enterprise_id
        and assessment.is_editable
    )


def assignable_members(assessment: Assessment):
    """Who a section may be given to: the enterprise's own active users, nobody else."""
    return User.objects.filter(
        enterprise_id=assessment.enterprise_id, is_active=True, role__in=ENTERPRISE_ROLES
    ).order_by("-role", "username")


def _catalog_sections(assessment: Assessment) -> list[Section]:
    return [
        Section(key, label, page, list(items))
        for key, label, page, items in _sections_of_version(assessment.batch.catalog_version)
    ]


@per_published_version
def _sections_of_version(version) -> tuple:
    """(key, label, page, item keys) of every section of a catalog version: built once per
    published version and language (the page of every save and every editor tab asks)."""
    links = Link.objects.filter(version=version).order_by("no")
    scenarios = Prefetch("scenarios", queryset=Scenario.objects.order_by("no"))
    sections = [
        (
            f"link:{link.no}",
            _("环节 %(no)s · %(name)s") % {"no": link.no, "name": link.display_name},
            "editor-scenarios",
            tuple(scenario_key(s.no) for s in link.scenarios.all()),
        )
        for link in links.prefetch_related(scenarios)
    ]
    elements = version.support_elements.order_by("no")
    sections.append(
        (SUPPORT, _("支撑要素"), "editor-support", tuple(support_key(e.no) for e in elements))
    )
    indicators = list(IndicatorDefinition.objects.filter(version=version).order_by("no"))
    for category in IndicatorCategory:
        codes = dict.fromkeys(c for i in indicators if i.category == category for c in i.inputs)
        sections.append(
            (
                f"indicators:{category.value}",
                _("成效指标 · %(category)s") % {"category": category.label},
                "editor-indicators",
                tuple(input_key(code) for code in codes),
            )
        )
    return tuple(sections)


def _done_items(assessment: Assessment) -> set[str]:
    """The items with an answer other than 未开展, or an input with a value in both years."""
    done = {
        scenario_key(no)
        for no in assessment.scenario_answers.exclude(status=AnswerStatus.NOT_STARTED).values_list(
            "scenario__no", flat=True
        )
    }
    done |= {
        support_key(no)
        for no in assessment.support_answers.exclude(status=AnswerStatus.NOT_STARTED).values_list(
            "support_element__no", flat=True
        )
    }
    base, current = (set(assessment.inputs_for(p)) for p in Period.values)
    done |= {input_key(code) for code in base & current}
    return done


def assessment_sections(assessment: Assessment) -> list[Section]:
    """Every section, with whom it was given to and how many of its items are done."""
    sections = _catalog_sections(assessment)
    given = {
        a.section: a.assignee
        for a in SectionAssignment.objects.filter(assessment=assessment).select_related("assignee")
    }
    done = _done_items(assessment)
    for section in sections:
        section.assignee = given.get(section.key)
        section.done = sum(1 for item in section.items if item in done)
    return sections


def section_keys(assessment: Assessment) -> set[str]:
    return {s.key for s in _catalog_sections(assessment)}


def members_progress(assessment: Assessment, sections=None) -> list[MemberProgress]:
    """Each member with a section or a change: their sections and progress, and how many items
    they were the last to change (``sections``: ``assessment_sections``, if already read)."""
    sections = assessment_sections(assessment) if sections is None else sections
    members: dict[int, MemberProgress] = {}
    for section in sections:
        if section.assignee is not None:
            members.setdefault(
                section.assignee.pk, MemberProgress(section.assignee)
            ).sections.append(section)
    for revision in assessment.item_revisions.exclude(updated_by=None).select_related("updated_by"):
        members.setdefault(revision.updated_by_id, MemberProgress(revision.updated_by)).changed += 1
    return sorted(members.values(), key=lambda m: m.member.username)


def sections_of(user, sections: list[Section]) -> dict[str, Section]:
    """The sections given to ``user``, by key."""
    return {s.key: s for s in sections if s.assignee is not None and s.assignee.pk == user.pk}


def recent_changes(assessment: Assessment, limit: int = 100) -> list[dict]:
    """Who changed each item last, newest first."""
    labels = item_labels(assessment)
    return [
        {
            "key": r.key,
            "label": labels.get(r.key, r.key),
            "by": person(r.updated_by),
            "at": r.updated_at,
        }
        for r in ItemRevision.objects.filter(assessment=assessment)
        .select_related("updated_by")
        .order_by("-updated_at", "-pk")[:limit]
    ]


def section_label(assessment: Assessment, key: str) -> str:
    return next((s.label for s in _catalog_sections(assessment) if s.key == key), key)
