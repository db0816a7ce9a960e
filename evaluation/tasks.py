"""Celery tasks: thin wrappers over the services, safe to run twice."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=8,
)
def evaluate_assessment(self, assessment_id: int) -> str | None:
    """Compute one assessment's evaluation; idempotent (same data → same stored result)."""
    from .models import Assessment
    from .services import evaluation_refresh

    assessment = Assessment.objects.filter(pk=assessment_id).first()
    if assessment is None:
        logger.warning("evaluate_assessment: assessment %s no longer exists", assessment_id)
        return None
    evaluation = evaluation_refresh(assessment=assessment)
    return evaluation.highest_tier or ""


@shared_task(bind=True, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=5, max_retries=3)
def recompute_batch(self, batch_id: int) -> dict:
    """Recompute every assessment of a batch with the vectorised (pandas) engine."""
    from scenarios.models import Batch

    from .batch import batch_recompute

    return batch_recompute(batch=Batch.objects.get(pk=batch_id)).as_json()


@shared_task(ignore_result=True)
def sweep_evaluations() -> int:
    """Periodic (beat): evaluate the submissions whose task was never queued or was lost."""
    from .services import evaluations_sweep

    return len(evaluations_sweep())
