"""Each item of an assessment has its own version: a stale edit of the same item conflicts, an
edit of another item never does.

The write services call ``item_check`` before they change an item and ``item_touch`` after; the
web editor, the API and the workbook import all reach items through those services, so this is
the one place where staleness is decided. Keys name items in the API: ``scenario:<no>``,
``support_element:<no>``, ``input:<code>`` (both years of one input), ``years``. The rows of a
table input are merged rather than refused when its editor says which rows it loaded
(``rows_merged``): only a row two colleagues both changed conflicts.
"""

from collections import Counter

from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from indicators.models import InputDefinition
from portal.exceptions import EditConflict
from scenarios.models import Scenario, SupportElement

from .models import Assessment, ItemRevision

YEARS = "years"
ELIGIBILITY = "eligibility"  # the CMMM level and the self-test score


def scenario_key(no: int) -> str:
    return f"scenario:{no}"


def support_key(no: int) -> str:
    return f"support_element:{no}"


def input_key(code: str) -> str:
    return f"input:{code}"


def person(user) -> str:
    """How a colleague is named to the others: their name, else their user name."""
    if user is None:
        return _("系统")
    return user.get_full_name() or user.get_username()


def item_labels(assessment: Assessment) -> dict[str, str]:
    """Every item's name as the editor shows it, by key (three queries)."""
    version = assessment.batch.catalog_version_id
    labels = {YEARS: _("基准年与当年"), ELIGIBILITY: _("CMMM 自评等级与在线自测得分")}
    for item in Scenario.objects.filter(version_id=version):
        labels[scenario_key(item.no)] = _("场景 %(no)s“%(name)s”") % {
            "no": item.no,
            "name": item.display_name,
        }
    for item in SupportElement.objects.filter(version_id=version):
        labels[support_key(item.no)] = _("支撑要素 %(no)s“%(name)s”") % {
            "no": item.no,
            "name": item.display_name,
        }
    for item in InputDefinition.objects.filter(version_id=version):
        labels[input_key(item.code)] = _("指标数据“%(name)s”") % {"name": item.display_name}
    return labels


def item_label(assessment: Assessment, key: str) -> str:
    return item_labels(assessment).get(key, key)


def item_versions(assessment: Assessment) -> dict[str, int]:
    """The version of every item changed at least once (an untouched item is at version 0)."""
    return dict(assessment.item_revisions.values_list("key", "version"))


def item_check(assessment: Assessment, key: str, expected, *, actor, yours, theirs) -> None:
    """Refuse an edit made on an older version of this item that would change what a colleague
    saved since: ``EditConflict`` with both values. The caller holds the assessment's row lock,
    so no one saves this item between the check and the write. ``expected`` None: not checked
    (an API client that sends no version, an import that replaces every value by design). The
    actor's own later change is no conflict (a second tab, the calculator filling an input)."""
    if expected is None or yours == theirs:
        return
    revision = _revision(assessment, key)
    if not _stale(revision, expected, actor):
        return
    current = revision.version if revision else 0
    label = item_label(assessment, key)
    by = revision.updated_by if revision else None
    at = revision.updated_at if revision else None
    raise EditConflict(
        _(
            "%(item)s在您打开页面后已被 %(who)s 修改（%(when)s），您的修改没有保存。"
            "请对照双方的内容，选择保留您的内容或采用对方的内容。"
        )
        % {
            "item": label,
            "who": person(by),
            "when": date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT") if at else "—",
        },
        item=key,
        label=label,
        yours=yours,
        theirs=theirs,
        version=current,
        by=person(by) if revision else None,
        at=at,
    )


def _revision(assessment: Assessment, key: str):
    return (
        ItemRevision.objects.filter(assessment=assessment, key=key)
        .select_related("updated_by")
        .first()
    )


def _stale(revision, expected, actor) -> bool:
    current = revision.version if revision else 0
    return int(expected) != current and not (revision and revision.updated_by_id == actor.pk)


def item_stale(assessment: Assessment, key: str, expected, *, actor) -> bool:
    """Someone else changed the item since its editor loaded version ``expected``."""
    return expected is not None and _stale(_revision(assessment, key), expected, actor)


def _row(row: dict, columns: list[str]) -> tuple:
    return tuple(str((row or {}).get(c) or "").strip() for c in columns)


def same_rows(a: list, b: list) -> bool:
    """The same rows, in any order, whatever the blank cells and the spaces."""
    columns = sorted({c for rows in (a, b) for row in rows or [] for c in row})
    return Counter(_row(r, columns) for r in a or []) == Counter(_row(r, columns) for r in b or [])


def rows_merged(loaded: list, mine: list, theirs: list) -> list | None:
    """A table input's rows (warehouses, R&D projects) saved by a colleague meanwhile, merged
    with an editor's: the rows the editor removed or changed since loading (``loaded``) leave
    the colleague's table, the rows they added or changed join it. None when a row the editor
    changed or removed was changed or removed by the colleague too: that is a conflict."""
    columns = sorted({c for rows in (loaded, mine, theirs) for row in rows or [] for c in row})
    base = Counter(_row(r, columns) for r in loaded or [])
    kept = Counter(_row(r, columns) for r in mine or [])
    removed, added = base - kept, kept - base
    if removed - Counter(_row(r, columns) for r in theirs or []):
        return None
    merged = []
    for row in theirs or []:
        if removed[_row(row, columns)]:
            removed[_row(row, columns)] -= 1
        else:
            merged.append(row)
    for row in mine or []:
        if added[_row(row, columns)]:
            added[_row(row, columns)] -= 1
            merged.append(row)
    return merged


def item_touch(assessment: Assessment, key: str, actor) -> int:
    """A new version of the item, changed by ``actor``; returns it."""
    updated = ItemRevision.objects.filter(assessment=assessment, key=key).update(
        version=F("version") + 1, updated_by=actor, updated_at=timezone.now()
    )
    if not updated:
        ItemRevision.objects.create(assessment=assessment, key=key, version=1, updated_by=actor)
    return ItemRevision.objects.get(assessment=assessment, key=key).version
