"""The review's models, moved here from evaluation with their rows (see evaluation's 0007)."""


import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ("recommendation", "expertassignment", "conflictdeclaration", "decision")


def _move_content_types(apps, source: str, target: str) -> None:
    """Audit-log entries and permissions point at these models through their content types:
    relabelled, not recreated, so every entry still resolves."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def relabel_content_types(apps, schema_editor):
    _move_content_types(apps, "evaluation", "review")


def unrelabel_content_types(apps, schema_editor):
    _move_content_types(apps, "review", "evaluation")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('evaluation', '0006_scenario_answer_implemented_index'),
        ('portal', '0003_user_city_for_experts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The models as they were in evaluation, on the same tables: no row is copied.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Decision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('outcome', models.CharField(choices=[('approved', '认定'), ('rejected', '不予认定')], max_length=10, verbose_name='决定')),
                        ('tier', models.CharField(blank=True, choices=[('workshop', '智能车间'), ('factory', '智能工厂'), ('benchmark', '标杆企业')], max_length=10, verbose_name='认定层级')),
                        ('reason', models.TextField(verbose_name='理由')),
                        ('figures', models.JSONField(blank=True, default=dict, verbose_name='决定时的评分')),
                        ('decided_at', models.DateTimeField(auto_now_add=True, verbose_name='决定时间')),
                        ('assessment', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='decision', to='evaluation.assessment')),
                        ('decided_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'evaluation_decision',
                        'verbose_name': '认定决定',
                        'verbose_name_plural': '认定决定',
                    },
                ),
                migrations.CreateModel(
                    name='Recommendation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('outcome', models.CharField(choices=[('recommended', '推荐至省级'), ('returned', '退回修改')], max_length=12, verbose_name='审核结果')),
                        ('comment', models.TextField(blank=True, verbose_name='审核意见')),
                        ('snapshot_sha256', models.CharField(max_length=64, verbose_name='所审快照')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='时间')),
                        ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recommendations', to='evaluation.assessment')),
                        ('reviewer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='审核人')),
                    ],
                    options={
                        'db_table': 'evaluation_recommendation',
                        'verbose_name': '市级审核',
                        'verbose_name_plural': '市级审核',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ConflictDeclaration',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.CharField(max_length=300, verbose_name='回避理由')),
                        ('declared_at', models.DateTimeField(auto_now_add=True, verbose_name='申报时间')),
                        ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='portal.enterprise', verbose_name='企业')),
                        ('expert', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='conflicts', to=settings.AUTH_USER_MODEL, verbose_name='评审专家')),
                    ],
                    options={
                        'db_table': 'evaluation_conflictdeclaration',
                        'verbose_name': '利益冲突申报',
                        'verbose_name_plural': '利益冲突申报',
                        'constraints': [models.UniqueConstraint(fields=('expert', 'enterprise'), name='uniq_conflict')],
                    },
                ),
                migrations.CreateModel(
                    name='ExpertAssignment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('active', '待评审'), ('submitted', '已提交评审'), ('declined', '已申请回避'), ('removed', '已撤销')], db_index=True, default='active', max_length=10, verbose_name='状态')),
                        ('method', models.CharField(choices=[('auto', '自动分配'), ('manual', '手动指定')], max_length=6, verbose_name='分配方式')),
                        ('assigned_at', models.DateTimeField(auto_now_add=True, verbose_name='分配时间')),
                        ('verdicts', models.JSONField(blank=True, default=dict, verbose_name='场景评审意见')),
                        ('scores', models.JSONField(blank=True, default=dict, verbose_name='评分')),
                        ('opinion', models.TextField(blank=True, verbose_name='总体评审意见')),
                        ('recommended_tier', models.CharField(blank=True, choices=[('workshop', '智能车间'), ('factory', '智能工厂'), ('benchmark', '标杆企业'), ('none', '不予认定')], max_length=10, verbose_name='建议认定层级')),
                        ('total', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='总分')),
                        ('version', models.PositiveIntegerField(default=1, verbose_name='版本')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='提交时间')),
                        ('conflict_reason', models.CharField(blank=True, max_length=300, verbose_name='回避理由')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to='evaluation.assessment', verbose_name='申报')),
                        ('assigned_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('expert', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assignments', to=settings.AUTH_USER_MODEL, verbose_name='评审专家')),
                    ],
                    options={
                        'db_table': 'evaluation_expertassignment',
                        'verbose_name': '评审任务',
                        'verbose_name_plural': '评审任务',
                        'ordering': ['-assigned_at', '-pk'],
                        'constraints': [models.UniqueConstraint(fields=('assessment', 'expert'), name='uniq_assignment_per_expert')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_types, unrelabel_content_types),
    ]
