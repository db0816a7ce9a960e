"""Tests that commit (a real Celery worker, a browser against a live server, a database
outage) are undone by emptying every table afterwards, which Django does with one
``TRUNCATE`` of all of them: on PostgreSQL that replaces each table's files, about a second
for the portal's tables. The test tables hold a few rows, which ``DELETE`` removes in a
tenth of that. The statements run in one transaction (``execute_sql_flush``), where the
foreign keys Django creates are checked at commit, once every table is empty, so the order
does not matter. A flush that resets the sequences is left to ``TRUNCATE … RESTART IDENTITY``.
"""

from contextlib import contextmanager


@contextmanager
def rows_deleted_rather_than_truncated():
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def delete_rows(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {self.quote_name(table)};" for table in tables]

    DatabaseOperations.sql_flush = delete_rows
    try:
        yield
    finally:
        DatabaseOperations.sql_flush = truncate
