"""The catalog admin pages: publishing a draft, frozen versions."""

from html.parser import HTMLParser

import pytest

from portal.models import AuditLog
from scenarios.services import catalog_version_clone

from .conftest import login


class _Forms(HTMLParser):
    """The forms of a page: each one's action and the names of the inputs inside it."""

    def __init__(self):
        super().__init__()
        self.open, self.forms, self.deepest = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            form = {"id": attrs.get("id"), "action": attrs.get("action"), "inputs": set()}
            self.open.append(form)
            self.forms.append(form)
            self.deepest = max(self.deepest, len(self.open))
        elif tag in ("input", "select", "textarea") and self.open and attrs.get("name"):
            self.open[-1]["inputs"].add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form" and self.open:
            self.open.pop()


def _forms(response):
    parser = _Forms()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def draft(catalog):
    return catalog_version_clone(version=catalog, label="2025.1")


def _publish_url(version):
    return f"/admin/scenarios/catalogversion/{version.pk}/publish/"


@pytest.mark.django_db
def test_a_drafts_change_page_has_its_publish_form_outside_the_change_form(
    client, draft, province_admin
):
    login(client, province_admin)
    page = _forms(client.get(f"/admin/scenarios/catalogversion/{draft.pk}/change/"))
    assert page.deepest == 1  # no form inside another
    (publish,) = [f for f in page.forms if f["action"] == _publish_url(draft)]
    assert publish["inputs"] == {"csrfmiddlewaretoken"}
    (change,) = [f for f in page.forms if f["id"] == "catalogversion_form"]
    # the inlines' management forms and the save buttons are inside the change form
    assert {"dimensions-TOTAL_FORMS", "support_elements-TOTAL_FORMS", "_save"} <= change["inputs"]


@pytest.mark.django_db
def test_a_published_versions_change_page_offers_no_publish_form(client, catalog, province_admin):
    login(client, province_admin)
    page = _forms(client.get(f"/admin/scenarios/catalogversion/{catalog.pk}/change/"))
    assert not [f for f in page.forms if f["action"] == _publish_url(catalog)]


@pytest.mark.django_db
def test_the_publish_post_publishes_the_draft_through_the_service(client, draft, province_admin):
    login(client, province_admin)
    response = client.post(_publish_url(draft), follow=True)
    assert response.redirect_chain[-1][0] == f"/admin/scenarios/catalogversion/{draft.pk}/change/"
    assert "目录版本 2025.1 已发布。" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "published" and draft.published_at is not None
    entry = AuditLog.objects.get(action="catalog.publish")
    assert entry.actor == province_admin and entry.target_id == str(draft.pk)


@pytest.mark.django_db
def test_publishing_needs_a_post(client, draft, province_admin):
    login(client, province_admin)
    assert client.get(_publish_url(draft)).status_code == 405
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.django_db
def test_publishing_a_published_version_again_is_refused_with_a_message(
    client, catalog, province_admin
):
    published_at = catalog.published_at
    login(client, province_admin)
    response = client.post(_publish_url(catalog), follow=True)
    assert "已发布，不可修改" in response.content.decode()
    catalog.refresh_from_db()
    assert catalog.published_at == published_at
    assert not AuditLog.objects.filter(action="catalog.publish").exists()


@pytest.mark.django_db
def test_publishing_is_closed_to_other_roles(client, draft, admin_a):
    login(client, admin_a)
    assert client.post(_publish_url(draft)).status_code == 302  # to the admin's login
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.django_db
def test_a_published_version_refuses_edits_in_the_admin(client, catalog, province_admin):
    login(client, province_admin)
    url = f"/admin/scenarios/catalogversion/{catalog.pk}/change/"
    response = client.post(url, {"label": catalog.label, "title": "篡改的标题", "notes": ""})
    assert response.status_code == 403
    catalog.refresh_from_db()
    assert catalog.title != "篡改的标题"
