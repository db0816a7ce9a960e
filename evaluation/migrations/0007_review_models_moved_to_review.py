"""The review's models (recommendations, expert assignments, conflicts, decisions) move to the
review app: removed from this app's state only, their tables and rows untouched."""


from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('evaluation', '0006_scenario_answer_implemented_index'),
        ('review', '0001_initial'),
    ]

    operations = [
        # The tables stay (renamed by review's 0002); only the models' home changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='decision',
                    name='assessment',
                ),
                migrations.RemoveField(
                    model_name='decision',
                    name='decided_by',
                ),
                migrations.RemoveField(
                    model_name='expertassignment',
                    name='assessment',
                ),
                migrations.RemoveField(
                    model_name='expertassignment',
                    name='assigned_by',
                ),
                migrations.RemoveField(
                    model_name='expertassignment',
                    name='expert',
                ),
                migrations.RemoveField(
                    model_name='recommendation',
                    name='assessment',
                ),
                migrations.RemoveField(
                    model_name='recommendation',
                    name='reviewer',
                ),
                migrations.DeleteModel(
                    name='ConflictDeclaration',
                ),
                migrations.DeleteModel(
                    name='Decision',
                ),
                migrations.DeleteModel(
                    name='ExpertAssignment',
                ),
                migrations.DeleteModel(
                    name='Recommendation',
                ),
            ],
            database_operations=[],
        ),
    ]
