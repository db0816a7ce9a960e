"""Writes of the catalog: clone a version, publish it, export and import it.

A version is editable only while it is a draft and no batch uses it; the
models refuse changes to a frozen version, and these services check first so
that the refusal comes with a clear message.
"""

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.services import audit_log_record

from .catalog_parts import catalog_parts
from .models import CatalogVersion, VersionStatus

EXPORT_FORMATS = ("json", "xlsx")
VERSION_SHEET = "version"
VERSION_FIELDS = ("label", "title", "notes")


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
            item.pk = item.id = None
            item._state.adding = True
            item.version = draft
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
        if not part.model.objects.filter(version=version).exists():
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


def catalog_version_export(*, version: CatalogVersion, file_format: str) -> bytes | str:
    """The whole version as one workbook (xlsx) or one JSON document, a sheet per part."""
    if file_format not in EXPORT_FORMATS:
        raise ValidationError({"format": _("不支持的格式：%(f)s") % {"f": file_format}})
    book = tablib.Databook()
    meta = tablib.Dataset(headers=list(VERSION_FIELDS), title=VERSION_SHEET)
    meta.append([getattr(version, f) for f in VERSION_FIELDS])
    book.add_sheet(meta)
    for part in catalog_parts():
        dataset = part.resource().export(
            queryset=part.model.objects.filter(version=version).order_by("no")
        )
        dataset.title = part.key
        book.add_sheet(dataset)
    return book.export(file_format)


def _load_book(content: bytes | str, file_format: str) -> tablib.Databook:
    if file_format not in EXPORT_FORMATS:
        raise ValidationError({"format": _("不支持的格式：%(f)s") % {"f": file_format}})
    try:
        book = tablib.Databook().load(content, format=file_format)
    except Exception as exc:  # tablib raises many parser-specific errors
        raise ValidationError({"file": _("无法读取文件：%(err)s") % {"err": exc}}) from exc
    return book


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
    missing = [p.key for p in catalog_parts() if p.key not in sheets]
    if missing:
        raise ValidationError(
            {"file": _("文件缺少工作表：%(sheets)s") % {"sheets": "、".join(missing)}}
        )
    for part in reversed(catalog_parts()):
        part.model.objects.filter(version=version).delete()
    errors, counts = [], {}
    for part in catalog_parts():
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
