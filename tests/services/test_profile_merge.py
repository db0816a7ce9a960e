"""Two admins on the enterprise's profile: only the fields each changed are saved; the same field
changed by both is a conflict with both values (portal.services.enterprise_update ``loaded``)."""

import json

import pytest

from portal.exceptions import EditConflict
from portal.models import Enterprise, Role
from portal.services import enterprise_profile_loaded, enterprise_update

from ..conftest import login
from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_admin(enterprise_a):
    return UserFactory(username="admin_a2", role=Role.ENTERPRISE_ADMIN, enterprise=enterprise_a)


def _form(enterprise, **changes) -> dict:
    """The whole profile form as a page posts it, with some fields changed."""
    return {**enterprise_profile_loaded(enterprise), **changes}


def test_different_fields_are_both_kept(enterprise_a, admin_a, second_admin):
    loaded = enterprise_profile_loaded(enterprise_a)  # both opened the form now
    enterprise_update(
        enterprise=Enterprise.objects.get(pk=enterprise_a.pk),
        actor=second_admin,
        data=_form(enterprise_a, district="320506"),
        loaded=loaded,
    )
    enterprise_update(
        enterprise=Enterprise.objects.get(pk=enterprise_a.pk),
        actor=admin_a,
        data=_form(enterprise_a, address="星湖街 1 号"),  # district as loaded: the old one
        loaded=loaded,
    )
    saved = Enterprise.objects.get(pk=enterprise_a.pk)
    assert (saved.district.name, saved.address) == ("吴中区", "星湖街 1 号")


def test_the_same_field_conflicts_with_both_values_and_saves_nothing(
    enterprise_a, admin_a, second_admin
):
    loaded = enterprise_profile_loaded(enterprise_a)
    enterprise_update(
        enterprise=Enterprise.objects.get(pk=enterprise_a.pk),
        actor=second_admin,
        data=_form(enterprise_a, contact_name="王五"),
        loaded=loaded,
    )
    with pytest.raises(EditConflict) as info:
        enterprise_update(
            enterprise=Enterprise.objects.get(pk=enterprise_a.pk),
            actor=admin_a,
            data=_form(enterprise_a, contact_name="赵六", address="星湖街 1 号"),
            loaded=loaded,
        )
    assert info.value.yours == {"contact_name": "赵六"}
    assert info.value.theirs == {"contact_name": "王五"}
    assert "admin_a2" in info.value.messages[0]
    saved = Enterprise.objects.get(pk=enterprise_a.pk)
    assert (saved.contact_name, saved.address) == ("王五", "")


def test_the_page_offers_the_choice_and_take_theirs_keeps_the_colleagues(
    client, enterprise_a, admin_a, second_admin
):
    loaded = enterprise_profile_loaded(enterprise_a)
    enterprise_update(
        enterprise=Enterprise.objects.get(pk=enterprise_a.pk),
        actor=second_admin,
        data=_form(enterprise_a, contact_name="王五", district="320506"),
        loaded=loaded,
    )
    login(client, admin_a)
    post = {
        **_form(enterprise_a, contact_name="赵六", address="星湖街 1 号"),
        "loaded": json.dumps(loaded),
    }
    post = {k: v for k, v in post.items() if v is not None}
    url = f"/enterprises/{enterprise_a.pk}/edit/"
    r = client.post(url, post)
    html = r.content.decode()
    assert r.status_code == 409 and 'data-testid="take-theirs-contact_name"' in html
    assert "王五" in html and "赵六" in html and "admin_a2" in html
    # the form now holds the colleague's district (left alone here) and the new loaded values
    form = r.context["form"]
    assert form.data["district"] == "320506" and "王五" in form.data["loaded"]
    r = client.post(url, {**form.data.dict(), "take": "contact_name"})
    assert r.status_code == 302
    saved = Enterprise.objects.get(pk=enterprise_a.pk)
    assert (saved.contact_name, saved.district.name, saved.address) == (
        "王五",
        "吴中区",
        "星湖街 1 号",
    )
