"""A per-process memo of what is built from a published catalog version.

A published version can no longer change (the models refuse the write; editing means
cloning a draft), so what the evaluation derives from it — the catalog's shape, the input
spec, the compiled formulas — can be built once per process instead of on every autosave and
preview. A draft is built afresh each time.
"""

import functools
import threading

from django.utils.translation import get_language

from .models import CatalogVersion

MAX_ENTRIES = 64  # versions × languages; more only when many versions are in use at once

_memos: list[dict] = []


def per_published_version(build):
    """Decorate ``build(version)``; ``version`` may be a CatalogVersion or its id. The key holds
    the publication time and the active language (names are read in it)."""
    memo = new_memo()
    lock = threading.Lock()

    @functools.wraps(build)
    def cached(version):
        if not isinstance(version, CatalogVersion):
            version = CatalogVersion.objects.only("status", "published_at").get(pk=version)
        key = published_key(version)
        if key is None:
            return build(version)
        value = memo.get(key)
        if value is None:
            value = build(version)
            with lock:
                if len(memo) >= MAX_ENTRIES:
                    memo.clear()
                memo[key] = value
        return value

    return cached


def published_key(version: CatalogVersion) -> tuple | None:
    """What a memo of the version is keyed by: its id, publication time and the active
    language; None for a draft, which is never memoised."""
    if version.is_draft:
        return None
    return (version.pk, version.published_at, get_language())


def new_memo() -> dict:
    """An empty memo for what is built from published versions, forgotten by ``clear_all``."""
    memo: dict = {}
    _memos.append(memo)
    return memo


def clear_all() -> None:
    """Forget every memo (tests that rebuild the catalog under the same ids)."""
    for memo in _memos:
        memo.clear()
