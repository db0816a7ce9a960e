"""Privileges in the admin site are a superuser's to give: a province admin, who manages the
other accounts there, can neither grant superuser or staff status, groups or permissions nor
give or take the province admin role — a forged request is refused and changes nothing — and
cannot change a superuser's or another province admin's account. A superuser can, on the
record."""

import pytest
from django.contrib.auth.models import Group, Permission

from portal.models import AuditLog, Role, User
from portal.services import user_create

from .conftest import login
from .test_audit_log import admin_form, entry_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.com", "Root-pass-2026")


@pytest.fixture
def everything(db):
    """A group holding every permission, and one permission a province admin lacks."""
    group = Group.objects.create(name="全部权限")
    group.permissions.set(Permission.objects.all())
    return group, Permission.objects.get(codename="change_group")


def _url(user, tail: str = "change/") -> str:
    return f"/admin/portal/user/{user.pk}/{tail}"


def privileges(user) -> dict:
    user = User.objects.get(pk=user.pk)
    return {
        "is_superuser": user.is_superuser,
        "is_staff": user.is_staff,
        "role": user.role,
        "groups": sorted(user.groups.values_list("pk", flat=True)),
        "user_permissions": sorted(user.user_permissions.values_list("pk", flat=True)),
        "email": user.email,
        "password": user.password,
    }


def forged_changes(everything, role: str) -> list[dict]:
    group, permission = everything
    return [
        {"is_superuser": "on"},
        {"is_staff": "on"},
        {"groups": [str(group.pk)]},
        {"user_permissions": [str(permission.pk)]},
        {"role": role},
    ]


@pytest.mark.parametrize("whose", ["own", "another"])
def test_a_province_admin_cannot_grant_privileges_by_a_forged_post(
    client, province_admin, expert, everything, whose
):
    target, role = (province_admin, Role.CITY_REVIEWER) if whose == "own" else (expert, "")
    role = role or Role.PROVINCE_ADMIN
    login(client, province_admin)
    page = client.get(_url(target)).content.decode()
    for field in ("is_superuser", "is_staff", "groups", "user_permissions"):
        assert f'name="{field}"' not in page, field  # shown, not offered
    if whose == "another":
        assert f'value="{Role.PROVINCE_ADMIN}"' not in page  # the role it may not give
    for forged in forged_changes(everything, role):
        before = privileges(target)
        response = client.post(_url(target), admin_form(client, _url(target)) | forged)
        assert response.status_code == 200, forged
        assert response.context["adminform"].form.errors, forged
        assert privileges(target) == before, forged
    assert not AuditLog.objects.filter(action="admin.change").exists()
    # what a province admin may change still saves
    response = client.post(
        _url(expert), admin_form(client, _url(expert)) | {"employer": "东南大学"}
    )
    assert response.status_code == 302
    assert entry_for(expert, "admin.change").data["changed"]["employer"] == ["某大学", "东南大学"]


def test_a_province_admin_cannot_create_a_privileged_account(client, province_admin, everything):
    login(client, province_admin)
    account = {
        "username": "new_admin",
        "password1": "a-Strong-pass-2026",
        "password2": "a-Strong-pass-2026",
        "usable_password": "true",
        "role": Role.EXPERT,
    }
    for forged in forged_changes(everything, Role.PROVINCE_ADMIN):
        response = client.post("/admin/portal/user/add/", account | forged)
        assert response.status_code == 200, forged
        assert response.context["adminform"].form.errors, forged
        assert not User.objects.filter(username="new_admin").exists(), forged


def test_a_province_admin_cannot_change_a_superuser_or_another_province_admin(
    client, province_admin, superuser
):
    peer = user_create(username="prov2", role=Role.PROVINCE_ADMIN, password="Peer-pass-2026")
    login(client, province_admin)
    for target in (superuser, peer):
        before = privileges(target)
        data = admin_form(client, _url(target)) | {"email": "taken@example.com", "is_active": ""}
        assert client.post(_url(target), data).status_code == 403
        password = {"password1": "Taken-pass-2026", "password2": "Taken-pass-2026"}
        assert client.post(_url(target, "password/"), password).status_code == 403
        assert client.post(_url(target, "delete/"), {"post": "yes"}).status_code == 403
        assert privileges(target) == before and User.objects.get(pk=target.pk).is_active
    assert not AuditLog.objects.filter(action__startswith="admin.").exists()


def test_a_superuser_grants_privileges_on_the_record(client, superuser, expert, everything):
    group, permission = everything
    login(client, superuser)
    data = admin_form(client, _url(expert)) | {
        "is_superuser": "on",
        "is_staff": "on",
        "groups": [str(group.pk)],
        "user_permissions": [str(permission.pk)],
        "role": Role.PROVINCE_ADMIN,
        "is_active": "on",
    }
    assert client.post(_url(expert), data).status_code == 302
    after = privileges(expert)
    assert after["is_superuser"] and after["is_staff"] and after["role"] == Role.PROVINCE_ADMIN
    assert after["groups"] == [group.pk] and after["user_permissions"] == [permission.pk]
    changed = entry_for(expert, "admin.change").data["changed"]
    assert changed["is_superuser"] == [False, True] and changed["is_staff"] == [False, True]
    assert changed["role"] == [Role.EXPERT, Role.PROVINCE_ADMIN]
    assert changed["groups"] == [[], [str(group)]]
    assert changed["user_permissions"] == [[], [str(permission)]]
