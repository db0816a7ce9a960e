"""Outages simulated inside the test process only: the shared Redis and PostgreSQL servers
are never stopped. A service is "down" when this process is pointed at a port nobody
listens on."""

import socket


def closed_port() -> int:
    """A local port with nothing listening: connecting to it is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BrokerOutage:
    def __init__(self, app):
        self.app = app
        self.url = app.conf.broker_url

    def _point(self, url: str) -> None:
        # kombu keeps one pool per broker address: the real one is found again afterwards
        self.app.conf.broker_url = url
        self.app._pool = None
        self.app.amqp._producer_pool = None

    def start(self) -> None:
        self._point(f"redis://127.0.0.1:{closed_port()}/0")

    def end(self) -> None:
        self._point(self.url)


class DatabaseOutage:
    """New connections of the ``default`` alias go to a closed port (the server restarting
    refuses them); open ones are left alone unless closed."""

    def __init__(self, connection):
        self.settings_dict = connection.settings_dict
        self.host, self.port = self.settings_dict["HOST"], self.settings_dict["PORT"]

    def start(self) -> None:
        self.settings_dict["HOST"], self.settings_dict["PORT"] = "127.0.0.1", closed_port()

    def end(self) -> None:
        self.settings_dict["HOST"], self.settings_dict["PORT"] = self.host, self.port


def terminate_app_connections() -> int:
    """What a PostgreSQL restart does to the running app: every connection to its database
    is cut, from another connection. Returns how many were cut."""
    import psycopg2
    from django.db import connection

    params = connection.settings_dict
    admin = psycopg2.connect(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        user=params["USER"],
        password=params["PASSWORD"] or None,
        dbname="postgres",
    )
    try:
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [params["NAME"]],
            )
            return cursor.fetchone()[0]
    finally:
        admin.close()
