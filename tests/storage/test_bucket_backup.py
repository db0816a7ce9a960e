"""scripts/backup.sh and scripts/restore.sh with the private files in a bucket: the objects of
one bucket come back, under the same names and with the same bytes, in another."""

import sys

import pytest
from psycopg2 import sql

from ..test_backup_restore import DB, _connect, _run, _url

pytestmark = pytest.mark.slow

OBJECTS = {
    "evidence/1/0a/验收报告.pdf": b"%PDF-1.4 evidence",
    "reports/1/0b.pdf": b"%PDF-1.4 report",
    "objections/2/0c/异议.pdf": b"%PDF-1.4 letter",
}


@pytest.fixture
def empty_database(worker_id):
    """An empty database (this test is about the files), dropped afterwards."""
    name = f"{DB['NAME']}_{worker_id}_bucket_backup"
    admin = _connect("postgres")
    admin.autocommit = True
    statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with admin.cursor() as cursor:
        cursor.execute(statement)
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with admin.cursor() as cursor:
        cursor.execute(statement)
    admin.close()


def test_a_backup_carries_the_bucket_into_another(s3_server, empty_database, tmp_path):
    source, target = s3_server.new_bucket(), s3_server.new_bucket()
    client = s3_server.client()
    for key, body in OBJECTS.items():
        client.put_object(Bucket=source, Key=key, Body=body)
    client.put_object(Bucket=target, Key="evidence/9/kept.pdf", Body=b"kept")
    client.put_object(Bucket=target, Key="reports/1/0b.pdf", Body=b"older")

    env = {"PYTHON": sys.executable, "DATABASE_URL": _url(empty_database)}
    backed_up = _run(["scripts/backup.sh", str(tmp_path)], env | s3_server.environment(source))
    folder = backed_up.stdout.strip()
    assert "exported 3 files" in backed_up.stderr

    restored = _run(
        ["scripts/restore.sh", folder, _url(empty_database), "--yes"],
        env | s3_server.environment(target),
    )
    assert f"the bucket {target}" in restored.stdout
    assert s3_server.keys(target) == sorted([*OBJECTS, "evidence/9/kept.pdf"])
    for key, body in OBJECTS.items():  # the older report replaced, under its own name
        assert client.get_object(Bucket=target, Key=key)["Body"].read() == body
    assert s3_server.keys(source) == sorted(OBJECTS)  # the backup took nothing away
