from celery import shared_task

from evaluation.tasks import TRANSIENT


@shared_task(bind=True, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=2, max_retries=5)
def render_report(self, report_id: int) -> str | None:
    """Render an application report; idempotent, so a redelivered message is harmless."""
    from .services import report_render

    report = report_render(report_id=report_id)
    return report.status if report else None


@shared_task(ignore_result=True)
def sweep_reports() -> int:
    """Periodic (beat): queue again the report requests that were never queued or were lost."""
    from .services import reports_sweep

    return len(reports_sweep())
