"""Benchmarks. They use their own PostgreSQL database (DATABASE_URL, default portal_bench)."""

import os

import django


def setup_database() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    name = settings.DATABASES["default"]["NAME"]
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        import psycopg2

        params = {
            k: v
            for k, v in connection.get_connection_params().items()
            if k in ("host", "port", "user", "password")
        }
        admin = psycopg2.connect(dbname="postgres", **params)
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
        admin.close()
    call_command("migrate", verbosity=0)
    from scenarios.models import CatalogVersion, TierRule

    if not CatalogVersion.objects.filter(pk=1).exists():
        call_command("loaddata", "fixtures/catalog.json", verbosity=0)
    if not TierRule.objects.filter(batch=None).exists():
        call_command("loaddata", "fixtures/tier_rules.json", verbosity=0)


def fresh_statistics() -> None:
    """VACUUM ANALYZE the benchmark database before measuring: the benchmark PostgreSQL may run
    with autovacuum off, and successive runs bloat the tables until the planner picks plans
    for data that is no longer there (the overview's peer query became a nested loop)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
