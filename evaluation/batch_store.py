"""Write a batch's evaluations: one upsert of every row, in a single transaction.

On PostgreSQL the rows are streamed with ``COPY`` into a temporary table and
upserted from there, which is what makes tens of thousands of evaluations a
matter of seconds; elsewhere (the SQLite demo) ``bulk_create`` does the same.
"""

import io
import json

from django.db import connection, transaction
from django.utils import timezone

from .models import Evaluation

CHUNK = 5000
UPDATED = (
    "catalog_version",
    "rules_source",
    "input_fingerprint",
    "indicators",
    "tier_result",
    "highest_tier",
    "indicators_improved",
    "computed_at",
    "computed_by",
)


@transaction.atomic
def store_evaluations(context, computed, stored: list[dict], *, progress=None) -> None:
    """Create or replace the evaluation of every assessment in ``computed``.

    A batch evaluation has no input fingerprint: the next single evaluation of
    the assessment recomputes rather than trusting it.
    """
    common = {
        "catalog_version_id": context.catalog_version_id,
        "rules_source": context.rules_source,
        "input_fingerprint": "",
        "computed_at": timezone.now(),
        "computed_by": "batch",
    }
    write = _copy_upsert if connection.vendor == "postgresql" else _bulk_upsert
    ids = computed.ids.tolist()
    total = len(ids)
    for start in range(0, total, CHUNK):
        write(computed, ids, stored, range(start, min(start + CHUNK, total)), common)
        if progress:
            progress(min(start + CHUNK, total), total)
    if connection.vendor == "postgresql":
        # Thousands of rows just replaced: the planner's statistics are stale until the next
        # autovacuum, which may be off (the queues and the overview read this table).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Evaluation._meta.db_table)}")


def _bulk_upsert(computed, ids, stored, positions, common) -> None:
    Evaluation.objects.bulk_create(
        [
            Evaluation(
                assessment_id=ids[i],
                indicators=stored[i],
                tier_result=computed.tiers.as_json(i),
                highest_tier=computed.tiers.highest[i],
                indicators_improved=int(computed.improved[i]),
                **common,
            )
            for i in positions
        ],
        update_conflicts=True,
        unique_fields=["assessment"],
        update_fields=UPDATED,
    )


def _copy_text(value: str) -> str:
    """A field of COPY's text format."""
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _copy_upsert(computed, ids, stored, positions, common) -> None:
    highest, improved = computed.tiers.highest, computed.improved
    tier_texts = computed.tiers.json_texts(positions)
    buffer = io.StringIO()
    for i, tier_text in zip(positions, tier_texts, strict=True):
        indicators = _copy_text(json.dumps(stored[i], ensure_ascii=False))
        buffer.write(
            f"{ids[i]}\t{indicators}\t{_copy_text(tier_text)}\t{highest[i]}\t{improved[i]}\n"
        )
    buffer.seek(0)
    table = Evaluation._meta.db_table
    columns = [Evaluation._meta.get_field(f).column for f in UPDATED]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS evaluation_incoming (assessment_id integer, "
            "indicators jsonb, tier_result jsonb, highest_tier varchar(10), "
            "indicators_improved smallint) ON COMMIT DROP"
        )
        cursor.copy_expert(
            "COPY evaluation_incoming (assessment_id, indicators, tier_result, highest_tier, "
            "indicators_improved) FROM STDIN",
            buffer,
        )
        cursor.execute(
            f"INSERT INTO {table} (assessment_id, {', '.join(columns)}) "  # noqa: S608
            "SELECT assessment_id, %s, %s, %s, indicators, tier_result, highest_tier, "
            "indicators_improved, %s, %s FROM evaluation_incoming "
            f"ON CONFLICT (assessment_id) DO UPDATE SET "
            + ", ".join(f"{c} = EXCLUDED.{c}" for c in columns),
            [
                common["catalog_version_id"],
                common["rules_source"],
                common["input_fingerprint"],
                common["computed_at"],
                common["computed_by"],
            ],
        )
        cursor.execute("TRUNCATE evaluation_incoming")
