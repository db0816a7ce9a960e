"""A province admin revises the catalog in the admin site: clone, edit, save, publish."""

import pytest
from playwright.sync_api import expect

from scenarios.models import Batch, CatalogVersion, Scenario

from ..factories import PASSWORD
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REVISED = "生产计划优化（2026 修订）"


def test_province_admin_clones_edits_and_publishes_a_catalog_version(
    page, catalog, open_batch, province_admin
):
    old_scenarios = list(
        Scenario.objects.filter(version=catalog).order_by("no").values_list("no", "name")
    )
    old_published_at = catalog.published_at
    sign_in(page, province_admin.username, PASSWORD)

    page.goto("/admin/scenarios/catalogversion/")
    page.get_by_role("link", name=catalog.label, exact=True).click()
    page.get_by_role("link", name="复制为新草稿").click()
    page.get_by_label("新版本号").fill("2026.1")
    page.get_by_role("button", name="确定").click()
    expect(page.locator("ul.messagelist")).to_contain_text("已复制为新草稿 2026.1。")
    draft = CatalogVersion.objects.get(label="2026.1")
    assert page.url.endswith(f"/admin/scenarios/catalogversion/{draft.pk}/change/")

    # one scenario of the draft, found through the list's version filter
    page.goto(f"/admin/scenarios/scenario/?version__id__exact={draft.pk}&q=生产计划优化")
    page.locator("#result_list").get_by_role("link", name="生产计划优化", exact=True).click()
    page.locator("#id_name").fill(REVISED)
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("ul.messagelist")).to_contain_text("成功修改")

    # the draft's own save button works: its form holds the inlines' management forms
    page.goto(f"/admin/scenarios/catalogversion/{draft.pk}/change/")
    page.locator("#id_title").fill("2026 年修订版")
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator("ul.messagelist")).to_contain_text("成功修改")
    expect(page.locator("#id_title")).to_have_value("2026 年修订版")

    page.get_by_role("button", name="发布此版本").click()
    expect(page.locator("ul.messagelist")).to_contain_text("目录版本 2026.1 已发布。")
    expect(page.locator(".errornote")).to_contain_text("不可修改")
    expect(page.get_by_role("button", name="发布此版本")).to_have_count(0)
    expect(page.get_by_text("ManagementForm")).to_have_count(0)

    # the version's history (django-simple-history's page, under the admin site's policy)
    page.goto(f"/admin/scenarios/catalogversion/{draft.pk}/history/")
    expect(page.locator("#change-history")).to_contain_text("2026.1")

    draft.refresh_from_db()
    assert draft.status == "published" and draft.title == "2026 年修订版"
    assert Scenario.objects.get(version=draft, no=1).name == REVISED
    assert Scenario.objects.filter(version=draft).count() == len(old_scenarios)
    catalog.refresh_from_db()
    assert catalog.status == "published" and catalog.published_at == old_published_at
    assert catalog.title != "2026 年修订版"
    assert (
        list(Scenario.objects.filter(version=catalog).order_by("no").values_list("no", "name"))
        == old_scenarios
    )
    assert Batch.objects.get(pk=open_batch.pk).catalog_version_id == catalog.pk
