"""Server time and SQL queries of the province dashboard page.

Two synthetic batches, 1,000 and 10,000 assessments (BENCH_DASHBOARD_ASSESSMENTS) across
the 13 cities, three industry types, four size classes and every state, each with its 45
scenario answers and an evaluation (written by ``batch_recompute``). Each page is requested
with Django's test client as the province admin (a warm-up, then BENCH_RUNS times; the
median is reported); a city reviewer's page at 10,000 too. Baselines in the same run: the
home page, and the dashboard at 1,000 assessments. The number of queries must not change
between 1,000 and 10,000.
"""

import os
import random
import statistics
import time
from datetime import timedelta

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import fresh_statistics
from bench.synthetic import assessment_data, snapshot_of

LARGE = int(os.environ.get("BENCH_DASHBOARD_ASSESSMENTS", "10000"))
SMALL = max(1, LARGE // 10)
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
TARGET_MS = 500
PREFIX = "看板基准企业"
STATES = [  # (state, share): a batch late in its review
    ("draft", 0.10),
    ("submitted", 0.25),
    ("returned", 0.05),
    ("city_recommended", 0.20),
    ("under_review", 0.15),
    ("approved", 0.20),
    ("rejected", 0.05),
]


def _enterprises(n: int) -> list:
    from portal.models import City, Enterprise, IndustryType, SizeClass
    from portal.validators import uscc_check_character

    existing = list(Enterprise.objects.filter(name__startswith=PREFIX).order_by("pk"))
    if len(existing) >= n:
        return existing[:n]
    rng = random.Random(7)
    created = []
    for i in range(len(existing), n):
        first17 = f"91320500DB{i:07d}"
        created.append(
            Enterprise(
                name=f"{PREFIX}{i}",
                credit_code=first17 + uscc_check_character(first17),
                city=rng.choice(City.values),
                district_text="开发区",
                industry_code="C3421",
                industry_type=rng.choice(IndustryType.values),
                size=rng.choice(SizeClass.values),
            )
        )
    Enterprise.objects.bulk_create(created, batch_size=5000)
    return list(Enterprise.objects.filter(name__startswith=PREFIX).order_by("pk"))[:n]


def _batch(n: int):
    """A batch of n assessments with answers and evaluations; reused when already there."""
    from evaluation.batch import batch_recompute
    from evaluation.models import Assessment, Evaluation, ScenarioAnswer
    from scenarios.models import Batch, CatalogVersion, Scenario, Tier

    now = timezone.now()
    version = CatalogVersion.objects.get(pk=1)
    batch, _created = Batch.objects.get_or_create(
        name=f"dashboard benchmark ({n})",
        defaults={
            "year": now.year,
            "catalog_version": version,
            "opens_at": now - timedelta(days=30),
            "closes_at": now + timedelta(days=365),
        },
    )
    assessments = Assessment.objects.filter(batch=batch)
    if assessments.count() == n and Evaluation.objects.filter(assessment__batch=batch).count() == n:
        return batch
    started = time.perf_counter()
    rng = random.Random(n)
    scenario_ids = dict(Scenario.objects.filter(version=version).values_list("no", "id"))
    with transaction.atomic():
        ScenarioAnswer.objects.filter(assessment__batch=batch).delete()
        Evaluation.objects.filter(assessment__batch=batch).delete()
        assessments.delete()
        records = [assessment_data(rng) for _ in range(n)]
        states = rng.choices([s for s, _ in STATES], weights=[w for _, w in STATES], k=n)
        created = Assessment.objects.bulk_create(
            [
                Assessment(
                    enterprise=e,
                    batch=batch,
                    state=state,
                    submitted_at=None if state == "draft" else now,
                    snapshot=None
                    if state == "draft"
                    else snapshot_of(r, {"name": e.name, "city": e.city}),
                    base_inputs=r.base_inputs,
                    current_inputs=r.current_inputs,
                    decided_tier=rng.choice(Tier.values) if state == "approved" else "",
                )
                for e, r, state in zip(_enterprises(n), records, states, strict=True)
            ],
            batch_size=2000,
        )
        ScenarioAnswer.objects.bulk_create(
            (
                ScenarioAnswer(assessment=a, scenario_id=scenario_ids[no], status=status)
                for a, r in zip(created, records, strict=True)
                for no, status in r.scenario_status.items()
            ),
            batch_size=10000,
        )
    batch_recompute(batch=batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"({n} assessments written in {time.perf_counter() - started:.1f} s)", flush=True)
    return batch


def _user(username: str, **fields):
    from portal.models import User

    user, _created = User.objects.get_or_create(username=username, defaults=fields)
    return user


def _page(client: Client, url: str) -> dict:
    """The median server time of ``url`` over RUNS requests after a warm-up, and its queries."""
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured)  # now: the next request clears the connection's log
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
        "queries": queries,
    }


def run() -> dict:
    from portal.models import City, Role

    small, large = _batch(SMALL), _batch(LARGE)
    fresh_statistics()
    province = _user("bench_dashboard", role=Role.PROVINCE_ADMIN)
    city = _user("bench_dashboard_city", role=Role.CITY_REVIEWER, city=City.SUZHOU)
    client = Client(HTTP_HOST="localhost")
    client.force_login(province, backend="django.contrib.auth.backends.ModelBackend")

    home = _page(client, "/")
    at_small = _page(client, f"/dashboard/?batch={small.pk}")
    at_large = _page(client, f"/dashboard/?batch={large.pk}")
    client.force_login(city, backend="django.contrib.auth.backends.ModelBackend")
    city_large = _page(client, f"/dashboard/?batch={large.pk}")

    print(f"home page (baseline): {home['median_ms']} ms, {home['queries']} queries")
    for label, figures in [
        (f"dashboard, {SMALL} assessments", at_small),
        (f"dashboard, {LARGE} assessments", at_large),
        (f"dashboard, {LARGE} assessments, a city reviewer", city_large),
    ]:
        print(
            f"{label}: {figures['median_ms']} ms median (max {figures['max_ms']}), "
            f"{figures['queries']} queries",
            flush=True,
        )
    same = at_small["queries"] == at_large["queries"]
    print(
        f"queries at {SMALL} and {LARGE}: {'equal' if same else 'NOT EQUAL'}\n"
        f"ratio {LARGE} / {SMALL}: {at_large['median_ms'] / at_small['median_ms']:.1f}x; "
        f"ratio {LARGE} / home page: {at_large['median_ms'] / home['median_ms']:.1f}x\n"
        f"under {TARGET_MS} ms at {LARGE}: {'yes' if at_large['median_ms'] < TARGET_MS else 'NO'}",
        flush=True,
    )
    return {
        "assessments": LARGE,
        "runs": RUNS,
        "home": home,
        "dashboard_small": {"assessments": SMALL, **at_small},
        "dashboard_large": at_large,
        "dashboard_large_city_reviewer": city_large,
        "queries_equal": same,
        "ratio_to_small": round(at_large["median_ms"] / at_small["median_ms"], 1),
        "ratio_to_home": round(at_large["median_ms"] / home["median_ms"], 1),
    }
