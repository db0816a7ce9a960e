"""A batch's full-data export (reports.export_selectors.batch_data_frame) for 10,000 synthetic
assessments (BENCH_EXPORT_ASSESSMENTS), stored and evaluated in PostgreSQL, as the province
admin: reading the frame, then writing it as CSV and as XLSX.

The synthetic snapshots are given a description for every answer, as real ones have, so the
database unpacks documents of a realistic size. The baseline is writing the same frame with
pandas' default Excel writer (openpyxl). Timings vary with the load of the machine: run it
alone.
"""

import io
import os
import random
import time

from django.db import connection

from bench import fresh_statistics
from bench.recompute import _stored_batch
from bench.synthetic import assessment_data

N = int(os.environ.get("BENCH_EXPORT_ASSESSMENTS", "10000"))
DESCRIPTION = "已建成并投用，覆盖全部产线，与 MES、ERP 集成。" * 4


def _timed(fn):
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def _with_descriptions(batch) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE evaluation_assessment SET snapshot = jsonb_set(snapshot, '{scenarios}', "
            "(SELECT jsonb_object_agg(s.key, s.value || jsonb_build_object('description', %s)) "
            "FROM jsonb_each(snapshot->'scenarios') s)) "
            "WHERE batch_id = %s AND NOT snapshot->'scenarios'->'1' ? 'description'",
            [DESCRIPTION, batch.pk],
        )
        cursor.execute("ANALYZE")


def run() -> dict:
    from evaluation.batch import batch_recompute
    from evaluation.models import Evaluation
    from portal.models import Role, User
    from reports.export_selectors import batch_data_frame
    from reports.exports import _prepared, export_response

    rng = random.Random(2026)
    batch = _stored_batch(
        [assessment_data(rng) for _ in range(N)],
        name="benchmark batch (exports, synthetic)",
        prefix="导出基准测试企业",
        tag="EX",
    )  # its own batch: recompute's 60,000 are not rebuilt at 10,000 and back
    _with_descriptions(batch)
    if Evaluation.objects.filter(assessment__batch=batch).count() != N:
        batch_recompute(batch=batch)
    fresh_statistics()
    province = User(username="bench", role=Role.PROVINCE_ADMIN)

    frame, read_s = _timed(lambda: batch_data_frame(user=province, batch=batch))
    print(f"{len(frame)} rows x {len(frame.columns)} columns read in {read_s:.2f} s", flush=True)
    csv, csv_s = _timed(lambda: export_response(frame, fmt="csv", filename="bench"))
    print(f"CSV: {csv_s:.2f} s, {len(csv.content) / 2**20:.1f} MiB", flush=True)
    xlsx, xlsx_s = _timed(lambda: export_response(frame, fmt="xlsx", filename="bench"))
    print(f"XLSX (XlsxWriter, constant memory): {xlsx_s:.2f} s, "
          f"{len(xlsx.content) / 2**20:.1f} MiB", flush=True)  # fmt: skip
    naive = _prepared(frame)  # what the writer hands XlsxWriter: no time zones, None for blanks
    _none, openpyxl_s = _timed(lambda: naive.to_excel(io.BytesIO(), index=False, engine="openpyxl"))
    print(f"baseline, pandas' openpyxl writer: {openpyxl_s:.2f} s", flush=True)
    return {
        "assessments": N,
        "columns": len(frame.columns),
        "read_seconds": round(read_s, 2),
        "csv_seconds": round(csv_s, 2),
        "xlsx_seconds": round(xlsx_s, 2),
        "openpyxl_seconds": round(openpyxl_s, 2),
        "ratio": round(openpyxl_s / xlsx_s, 1),
    }
