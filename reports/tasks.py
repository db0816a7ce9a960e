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


@shared_task(bind=True, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=2, max_retries=5)
def build_export(self, job_id: int) -> str | None:
    """Build a queued export (the enterprise's data, a large table); idempotent."""
    from .export_jobs import export_job_run

    job = export_job_run(job_id=job_id)
    return job.status if job else None


@shared_task(ignore_result=True)
def sweep_exports() -> dict:
    """Periodic (beat): remove expired export files, queue again the jobs never picked up."""
    from .export_jobs import export_jobs_sweep

    return export_jobs_sweep()
