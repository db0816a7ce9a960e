"""recompute_batch's pandas path against a loop over the single-assessment computation.

Same synthetic data, same run. Prints both times, the ratio, peak memory, and
the end-to-end figure of ``batch_recompute`` on the same number of assessments
stored in PostgreSQL (load + compute + upsert).
"""

import os
import random
import resource
import time
import tracemalloc
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from bench.synthetic import assessment_data, snapshot_of

N = int(os.environ.get("BENCH_ASSESSMENTS", "60000"))
LOOP_N = int(os.environ.get("BENCH_LOOP_ASSESSMENTS", str(N)))
BENCH_BATCH = "benchmark batch (synthetic)"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn):
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def _stored_batch(records):
    from evaluation.models import Assessment
    from portal.models import Enterprise
    from portal.validators import uscc_check_character
    from scenarios.models import Batch, CatalogVersion

    now = timezone.now()
    batch, _created = Batch.objects.get_or_create(
        name=BENCH_BATCH,
        defaults={
            "year": now.year,
            "catalog_version": CatalogVersion.objects.get(pk=1),
            "opens_at": now - timedelta(days=1),
            "closes_at": now + timedelta(days=365),
        },
    )
    if Assessment.objects.filter(batch=batch).count() == len(records):
        return batch
    with transaction.atomic():
        Assessment.objects.filter(batch=batch).delete()
        Enterprise.objects.filter(name__startswith="基准测试企业").delete()
        enterprises = []
        for i in range(len(records)):
            first17 = f"91320500BM{i:07d}"
            enterprises.append(
                Enterprise(
                    name=f"基准测试企业{i}",
                    credit_code=first17 + uscc_check_character(first17),
                    city="320500",
                    district="工业园区",
                    industry_code="C3421",
                    industry_type=records[i].industry_type,
                    size="medium",
                )
            )
        Enterprise.objects.bulk_create(enterprises, batch_size=5000)
        profile = {"name": "x", "city": "320500"}
        Assessment.objects.bulk_create(
            [
                Assessment(
                    enterprise=e,
                    batch=batch,
                    state="submitted",
                    submitted_at=now,
                    snapshot=snapshot_of(r, profile),
                    base_inputs=r.base_inputs,
                    current_inputs=r.current_inputs,
                )
                for e, r in zip(enterprises, records, strict=True)
            ],
            batch_size=2000,
        )
    return batch


def run() -> dict:
    from evaluation.batch import batch_recompute, compute_many, evaluate_many
    from evaluation.computation import EvaluationContext, evaluate
    from evaluation.tiers import rules_for_batch
    from scenarios.models import CatalogVersion

    rng = random.Random(2026)
    records = [assessment_data(rng) for _ in range(N)]
    ids = list(range(1, N + 1))
    context = EvaluationContext.for_version(CatalogVersion.objects.get(pk=1), rules_for_batch(None))
    print(f"{N} synthetic assessments", flush=True)

    rss_before = _rss_mb()
    _result, pandas_s = _timed(lambda: compute_many(context, ids, records))
    del _result
    rss_after = _rss_mb()
    print(
        f"pandas path, computation (compute_many: 19 indicators x 2 years, improvements, tiers): "
        f"{pandas_s:.2f} s; process peak RSS {rss_after:.0f} MiB (+{rss_after - rss_before:.0f})",
        flush=True,
    )
    _result, shaped_s = _timed(lambda: evaluate_many(context, ids, records))
    del _result
    print(
        f"pandas path incl. shaping the stored JSON (evaluate_many): {shaped_s:.2f} s", flush=True
    )
    sample = min(N, 5000)
    tracemalloc.start()
    compute_many(context, ids[:sample], records[:sample])
    traced_peak = tracemalloc.get_traced_memory()[1] * N / sample
    tracemalloc.stop()
    print(
        f"traced Python allocations of compute_many, extrapolated from {sample}: "
        f"{traced_peak / 2**20:.0f} MiB peak",
        flush=True,
    )

    _none, loop_s = _timed(lambda: [evaluate(context, r) for r in records[:LOOP_N]])
    loop_full_s = loop_s * N / LOOP_N
    print(
        f"loop over the single computation: {loop_s:.2f} s for {LOOP_N}"
        + (f" (extrapolated {loop_full_s:.1f} s for {N})" if LOOP_N != N else ""),
        flush=True,
    )
    ratio = loop_full_s / pandas_s
    print(
        f"ratio loop / pandas computation: {ratio:.1f}x (target >= 20x); computation under 10 s: "
        f"{'yes' if pandas_s < 10 else 'NO'}; ratio incl. JSON shaping: {loop_full_s / shaped_s:.1f}x"
    )

    batch = _stored_batch(records)
    outcome, e2e_s = _timed(lambda: batch_recompute(batch=batch))
    print(
        f"batch_recompute end to end in PostgreSQL: {e2e_s:.2f} s "
        f"(load {outcome.seconds_load} s, compute {outcome.seconds_compute} s, write {outcome.seconds_write} s)"
    )
    return {
        "assessments": N,
        "pandas_seconds": round(pandas_s, 3),
        "pandas_with_json_seconds": round(shaped_s, 3),
        "loop_seconds": round(loop_full_s, 3),
        "loop_measured_on": LOOP_N,
        "ratio": round(ratio, 1),
        "peak_traced_mib": round(traced_peak / 2**20),
        "peak_rss_mib": round(rss_after),
        "end_to_end_seconds": round(e2e_s, 2),
        "end_to_end": outcome.as_json(),
    }
