from django.core.management import BaseCommand, CommandError
from tqdm import tqdm

from evaluation.batch import batch_recompute
from scenarios.models import Batch


class Command(BaseCommand):
    help = "Recompute the evaluation of every assessment of a batch (vectorised, pandas)."

    def add_arguments(self, parser):
        parser.add_argument("batch", type=int, help="the batch id")

    def handle(self, *args, batch, **options):
        try:
            batch = Batch.objects.get(pk=batch)
        except Batch.DoesNotExist as exc:
            raise CommandError(f"No batch with id {batch}.") from exc
        bar = tqdm(
            total=None, unit="assessments", desc="writing", disable=options["verbosity"] == 0
        )

        def progress(done, total):
            bar.total = total
            bar.update(done - bar.n)

        result = batch_recompute(batch=batch, progress=progress)
        bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Recomputed {result.assessments} assessments: load {result.seconds_load}s, "
                f"compute {result.seconds_compute}s, write {result.seconds_write}s."
            )
        )
