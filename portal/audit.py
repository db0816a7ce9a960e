"""What the audit log's entries say: the label of each action in words, and the field-level
before/after of a changed object (``{"changed": {field: [before, after]}}``), for the services
and the admin site alike."""

import contextlib
import json
from datetime import datetime, time

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

# Every action the portal records, in words in the reader's language. A code missing here is
# shown as it is stored.
AUDIT_ACTION_LABELS = {
    "enterprise.update": _("修改企业信息"),
    "enterprise.identity_request": _("申请变更企业身份信息"),
    "enterprise.identity_confirm": _("确认企业身份信息变更"),
    "enterprise.identity_refuse": _("不同意企业身份信息变更"),
    "enterprise.export": _("导出企业数据"),
    "invitation.create": _("邀请企业成员"),
    "invitation.accept": _("接受邀请"),
    "user.create": _("创建账户"),
    "user.password_change": _("修改密码"),
    "user.password_reset": _("通过邮件重置密码"),
    "two_factor.enrol": _("绑定双因素认证验证器"),
    "two_factor.recovery_used": _("使用恢复码登录"),
    "two_factor.recovery_codes": _("重新生成恢复码"),
    "two_factor.disable": _("停用双因素认证"),
    "two_factor.reset": _("重置双因素认证"),
    "token.create": _("创建 API 令牌"),
    "token.revoke": _("撤销 API 令牌"),
    "token.revoke_all": _("撤销全部 API 令牌"),
    "catalog.clone": _("复制目录版本"),
    "catalog.publish": _("发布目录版本"),
    "catalog.import": _("导入目录内容"),
    "assessment.create": _("创建自评估"),
    "assessment.carry_over": _("从上次申报复制数据"),
    "assessment.carry_over_confirm": _("确认沿用上次申报的数据"),
    "assessment.carry_over_undo": _("撤销从上次申报复制的数据"),
    "assessment.submit": _("提交"),
    "assessment.withdraw": _("撤回申报"),
    "evidence.upload": _("上传证明材料"),
    "evidence.remove": _("移除证明材料"),
    "section.assign": _("分配填报任务"),
    "section.unassign": _("收回填报任务"),
    "review.district_recommend": _("县（市、区）推荐至设区市"),
    "review.recommend": _("市级推荐至省级"),
    "review.return": _("退回修改"),
    "review.formal_check.pass": _("通过形式审查"),
    "review.formal_check.return": _("形式审查退回补正"),
    "review.assign": _("分配评审专家"),
    "review.auto_assign": _("自动分配评审专家"),
    "review.unassign": _("撤销评审专家"),
    "review.conflict": _("评审专家申请回避"),
    "review.submit": _("评审专家提交评审"),
    "review.decide": _("作出认定决定"),
    "review.decide_flagged": _("认定决定被标记（偏离说明）"),
    "review.decision_propose": _("提出认定提议"),
    "review.decision_confirm": _("确认认定提议"),
    "review.decision_reject": _("驳回认定提议"),
    "review.site_visit_assign": _("指派现场核查专家"),
    "review.site_visit_submit": _("提交现场核查报告"),
    "review.site_visit_photo": _("上传现场核查照片"),
    "batch.settings": _("修改批次设置"),
    "batch.rules_fix": _("固定批次层级规则"),
    "batch.rubric_fix": _("固定批次评分标准"),
    "batch.publish": _("公示认定名单"),
    "batch.unpublish": _("撤回公示名单"),
    "batch.remind_late": _("提醒逾期人员"),
    "review.reopen": _("撤回认定决定，重新决定"),
    "objection.lodge": _("收到公示异议"),
    "objection.resolve": _("处理公示异议"),
    "admin.add": _("管理后台新增"),
    "registration.submit": _("企业自助注册"),
    "registration.verify": _("注册邮箱验证，创建企业"),
    "registration.join_request": _("申请加入已注册企业"),
    "registration.confirm": _("确认企业注册"),
    "registration.reject": _("退回企业注册"),
    "registration.resubmit": _("重新提交企业注册"),
    "registration.join_approve": _("同意加入企业"),
    "registration.join_refuse": _("不同意加入企业"),
    "import.enterprises": _("批量导入企业"),
    "import.experts": _("批量导入评审专家"),
    "admin.change": _("管理后台修改"),
    "admin.delete": _("管理后台删除"),
}

# Who acted when no one did: an automatic step of the portal.
SYSTEM_ACTOR = _("系统")

# Recorded as changed, never with their values.
SECRET_FIELDS = frozenset({"password", "token", "key", "digest", "token_key"})
HIDDEN = "******"


def audit_action_label(action: str):
    return AUDIT_ACTION_LABELS.get(action, action)


def audit_action_choices() -> list[tuple[str, object]]:
    return list(AUDIT_ACTION_LABELS.items())


def _plain(value):
    """A value as JSON keeps it (dates, decimals and UUIDs as text)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _is_recorded(field) -> bool:
    """A field the object's owner sets: not the key, not a time the database stamps itself."""
    return not (field.primary_key or getattr(field, "auto_now", False))


def audit_values(obj: models.Model) -> dict:
    """The object's fields as they are now: a relation as the related object in words (its
    ``str``), a many-to-many as the sorted list of those. Costs a query per relation."""
    values = {}
    for field in obj._meta.concrete_fields:
        if not _is_recorded(field):
            continue
        if field.is_relation:
            related = getattr(obj, field.name) if getattr(obj, field.attname) is not None else None
            values[field.name] = str(related) if related is not None else None
        else:
            value = field.value_from_object(obj)
            if isinstance(value, datetime | time):  # as forms show it: to the second
                value = value.replace(microsecond=0)
            values[field.name] = _plain(value)
    for field in obj._meta.many_to_many:
        values[field.name] = (
            sorted(str(o) for o in getattr(obj, field.name).all()) if obj.pk is not None else []
        )
    return values


def audit_diff(before: dict | None, after: dict | None) -> dict:
    """``{field: [before, after]}`` of the fields that differ; an object added has no
    before (None), one deleted no after. A secret is shown as changed, never its value."""
    before, after = before or {}, after or {}
    changed = {}
    for name in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(name), after.get(name)
        if old == new or (old in (None, "", []) and new in (None, "", [])):
            continue
        if name in SECRET_FIELDS:
            old, new = (HIDDEN if old else None), (HIDDEN if new else None)
        changed[name] = [old, new]
    return changed


def _field_label(model, name: str) -> str:
    try:
        field = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        field = None
    return str(getattr(field, "verbose_name", name))


def audit_changes(data, model=None) -> list[tuple[str, object, object]]:
    """``(field in words, before, after)`` of an entry's ``data["changed"]``, each field by
    its label in ``model`` (the entry's target's model, or the one ``data["model"]`` names)."""
    changed = (data or {}).get("changed") if isinstance(data, dict) else None
    if not isinstance(changed, dict):
        return []
    if data.get("model"):
        with contextlib.suppress(LookupError, ValueError):
            model = apps.get_model(data["model"])
    rows = []
    for name, pair in changed.items():
        values = list(pair) if isinstance(pair, list | tuple) else [pair]
        before, after = values[:2] if len(values) >= 2 else (None, values[0] if values else None)
        rows.append((_field_label(model, name), before, after))
    return rows


def audit_changes_text(data, model=None) -> str:
    """The changes on one line, e.g. ``最少支撑要素数：2 → 3；…``, for an export's cell."""

    def shown(value) -> str:
        return "—" if value in (None, "", []) else str(value)

    return "；".join(
        f"{label}：{shown(before)} → {shown(after)}"
        for label, before, after in audit_changes(data, model)
    )
