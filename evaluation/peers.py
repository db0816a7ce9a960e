"""Where an enterprise's indicators stand among its peers: the other submitted assessments of
the same batch whose applicants shared its industry type and size class (the frozen
``Assessment.applicant_*``). The answer is one quartile band per indicator — best, second,
third or last quarter — given only when at least ``MIN_PEERS`` peers have a value; nothing
numeric derived from the peers ever leaves this module.

Why bands, and why their boundaries sit where they do. The benchmark is read while drafting,
so the enterprise can type any value and ask again: each answer is a query against the peers'
values. An exact share ("better than 44 %") changes at every peer's value, and a median of an
odd group *is* a peer's value, so a sweep recovered every peer. Bands alone do not fix it: if
the bands changed at the quartile cut points, a sweep would find the cut points, and an
interpolated cut point is a peer's value whenever it falls on a rank (the median of nine is
the fifth). So each boundary is placed *between* two neighbouring distinct peer values — in
the gap where the cut falls, or the nearest gap when the cut lands in a run of equal values —
at the number with the fewest significant digits strictly inside that gap (between 27.8 and
31.06: 30). Then:

- the answer takes at most four values (the four bands), whatever is typed;
- it changes only at the boundaries, and a boundary is never a peer's value (it lies strictly
  between two of them) nor a function of them finer than the gap (the simplest number in it,
  not the midpoint): a sweep learns that some peer lies below 30 and some above, which is
  what "second quarter" says anyway;
- no share, cut point, median or count is shown.

A value inside the gap a boundary sits in is banded by the boundary, not by its exact rank:
that imprecision is the price of not answering at the peers' values. ``tests/security/
test_peer_oracle.py`` sweeps the own value in 10,000 steps and bisects every transition.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import numpy as np
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from indicators.models import Direction

from .models import Assessment, Evaluation, State
from .results import current_values

MIN_PEERS = 5
# From the worst quarter to the best, by the indicator's direction.
BANDS = ("bottom", "lower_middle", "upper_middle", "top")
BAND_LABELS = {
    "top": _("同行前 25%"),
    "upper_middle": _("同行前 25%–50%"),
    "lower_middle": _("同行前 50%–75%"),
    "bottom": _("同行后 25%"),
}
QUARTERS = (1, 2, 3)


def band_legend() -> list[dict]:
    """Every band with its label, from the best to the worst: the page's and the API's key."""
    return [{"code": band, "label": str(BAND_LABELS[band])} for band in reversed(BANDS)]


@dataclass(frozen=True)
class PeerStanding:
    """One indicator: the quartile band of the enterprise's current-year value among its
    peers'."""

    no: int
    code: str
    name: str
    unit: str
    decimals: int
    direction: str
    value: Decimal | None
    status_display: str  # why there is no value, when there is none
    comparable: bool  # enough peers with a value (and not all equal) to band it
    band: str | None  # one of BANDS; None unless comparable and the enterprise has a value

    @property
    def band_label(self) -> str:
        return str(BAND_LABELS[self.band]) if self.band else ""


def peer_evaluations(assessment: Assessment) -> QuerySet[Evaluation]:
    """The peers' evaluations, grouped by the applicant as it applied (the frozen profile of a
    submission; the live one follows while an assessment is editable). This crosses tenants on
    purpose: callers only ever see the bands ``PeerGroup`` computes from it."""
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


def simplest_between(low: Decimal, high: Decimal) -> Decimal:
    """The number with the fewest significant digits strictly between ``low`` < ``high``
    (of several, the nearest their middle): 30 between 27.8 and 31.06, 0.2 between 0.17 and
    0.21, 37.505 between 37.50 and 37.51."""
    middle = (low + high) / 2
    exponent = max(abs(low), abs(high)).adjusted() + 1
    while True:
        step = Decimal(1).scaleb(exponent)
        first = (low / step).to_integral_value(rounding=ROUND_FLOOR) + 1
        last = (high / step).to_integral_value(rounding=ROUND_CEILING) - 1
        if first <= last:
            nearest = min(max((middle / step).to_integral_value(), first), last)
            return (nearest * step).normalize()
        exponent -= 1


def band_boundaries(values: Sequence[float]) -> tuple[Decimal, ...]:
    """The three boundaries between the quarters of ``values`` (the peers' values), each in a
    gap between neighbouring distinct values (see the module's docstring); empty when all the
    values are equal. Quarter k's cut lies after the round(k·n/4) lowest values."""
    ordered = np.sort(np.asarray(values, dtype=float))
    gaps = np.flatnonzero(np.diff(ordered) > 0) + 1  # i: ordered[i - 1] < ordered[i]
    if not len(gaps):
        return ()
    n = len(ordered)
    boundaries = []
    for k in QUARTERS:
        cut = int(k * n / 4 + 0.5)
        i = int(gaps[np.argmin(np.abs(gaps - cut))])  # the nearest gap; the lower one on a tie
        below, above = (Decimal(repr(float(v))) for v in ordered[i - 1 : i + 1])
        boundaries.append(simplest_between(below, above))
    return tuple(boundaries)


def band_of(boundaries: Sequence[Decimal], value: Decimal, direction: str) -> str:
    """The band of ``value``: how many boundaries it reaches, turned by the direction."""
    reached = sum(1 for b in boundaries if value >= b)
    return BANDS[reached if direction == Direction.HIGHER else len(BANDS) - 1 - reached]


@dataclass(frozen=True)
class PeerGroup:
    """The band boundaries of each indicator of one assessment's peers (None where fewer than
    ``MIN_PEERS`` have a value or they are all equal): what one read of the peers yields."""

    boundaries: dict[str, tuple[Decimal, ...] | None]

    def standing(self, row: dict) -> PeerStanding:
        """``row`` (one of ``results.indicator_rows``, stored or live) against the peers."""
        boundaries = self.boundaries.get(row["code"])
        value = row["current"]["value"]
        return PeerStanding(
            no=row["no"],
            code=row["code"],
            name=row["name"],
            unit=row["unit"],
            decimals=row["decimals"],
            direction=row["direction"],
            value=value,
            status_display=str(row["current"]["status_display"]),
            comparable=bool(boundaries),
            band=band_of(boundaries, value, row["direction"])
            if boundaries and value is not None
            else None,
        )


def peer_group(*, assessment: Assessment, codes: list[str]) -> PeerGroup:
    """The peers' band boundaries for the indicators ``codes`` (every one of the catalog
    version's, in its order); one query for all the peers' values."""
    if not codes:
        return PeerGroup(boundaries={})
    values = current_values(peer_evaluations(assessment), codes=codes)
    boundaries = {}
    for code in codes:
        column = values[code].dropna()
        enough = len(column) >= MIN_PEERS
        boundaries[code] = (band_boundaries(column.to_numpy()) or None) if enough else None
    return PeerGroup(boundaries=boundaries)


def peer_standings(*, assessment: Assessment, rows: list[dict]) -> list[PeerStanding]:
    """Each indicator of ``rows`` (``results.indicator_rows`` of the assessment, stored or
    live) against the peers: for the overview page and the API alike."""
    group = peer_group(assessment=assessment, codes=[r["code"] for r in rows])
    return [group.standing(r) for r in rows]
