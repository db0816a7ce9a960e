"""Every private file copied between the private storage (a folder or a bucket, whichever
STORAGES["private"] names) and a plain folder, under the same names: what scripts/backup.sh and
scripts/restore.sh do with a bucket (``manage.py private_files export|import FOLDER``)."""

import posixpath
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File

from .storage import private_files


@dataclass(frozen=True)
class Copied:
    files: int
    bytes: int


def stored_names(folder: str = "") -> Iterator[str]:
    """The name of every stored file, folder by folder."""
    try:
        folders, files = private_files.listdir(folder)
    except FileNotFoundError:  # a local storage nothing was written to yet
        return
    for name in sorted(files):
        yield posixpath.join(folder, name) if folder else name
    for sub in sorted(folders):
        yield from stored_names(posixpath.join(folder, sub) if folder else sub)


def export_to(target: Path) -> Copied:
    """Every stored file into ``target``, streamed."""
    files = size = 0
    for name in stored_names():
        destination = target.joinpath(*name.split("/"))
        destination.parent.mkdir(parents=True, exist_ok=True)
        with private_files.open(name, "rb") as source, open(destination, "wb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
        files, size = files + 1, size + destination.stat().st_size
    return Copied(files, size)


def import_from(source: Path) -> Copied:
    """Every file under ``source`` into the storage under the same name, replacing a file of
    that name (a restore); the other stored files are left alone."""
    files = size = 0
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        name = path.relative_to(source).as_posix()
        if private_files.exists(name):
            private_files.delete(name)
        with open(path, "rb") as content:
            saved = private_files.save(name, File(content, name=name))
        if saved != name:
            raise RuntimeError(f"{name} was stored as {saved}")
        files, size = files + 1, size + path.stat().st_size
    return Copied(files, size)
