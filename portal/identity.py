"""An enterprise's identity — its name, credit code, city, district, industry type and size —
is what a submission is judged as: the review routes, checks conflicts of interest and forms
peer groups on it. While a submission is in review it may not change (a genuine change, such as
a rename by the registry, is a request the province confirms). The apps above register what
locks it (``evaluation``: a submission in review), so the profile page, the API and the admin
site all refuse through ``Enterprise.clean``."""

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

IDENTITY_FIELDS = ("name", "credit_code", "city", "district", "industry_type", "size")

_locks: list[Callable] = []  # (enterprise) -> a reason (str) it is locked, or None


def identity_lock_register(lock: Callable) -> None:
    if lock not in _locks:
        _locks.append(lock)


def identity_lock_reason(enterprise) -> str | None:
    """Why the enterprise's identity may not change now, or None."""
    if enterprise.pk is None:
        return None
    return next((reason for lock in _locks if (reason := lock(enterprise))), None)


def identity_changes(enterprise, stored) -> dict[str, tuple]:
    """The identity fields ``enterprise`` changes against ``stored``: field → (old, new)."""
    return {
        f: (getattr(stored, f), getattr(enterprise, f))
        for f in IDENTITY_FIELDS
        if getattr(stored, f) != getattr(enterprise, f)
    }


LOCKED_MESSAGE = _(
    "%(reason)s，申报审核期间不能修改“%(field)s”。如确需变更（如工商登记更名），请提交企业信息变更申请，由省级管理员确认。"
)
