"""Colleagues on one assessment: per-item versions, conflicts only on the same item, with both
values (evaluation.item_versions through the write services)."""

import pytest

from evaluation import services
from evaluation.models import Assessment, ItemRevision, ScenarioAnswer
from portal.exceptions import EditConflict

pytestmark = pytest.mark.django_db


def test_two_colleagues_editing_different_items_never_conflict(assessment, admin_a, member_a):
    loaded = Assessment.objects.get(pk=assessment.pk).version  # both opened the editor now
    services.scenario_answer_set(
        assessment=assessment,
        actor=admin_a,
        scenario_no=3,
        data={"status": "planned"},
        expected_version=0,
    )
    services.support_answer_set(
        assessment=assessment,
        actor=member_a,
        element_no=4,
        data={"status": "planned"},
        expected_version=0,
    )
    services.assessment_update(
        assessment=assessment,
        actor=member_a,
        data={"current_inputs": {"avg_employees": "420"}, "base_year": 2022},
        versions={"input:avg_employees": 0, "years": 0},
    )
    services.scenario_answer_set(
        assessment=assessment,
        actor=member_a,
        scenario_no=4,
        data={"status": "planned"},
        expected_version=0,
    )
    assessment.refresh_from_db()
    assert assessment.version == loaded + 4 and assessment.current_inputs["avg_employees"] == "420"
    last = dict(ItemRevision.objects.values_list("key", "updated_by__username"))
    assert last == {
        "scenario:3": "admin_a",
        "support_element:4": "member_a",
        "input:avg_employees": "member_a",
        "years": "member_a",
        "scenario:4": "member_a",
        "eligibility": "admin_a",  # the draft's CMMM level and self-test score
    }


def test_the_same_item_changed_since_it_was_loaded_conflicts_with_both_values(
    assessment, admin_a, member_a
):
    services.scenario_answer_set(
        assessment=assessment,
        actor=admin_a,
        scenario_no=3,
        data={"status": "in_progress", "description": "管理员写的"},
        expected_version=0,
    )
    with pytest.raises(EditConflict) as info:
        services.scenario_answer_set(
            assessment=assessment,
            actor=member_a,
            scenario_no=3,
            data={"status": "planned", "description": "成员写的"},
            expected_version=0,
        )
    conflict = info.value
    assert (conflict.item, conflict.version, conflict.by) == ("scenario:3", 1, "admin_a")
    assert (
        conflict.theirs["description"] == "管理员写的"
        and conflict.theirs["status"] == "in_progress"
    )
    assert conflict.yours["description"] == "成员写的" and conflict.yours["status"] == "planned"
    assert "admin_a" in conflict.messages[0] and "版本" not in conflict.messages[0]
    answer = ScenarioAnswer.objects.get(assessment=assessment, scenario__no=3)
    assert answer.description == "管理员写的"  # nothing saved
    # keep mine: the same edit on the version the conflict gave
    services.scenario_answer_set(
        assessment=assessment,
        actor=member_a,
        scenario_no=3,
        data={"status": "planned", "description": "成员写的"},
        expected_version=conflict.version,
    )
    answer.refresh_from_db()
    assert answer.description == "成员写的"
    assert ItemRevision.objects.get(key="scenario:3").updated_by == member_a


def test_an_input_conflict_gives_both_years_and_the_same_value_is_no_conflict(
    assessment, admin_a, member_a
):
    services.assessment_update(
        assessment=assessment,
        actor=admin_a,
        data={"base_inputs": {"avg_employees": "7"}},
        versions={"input:avg_employees": 0},
    )
    current = assessment.current_inputs["avg_employees"]
    with pytest.raises(EditConflict) as info:
        services.assessment_update(
            assessment=assessment,
            actor=member_a,
            data={"base_inputs": {"avg_employees": "8"}},
            versions={"input:avg_employees": 0},
        )
    assert info.value.theirs == {"base": "7", "current": current}
    assert info.value.yours == {"base": "8", "current": current}
    # typing what the colleague saved is no conflict, and no change
    services.assessment_update(
        assessment=assessment,
        actor=member_a,
        data={"base_inputs": {"avg_employees": "7"}},
        versions={"input:avg_employees": 0},
    )
    assert ItemRevision.objects.get(key="input:avg_employees").version == 1


def test_ones_own_later_save_is_no_conflict(assessment, member_a):
    for text in ("第一次", "第二次"):  # a second tab, still on version 0
        services.scenario_answer_set(
            assessment=assessment,
            actor=member_a,
            scenario_no=5,
            data={"description": text},
            expected_version=0,
        )
    assert ItemRevision.objects.get(key="scenario:5").version == 2


def test_submission_still_refuses_a_state_its_submitter_did_not_see(assessment, admin_a, member_a):
    from portal.exceptions import StateConflict

    from .conftest import DECLARED

    seen = Assessment.objects.get(pk=assessment.pk).version
    services.scenario_answer_set(
        assessment=assessment, actor=member_a, scenario_no=30, data={"status": "planned"}
    )
    with pytest.raises(StateConflict) as info:
        services.assessment_submit(
            assessment=assessment, actor=admin_a, declarations=DECLARED, expected_version=seen
        )
    assert info.value.code == "stale_version" and "版本" not in info.value.messages[0]
    assert Assessment.objects.get(pk=assessment.pk).state == "draft"


WAREHOUSE_A = {"name": "原料库", "outbound": "100", "average_inventory": "20"}
WAREHOUSE_B = {"name": "成品库", "outbound": "50", "average_inventory": "10"}


def _rows(assessment, actor, rows, loaded, version=0):
    return services.assessment_update(
        assessment=assessment,
        actor=actor,
        data={"current_inputs": {"warehouses": rows}},
        versions={"input:warehouses": version},
        loaded={"warehouses": {"current": loaded}},
    )


def test_rows_of_one_table_added_or_changed_by_two_colleagues_are_merged(
    assessment, admin_a, member_a
):
    _rows(assessment, admin_a, [WAREHOUSE_A], loaded=[])
    first = Assessment.objects.get(pk=assessment.pk).current_inputs["warehouses"]
    # the member loaded the empty table before: their new row joins the admin's
    _rows(assessment, member_a, [WAREHOUSE_B], loaded=[])
    both = Assessment.objects.get(pk=assessment.pk).current_inputs["warehouses"]
    assert [r["name"] for r in both] == ["原料库", "成品库"]
    # the admin, still on the first save, changes their row; the member's stays
    _rows(assessment, admin_a, [{**WAREHOUSE_A, "outbound": "120"}], loaded=first, version=1)
    merged = Assessment.objects.get(pk=assessment.pk).current_inputs["warehouses"]
    assert sorted((r["name"], r["outbound"]) for r in merged) == [
        ("原料库", "120"),
        ("成品库", "50"),
    ]


def test_the_same_row_changed_by_two_colleagues_conflicts(assessment, admin_a, member_a):
    _rows(assessment, admin_a, [WAREHOUSE_A], loaded=[])
    loaded = Assessment.objects.get(pk=assessment.pk).current_inputs["warehouses"]
    _rows(assessment, admin_a, [{**WAREHOUSE_A, "outbound": "120"}], loaded=loaded, version=1)
    with pytest.raises(EditConflict) as info:
        _rows(assessment, member_a, [{**WAREHOUSE_A, "outbound": "90"}], loaded=loaded, version=1)
    assert info.value.theirs["current"][0]["outbound"] == "120"
    assert info.value.yours["current"][0]["outbound"] == "90"
    saved = Assessment.objects.get(pk=assessment.pk).current_inputs["warehouses"]
    assert [r["outbound"] for r in saved] == ["120"]
