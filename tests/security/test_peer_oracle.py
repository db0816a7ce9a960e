"""Peer benchmarking is not an oracle: sweeping the enterprise's own value (what a clerk does by
typing numbers into the draft and asking again) learns at most which quartile band it falls in,
never a peer's value — no answer holds one, and no point where the answer changes is one."""

from dataclasses import asdict
from decimal import Decimal

import pytest

from evaluation import peers as benchmark
from evaluation.selectors import assessment_results

from ..conftest import login
from ..factories import evaluated_peers as peers

# Nine peers, as in the attack that recovered all nine values in about 360 requests; their
# median (27.8) and interpolated quartiles (19.9, 36.5) are peers' values.
PRODUCTIVITY = ["11.37", "14.02", "19.9", "23.45", "27.8", "31.06", "36.5", "41.23", "48.77"]
DEFECT_RATE = ["0.13", "0.17", "0.21", "0.26", "0.29", "0.34", "0.38", "0.43", "0.57"]
# What says which indicator a standing is about, and the enterprise's own value; everything
# else in it is the answer about the peers.
NOT_THE_ANSWER = {"no", "code", "name", "unit", "decimals", "direction", "value", "status_display"}


def answer(standing) -> tuple:
    return tuple(sorted((k, v) for k, v in asdict(standing).items() if k not in NOT_THE_ANSWER))


def with_value(row: dict, value: Decimal) -> dict:
    return dict(row, current=dict(row["current"], value=value))


def sweep(answer_of, values: list[str], steps: int) -> dict[Decimal, tuple]:
    """The answer at ``steps`` + 1 evenly spaced values from a little below the lowest peer
    to a little above the highest."""
    numbers = sorted(Decimal(v) for v in values)
    margin = (numbers[-1] - numbers[0]) / 20
    low, high = numbers[0] - margin, numbers[-1] + margin
    points = [low + (high - low) * i / steps for i in range(steps + 1)]
    return {x: answer_of(x) for x in points}


def transitions(answer_of, answers: dict[Decimal, tuple]) -> list[Decimal]:
    """Where the answer changes, located by bisection between neighbouring sweep points."""
    found = []
    points = list(answers)
    for left, right in zip(points, points[1:], strict=False):
        if answers[left] == answers[right]:
            continue
        below, above = left, right
        for _ in range(60):
            middle = (below + above) / 2
            if answer_of(middle) == answers[left]:
                below = middle
            else:
                above = middle
        found.append(above)
    return found


def assert_answers_hold_no_peer_value(answers, values: list[str]):
    numbers = {Decimal(v) for v in values}
    distinct = set(answers.values())
    assert 2 <= len(distinct) <= 5, distinct
    for each in distinct:
        for _key, shown in each:
            if isinstance(shown, int | float | Decimal) and not isinstance(shown, bool):
                assert Decimal(str(shown)) not in numbers, each


def assert_no_peer_value_learnt(answer_of, answers, values: list[str]):
    assert_answers_hold_no_peer_value(answers, values)
    numbers = {Decimal(v) for v in values}
    for point in transitions(answer_of, answers):
        nearest = min(abs(point - n) for n in numbers)
        assert nearest > Decimal("0.001"), (point, "sits on a peer's value")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code,values", [("labor_productivity", PRODUCTIVITY), ("defect_rate", DEFECT_RATE)]
)
def test_sweeping_the_own_value_learns_a_band_never_a_peers_value(assessment, code, values):
    """10,000 steps through the selector the page and the API use (its peer group read once,
    as one request reads it), every transition located by bisection."""
    if code == "labor_productivity":
        peers(assessment, values)
    else:
        peers(assessment, [None] * len(values), values)
    rows = assessment_results(assessment).indicators
    group = benchmark.peer_group(assessment=assessment, codes=[r["code"] for r in rows])
    row = next(r for r in rows if r["code"] == code)

    def answer_of(x):
        return answer(group.standing(with_value(row, x)))

    answers = sweep(answer_of, values, 10_000)
    assert_no_peer_value_learnt(answer_of, answers, values)
    assert {dict(a)["band"] for a in answers.values()} == {
        "top",
        "upper_middle",
        "lower_middle",
        "bottom",
    }


@pytest.mark.django_db
def test_the_pages_own_call_answers_as_the_swept_selector(assessment):
    """The attack as it was made, each answer a fresh read of the peers through
    ``peer_standings`` as the overview page and the API call it (40 points, to stay fast): no
    more than the bands, and the same answers as the selector swept above."""
    peers(assessment, PRODUCTIVITY)
    rows = assessment_results(assessment).indicators  # the first is labour productivity

    def answer_of(x):
        live = [with_value(rows[0], x), *rows[1:]]
        return answer(benchmark.peer_standings(assessment=assessment, rows=live)[0])

    answers = sweep(answer_of, PRODUCTIVITY, 40)
    assert_answers_hold_no_peer_value(answers, PRODUCTIVITY)
    group = benchmark.peer_group(assessment=assessment, codes=[r["code"] for r in rows])
    assert answers == {x: answer(group.standing(with_value(rows[0], x))) for x in answers}


def peer_texts(values: list[str]) -> set[str]:
    return {v for value in values for v in (value, f"{Decimal(value):.2f}")}


@pytest.mark.django_db
def test_the_page_and_the_api_show_only_the_band(client, api_client, assessment, admin_a):
    peers(assessment, PRODUCTIVITY)
    page = login(client, admin_a).get(f"/assessments/{assessment.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    productivity = html.split('data-testid="peer-labor_productivity"', 1)[1].split("</tr>", 1)[0]
    assert 'data-testid="peer-band"' in productivity
    assert not any(text in html for text in peer_texts(PRODUCTIVITY))
    table = html.split('data-testid="peer-benchmark"', 1)[1].split("<tbody>", 1)[1]
    table = table.split("</tbody>", 1)[0]
    assert "优于" not in table and "中位数" not in table  # no share, no median

    api_client.force_authenticate(admin_a)
    response = api_client.get(f"/api/v1/assessments/{assessment.pk}/benchmark/")
    assert response.status_code == 200
    body = response.json()
    indicator = body["indicators"][0]
    assert set(indicator) == {
        "no",
        "code",
        "name",
        "unit",
        "direction",
        "decimals",
        "value",
        "comparable",
        "band",
        "band_label",
    }
    assert indicator["comparable"] and indicator["band"] in {b["code"] for b in body["bands"]}
    assert set(body) == {"industry_type", "size", "min_peers", "bands", "indicators"}
    assert not any(text in response.content.decode() for text in peer_texts(PRODUCTIVITY))
