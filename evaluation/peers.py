"""Where an enterprise's indicators stand among its peers: the other submitted assessments of
the same batch whose enterprises share its industry type and size class.

Only aggregates leave this module (a percentile and the peers' median), and only when at
least ``MIN_PEERS`` peers have a value, so that no single peer's value or identity can be
told from what is shown.
"""

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from django.db.models import QuerySet

from indicators.models import Direction

from .models import Assessment, Evaluation, State
from .results import current_values

MIN_PEERS = 5


@dataclass(frozen=True)
class PeerStanding:
    """One indicator: the enterprise's current-year value against its peers'."""

    no: int
    code: str
    name: str
    unit: str
    decimals: int
    direction: str
    value: Decimal | None
    status_display: str  # why there is no value, when there is none
    peers: int  # peers with a value for this indicator, the enterprise itself excluded
    median: float | None  # None unless comparable
    better_than: int | None  # % of peers the value beats, by the indicator's direction

    @property
    def comparable(self) -> bool:
        return self.peers >= MIN_PEERS


def peer_evaluations(assessment: Assessment) -> QuerySet[Evaluation]:
    """The peers' evaluations. This crosses tenants on purpose: callers only ever see the
    aggregates ``peer_standings`` computes from it."""
    return (
        Evaluation.objects.filter(
            assessment__batch_id=assessment.batch_id,
            assessment__applicant_industry_type=assessment.applicant_industry_type,
            assessment__applicant_size=assessment.applicant_size,
            catalog_version_id=assessment.batch.catalog_version_id,
        )
        .exclude(assessment__state=State.DRAFT)
        .exclude(assessment__enterprise_id=assessment.enterprise_id)
    )


def peer_standings(*, assessment: Assessment, rows: list[dict]) -> list[PeerStanding]:
    """Each indicator of ``rows`` (``results.indicator_rows`` of the assessment, stored or
    live) against the peers'; one query for all the peers' values."""
    if not rows:
        return []
    codes = [r["code"] for r in rows]
    peers = current_values(peer_evaluations(assessment), codes=codes)
    own = pd.Series([r["current"]["value"] for r in rows], index=codes, dtype=object).astype(float)
    higher = pd.Series([r["direction"] == Direction.HIGHER for r in rows], index=codes)
    counts = peers.count()
    medians = peers.median()
    beaten = peers.lt(own).sum().where(higher, peers.gt(own).sum())
    percent = (beaten * 100 / counts.where(counts > 0)).round()
    standings = []
    for r in rows:
        code = r["code"]
        n = int(counts[code])
        shown = n >= MIN_PEERS
        value = r["current"]["value"]
        standings.append(
            PeerStanding(
                no=r["no"],
                code=code,
                name=r["name"],
                unit=r["unit"],
                decimals=r["decimals"],
                direction=r["direction"],
                value=value,
                status_display=str(r["current"]["status_display"]),
                peers=n,
                median=float(medians[code]) if shown else None,
                better_than=int(percent[code]) if shown and value is not None else None,
            )
        )
    return standings
