"""Deadline day: 50 enterprise users (BENCH_USERS), two per enterprise (BENCH_PER_ENTERPRISE),
on gunicorn over loopback for 60 s (BENCH_SECONDS), with one province batch recompute in the
background; then every acknowledged autosave is looked for in the database. Then the knee:
the most users at which the autosaves' p95 stays under 300 ms, with the editor as it was
("before": each save followed by the side panel's own request, every answer card rendered in
full) and as it is ("after"), in the same run.

The users of an enterprise edit its one draft assessment in an open batch, each its own
section: the admin the scenarios, the member the indicator inputs (different items: no save
may conflict). Each makes page views (overview, scenarios editor, indicators editor),
autosaves exactly as the editor's htmx forms post them (the side panel in the save's
response), and indicator computes through the API with its token (bench/deadline_load.py,
locust in its own process), with 1–2 s between two actions (BENCH_THINK). 10 s into the run,
``batch_recompute`` of a province batch of 5,000 submitted assessments (BENCH_DEADLINE_BATCH)
starts in a thread of this process. gunicorn runs BENCH_WORKERS (default 3) sync workers on 2
cores.

Baselines in the same run: the same mix by one user with no think time
(BENCH_BASELINE_SECONDS, default 20), and the recompute alone before the server starts.
Every 409 counts as an error, and a 409 of an item conflict as a conflict on different items.

The knee (BENCH_KNEE=0 skips it): for each count in BENCH_KNEE_USERS (default 10,20,…,100),
BENCH_KNEE_SECONDS (default 20) with the "before" server (EDITOR_CARD_CACHE=0, the client
asking for the panel in a second request; BENCH_BEFORE_TREE: serve "before" from that checkout
of an older commit instead) and then with the "after" one, each mode stopping at its first
count whose autosave p95 reaches 300 ms. Targets: p95 of each autosave under 300 ms, no error,
no conflict, no lost write.
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
PER_ENTERPRISE = int(os.environ.get("BENCH_PER_ENTERPRISE", "2"))
KNEE = os.environ.get("BENCH_KNEE", "1") != "0"
KNEE_USERS = [
    int(n) for n in os.environ.get("BENCH_KNEE_USERS", "10,20,30,40,50,60,70,80,90,100").split(",")
]
KNEE_SECONDS = int(os.environ.get("BENCH_KNEE_SECONDS", "20"))
BEFORE_TREE = os.environ.get("BENCH_BEFORE_TREE") or None
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


def _user(enterprise, name: str, role):
    from portal.models import User

    user, _created = User.objects.get_or_create(
        username=name, defaults={"role": role, "enterprise": enterprise}
    )
    return user


def _profiles(batch, n: int) -> list[dict]:
    """n enterprise users, PER_ENTERPRISE to an enterprise and its draft assessment, each with
    a session, an API token and its own section (the admin the scenarios, the others the
    indicator inputs; one alone edits both)."""
    from django.test import Client

    from evaluation.models import Assessment
    from portal.models import City, Enterprise, IndustryType, Role, SizeClass
    from portal.tokens import TokenChannel, token_create
    from portal.validators import uscc_check_character

    profiles = []
    for i in range(-(-n // PER_ENTERPRISE)):
        first17 = f"91320500DL{i:07d}"
        enterprise, _created = Enterprise.objects.get_or_create(
            credit_code=first17 + uscc_check_character(first17),
            defaults={
                "name": f"截止日基准测试企业{i:02d}",
                "city": City.SUZHOU,
                "district_text": "工业园区",
                "industry_code": "C3421",
                "industry_type": IndustryType.DISCRETE,
                "size": SizeClass.MEDIUM,
            },
        )
        admin = _user(enterprise, f"bench_deadline_{i:02d}", Role.ENTERPRISE_ADMIN)
        assessment, _created = Assessment.objects.get_or_create(
            enterprise=enterprise,
            batch=batch,
            defaults={
                "created_by": admin,
                "base_year": batch.year - 2,
                "current_year": batch.year - 1,
            },
        )
        rng = random.Random(i)
        scenarios = sorted(rng.sample(range(1, 46), 8))
        for j in range(PER_ENTERPRISE):
            user = (
                admin
                if j == 0
                else _user(enterprise, f"bench_deadline_{i:02d}_{j}", Role.ENTERPRISE_MEMBER)
            )
            client = Client()
            client.force_login(user)
            section = "all" if PER_ENTERPRISE == 1 else ("scenarios" if j == 0 else "inputs")
            profiles.append(
                {
                    "assessment": assessment.pk,
                    "session": client.cookies["sessionid"].value,
                    "token": token_create(user=user, name="bench", via=TokenChannel.API)[1],
                    "scenarios": scenarios,
                    "inputs": EDITED_INPUTS,
                    "section": section,
                    "colleague": PER_ENTERPRISE > 1,
                }
            )
    return profiles[:n]


def _versions(profiles) -> dict:
    """Each assessment's version, and each of its items' (by (assessment, key))."""
    from evaluation.models import Assessment, ItemRevision

    ids = {p["assessment"] for p in profiles}
    items = ItemRevision.objects.filter(assessment_id__in=ids)
    return {
        "assessments": dict(Assessment.objects.filter(pk__in=ids).values_list("pk", "version")),
        "items": {(a, k): v for a, k, v in items.values_list("assessment_id", "key", "version")},
    }


def _load(
    port: int, profiles: list[dict], seconds: int, think, compute_bodies, mode="one_response"
) -> dict:
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
                    "mode": mode,
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
    conflicts = [r for r in requests if r.get("conflict")]
    return {
        "seconds": round(seconds, 1),
        "requests": len(requests),
        "requests_per_second": round(len(requests) / seconds, 1),
        "kinds": {k: _summary(v, seconds) for k, v in sorted(by_kind.items())},
        "errors": len(errors),
        "conflicts": len(conflicts),
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


def _lost_writes(acknowledged: list[dict], before: dict) -> dict:
    """Each field's last acknowledged value must be the stored one; each acknowledged save must
    have given the assessment one new version (two colleagues' saves: distinct versions, as
    many as saves) and its item one new version."""
    from evaluation.models import Assessment, ItemRevision

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
        acked_versions = sorted({ack["version"] for ack in acks})
        saves += len(acked_versions)
        was = before["assessments"][pk]
        if acked_versions != list(range(was + 1, assessment.version + 1)):
            inconsistent.append(
                {"assessment": pk, "before": was, "stored": assessment.version,
                 "acknowledged": acked_versions[-5:]}
            )  # fmt: skip
        items = defaultdict(set)
        for ack in acks:
            items[ack["item"]].add(ack["item_version"])
        stored_items = dict(
            ItemRevision.objects.filter(assessment_id=pk).values_list("key", "version")
        )
        for key, versions in items.items():
            was = before["items"].get((pk, key), 0)
            if sorted(versions) != list(range(was + 1, stored_items.get(key, 0) + 1)):
                inconsistent.append(
                    {"assessment": pk, "item": key, "before": was,
                     "stored": stored_items.get(key), "acknowledged": sorted(versions)[-5:]}
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


def _run(port, profiles, seconds, think, bodies, mode="one_response") -> tuple[dict, dict]:
    before = _versions(profiles)
    measured = _load(port, profiles, seconds, think, bodies, mode)
    return _figures(measured), _lost_writes(measured["acknowledged"], before)


def _print_run(title: str, figures: dict, writes: dict, baseline: dict | None = None) -> None:
    print(
        f"\n{title}: {figures['requests']} requests in {figures['seconds']} s = "
        f"{figures['requests_per_second']} requests/s; errors {figures['errors']} "
        f"({figures['error_rate']:.2%}) {figures['error_statuses'] or ''}; conflicts on "
        f"different items {figures['conflicts']}"
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


MODES = {  # how each knee is measured: the client's save, the server's environment
    "before": ("two_requests", {"EDITOR_CARD_CACHE": "0"}),
    "after": ("one_response", {}),
}


def _load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def _autosave_p95(figures: dict) -> float:
    kinds = figures["kinds"]
    return max((kinds[k]["p95_ms"] for k in AUTOSAVES if k in kinds), default=0.0)


def _knee(ports: dict, profiles: list[dict], bodies) -> dict:
    """For each count of users, a short run of each mode still under the target; the knee of a
    mode is the most users before its autosave p95 first reaches TARGET_P95_MS."""
    steps = {mode: [] for mode in ports}
    running = list(ports)
    for n in KNEE_USERS:
        if n > len(profiles) or not running:
            break
        for mode in list(running):
            load_before = _load_average()
            figures, writes = _run(
                ports[mode], profiles[:n], KNEE_SECONDS, THINK_SECONDS, bodies, MODES[mode][0]
            )
            p95 = _autosave_p95(figures)
            steps[mode].append(
                {
                    "users": n,
                    "autosave_p95_ms": p95,
                    "requests_per_second": figures["requests_per_second"],
                    "errors": figures["errors"],
                    "conflicts": figures["conflicts"],
                    "lost_writes": writes["lost_writes"],
                    "version_mismatches": writes["version_mismatches"],
                    "load_average": [load_before, _load_average()],
                }
            )
            print(
                f"  knee {mode:<6} {n:>4} users: autosave p95 {p95:>7.1f} ms, "
                f"{figures['requests_per_second']:>5} requests/s, errors {figures['errors']}, "
                f"conflicts {figures['conflicts']}, lost writes {writes['lost_writes']}, "
                f"version mismatches {writes['version_mismatches']}; load average "
                f"{load_before} → {_load_average()}",
                flush=True,
            )
            if p95 >= TARGET_P95_MS:
                running.remove(mode)
    knees = {
        mode: max((s["users"] for s in done if s["autosave_p95_ms"] < TARGET_P95_MS), default=0)
        for mode, done in steps.items()
    }
    n = max(s["users"] for done in steps.values() for s in done) if any(steps.values()) else 0
    ratio = round(knees["after"] / knees["before"], 2) if knees.get("before") else None
    print(
        f"knee (most users with autosave p95 < {TARGET_P95_MS} ms, {KNEE_SECONDS} s a step, "
        f"{PER_ENTERPRISE} per enterprise): before {knees.get('before')} users, after "
        f"{knees.get('after')} users — ratio after/before {ratio}"
        + "".join(f"; {mode} stayed under it up to {n} users" for mode in running)
    )
    return {"knees": knees, "ratio": ratio, "steps": steps, "before_tree": BEFORE_TREE}


def _knees(profiles, bodies) -> dict:
    """The two servers side by side, warmed up, then the knee of each."""
    print(f"\nknee: {', '.join(map(str, KNEE_USERS))} users, {KNEE_SECONDS} s each, load average "
          f"{_load_average()}")  # fmt: skip
    before_env = MODES["before"][1]
    with (
        gunicorn(workers=WORKERS, env=before_env, cwd=BEFORE_TREE) as before,
        gunicorn(workers=WORKERS) as after,
    ):
        ports = {"before": before, "after": after}
        for mode, port in ports.items():
            _run(port, profiles[:6], WARMUP_SECONDS, THINK_SECONDS, bodies, MODES[mode][0])
        return _knee(ports, profiles, bodies)


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

    profiles = _profiles(_open_batch(), max([USERS, *KNEE_USERS]) if KNEE else USERS)
    bodies = [
        {"industry_type": random.Random(i).choice(["discrete", "process", "mixed"]),
         "inputs": full_inputs(random.Random(i))}
        for i in range(20)
    ]  # fmt: skip
    fresh_statistics()
    with gunicorn(workers=WORKERS) as port:
        print(f"gunicorn: {WORKERS} sync workers on 127.0.0.1:{port}, {os.cpu_count()} cores")
        _run(port, profiles[:6], WARMUP_SECONDS, THINK_SECONDS, bodies)
        alone = [dict(profiles[0], section="all", colleague=False)]  # every section
        baseline, baseline_writes = _run(port, alone, BASELINE_SECONDS, (0, 0), bodies)
        _print_run("baseline, the same mix by 1 user without think time", baseline, baseline_writes)
        recompute = {}
        thread = _recompute(province, RECOMPUTE_AFTER, recompute)
        load_before = _load_average()
        load, load_writes = _run(port, profiles[:USERS], SECONDS, THINK_SECONDS, bodies)
        load_after = _load_average()
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
        f"(alone {recompute_alone} s), started {RECOMPUTE_AFTER} s in; load average "
        f"{load_before} → {load_after}"
    )
    p95 = {k: load["kinds"][k]["p95_ms"] for k in AUTOSAVES if k in load["kinds"]}
    met = (
        all(v < TARGET_P95_MS for v in p95.values())
        and load["errors"] == 0
        and load["conflicts"] == 0
        and load_writes["lost_writes"] == 0
        and load_writes["version_mismatches"] == 0
    )
    print(
        f"targets (autosave p95 < {TARGET_P95_MS} ms, zero errors, zero conflicts, zero lost "
        f"writes): "
        f"{'met' if met else 'NOT met'} — autosave p95 {p95}"
    )
    knee = _knees(profiles, bodies) if KNEE else None
    return {
        "knee": knee,
        "load_average": [load_before, load_after],
        "users": USERS,
        "per_enterprise": PER_ENTERPRISE,
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
