
from django.db import migrations, models


IDENTITY = ("name", "credit_code", "city", "district", "industry_type", "size")


def applicants_taken(apps, schema_editor):
    """Submitted assessments take the identity frozen in their snapshot; editable ones (and any
    without a snapshot) their enterprise's profile."""
    Assessment = apps.get_model("evaluation", "Assessment")
    for a in Assessment.objects.select_related("enterprise").iterator():
        frozen = (a.snapshot or {}).get("enterprise") if a.state not in ("draft", "returned") else None
        source = frozen or {f: getattr(a.enterprise, f) for f in IDENTITY}
        for f in IDENTITY:
            setattr(a, f"applicant_{f}", source.get(f) or "")
        a.save(update_fields=[f"applicant_{f}" for f in IDENTITY])


class Migration(migrations.Migration):

    dependencies = [
        ('evaluation', '0007_review_models_moved_to_review'),
    ]

    operations = [
        migrations.AddField(
            model_name='assessment',
            name='applicant_city',
            field=models.CharField(blank=True, choices=[('320100', '南京市'), ('320200', '无锡市'), ('320300', '徐州市'), ('320400', '常州市'), ('320500', '苏州市'), ('320600', '南通市'), ('320700', '连云港市'), ('320800', '淮安市'), ('320900', '盐城市'), ('321000', '扬州市'), ('321100', '镇江市'), ('321200', '泰州市'), ('321300', '宿迁市')], db_index=True, editable=False, max_length=6, verbose_name='申报时所在设区市'),
        ),
        migrations.AddField(
            model_name='assessment',
            name='applicant_credit_code',
            field=models.CharField(blank=True, editable=False, max_length=18, verbose_name='申报时统一社会信用代码'),
        ),
        migrations.AddField(
            model_name='assessment',
            name='applicant_district',
            field=models.CharField(blank=True, editable=False, max_length=50, verbose_name='申报时所在县（市、区）'),
        ),
        migrations.AddField(
            model_name='assessment',
            name='applicant_industry_type',
            field=models.CharField(blank=True, choices=[('discrete', '离散型'), ('process', '流程型'), ('mixed', '混合型')], db_index=True, editable=False, max_length=10, verbose_name='申报时行业类型'),
        ),
        migrations.AddField(
            model_name='assessment',
            name='applicant_name',
            field=models.CharField(blank=True, editable=False, max_length=200, verbose_name='申报企业名称'),
        ),
        migrations.AddField(
            model_name='assessment',
            name='applicant_size',
            field=models.CharField(blank=True, choices=[('large', '大型'), ('medium', '中型'), ('small', '小型'), ('micro', '微型')], editable=False, max_length=10, verbose_name='申报时企业规模'),
        ),
        migrations.RunPython(applicants_taken, migrations.RunPython.noop),
    ]
