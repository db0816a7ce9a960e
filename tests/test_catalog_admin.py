"""The catalog and tier-rule admin pages: publishing a draft, frozen versions, the rule form."""

from html.parser import HTMLParser

import pytest

from portal.models import AuditLog
from scenarios.models import TierRule
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


# The tier rules: the support-element categories are tick boxes, stored as a JSON list.

RULE_ADD = "/admin/scenarios/tierrule/add/"
NO_REQUIREMENTS = {
    "requirements-TOTAL_FORMS": "0",
    "requirements-INITIAL_FORMS": "0",
    "requirements-MIN_NUM_FORMS": "0",
    "requirements-MAX_NUM_FORMS": "1000",
}


def _rule(**fields):
    return {
        "tier": "workshop",
        "min_support_elements": "2",
        "min_indicators_improved": "0",
        **NO_REQUIREMENTS,
        **fields,
    }


@pytest.mark.django_db
def test_the_tier_rule_form_offers_the_categories_as_choices(client, province_admin):
    login(client, province_admin)
    html = client.get(RULE_ADD).content.decode()
    for value in ("equipment", "network", "platform"):
        assert f'type="checkbox" name="support_categories" value="{value}"' in html
    assert "装备" in html and "网络" in html and "平台" in html
    assert '<textarea name="support_categories"' not in html


@pytest.mark.django_db
def test_a_tier_rule_saves_the_chosen_categories_as_a_list(client, province_admin):
    login(client, province_admin)
    response = client.post(RULE_ADD, _rule(support_categories=["platform", "equipment"]))
    assert response.status_code == 302
    rule = TierRule.objects.get(batch=None, tier="workshop")
    assert rule.support_categories == ["equipment", "platform"]
    page = client.get(f"/admin/scenarios/tierrule/{rule.pk}/change/").content.decode()
    assert 'value="equipment" id="id_support_categories_0" checked' in page
    assert 'value="network" id="id_support_categories_1" checked' not in page
    listing = client.get("/admin/scenarios/tierrule/").content.decode()
    assert "装备、平台" in listing


@pytest.mark.django_db
def test_a_tier_rule_with_no_category_stores_an_empty_list(client, province_admin):
    login(client, province_admin)
    assert client.post(RULE_ADD, _rule()).status_code == 302
    assert TierRule.objects.get(batch=None, tier="workshop").support_categories == []


@pytest.mark.django_db
def test_an_unknown_category_is_refused_naming_the_field(client, province_admin):
    login(client, province_admin)
    response = client.post(RULE_ADD, _rule(support_categories=["equipment", "robots"]))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["support_categories"]
    assert "robots" in errors["support_categories"][0]
    assert "须覆盖的支撑要素类别" in response.content.decode()
    assert not TierRule.objects.exists()
