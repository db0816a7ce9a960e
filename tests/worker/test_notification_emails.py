"""A notification created in a committed transaction → a real worker picks the email task from
Redis → the notification is emailed once (its recipient without an address is skipped)."""

import time

import pytest
from django.db import transaction
from django.utils.translation import gettext_lazy

from portal.models import Notification, Role
from portal.services import notify
from portal.tasks import send_notification_emails

from ..factories import UserFactory

pytestmark = pytest.mark.worker


def test_notification_is_emailed_by_a_real_worker(celery_worker_process):
    reader = UserFactory(username="mail_reader", role=Role.PROVINCE_ADMIN)
    no_address = UserFactory(username="no_address", role=Role.PROVINCE_ADMIN, email="")
    with transaction.atomic():
        created = notify(
            recipients=[reader, no_address],
            kind="batch.publish",
            title=gettext_lazy("%(batch)s 公示名单已发布"),
            body=gettext_lazy("贵企业列入公示名单，认定层级：%(tier)s。"),
            params={"batch": "工作进程批次", "tier": "智能车间"},
            url="/",
        )
    ids = [n.pk for n in created]

    deadline = time.monotonic() + 60
    while (
        time.monotonic() < deadline
        and Notification.objects.get(recipient=reader).emailed_at is None
    ):
        time.sleep(0.3)
    assert Notification.objects.get(recipient=reader).emailed_at is not None
    assert Notification.objects.get(recipient=no_address).emailed_at is None

    # Delivered again (a retry, a second worker): nothing more is sent.
    assert send_notification_emails.delay(ids).get(timeout=60) == 0
