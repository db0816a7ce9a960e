"""Checks on an uploaded evidence file: size, a safe name, and the type read from its content."""

import hashlib
import os
import unicodedata

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

ALLOWED = {  # extension → MIME type, as detected from the content
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ALIASES = {"jpeg": "jpg"}
MAX_NAME = 120
MAX_NAME_BYTES = 200  # file systems allow 255 bytes, and a Chinese character takes 3


def _valid(text: str) -> str:
    try:
        return get_valid_filename(text)
    except Exception:  # Django refuses names that reduce to nothing or to dots
        return ""


def safe_name(name: str) -> str:
    """The file's base name without any path, control characters or shell-unfriendly signs,
    short enough to store; the extension is kept even when nothing else is left."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    stem, dot, ext = name.rpartition(".")  # ".pdf" is a PDF with no stem, not a dot file
    stem, ext = (stem, f".{ext}") if dot else (ext, "")
    stem, ext = _valid(stem.strip().lstrip(".")), _valid(ext).lower()
    stem = stem[: MAX_NAME - len(ext)]
    while len(f"{stem}{ext}".encode()) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return (stem or "file") + ext


def check_size(uploaded, limit: int, field: str = "file") -> None:
    """ValidationError on ``field`` when the upload is empty or larger than ``limit`` bytes."""
    if uploaded.size > limit:
        raise ValidationError(
            {field: _("文件过大（上限 %(mb)s MB）。") % {"mb": round(limit / 2**20, 1)}},
            code="too_large",
        )
    if uploaded.size == 0:
        raise ValidationError({field: _("文件为空。")}, code="empty")


def _canonical(extension: str) -> str:
    return ALIASES.get(extension, extension)


IMAGES = ("jpg", "png")  # photos: of a site visit


def checked_upload(
    uploaded, *, field: str = "file", kinds: tuple[str, ...] = (), limit: int | None = None
) -> tuple[str, str]:
    """(safe file name, MIME type) of an acceptable upload; else ValidationError on ``field``.
    ``kinds``: the extensions accepted (by default every evidence type), ``limit`` the size
    (by default ``EVIDENCE_MAX_BYTES``)."""
    check_size(uploaded, limit or settings.EVIDENCE_MAX_BYTES, field)
    name = safe_name(uploaded.name or "")
    extension = _canonical(os.path.splitext(name)[1].lstrip("."))
    if extension not in (kinds or ALLOWED):
        message = (
            _("不支持的文件类型，请上传 JPG 或 PNG 图片。")
            if kinds == IMAGES
            else _("不支持的文件类型，请上传 PDF、图片（JPG/PNG）或 Office 文档。")
        )
        raise ValidationError({field: message}, code="type")
    uploaded.seek(0)
    kind = filetype.guess(uploaded.read(8192))
    uploaded.seek(0)
    if kind is None or _canonical(kind.extension) != extension:
        raise ValidationError(
            {
                field: _("文件内容与扩展名 .%(ext)s 不符（识别为 %(kind)s）。")
                % {"ext": extension, "kind": kind.extension if kind else _("未知类型")}
            },
            code="spoofed",
        )
    return name, ALLOWED[extension]


def upload_limits(kinds: tuple[str, ...] = (), limit: int | None = None) -> dict:
    """What ``checked_upload`` accepts, as the upload control says before a file is chosen:
    the extensions (and the ``accept`` attribute) and the size limit."""
    extensions = list(kinds or ALLOWED)
    accepted = extensions + [alias for alias, ext in ALIASES.items() if ext in extensions]
    limit = limit or settings.EVIDENCE_MAX_BYTES
    return {
        "extensions": " ".join(e.upper() for e in extensions),
        "accept": ",".join(f".{e}" for e in accepted),
        "max_bytes": limit,
        "max_mb": round(limit / 2**20, 1),
    }


def sha256_of(uploaded) -> str:
    """The upload's SHA-256, read in chunks; the file is left at its start to be stored."""
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def save_with_file(instance, field: str, name: str, uploaded) -> None:
    """Store the upload in ``instance``'s file ``field``, then the row; a row that fails to
    save leaves no stored file behind."""
    stored = getattr(instance, field)
    stored.save(name, uploaded, save=False)
    try:
        instance.save()
    except Exception:
        stored.delete(save=False)
        raise
