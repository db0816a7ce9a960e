"""Each test process's database is copied from a migrated template rather than migrated anew.

Migrating an empty database takes about ten seconds here (Django renders the project state
after every one of the apps' migrations), and every test process paid it as it started. The
template is built by Django's own ``create_test_db`` — every migration, then the
``post_migrate`` handlers — once, and each process's test database is a PostgreSQL copy of it
(``CREATE DATABASE … TEMPLATE``, a file copy).

The template's name carries a digest of everything that decides what ``migrate`` writes: the
migration files, the files the ``post_migrate`` handlers read, and the versions of the
installed packages (Django's and the third-party apps' own migrations). Change any of them and
the next run builds a new template; an unchanged checkout reuses the last one. Processes starting
together take turns under a PostgreSQL advisory lock, so one builds and the others copy.
``TEST_DATABASE_TEMPLATE=0`` migrates each test database as Django does by default.
"""

import hashlib
import importlib.metadata
from contextlib import contextmanager, suppress
from pathlib import Path

import psycopg2
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
# What the post_migrate handlers read besides the migrations (portal/apps.py: the divisions).
MIGRATE_INPUTS = ("portal/apps.py", "portal/districts.py", "fixtures/districts.json")
LOCK_KEY = 0x7E57DB  # any constant shared by the test processes


def migrations_digest() -> str:
    digest = hashlib.sha256()
    files = sorted(ROOT.glob("*/migrations/*.py")) + [ROOT / name for name in MIGRATE_INPUTS]
    for path in files:
        if path.exists():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    for name, version in sorted(
        (dist.metadata["Name"] or "", dist.version) for dist in importlib.metadata.distributions()
    ):
        digest.update(f"{name}=={version};".encode())
    return digest.hexdigest()[:12]


def _server_connection():
    """A connection to the server's maintenance database, outside Django's connections."""
    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    server = psycopg2.connect(**params)
    server.autocommit = True
    return server


@contextmanager
def _advisory_lock(server):
    with server.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
    try:
        yield
    finally:
        with server.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def _exists(server, name: str) -> bool:
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def _build(template: str) -> None:
    """Django's test database creation (migrate, post_migrate), under the template's name."""
    real_name = connection.settings_dict["NAME"]
    test_settings = connection.settings_dict.setdefault("TEST", {})
    test_name = test_settings.get("NAME")
    test_settings["NAME"] = template
    try:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    finally:
        connection.close()
        test_settings["NAME"] = test_name
        connection.settings_dict["NAME"] = real_name
        settings.DATABASES[connection.alias]["NAME"] = real_name


def _drop_stale_templates(server, prefix: str, keep: str) -> None:
    with server.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
            [prefix.replace("_", r"\_") + "%", keep],
        )
        for (name,) in cursor.fetchall():
            # one in use by a run of another checkout is dropped by a later run
            with suppress(psycopg2.Error):
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def create_test_database_from_template() -> str:
    """This process's test database, copied from the template (built first if need be); the
    connection then points at it. Returns the name the settings had before."""
    real_name = connection.settings_dict["NAME"]
    test_name = connection.creation._get_test_db_name()
    prefix = f"{real_name}_template_"
    template = prefix + migrations_digest()
    server = _server_connection()
    try:
        with _advisory_lock(server):
            if not _exists(server, template):
                _build(template)
                _drop_stale_templates(server, prefix, keep=template)
            with server.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{test_name}"')
                cursor.execute(f'CREATE DATABASE "{test_name}" TEMPLATE "{template}"')
    finally:
        server.close()
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = test_name
    connection.settings_dict["NAME"] = test_name
    return real_name
