"""The peers' part of the results, cached: every save of a draft redraws the side panel, and its
bands and recommendations read the whole peer group, which changes only when a peer is
submitted, returned or evaluated again. One aggregate query fingerprints the group; the bands'
boundaries and the peers' adoption are kept under it, so a change among the peers is seen at
once and an unchanged group is not read again."""

import hashlib

from django.core.cache import cache
from django.db.models import Count, Max, Q

from .models import EDITABLE_STATES, Assessment
from .peers import PeerGroup, peer_evaluations, peer_group
from .recommendations import PeerAdoption, adoption_by_tier

CACHE_SECONDS = 300


def peers_fingerprint(assessment: Assessment) -> str:
    """Changes whenever a peer joins, leaves, is returned or is evaluated again."""
    seen = peer_evaluations(assessment).aggregate(
        n=Count("pk"),
        last=Max("computed_at"),
        editable=Count("pk", filter=Q(assessment__state__in=EDITABLE_STATES)),
    )
    text = f"{assessment.pk}|{seen['n']}|{seen['last']}|{seen['editable']}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def cached_peer_group(assessment: Assessment, codes: list[str], fingerprint: str) -> PeerGroup:
    key = f"peers:group:{fingerprint}:{hashlib.sha256('|'.join(codes).encode()).hexdigest()[:16]}"
    return cache.get_or_set(
        key, lambda: peer_group(assessment=assessment, codes=codes), CACHE_SECONDS
    )


def cached_adoption(
    assessment: Assessment, tiers: list[str], fingerprint: str
) -> dict[str, PeerAdoption | None]:
    key = f"peers:adoption:{fingerprint}:{','.join(tiers)}"
    return cache.get_or_set(key, lambda: adoption_by_tier(assessment, tiers), CACHE_SECONDS)
