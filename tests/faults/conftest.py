"""Fixtures of the outages (``tests/outages.py``)."""

import pytest

from ..outages import BrokerOutage, DatabaseOutage


@pytest.fixture
def broker_down():
    """Celery's broker is unreachable from this process until ``broker_down.end()``."""
    from config.celery import app

    outage = BrokerOutage(app)
    outage.start()
    yield outage
    outage.end()


@pytest.fixture
def database_down(transactional_db):
    """``database_down.start()`` makes every new connection fail until ``.end()``; the
    settings dictionary is shared by the threads of the live server."""
    from django.db import connection

    outage = DatabaseOutage(connection)
    yield outage
    outage.end()
