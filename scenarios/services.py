"""Writes of the catalog: clone a version, publish it, export and import it; and the fixing of
a batch's tier rules at its first submission.

A version is editable only while it is a draft and no batch uses it; the
models refuse changes to a frozen version, and these services check first so
that the refusal comes with a clear message. Likewise a batch's tier rules,
once fixed.
"""

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from portal.services import audit_log_record
from portal.spreadsheets import neutralised_row, unreadable, workbook_rows

from .catalog_parts import catalog_parts
from .models import Batch, CatalogVersion, TierRequirement, TierRule, VersionStatus

EXPORT_FORMATS = ("json", "xlsx")
VERSION_SHEET = "version"
VERSION_FIELDS = ("label", "title", "notes")


def _copied(row, **changes):
    """``row`` as a new, unsaved row with ``changes``: every other field as it is."""
    row.pk = row.id = None
    row._state.adding = True
    for name, value in changes.items():
        setattr(row, name, value)
    return row


@transaction.atomic
def catalog_version_clone(*, version: CatalogVersion, label: str, actor=None) -> CatalogVersion:
    """Copy a version, whatever its state, into a new editable draft."""
    if CatalogVersion.objects.filter(label=label).exists():
        raise ValidationError({"label": _("版本号 %(label)s 已存在。") % {"label": label}})
    draft = CatalogVersion.objects.create(
        label=label,
        title=version.title,
        notes=version.notes,
        cloned_from=version,
        status=VersionStatus.DRAFT,
    )
    copies: dict[tuple[type, int], object] = {}
    for part in catalog_parts():
        for item in part.model.objects.filter(version=version).order_by("no"):
            old_pk = item.pk
            _copied(item, version=draft)
            if part.parent:
                parent_field = part.model._meta.get_field(part.parent)
                old_parent = getattr(item, parent_field.attname)
                setattr(item, part.parent, copies[(parent_field.related_model, old_parent)])
            item.save()
            copies[(part.model, old_pk)] = item
    audit_log_record(
        actor=actor,
        action="catalog.clone",
        target=draft,
        summary=_("由 %(src)s 复制为草稿 %(dst)s") % {"src": version.label, "dst": label},
    )
    return draft


def catalog_version_problems(*, version: CatalogVersion) -> list[str]:
    """What keeps a draft from being published: empty parts and orphans."""
    problems = []
    for part in catalog_parts():
        if not part.optional and not part.model.objects.filter(version=version).exists():
            problems.append(_("缺少%(part)s。") % {"part": part.model._meta.verbose_name})
    for dimension in version.dimensions.all():
        if not dimension.links.exists():
            problems.append(_("维度“%(name)s”没有环节。") % {"name": dimension.name})
    for link in version.links.all():
        if not link.scenarios.exists():
            problems.append(_("环节“%(name)s”没有典型场景。") % {"name": link.name})
    return problems


@transaction.atomic
def catalog_version_publish(*, version: CatalogVersion, actor=None) -> CatalogVersion:
    version = CatalogVersion.objects.select_for_update().get(pk=version.pk)
    version.assert_editable()
    problems = catalog_version_problems(version=version)
    if problems:
        raise ValidationError(problems)
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.save()
    audit_log_record(
        actor=actor,
        action="catalog.publish",
        target=version,
        summary=_("发布目录版本 %(label)s") % {"label": version.label},
    )
    return version


def _as_text_cells(dataset: tablib.Dataset) -> tablib.Dataset:
    """The dataset with every text cell ``neutralised`` (for the workbook, not the JSON)."""
    return tablib.Dataset(
        *(neutralised_row(row) for row in dataset),
        headers=neutralised_row(dataset.headers or []),
        title=dataset.title,
    )


def catalog_version_export(*, version: CatalogVersion, file_format: str) -> bytes | str:
    """The whole version as one workbook (xlsx) or one JSON document, a sheet per part; in the
    workbook, text a spreadsheet would run as a formula is written as text."""
    if file_format not in EXPORT_FORMATS:
        raise ValidationError({"format": _("不支持的格式：%(f)s") % {"f": file_format}})
    meta = tablib.Dataset(headers=list(VERSION_FIELDS), title=VERSION_SHEET)
    meta.append([getattr(version, f) for f in VERSION_FIELDS])
    sheets = [meta]
    for part in catalog_parts():
        dataset = part.resource().export(
            queryset=part.model.objects.filter(version=version).order_by("no")
        )
        dataset.title = part.key
        sheets.append(dataset)
    if file_format == "xlsx":
        sheets = [_as_text_cells(sheet) for sheet in sheets]
    return tablib.Databook(sheets).export(file_format)


def _workbook_book(content: bytes) -> tablib.Databook:
    """The workbook's sheets as datasets (the first row the headers), read by the portal's
    one reader of uploaded workbooks."""
    book = tablib.Databook()
    for title, rows in workbook_rows(content, field="file").items():
        dataset = tablib.Dataset(title=title)
        if rows:
            width = len(rows[0])
            dataset.headers = list(rows[0])
            try:
                for row in rows[1:]:
                    dataset.append([*row, *[""] * (width - len(row))])
            except tablib.InvalidDimensions as exc:
                raise unreadable("file") from exc
        book.add_sheet(dataset)
    return book


def _load_book(content: bytes | str, file_format: str) -> tablib.Databook:
    if file_format not in EXPORT_FORMATS:
        raise ValidationError({"format": _("不支持的格式：%(f)s") % {"f": file_format}})
    if file_format == "xlsx":
        if isinstance(content, str):
            raise unreadable("file")
        return _workbook_book(content)
    try:
        return tablib.Databook().load(content, format=file_format)
    except Exception as exc:  # tablib raises many parser-specific errors
        raise ValidationError({"file": _("无法读取文件：%(err)s") % {"err": exc}}) from exc


@transaction.atomic
def catalog_version_import(
    *, version: CatalogVersion, content: bytes | str, file_format: str, actor=None
) -> dict[str, int]:
    """Replace a draft's content with a file's; all or nothing.

    Every row error is collected (sheet, row, field, message) and raised as
    one ValidationError, and the transaction rolls back so nothing changes.
    """
    version = CatalogVersion.objects.select_for_update().get(pk=version.pk)
    version.assert_editable()
    sheets = {sheet.title: sheet for sheet in _load_book(content, file_format).sheets()}
    missing = [p.key for p in catalog_parts() if p.key not in sheets and not p.optional]
    if missing:
        raise ValidationError(
            {"file": _("文件缺少工作表：%(sheets)s") % {"sheets": "、".join(missing)}}
        )
    for part in reversed(catalog_parts()):
        part.model.objects.filter(version=version).delete()
    errors, counts = [], {}
    for part in catalog_parts():
        if part.key not in sheets:
            continue  # an optional part the file predates
        result = part.resource(version=version).import_data(
            sheets[part.key],
            dry_run=False,
            raise_errors=False,
            use_transactions=False,
            version=version,
        )
        errors.extend(_row_errors(part.key, result))
        counts[part.key] = result.totals.get("new", 0)
        if errors:
            break
    if errors:
        raise ValidationError(errors)  # leaving the atomic block rolls the deletions back
    audit_log_record(
        actor=actor,
        action="catalog.import",
        target=version,
        summary=_("导入目录版本 %(label)s") % {"label": version.label},
        data=counts,
    )
    return counts


def _row_errors(sheet: str, result) -> list[str]:
    messages = []
    for row_no, row_errors in result.row_errors():
        for error in row_errors:
            if isinstance(error.error, TransactionManagementError):
                continue  # only the echo of an earlier row's database error
            messages.append(
                _("工作表 %(sheet)s 第 %(row)s 行：%(err)s")
                % {"sheet": sheet, "row": row_no + 1, "err": error.error}
            )
    for invalid in result.invalid_rows:
        for field, field_errors in invalid.field_specific_errors.items():
            messages.append(
                _("工作表 %(sheet)s 第 %(row)s 行，字段 %(field)s：%(err)s")
                % {
                    "sheet": sheet,
                    "row": invalid.number + 1,
                    "field": field,
                    "err": "；".join(str(e) for e in field_errors),
                }
            )
        for error in invalid.non_field_specific_errors:
            messages.append(
                _("工作表 %(sheet)s 第 %(row)s 行：%(err)s")
                % {"sheet": sheet, "row": invalid.number + 1, "err": error}
            )
    return messages


def _rule_record(rule: TierRule) -> dict:
    return {
        "tier": rule.tier,
        "min_support_elements": rule.min_support_elements,
        "support_categories": list(rule.support_categories or []),
        "min_indicators_improved": rule.min_indicators_improved,
        "requirements": [
            [q.dimension_code, q.min_scenarios, q.min_links] for q in rule.requirements.all()
        ],
    }


def _rules_copy(rules: list[TierRule], batch: Batch) -> None:
    """The rules and their requirements copied to ``batch``, one INSERT per table and one per
    history table. Not through ``save()``: its check that the batch's rules are still
    editable is the caller's, made once under the batch's lock."""
    requirements = [list(rule.requirements.all()) for rule in rules]
    copies = bulk_create_with_history([_copied(rule, batch=batch) for rule in rules], TierRule)
    bulk_create_with_history(
        [
            _copied(requirement, rule=copy)
            for copy, own in zip(copies, requirements, strict=True)
            for requirement in own
        ],
        TierRequirement,
    )


@transaction.atomic
def batch_rules_fix(*, batch: Batch, actor=None) -> bool:
    """Fix the batch's tier rules, at its first submission: a batch without rules of its own
    gets a copy of the default rules, and from then on its rules cannot change (editing the
    defaults no longer reaches it). Idempotent; False when the rules were fixed already.

    The batch row is locked, so concurrent first submissions copy the defaults once."""
    if Batch.objects.filter(pk=batch.pk, rules_fixed_at__isnull=False).exists():
        return False  # the usual case, without waiting for the batch's lock
    locked = Batch.objects.select_for_update().get(pk=batch.pk)
    if locked.rules_fixed_at is not None:
        return False
    own = list(TierRule.objects.filter(batch=locked).prefetch_related("requirements"))
    source = "batch" if own else "default"
    if not own:
        _rules_copy(
            list(TierRule.objects.filter(batch=None).prefetch_related("requirements")), locked
        )
    locked.rules_fixed_at = timezone.now()
    locked.save(update_fields=["rules_fixed_at"])
    batch.rules_fixed_at = locked.rules_fixed_at
    fixed = TierRule.objects.filter(batch=locked).prefetch_related("requirements")
    audit_log_record(
        actor=actor,
        action="batch.rules_fix",
        target=locked,
        summary=_("申报批次 %(batch)s 的层级规则在首次提交申报时固定（%(source)s）")
        % {
            "batch": locked.name,
            "source": _("本批次规则") if source == "batch" else _("复制自默认规则"),
        },
        data={"source": source, "rules": [_rule_record(rule) for rule in fixed]},
    )
    return True
