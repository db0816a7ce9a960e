"""The moved models' tables take the review app's names."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_initial"),
        ("evaluation", "0007_review_models_moved_to_review"),
    ]

    operations = [
        migrations.AlterModelTable(name=model, table=None)
        for model in ("recommendation", "expertassignment", "conflictdeclaration", "decision")
    ]
