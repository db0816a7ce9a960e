"""Who else is editing an assessment right now: a short-lived record in the cache.

Every editor page, autosave and preview of an assessment records its user there (with the
section they are in); a record not refreshed for ``PRESENCE_SECONDS`` is gone. The editor shows
the others on the responses it already makes (the page, each autosave, each preview), so there
is no extra polling. One cache entry per assessment: a race between two saves may drop a
colleague until their next request, which is harmless for a hint.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from .item_versions import person

SECTIONS = {
    "overview": _("概览"),
    "scenarios": _("典型场景"),
    "support": _("支撑要素"),
    "indicators": _("指标数据"),
    "import": _("Excel 导入"),
    "submit": _("申报与提交"),
    "assignments": _("分工"),
}


def _key(assessment_id: int) -> str:
    return f"presence:assessment:{assessment_id}"


def _fresh(entries: dict, now: float) -> dict:
    return {uid: e for uid, e in entries.items() if now - e["at"] < settings.PRESENCE_SECONDS}


def presence_touch(*, assessment_id: int, user, section: str) -> None:
    """Record that ``user`` is in ``section`` of the assessment now."""
    now = time.time()
    entries = _fresh(cache.get(_key(assessment_id)) or {}, now)
    entries[str(user.pk)] = {"name": person(user), "section": section, "at": now}
    cache.set(_key(assessment_id), entries, timeout=settings.PRESENCE_SECONDS)


def presence_others(*, assessment_id: int, user) -> list[dict]:
    """The colleagues other than ``user`` seen on the assessment lately, by name, with the
    section each is in."""
    entries = _fresh(cache.get(_key(assessment_id)) or {}, time.time())
    return sorted(
        (
            {"name": e["name"], "section": SECTIONS.get(e["section"], e["section"])}
            for uid, e in entries.items()
            if uid != str(user.pk)
        ),
        key=lambda e: e["name"],
    )
