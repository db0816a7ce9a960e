"""Deadline day: 50 enterprise users (BENCH_USERS) on gunicorn over loopback for 60 s
(BENCH_SECONDS), with one province batch recompute in the background; then every acknowledged
autosave is looked for in the database.

Each user is the admin of its own enterprise, editing its own draft assessment in an open
batch: page views (overview, scenarios editor, indicators editor), autosaves of scenario
answers and indicator inputs exactly as the editor's htmx forms post them, each followed by the
side panel's preview, and indicator computes through the API with its token
(bench/deadline_load.py, locust in its own process), with 1–2 s between two actions
(BENCH_THINK). 10 s into the run, ``batch_recompute`` of a province batch of 5,000 submitted
assessments (BENCH_DEADLINE_BATCH) starts in a thread of this process. gunicorn runs
BENCH_WORKERS (default 3) sync workers on 2 cores.

Baselines in the same run: the same mix by one user with no think time
(BENCH_BASELINE_SECONDS, default 20), and the recompute alone before the server starts.
A 409 counts as an error: each user owns its assessment, so nobody else can have saved first.
Targets: p95 of each autosave under 300 ms, no error, no lost write.
"""

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.db import connection
from django.utils import timezone

from bench import fresh_statistics
from bench.recompute import _stored_batch
from bench.server import gunicorn
from bench.synthetic import assessment_data, full_inputs

USERS = int(os.environ.get("BENCH_USERS", "50"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "60"))
BASELINE_SECONDS = int(os.environ.get("BENCH_BASELINE_SECONDS", "20"))
WARMUP_SECONDS = 15  # every worker has loaded its templates, catalog and translations
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
PROVINCE_ASSESSMENTS = int(os.environ.get("BENCH_DEADLINE_BATCH", "5000"))
RECOMPUTE_AFTER = 10  # seconds into the run: the users are all editing by then
# Between two actions of a user: "1,2" is someone at work on the form, saving every few seconds.
THINK_SECONDS = tuple(float(s) for s in os.environ.get("BENCH_THINK", "1,2").split(","))
EDITED_INPUTS = ["gross_output_value", "avg_employees", "sales_revenue", "total_energy_tce"]
AUTOSAVES = ("autosave: scenario", "autosave: input")
TARGET_P95_MS = 300
LOAD_SCRIPT = Path(__file__).with_name("deadline_load.py")


def _open_batch():
    from scenarios.models import Batch, CatalogVersion

    now = timezone.now()
    batch, _created = Batch.objects.update_or_create(
        name="截止日基准测试批次",
        defaults={
            "year": now.year,
            "catalog_version": CatalogVersion.objects.get(pk=1),
            "opens_at": now - timedelta(days=1),
            "closes_at": now + timedelta(days=30),
        },
    )
    return batch


def _profiles(batch, n: int) -> list[dict]:
    """n enterprise admins, each with its own draft assessment, a session and an API token."""
    from django.test import Client

    from evaluation.models import Assessment
    from portal.models import City, Enterprise, IndustryType, Role, SizeClass, User
    from portal.tokens import TokenChannel, token_create
    from portal.validators import uscc_check_character

    profiles = []
    for i in range(n):
        first17 = f"91320500DL{i:07d}"
        enterprise, _created = Enterprise.objects.get_or_create(
            credit_code=first17 + uscc_check_character(first17),
            defaults={
                "name": f"截止日基准测试企业{i:02d}",
                "city": City.SUZHOU,
                "district": "工业园区",
                "industry_code": "C3421",
                "industry_type": IndustryType.DISCRETE,
                "size": SizeClass.MEDIUM,
            },
        )
        user, _created = User.objects.get_or_create(
            username=f"bench_deadline_{i:02d}",
            defaults={"role": Role.ENTERPRISE_ADMIN, "enterprise": enterprise},
        )
        assessment, _created = Assessment.objects.get_or_create(
            enterprise=enterprise,
            batch=batch,
            defaults={
                "created_by": user,
                "base_year": batch.year - 2,
                "current_year": batch.year - 1,
            },
        )
        client = Client()
        client.force_login(user)
        rng = random.Random(i)
        profiles.append(
            {
                "assessment": assessment.pk,
                "session": client.cookies["sessionid"].value,
                "token": token_create(user=user, name="bench", via=TokenChannel.API)[1],
                "scenarios": sorted(rng.sample(range(1, 46), 8)),
                "inputs": EDITED_INPUTS,
            }
        )
    return profiles


def _versions(profiles) -> dict[int, int]:
    from evaluation.models import Assessment

    ids = [p["assessment"] for p in profiles]
    return dict(Assessment.objects.filter(pk__in=ids).values_list("pk", "version"))


def _load(port: int, profiles: list[dict], seconds: int, think, compute_bodies) -> dict:
    """Run the simulated users in their own process; return what they measured."""
    from django.conf import settings

    with tempfile.TemporaryDirectory() as tmp:
        plan, out = Path(tmp, "plan.json"), Path(tmp, "out.json")
        plan.write_text(
            json.dumps(
                {
                    "host": f"http://127.0.0.1:{port}",
                    "run": int(time.time()) % 10**6,
                    "session_cookie": settings.SESSION_COOKIE_NAME,
                    "seconds": seconds,
                    "think_seconds": think,
                    "users": profiles,
                    "compute_bodies": compute_bodies,
                }
            )
        )
        subprocess.run([sys.executable, str(LOAD_SCRIPT), str(plan), str(out)], check=True)
        return json.loads(out.read_text())


def _summary(ms: list[float], seconds: float) -> dict:
    q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
    return {
        "requests": len(ms),
        "per_second": round(len(ms) / seconds, 1),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(q[94], 1),
        "p99_ms": round(q[98], 1),
        "max_ms": round(max(ms), 1),
    }


def _figures(measured: dict) -> dict:
    """Requests per second, percentiles per kind and the errors of one run."""
    seconds = measured["seconds"]
    requests = measured["requests"]
    by_kind = defaultdict(list)
    for r in requests:
        by_kind[r["kind"]].append(r["ms"])
    errors = [r for r in requests if r["error"] or not 200 <= r["status"] < 300]
    return {
        "seconds": round(seconds, 1),
        "requests": len(requests),
        "requests_per_second": round(len(requests) / seconds, 1),
        "kinds": {k: _summary(v, seconds) for k, v in sorted(by_kind.items())},
        "errors": len(errors),
        "error_rate": round(len(errors) / max(1, len(requests)), 5),
        "error_statuses": dict(Counter(str(r["status"]) for r in errors)),
        "error_samples": [f"{r['kind']}: {r['error'][:160]}" for r in errors[:5]],
    }


def _stored(assessment, field: str) -> str | None:
    kind, key, name = field.split(":")
    if kind == "input":
        return assessment.inputs_for(name).get(key)
    answer = assessment.scenario_answers.filter(scenario__no=int(key)).first()
    return getattr(answer, name) if answer else None


def _same(stored, acknowledged: str) -> bool:
    if stored is None:
        return False
    try:
        return Decimal(str(stored)) == Decimal(acknowledged)
    except ArithmeticError:
        return str(stored) == acknowledged


def _lost_writes(acknowledged: list[dict], versions_before: dict[int, int]) -> dict:
    """Each field's last acknowledged value must be the stored one, and the versions the saves
    were acknowledged with must run one by one from the version before to the stored one."""
    from evaluation.models import Assessment

    by_assessment = defaultdict(list)
    for ack in acknowledged:  # in the order each user's saves were acknowledged
        by_assessment[ack["assessment"]].append(ack)
    lost, inconsistent, saves = [], [], 0
    for pk, acks in by_assessment.items():
        assessment = Assessment.objects.get(pk=pk)
        last = {ack["field"]: ack["value"] for ack in acks}
        for field, value in last.items():
            stored = _stored(assessment, field)
            if not _same(stored, value):
                lost.append({"assessment": pk, "field": field, "acked": value, "stored": stored})
        acked_versions = list(dict.fromkeys(ack["version"] for ack in acks))
        saves += len(acked_versions)
        before = versions_before[pk]
        expected = list(range(before + 1, before + 1 + len(acked_versions)))
        if acked_versions != expected or assessment.version != expected[-1]:
            inconsistent.append(
                {"assessment": pk, "before": before, "stored": assessment.version,
                 "acknowledged": acked_versions[-5:]}
            )  # fmt: skip
    return {
        "acknowledged_saves": saves,
        "fields_checked": sum(len({a["field"] for a in acks}) for acks in by_assessment.values()),
        "lost_writes": len(lost),
        "lost_samples": lost[:5],
        "version_mismatches": len(inconsistent),
        "version_samples": inconsistent[:5],
    }


def _recompute(batch, delay: float, out: dict) -> threading.Thread:
    def work():
        from evaluation.batch import batch_recompute

        time.sleep(delay)
        started = time.perf_counter()
        batch_recompute(batch=batch)
        out["seconds"] = round(time.perf_counter() - started, 2)
        out["started_after_s"] = delay
        connection.close()

    thread = threading.Thread(target=work, name="province-recompute")
    thread.start()
    return thread


def _run(port, profiles, seconds, think, bodies) -> tuple[dict, dict]:
    before = _versions(profiles)
    measured = _load(port, profiles, seconds, think, bodies)
    return _figures(measured), _lost_writes(measured["acknowledged"], before)


def _print_run(title: str, figures: dict, writes: dict, baseline: dict | None = None) -> None:
    print(
        f"\n{title}: {figures['requests']} requests in {figures['seconds']} s = "
        f"{figures['requests_per_second']} requests/s; errors {figures['errors']} "
        f"({figures['error_rate']:.2%}) {figures['error_statuses'] or ''}"
    )
    for sample in figures["error_samples"]:
        print(f"  error: {sample}")
    print(f"  {'kind':<26}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for kind, s in figures["kinds"].items():
        ratio = ""
        if baseline and kind in baseline["kinds"]:
            ratio = f"   p95 ×{s['p95_ms'] / baseline['kinds'][kind]['p95_ms']:.1f} of 1 user"
        print(
            f"  {kind:<26}{s['requests']:>6}{s['p50_ms']:>9}{s['p95_ms']:>9}{s['p99_ms']:>9}"
            f"{s['max_ms']:>9}{ratio}"
        )
    print(
        f"  acknowledged saves {writes['acknowledged_saves']} ({writes['fields_checked']} fields "
        f"checked): lost writes {writes['lost_writes']}, version mismatches "
        f"{writes['version_mismatches']}"
    )
    for sample in writes["lost_samples"] + writes["version_samples"]:
        print(f"  !! {sample}")


def run() -> dict:
    from evaluation.batch import batch_recompute

    rng = random.Random(2026)
    province = _stored_batch(
        [assessment_data(rng) for _ in range(PROVINCE_ASSESSMENTS)],
        name="截止日基准测试省级批次",
        prefix="截止日省级批次企业",
        tag="DP",
    )
    started = time.perf_counter()
    batch_recompute(batch=province)
    recompute_alone = round(time.perf_counter() - started, 2)
    print(
        f"province batch of {PROVINCE_ASSESSMENTS} assessments: recompute alone {recompute_alone} s"
    )

    profiles = _profiles(_open_batch(), USERS)
    bodies = [
        {"industry_type": random.Random(i).choice(["discrete", "process", "mixed"]),
         "inputs": full_inputs(random.Random(i))}
        for i in range(20)
    ]  # fmt: skip
    fresh_statistics()
    with gunicorn(workers=WORKERS) as port:
        print(f"gunicorn: {WORKERS} sync workers on 127.0.0.1:{port}, {os.cpu_count()} cores")
        _run(port, profiles[:6], WARMUP_SECONDS, THINK_SECONDS, bodies)
        baseline, baseline_writes = _run(port, profiles[:1], BASELINE_SECONDS, (0, 0), bodies)
        _print_run("baseline, the same mix by 1 user without think time", baseline, baseline_writes)
        recompute = {}
        thread = _recompute(province, RECOMPUTE_AFTER, recompute)
        load, load_writes = _run(port, profiles, SECONDS, THINK_SECONDS, bodies)
        thread.join()
    _print_run(
        f"deadline day, {USERS} users for {SECONDS} s (think {THINK_SECONDS[0]:g}–"
        f"{THINK_SECONDS[1]:g} s), province recompute in the background",
        load,
        load_writes,
        baseline,
    )
    print(
        f"  province recompute during the run: {recompute.get('seconds')} s "
        f"(alone {recompute_alone} s), started {RECOMPUTE_AFTER} s in"
    )
    p95 = {k: load["kinds"][k]["p95_ms"] for k in AUTOSAVES if k in load["kinds"]}
    met = (
        all(v < TARGET_P95_MS for v in p95.values())
        and load["errors"] == 0
        and load_writes["lost_writes"] == 0
        and load_writes["version_mismatches"] == 0
    )
    print(
        f"targets (autosave p95 < {TARGET_P95_MS} ms, zero errors, zero lost writes): "
        f"{'met' if met else 'NOT met'} — autosave p95 {p95}"
    )
    return {
        "users": USERS,
        "seconds": SECONDS,
        "gunicorn_workers": WORKERS,
        "think_seconds": list(THINK_SECONDS),
        "load": load,
        "load_writes": load_writes,
        "baseline_one_user": baseline,
        "baseline_writes": baseline_writes,
        "province_assessments": PROVINCE_ASSESSMENTS,
        "recompute_during_load_s": recompute.get("seconds"),
        "recompute_alone_s": recompute_alone,
        "autosave_p95_ms": p95,
        "targets_met": met,
    }
