"""Celery tasks of the review: the email telling an objector how their objection was resolved,
and its sweep; the deadline reminders."""

import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError, smtplib.SMTPException),
    retry_backoff=10,
    max_retries=6,
)
def send_objection_outcome(self, objection_id: int) -> bool:
    """Email the objector the outcome; sent once however often the task runs."""
    from .services.objections import objection_outcome_email_send

    return objection_outcome_email_send(objection_id)


@shared_task(ignore_result=True)
def sweep_objection_emails() -> int:
    """Periodic (beat): email the outcomes whose task was never queued or gave up."""
    from .services.objections import objection_emails_sweep

    return objection_emails_sweep()


@shared_task(ignore_result=True)
def send_deadline_reminders() -> int:
    """Periodic (beat): remind everyone whose deadline is one of its reminder days away."""
    from .services.reminders import deadline_reminders_send

    return deadline_reminders_send()
