"""scripts/backup.sh and scripts/restore.sh on a small database: a scratch database is migrated
and given an enterprise and an assessment with an evidence file, backed up, and restored into a
second scratch database and another files folder; every table's rows and the file's bytes come
back. The restore refuses to run without its target and its confirmation."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from psycopg2 import sql

from tests.services.conftest import PDF

ROOT = Path(__file__).resolve().parent.parent
DB = settings.DATABASES["default"]

pytestmark = pytest.mark.skipif(
    not DB["ENGINE"].endswith("postgresql"), reason="pg_dump and pg_restore need PostgreSQL"
)

LOAD = """
import django
django.setup()
from datetime import timedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from evaluation import services
from portal.models import Role, User
from scenarios.models import Batch, CatalogVersion
from tests.factories import EnterpriseFactory
from tests.services.conftest import PDF

enterprise = EnterpriseFactory(name="备份测试企业")
admin = User.objects.create(username="backup_admin", role=Role.ENTERPRISE_ADMIN, enterprise=enterprise)
now = timezone.now()
batch = Batch.objects.create(
    year=now.year, name="备份测试批次",
    catalog_version=CatalogVersion.objects.create(label="backup-test", title="备份测试目录"),
    opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30),
)
assessment = services.assessment_create(enterprise=enterprise, batch=batch, actor=admin)
services.evidence_upload(
    assessment=assessment, actor=admin, uploaded=SimpleUploadedFile("资产负债表.pdf", PDF),
    financial_year=assessment.current_year,
)
"""


def _connect(dbname: str):
    return psycopg2.connect(
        dbname=dbname,
        host=DB["HOST"] or None,
        port=DB["PORT"] or None,
        user=DB["USER"] or None,
        password=DB["PASSWORD"] or None,
    )


def _url(dbname: str) -> str:
    auth = DB["USER"] + (f":{DB['PASSWORD']}" if DB["PASSWORD"] else "")
    return f"postgres://{auth}@{DB['HOST']}:{DB['PORT'] or 5432}/{dbname}"


@pytest.fixture
def scratch_databases(worker_id):
    """Two empty databases named after this run's own database and its test process
    (parallel processes never share them), dropped afterwards."""
    process = "" if worker_id == "master" else f"_{worker_id}"
    names = [f"{DB['NAME']}{process}_backup_source", f"{DB['NAME']}{process}_backup_target"]
    admin = _connect("postgres")
    admin.autocommit = True

    def drop():
        with admin.cursor() as cursor:
            for name in names:
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )

    drop()
    with admin.cursor() as cursor:
        for name in names:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield names
    drop()
    admin.close()


def _run(args, env, check=True):
    return subprocess.run(
        args,
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=check,
        timeout=300,
    )


def _row_counts(dbname: str) -> dict[str, int]:
    with _connect(dbname) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        counts = {}
        for (table,) in cursor.fetchall():
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            counts[table] = cursor.fetchone()[0]
    return counts


def _evidence_path(dbname: str) -> str:
    with _connect(dbname) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT file FROM evaluation_evidence")
        return cursor.fetchone()[0]


@pytest.mark.slow
def test_a_backup_restores_every_row_and_the_evidence_files(scratch_databases, tmp_path):
    source, target = scratch_databases
    source_files, target_files = tmp_path / "source-private", tmp_path / "target-private"
    source_env = {"DATABASE_URL": _url(source), "PRIVATE_MEDIA_ROOT": str(source_files)}
    _run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], source_env)
    _run([sys.executable, "-c", LOAD], source_env)
    counts = _row_counts(source)
    assert counts["evaluation_assessment"] == 1 and counts["evaluation_evidence"] == 1
    assert counts["portal_auditlog"] == 2  # the assessment's creation, the upload

    backup = _run(["scripts/backup.sh", str(tmp_path / "backups")], source_env).stdout.strip()
    assert sorted(p.name for p in Path(backup).iterdir()) == [
        "SHA256SUMS",
        "database.dump",
        "private.tar.gz",
    ]

    target_env = {"PRIVATE_MEDIA_ROOT": str(target_files)}
    restore = ["scripts/restore.sh", backup, _url(target), "--yes"]
    _run(restore, target_env)
    assert _row_counts(target) == counts
    path = _evidence_path(target)
    assert path == _evidence_path(source)
    assert (target_files / path).read_bytes() == PDF == (source_files / path).read_bytes()

    # again over the restored data: objects are dropped and recreated, nothing doubles
    _run(restore, target_env)
    assert _row_counts(target) == counts


def test_restore_refuses_without_its_target_or_confirmation(tmp_path):
    env = {"PRIVATE_MEDIA_ROOT": str(tmp_path / "private")}
    missing_target = _run(["scripts/restore.sh", str(tmp_path)], env, check=False)
    assert missing_target.returncode == 2
    assert "target database URL" in missing_target.stderr
    unconfirmed = _run(["scripts/restore.sh", str(tmp_path), _url("anything")], env, check=False)
    assert unconfirmed.returncode == 2
    assert "--yes" in unconfirmed.stderr
    not_a_backup = _run(
        ["scripts/restore.sh", str(tmp_path), _url("anything"), "--yes"], env, check=False
    )
    assert not_a_backup.returncode == 2
    assert "not a backup folder" in not_a_backup.stderr
    assert not (tmp_path / "private").exists()


def test_a_tampered_backup_is_not_restored(tmp_path):
    backup = tmp_path / "portal-x"
    backup.mkdir()
    for name, content in [("database.dump", b"dump"), ("private.tar.gz", b"files")]:
        (backup / name).write_bytes(content)
    (backup / "SHA256SUMS").write_text(
        f"{hashlib.sha256(b'other').hexdigest()}  database.dump\n"
        f"{hashlib.sha256(b'files').hexdigest()}  private.tar.gz\n"
    )
    result = _run(
        ["scripts/restore.sh", str(backup), _url("anything"), "--yes"],
        {"PRIVATE_MEDIA_ROOT": str(tmp_path / "private")},
        check=False,
    )
    assert result.returncode == 1
    assert "do not match their checksums" in result.stderr


def test_backup_needs_a_postgres_database_url(tmp_path):
    result = _run(
        ["scripts/backup.sh", str(tmp_path)], {"DATABASE_URL": "sqlite:///x.sqlite3"}, check=False
    )
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr
    assert list(tmp_path.iterdir()) == []
