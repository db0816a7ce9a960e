"""recompute_batch's pandas path against a loop over the single-assessment service.

Same synthetic data, same run, two comparisons:

- the computation alone, data in memory: the vectorised path against a loop
  over ``computation.evaluate``;
- end to end in PostgreSQL: ``batch_recompute`` (load, compute, upsert every
  evaluation) against a loop over ``services.evaluation_refresh``, the service
  a submit runs (measured on BENCH_SERVICE_ASSESSMENTS and extrapolated: the
  full loop would take many minutes).

Prints the times, the ratios and peak memory.
"""

import os
import random
import resource
import time
import tracemalloc
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from bench.synthetic import assessment_data, snapshot_of

N = int(os.environ.get("BENCH_ASSESSMENTS", "60000"))
LOOP_N = int(os.environ.get("BENCH_LOOP_ASSESSMENTS", str(N)))
SERVICE_N = min(N, int(os.environ.get("BENCH_SERVICE_ASSESSMENTS", "3000")))
BENCH_BATCH = "benchmark batch (synthetic)"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn):
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def _stored_batch(records, name: str = BENCH_BATCH, prefix: str = "基准测试企业", tag: str = "BM"):
    """A batch of submitted assessments of ``records``, one synthetic enterprise each (names
    starting with ``prefix``, credit codes with ``tag``); made again only if its size changed."""
    from evaluation.models import Assessment
    from portal.models import Enterprise
    from portal.validators import uscc_check_character
    from scenarios.models import Batch, CatalogVersion

    now = timezone.now()
    batch, _created = Batch.objects.get_or_create(
        name=name,
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
        Enterprise.objects.filter(name__startswith=prefix).delete()
        enterprises = []
        for i in range(len(records)):
            first17 = f"91320500{tag}{i:07d}"
            enterprises.append(
                Enterprise(
                    name=f"{prefix}{i}",
                    credit_code=first17 + uscc_check_character(first17),
                    city="320500",
                    district_text="工业园区",
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
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return batch


def _compute(context, inputs):
    from evaluation.batch import compute_many, stored_indicators

    return stored_indicators(context, compute_many(context, inputs))


def _service_loop(batch, n: int) -> float:
    """The single-assessment service (load, compute, write) over n stored assessments."""
    from evaluation.models import Assessment, Evaluation
    from evaluation.services import evaluation_refresh

    assessments = list(Assessment.objects.filter(batch=batch).order_by("pk")[:n])
    Evaluation.objects.filter(assessment__in=assessments).delete()
    started = time.perf_counter()
    for assessment in assessments:
        evaluation_refresh(assessment=assessment)
    return time.perf_counter() - started


def run() -> dict:
    from evaluation.batch import batch_recompute
    from evaluation.batch_inputs import BatchInputs
    from evaluation.computation import EvaluationContext, evaluate
    from evaluation.tiers import rules_for_batch
    from scenarios.models import CatalogVersion

    rng = random.Random(2026)
    records = [assessment_data(rng) for _ in range(N)]
    ids = list(range(1, N + 1))
    context = EvaluationContext.for_version(CatalogVersion.objects.get(pk=1), rules_for_batch(None))
    print(f"{N} synthetic assessments", flush=True)

    print("\n-- computation only (data in memory, nothing stored) --")
    spec = context.indicators.spec
    inputs, frames_s = _timed(lambda: BatchInputs.from_records(spec, ids, records))
    print(f"(building the DataFrames from Python dicts, not counted: {frames_s:.2f} s)")
    rss_before = _rss_mb()
    _result, pandas_s = _timed(lambda: _compute(context, inputs))
    del _result
    inputs = None  # free the frames before the next measurement
    rss_after = _rss_mb()
    print(
        f"pandas path (19 indicators x 2 years, improvements, tiers, stored form): "
        f"{pandas_s:.2f} s; process peak RSS {rss_after:.0f} MiB (+{rss_after - rss_before:.0f})",
        flush=True,
    )
    sample = min(N, 5000)
    tracemalloc.start()
    _compute(context, BatchInputs.from_records(spec, ids[:sample], records[:sample]))
    traced_peak = tracemalloc.get_traced_memory()[1] * N / sample
    tracemalloc.stop()
    print(
        f"traced Python allocations, extrapolated from {sample}: {traced_peak / 2**20:.0f} MiB peak",
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
    print(f"ratio: {ratio:.1f}x", flush=True)

    print("\n-- recompute_batch end to end in PostgreSQL (load, compute, write) --")
    batch = _stored_batch(records)
    outcome, e2e_s = _timed(lambda: batch_recompute(batch=batch))
    print(
        f"batch_recompute: {e2e_s:.2f} s (load {outcome.seconds_load} s, "
        f"compute {outcome.seconds_compute} s, write {outcome.seconds_write} s); "
        f"under 10 s: {'yes' if e2e_s < 10 else 'NO'}",
        flush=True,
    )
    service_s = _service_loop(batch, SERVICE_N)
    service_full_s = service_s * N / SERVICE_N
    e2e_ratio = service_full_s / e2e_s
    print(
        f"loop over the single-assessment service (evaluation_refresh): {service_s:.2f} s for "
        f"{SERVICE_N} (extrapolated {service_full_s:.0f} s for {N})\n"
        f"ratio: {e2e_ratio:.1f}x (target >= 20x)",
        flush=True,
    )
    return {
        "assessments": N,
        "compute_seconds": round(pandas_s, 3),
        "compute_loop_seconds": round(loop_full_s, 3),
        "compute_loop_measured_on": LOOP_N,
        "compute_ratio": round(ratio, 1),
        "peak_traced_mib": round(traced_peak / 2**20),
        "peak_rss_mib": round(rss_after),
        "batch_recompute_seconds": round(e2e_s, 2),
        "batch_recompute": outcome.as_json(),
        "service_loop_seconds": round(service_full_s, 1),
        "service_loop_measured_on": SERVICE_N,
        "ratio": round(e2e_ratio, 1),
    }
