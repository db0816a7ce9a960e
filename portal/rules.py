"""Who may change whose account. Privileges — superuser and staff status, groups, permissions
and the province admin role — are a superuser's to give or take, and so is any change to a
superuser's or another province admin's account; a province admin manages every other account.
The admin site offers its fields and refuses a forged request by these predicates, as would
any other channel that changes accounts."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _

from .models import Role, User

PRIVILEGE_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")
# Every field whose change these rules decide: the privileges and the role.
GUARDED_FIELDS = ("role", *PRIVILEGE_FIELDS)


def may_change_privileges(actor) -> bool:
    """Only an active superuser grants or withdraws privileges."""
    return bool(
        actor is not None and actor.is_authenticated and actor.is_active and actor.is_superuser
    )


def is_privileged(user) -> bool:
    return user.is_superuser or user.is_staff or user.role == Role.PROVINCE_ADMIN


def may_change_account(actor, target) -> bool:
    """A superuser changes any account; anyone else (whom the admin site lets in) neither a
    superuser's nor another privileged account — their own, yes, but not its privileges."""
    if may_change_privileges(actor) or target is None or target.pk is None:
        return True
    if target.is_superuser:
        return False
    return not is_privileged(target) or target.pk == actor.pk


def assignable_roles(actor) -> list[str]:
    """The roles ``actor`` may give an account."""
    return [r.value for r in Role if r != Role.PROVINCE_ADMIN or may_change_privileges(actor)]


def withheld_fields(actor, target) -> tuple[str, ...]:
    """The guarded fields shown to ``actor`` read-only on ``target``'s account (None: a new
    one): the privileges, and the role of a province admin (to keep or to lose it is a
    privilege too)."""
    if may_change_privileges(actor):
        return ()
    role = ("role",) if target is not None and target.role == Role.PROVINCE_ADMIN else ()
    return (*role, *PRIVILEGE_FIELDS)


def _label(field: str) -> str:
    return str(User._meta.get_field(field).verbose_name)


def account_change_refusals(actor, target, changes: dict) -> dict[str, str]:
    """Why ``actor`` may not make ``changes`` (field → new value) to ``target`` as stored
    (None: an account being created), by field (``NON_FIELD_ERRORS`` for the account as a
    whole); empty when allowed."""
    if may_change_privileges(actor):
        return {}
    if not may_change_account(actor, target):
        return {NON_FIELD_ERRORS: _("只有超级管理员可以修改超级管理员或其他省级管理员的账户。")}
    refused = {
        field: _("只有超级管理员可以授予或修改“%(field)s”。") % {"field": _label(field)}
        for field in PRIVILEGE_FIELDS
        if field in changes
    }
    roles = {changes.get("role"), getattr(target, "role", None)} if "role" in changes else set()
    if Role.PROVINCE_ADMIN in roles:
        refused["role"] = _("只有超级管理员可以授予或撤销省级管理员角色。")
    return refused


def privilege_changes(stored, user) -> dict:
    """The guarded fields of the account about to be saved (``user``) that differ from the
    stored one (None: a new account, where a field set at all is a change)."""
    return {
        field: getattr(user, field)
        for field in ("role", "is_superuser", "is_staff")
        if (getattr(stored, field) != getattr(user, field) if stored else getattr(user, field))
    }
