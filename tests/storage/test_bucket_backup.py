"""scripts/backup.sh and scripts/restore.sh with the private files in a bucket: the objects of
one bucket come back, under the same names and with the same bytes, in another."""

import sys

import pytest

from ..test_backup_restore import _run, _url, scratch_databases  # noqa: F401 (a fixture)

pytestmark = pytest.mark.slow

OBJECTS = {
    "evidence/1/0a/验收报告.pdf": b"%PDF-1.4 evidence",
    "reports/1/0b.pdf": b"%PDF-1.4 report",
    "objections/2/0c/异议.pdf": b"%PDF-1.4 letter",
}


def test_a_backup_carries_the_bucket_into_another(s3_server, scratch_databases, tmp_path):  # noqa: F811
    source_db, target_db = scratch_databases
    source, target = s3_server.new_bucket(), s3_server.new_bucket()
    client = s3_server.client()
    for key, body in OBJECTS.items():
        client.put_object(Bucket=source, Key=key, Body=body)
    client.put_object(Bucket=target, Key="evidence/9/kept.pdf", Body=b"kept")
    client.put_object(Bucket=target, Key="reports/1/0b.pdf", Body=b"older")

    env = {"PYTHON": sys.executable, "DATABASE_URL": _url(source_db)}
    backed_up = _run(["scripts/backup.sh", str(tmp_path)], env | s3_server.environment(source))
    folder = backed_up.stdout.strip()
    assert "exported 3 files" in backed_up.stderr

    restored = _run(
        ["scripts/restore.sh", folder, _url(target_db), "--yes"],
        env | s3_server.environment(target),
    )
    assert f"the bucket {target}" in restored.stdout
    assert s3_server.keys(target) == sorted([*OBJECTS, "evidence/9/kept.pdf"])
    for key, body in OBJECTS.items():  # the older report replaced, under its own name
        assert client.get_object(Bucket=target, Key=key)["Body"].read() == body
    assert s3_server.keys(source) == sorted(OBJECTS)  # the backup took nothing away
