"""Celery tasks of the accounts core: notification emails."""

import logging
import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError, smtplib.SMTPException),
    retry_backoff=10,
    max_retries=6,
)
def send_notification_emails(self, notification_ids: list[int]) -> int:
    """Email the given notifications; one already emailed is skipped, so a retry or a second
    delivery of the task sends nothing twice."""
    from .models import Notification
    from .services import notification_email_send

    sent = 0
    pending = Notification.objects.filter(pk__in=notification_ids, emailed_at=None)
    for notification in pending.select_related("recipient"):
        sent += notification_email_send(notification)
    return sent


@shared_task(ignore_result=True)
def sweep_notification_emails() -> int:
    """Periodic (beat): email the notifications whose task was never queued or gave up."""
    from .services import notification_emails_sweep

    return notification_emails_sweep()
