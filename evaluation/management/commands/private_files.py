from pathlib import Path

from django.core.management import BaseCommand, CommandError

from evaluation.private_files import export_to, import_from


class Command(BaseCommand):
    help = (
        "Copy every private file (evidence, reports, letters, photos) from the private storage "
        "into FOLDER (export), or from FOLDER into the storage (import, replacing files of the "
        "same name): how the backup scripts save and restore a bucket."
    )

    def add_arguments(self, parser):
        parser.add_argument("direction", choices=["export", "import"])
        parser.add_argument("folder", type=Path)

    def handle(self, *args, direction, folder, **options):
        if direction == "export":
            if folder.exists() and any(folder.iterdir()):
                raise CommandError(f"{folder} is not empty: export into a new folder.")
            folder.mkdir(parents=True, exist_ok=True)
            copied = export_to(folder)
            verb = "exported"
        else:
            if not folder.is_dir():
                raise CommandError(f"{folder} is not a folder.")
            copied = import_from(folder)
            verb = "imported"
        self.stdout.write(f"{verb} {copied.files} files ({copied.bytes} bytes)")
