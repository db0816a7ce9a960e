"""The county-level divisions as a reference list, and the enterprise's district a choice from
it: the text typed before is kept (``district_text``) and mapped to its division where it names
one of its city's (``portal.districts.district_match``); the province corrects the rest."""

import django.db.models.deletion
from django.db import migrations, models

from portal.districts import district_match, districts_load


def load_divisions(apps, schema_editor):
    districts_load(apps.get_model("portal", "District"))


def keep_text(apps, schema_editor):
    Enterprise = apps.get_model("portal", "Enterprise")
    Enterprise.objects.update(district_text=models.F("district"))
    apps.get_model("portal", "HistoricalEnterprise").objects.update(
        district_text=models.F("district")
    )


def map_text(apps, schema_editor):
    divisions = list(
        apps.get_model("portal", "District").objects.values_list("code", "name", "city")
    )
    Enterprise = apps.get_model("portal", "Enterprise")
    for enterprise in Enterprise.objects.only("pk", "city", "district_text").iterator():
        code = district_match(enterprise.city, enterprise.district_text, divisions)
        if code:
            Enterprise.objects.filter(pk=enterprise.pk).update(district_id=code)


def text_back(apps, schema_editor):
    Enterprise = apps.get_model("portal", "Enterprise")
    for enterprise in Enterprise.objects.select_related("district"):
        if enterprise.district_id:
            Enterprise.objects.filter(pk=enterprise.pk).update(
                district_text=enterprise.district.name
            )


def restore_text(apps, schema_editor):
    Enterprise = apps.get_model("portal", "Enterprise")
    Enterprise.objects.update(district=models.F("district_text"))
    apps.get_model("portal", "HistoricalEnterprise").objects.update(
        district=models.F("district_text")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_api_token"),
    ]

    operations = [
        migrations.CreateModel(
            name="District",
            fields=[
                (
                    "code",
                    models.CharField(
                        max_length=6, primary_key=True, serialize=False, verbose_name="区划代码"
                    ),
                ),
                ("name", models.CharField(max_length=30, verbose_name="名称")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("district", "市辖区"),
                            ("county", "县"),
                            ("county_city", "县级市"),
                        ],
                        max_length=12,
                        verbose_name="类型",
                    ),
                ),
                (
                    "city",
                    models.CharField(
                        choices=[
                            ("320100", "南京市"),
                            ("320200", "无锡市"),
                            ("320300", "徐州市"),
                            ("320400", "常州市"),
                            ("320500", "苏州市"),
                            ("320600", "南通市"),
                            ("320700", "连云港市"),
                            ("320800", "淮安市"),
                            ("320900", "盐城市"),
                            ("321000", "扬州市"),
                            ("321100", "镇江市"),
                            ("321200", "泰州市"),
                            ("321300", "宿迁市"),
                        ],
                        db_index=True,
                        max_length=6,
                        verbose_name="所属设区市",
                    ),
                ),
            ],
            options={
                "verbose_name": "县（市、区）",
                "verbose_name_plural": "县（市、区）",
                "ordering": ["code"],
            },
        ),
        migrations.RunPython(load_divisions, migrations.RunPython.noop),
        migrations.AddField(
            model_name="enterprise",
            name="district_text",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="所在县（市、区）改为从行政区划中选择之前填写的文字，未能对应到区划的待改正。",
                max_length=50,
                verbose_name="原填报的县（市、区）",
            ),
        ),
        migrations.AddField(
            model_name="historicalenterprise",
            name="district_text",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="所在县（市、区）改为从行政区划中选择之前填写的文字，未能对应到区划的待改正。",
                max_length=50,
                verbose_name="原填报的县（市、区）",
            ),
        ),
        migrations.RunPython(keep_text, restore_text),
        migrations.RemoveField(model_name="enterprise", name="district"),
        migrations.RemoveField(model_name="historicalenterprise", name="district"),
        migrations.AddField(
            model_name="enterprise",
            name="district",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="enterprises",
                to="portal.district",
                verbose_name="所在县（市、区）",
            ),
        ),
        migrations.AddField(
            model_name="historicalenterprise",
            name="district",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="portal.district",
                verbose_name="所在县（市、区）",
            ),
        ),
        migrations.RunPython(map_text, text_back),
        migrations.AlterField(
            model_name="user",
            name="role",
            field=models.CharField(
                choices=[
                    ("enterprise_admin", "企业管理员"),
                    ("enterprise_member", "企业成员"),
                    ("district_reviewer", "县（市、区）主管部门"),
                    ("city_reviewer", "市级主管部门"),
                    ("expert", "省级评审专家"),
                    ("province_admin", "省级管理员"),
                ],
                db_index=True,
                max_length=20,
                verbose_name="角色",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="district",
            field=models.ForeignKey(
                blank=True,
                help_text="县（市、区）主管部门负责的县（市、区）。",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="portal.district",
                verbose_name="负责县（市、区）",
            ),
        ),
    ]
