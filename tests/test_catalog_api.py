import pytest

from scenarios.models import CatalogVersion

from .test_catalog_fixture import INDICATORS, SCENARIOS_BY_LINK


@pytest.mark.django_db
def test_catalog_api_returns_the_seed_catalog_exactly(catalog, api_client):
    response = api_client.get("/api/v1/catalog/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"version", "dimensions", "support_elements", "indicators"}
    assert body["version"] == "2024.1"
    assert [d["no"] for d in body["dimensions"]] == [1, 2, 3]
    assert [d["name"] for d in body["dimensions"]] == [
        "生产全过程",
        "产品全生命周期",
        "供应链全环节",
    ]
    links = [link for d in body["dimensions"] for link in d["links"]]
    assert [link["no"] for link in links] == list(range(1, 17))
    assert set(links[0]) == {"no", "name", "outcomes", "scenarios"}
    assert links[3]["outcomes"][0] == {
        "name": "提升设备综合效率",
        "indicator": "oee",
        "interpretation": False,
    }
    for link in links:
        assert [s["no"] for s in link["scenarios"]] == SCENARIOS_BY_LINK[link["no"]]
    first = links[0]["scenarios"][0]
    assert first == {
        "no": 1,
        "name": "生产计划优化",
        "description": "构建企业资源管理系统，应用约束理论、寻优算法和专家系统等技术，"
        "实现基于采购提前期、安全库存和市场需求的生产计划优化。",
    }
    assert [s["no"] for s in body["support_elements"]] == list(range(1, 9))
    assert set(body["support_elements"][0]) == {"no", "category", "name", "description"}
    indicators = body["indicators"]
    assert [i["no"] for i in indicators] == list(range(1, 20))
    assert set(indicators[0]) == {
        "no",
        "code",
        "name",
        "category",
        "unit",
        "direction",
        "applicability",
        "inputs",
    }
    for item in indicators:
        code, unit, applicability, inputs = INDICATORS[item["no"]]
        assert (item["code"], item["unit"], item["applicability"], item["inputs"]) == (
            code,
            unit,
            applicability,
            inputs,
        )


@pytest.mark.django_db
def test_catalog_api_names_stay_chinese_whatever_the_language(catalog, api_client):
    body = api_client.get("/api/v1/catalog/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["dimensions"][0]["name"] == "生产全过程"


@pytest.mark.django_db
def test_catalog_api_serves_the_newest_published_version_and_never_a_draft(catalog, api_client):
    from scenarios.services import catalog_version_clone

    draft = catalog_version_clone(version=catalog, label="2027.1-draft")
    assert api_client.get("/api/v1/catalog/").json()["version"] == "2024.1"
    assert api_client.get("/api/v1/catalog/", {"version": draft.label}).status_code == 404
    assert api_client.get("/api/v1/catalog/", {"version": "nope"}).status_code == 404


@pytest.mark.django_db
def test_catalog_api_without_any_published_version_is_404(api_client, db):
    assert not CatalogVersion.objects.exists()
    assert api_client.get("/api/v1/catalog/").status_code == 404


@pytest.mark.django_db
def test_catalog_query_count_does_not_grow_with_rows(
    catalog, api_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        assert api_client.get("/api/v1/catalog/").status_code == 200
