"""README's lifecycle table, row by row.

Each row of the table under "The lifecycle, state by state" says that in a state (and a case:
the batch's district step, a direct applicant, a required site visit…) someone may take an
action, which leads to a state. For each row the application is brought to that state through
the services, the action is taken as that person, and the state it leads to is checked; then
every other person tries the same action on the same application and is refused, unless
another row of the table lets them. Every action and state of the code is in the table, and
every row names an action the test knows: the table cannot drift from the code."""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from evaluation import services as evaluation_services
from evaluation.models import Assessment, State
from portal.models import Role
from review import services as review_services
from review.models import ExpertAssignment, Objection
from scenarios.models import SiteVisitRule

from .conftest import review_data
from .factories import UserFactory
from .publicity import letter, objection_data, publish_now
from .services.conftest import DECLARED, answers_to

README = Path(__file__).resolve().parent.parent / "README.md"
ROW = re.compile(
    r"^\| `(?P<state>\w+)` \| (?P<case>[^|]+?) \| `(?P<who>\w+)` \| `(?P<action>\w+)` "
    r"\| `(?P<then>\w+)` \|"
)
PEOPLE = ("enterprise", "other_enterprise", "district", "city", "province", "expert")
# refused, or nothing there to act on (no assignment of theirs, no visit, no objection)
REFUSED = (PermissionDenied, ValidationError, Http404, ObjectDoesNotExist)


@dataclass(frozen=True)
class Row:
    state: str
    case: str
    who: str
    action: str
    then: str

    def __str__(self):
        return f"{self.state} ({self.case}): {self.who} {self.action} → {self.then}"


def table() -> list[Row]:
    text = README.read_text(encoding="utf-8")
    section = text.split("**The lifecycle, state by state.**", 1)[1].split("\n\n", 2)[1]
    rows = [Row(**m.groupdict()) for m in map(ROW.match, section.splitlines()) if m]
    assert rows, "the lifecycle table is missing from the README"
    return rows


ROWS = table()


# --- how each case is reached ----------------------------------------------------------------

TO_CITY = [("submit", "enterprise"), ("recommend", "city")]
TO_EXPERTS = [*TO_CITY, ("formal_check_pass", "province"), ("assign", "province")]
PATHS = {
    "draft": [],
    "submitted": [("submit", "enterprise")],
    "district_recommended": [("submit", "enterprise"), ("recommend", "district")],
    "city_recommended": TO_CITY,
    "formally_checked": [*TO_CITY, ("formal_check_pass", "province")],
    "under_review": [*TO_EXPERTS, ("review_submit", "expert")],
    "approved": [*TO_EXPERTS, ("review_submit", "expert"), ("decide", "province")],
}
CASE_PATHS = {
    ("returned", "after the city's return"): [("submit", "enterprise"), ("return", "city")],
    ("returned", "after a formal-check return"): [*TO_CITY, ("formal_check_return", "province")],
    ("under_review", "reviews pending"): TO_EXPERTS,
    ("under_review", "visit under way"): [
        *TO_EXPERTS,
        ("review_submit", "expert"),
        ("site_visit_assign", "province"),
    ],
}


def reached(world, state: str, case: str) -> Assessment:
    """Enterprise A's application in ``state``, in ``case``, through the services."""
    batch = world.draft.batch
    if case == "district step":
        batch.requires_district_step = True
        batch.save(update_fields=["requires_district_step"])
    if case == "direct applicant":
        batch.direct_enterprises.add(world.draft.enterprise)
    if "site visit" in case or case == "visit under way":
        batch.site_visit = SiteVisitRule.ALL
        batch.save(update_fields=["site_visit"])
    path = CASE_PATHS[state, case] if (state, case) in CASE_PATHS else PATHS[state]
    for action, who in path:
        ACTIONS[action](Assessment.objects.get(pk=world.draft.pk), world.users[who])
    if case.startswith("listed"):
        publish_now(batch, world.users["province"])
        if "objection" in case:
            review_services.objection_lodge(
                batch=batch, data=objection_data(world.draft), letter=letter()
            )
    a = Assessment.objects.get(pk=world.draft.pk)
    assert a.state == state, (state, case, a.state)
    return a


# --- the actions -----------------------------------------------------------------------------


def submit(a, actor):
    evaluation_services.assessment_submit(
        assessment=a, actor=actor, declarations=DECLARED, answers=answers_to(a)
    )


def withdraw(a, actor):
    evaluation_services.assessment_withdraw(assessment=a, actor=actor)


def recommend(a, actor):
    review_services.assessment_recommend(assessment=a, actor=actor, confirm_no_tier=True)


def give_back(a, actor):
    review_services.assessment_return(assessment=a, actor=actor, comment="请补充财务报表说明。")


def formal_check_pass(a, actor):
    review_services.formal_check_pass(assessment=a, actor=actor)


def formal_check_return(a, actor):
    review_services.formal_check_return(
        assessment=a, actor=actor, items={"business_licence": "营业执照复印件不清晰"}
    )


def assign(a, actor):
    review_services.assignment_add(assessment=a, expert=WORLD.users["expert"], actor=actor)


def review(a, actor):
    assignment = ExpertAssignment.objects.get(assessment=a, expert=WORLD.users["expert"])
    review_services.review_submit(assignment=assignment, actor=actor, data=review_data(a))


def visit_report(a, actor):
    review_services.site_visit_submit(
        visit=a.site_visit,
        actor=actor,
        data={
            "checks": {
                str(no): {"result": "matches"} for no in review_services.claimed_scenarios(a)
            },
            "finding": "confirmed",
        },
    )


def send_visitors(a, actor):
    review_services.site_visit_assign(assessment=a, experts=[WORLD.users["expert"]], actor=actor)


def decide(a, actor):
    review_services.assessment_decide(
        assessment=a, actor=actor, outcome="approved", tier="workshop", reason="同意认定。"
    )


def reject(a, actor):
    review_services.assessment_decide(
        assessment=a,
        actor=actor,
        outcome="rejected",
        reason="建设成效不足。",
        justification="现场复核发现主要场景尚未稳定运行。",  # against the expert's view
    )


def publish(a, actor):
    publish_now(a.batch, actor)


def uphold(a, actor):
    objection = Objection.objects.get(assessment=a)
    review_services.objection_resolve(
        objection=objection, actor=actor, outcome="upheld", reason="异议属实。"
    )


ACTIONS = {
    "submit": submit,
    "withdraw": withdraw,
    "recommend": recommend,
    "return": give_back,
    "formal_check_pass": formal_check_pass,
    "formal_check_return": formal_check_return,
    "assign": assign,
    "review_submit": review,
    "site_visit_assign": send_visitors,
    "site_visit_submit": visit_report,
    "decide": decide,
    "reject": reject,
    "publish": publish,
    "uphold_objection": uphold,
}


@dataclass
class World:
    draft: Assessment
    users: dict


WORLD: World  # the current test's, for the steps


@pytest.fixture
def world(
    assessment, admin_a, admin_b, city_reviewer_suzhou, province_admin, experts, eager_celery
):
    global WORLD
    district = UserFactory(
        username="district_lc", role=Role.DISTRICT_REVIEWER, district=admin_a.enterprise.district
    )
    users = {
        "enterprise": admin_a,
        "other_enterprise": admin_b,
        "district": district,
        "city": city_reviewer_suzhou,
        "province": province_admin,
        "expert": experts[0],
    }
    WORLD = World(draft=assessment, users=users)
    return WORLD


def test_the_table_covers_every_state_and_action():
    assert {r.action for r in ROWS} == set(ACTIONS)
    assert {r.state for r in ROWS} | {r.then for r in ROWS} == set(State.values)
    assert {r.who for r in ROWS} <= set(PEOPLE)


def refused(action: str, a: Assessment, actor) -> bool:
    """Whether the service refuses ``actor`` the action (its writes rolled back either way)."""
    with transaction.atomic():
        try:
            ACTIONS[action](Assessment.objects.get(pk=a.pk), actor)
        except REFUSED:
            return True
        finally:
            transaction.set_rollback(True)
    return False


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_each_row_of_the_lifecycle_table(row, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        a = reached(world, row.state, row.case)
        ACTIONS[row.action](a, world.users[row.who])
    assert Assessment.objects.get(pk=a.pk).state == row.then


CASES = sorted({(r.state, r.case) for r in ROWS})


@pytest.mark.parametrize(("state", "case"), CASES, ids=[f"{s} ({c})" for s, c in CASES])
def test_what_the_table_does_not_allow_is_refused(state, case, world):
    """Every action, by every person, in each state and case of the table: refused unless a
    row allows it."""
    a = reached(world, state, case)
    allowed = {(r.who, r.action) for r in ROWS if (r.state, r.case) == (state, case)}
    let_through = [
        f"{who} {action}"
        for action in ACTIONS
        for who in PEOPLE
        if (who, action) not in allowed and not refused(action, a, world.users[who])
    ]
    assert not let_through, f"in {state} ({case}), not in the table: {let_through}"
