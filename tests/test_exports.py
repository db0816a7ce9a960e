"""Excel and CSV exports: what each contains, the queue's filters, city scoping, the
formula-injection guard, the file name, and who may download each."""

import csv
import io
from datetime import datetime
from urllib.parse import quote

import openpyxl
import pytest
from django.utils import timezone

from evaluation import services
from evaluation.models import Assessment, State
from portal.models import City, Role
from portal.spreadsheets import neutralised
from review import services as review_services

from .conftest import complete_review, login
from .factories import EnterpriseFactory, UserFactory, evaluated_assessment

INJECTION = "=cmd|' /C calc'!A0"
CATALOG_COLUMNS = 45 + 8 + 19 * 3
PROFILE_COLUMNS = 16  # with the business facts (portal.models.BUSINESS_FACT_FIELDS)


def xlsx_table(response) -> list[dict]:
    """The first sheet's rows as {header: value}."""
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def csv_table(response) -> list[dict]:
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for Chinese
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def table(response, fmt: str) -> list[dict]:
    assert response.status_code == 200, response.status_code
    return xlsx_table(response) if fmt == "xlsx" else csv_table(response)


def headers(response) -> list[str]:
    return list(
        openpyxl.load_workbook(io.BytesIO(response.content))
        .worksheets[0]
        .iter_rows(max_row=1, values_only=True)
    )[0]


def by_name(rows, column="企业名称") -> dict:
    return {r[column]: r for r in rows}


def number(value):
    """A numeric cell read back from either format."""
    return None if value in (None, "") else float(value)


def blank(value) -> bool:
    return value in (None, "")


@pytest.fixture
def evaluated(submitted):
    """Enterprise A (苏州市): 7 scenarios (1, 2, 4, 5, 11, 13, 30) and support elements 1 and 3
    implemented; base year the full inputs, current year output 15000 and 10 defective."""
    services.evaluation_refresh(assessment=submitted)
    return Assessment.objects.get(pk=submitted.pk)


@pytest.fixture
def nanjing(evaluated, enterprise_b):
    """Enterprise B (南京市), submitted in the same batch, applying for 智能工厂."""
    return evaluated_assessment(
        evaluated.batch,
        enterprise=enterprise_b,
        state=State.CITY_RECOMMENDED,
        current={"labor_productivity": "12.5"},
        highest_tier="factory",
        implemented=(3,),
    )


@pytest.fixture
def draft(evaluated):
    """Enterprise C (苏州市): a draft with scenario 2 planned, seen by the province only."""
    enterprise = EnterpriseFactory(name="丙企业", city=City.SUZHOU)
    admin = UserFactory(role=Role.ENTERPRISE_ADMIN, enterprise=enterprise)
    a = services.assessment_create(enterprise=enterprise, batch=evaluated.batch, actor=admin)
    services.scenario_answer_set(
        assessment=a, actor=admin, scenario_no=2, data={"status": "planned"}
    )
    return a


def batch_data(client, batch, fmt="xlsx"):
    return client.get(f"/review/batches/{batch.pk}/export.{fmt}")


# --- the batch's full data -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_batch_data_has_every_column_and_the_hand_known_values(
    client, evaluated, nanjing, draft, province_admin, fmt
):
    assert evaluated.evaluation.highest_tier == "workshop"
    login(client, province_admin)
    response = batch_data(client, evaluated.batch, fmt)
    rows = by_name(table(response, fmt))
    assert set(rows) == {"甲企业", "乙企业", "丙企业"}
    header = list(rows["甲企业"])
    assert len(header) == 1 + PROFILE_COLUMNS + 4 + CATALOG_COLUMNS
    assert header[:3] == ["申报 ID", "企业名称", "统一社会信用代码"]
    assert header[PROFILE_COLUMNS + 1 : PROFILE_COLUMNS + 5] == [
        "状态",
        "提交时间",
        "可申报层级",
        "认定层级",
    ]
    assert (
        "场景 1 生产计划优化" in header
        and header.index("场景 1 生产计划优化") == PROFILE_COLUMNS + 5
    )
    assert [h for h in header if h.startswith("场景 ")][-1].startswith("场景 45 ")
    assert [h for h in header if h.startswith("支撑要素 ")][0].startswith("支撑要素 1 ")
    labour = "指标 1 全员劳动生产率（万元/人）"
    defects = "指标 5 产品不良率（%）"
    assert header[-57:-54] == [f"{labour} · 基准年", f"{labour} · 当年", f"{labour} · 改善（%）"]

    a = rows["甲企业"]
    assert int(a["申报 ID"]) == evaluated.pk
    assert a["统一社会信用代码"] == evaluated.enterprise.credit_code
    assert a["所在设区市"] == "苏州市" and a["行业类型"] == "离散型" and a["企业规模"] == "中型"
    assert a["状态"] == "已提交" and a["可申报层级"] == "智能车间" and blank(a["认定层级"])
    submitted_at = timezone.localtime(evaluated.submitted_at).replace(tzinfo=None)
    shown = a["提交时间"]
    if fmt == "csv":
        shown = datetime.fromisoformat(shown)
    assert abs((shown - submitted_at).total_seconds()) < 1
    assert a["场景 1 生产计划优化"] == "已实施"
    assert [a[h] for h in header if h.startswith("场景 3 ")] == ["未开展"]
    assert [a[h] for h in header if h.startswith("支撑要素 1 ")] == ["已实施"]
    assert [a[h] for h in header if h.startswith("支撑要素 2 ")] == ["未开展"]
    # 12000 / 400 = 30 → 15000 / 400 = 37.5: +25 %; defects 25 / 5000 → 10 / 5000: 0.5 % →
    # 0.2 %, lower is better: +60 %
    assert [number(a[f"{labour} · {k}"]) for k in ("基准年", "当年", "改善（%）")] == [30, 37.5, 25]
    assert [number(a[f"{defects} · {k}"]) for k in ("基准年", "当年", "改善（%）")] == [
        0.5,
        0.2,
        60,
    ]

    b = rows["乙企业"]
    assert (
        b["所在设区市"] == "南京市" and b["状态"] == "市级已推荐" and b["可申报层级"] == "智能工厂"
    )
    assert [b[h] for h in header if h.startswith("场景 3 ")] == ["已实施"]
    assert number(b[f"{labour} · 当年"]) == 12.5

    c = rows["丙企业"]
    assert c["状态"] == "草稿" and blank(c["提交时间"]) and blank(c["可申报层级"])
    assert [c[h] for h in header if h.startswith("场景 2 ")] == ["已规划"]
    assert blank(c[f"{labour} · 基准年"])


@pytest.mark.django_db
def test_batch_data_reads_with_a_bounded_number_of_queries(
    client, evaluated, nanjing, draft, province_admin, django_assert_max_num_queries
):
    for i in range(20):
        evaluated_assessment(evaluated.batch, implemented=(1, 2), name=f"批量企业{i}")
    login(client, province_admin)
    client.get("/")  # the session and user are loaded once, outside the count
    with django_assert_max_num_queries(12):
        response = batch_data(client, evaluated.batch, "csv")
    assert len(csv_table(response)) == 23


@pytest.mark.django_db
def test_a_city_reviewer_gets_its_own_citys_submissions_only(
    client, evaluated, nanjing, draft, city_reviewer_suzhou, city_reviewer_nanjing
):
    login(client, city_reviewer_suzhou)
    assert set(by_name(xlsx_table(batch_data(client, evaluated.batch)))) == {"甲企业"}
    login(client, city_reviewer_nanjing)
    rows = by_name(csv_table(batch_data(client, evaluated.batch, "csv")))
    assert set(rows) == {"乙企业"}
    assert "甲企业" not in batch_data(client, evaluated.batch, "csv").content.decode("utf-8-sig")


# --- the review queue ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_queue_export_is_the_filtered_list_every_page_of_it(
    client, evaluated, nanjing, province_admin
):
    batch = evaluated.batch
    for i in range(55):
        evaluated_assessment(batch, state=State.SUBMITTED, name=f"批量企业{i}")
    login(client, province_admin)
    rows = table(client.get(f"/review/export.xlsx?batch={batch.pk}&state=submitted&page=2"), "xlsx")
    assert len(rows) == 56  # the page shows 50 at a time
    assert list(rows[0]) == [
        "企业",
        "统一社会信用代码",
        "设区市",
        "行业类型",
        "申报批次",
        "提交时间",
        "可申报层级",
        "状态",
    ]
    a = by_name(rows, "企业")["甲企业"]
    assert a["设区市"] == "苏州市" and a["申报批次"] == "测试批次"
    assert a["可申报层级"] == "智能车间" and a["状态"] == "已提交"

    only = table(client.get("/review/export.csv?city=320100"), "csv")
    assert [r["企业"] for r in only] == ["乙企业"] and only[0]["可申报层级"] == "智能工厂"
    assert [r["企业"] for r in table(client.get("/review/export.csv?q=甲企业"), "csv")] == [
        "甲企业"
    ]
    factory = table(client.get("/review/export.csv?tier=factory"), "csv")
    assert [r["企业"] for r in factory] == ["乙企业"]


@pytest.mark.django_db
def test_a_city_reviewers_queue_export_keeps_the_pages_default_and_its_city(
    client, evaluated, nanjing, city_reviewer_suzhou, city_reviewer_nanjing
):
    recommended = evaluated_assessment(
        evaluated.batch, state=State.CITY_RECOMMENDED, name="丁企业", city=City.SUZHOU
    )
    login(client, city_reviewer_suzhou)
    waiting = table(client.get("/review/export.csv"), "csv")  # the page: awaiting the city
    assert [r["企业"] for r in waiting] == ["甲企业"]
    every = table(client.get("/review/export.csv?state=&city=320100"), "csv")
    assert {r["企业"] for r in every} == {"甲企业", recommended.enterprise.name}
    login(client, city_reviewer_nanjing)
    assert [r["企业"] for r in table(client.get("/review/export.xlsx?state="), "xlsx")] == [
        "乙企业"
    ]


@pytest.mark.django_db
def test_the_queue_page_links_its_exports_with_its_filters(client, evaluated, province_admin):
    login(client, province_admin)
    html = client.get(
        f"/review/?batch={evaluated.batch.pk}&state=submitted&page=1"
    ).content.decode()
    query = f"?batch={evaluated.batch.pk}&amp;state=submitted"
    assert f'href="/review/export.xlsx{query}"' in html
    assert f'href="/review/export.csv{query}"' in html
    assert f'href="/review/batches/{evaluated.batch.pk}/export.xlsx"' in html


# --- the formula-injection guard, the file name, the format -----------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (INJECTION, "'" + INJECTION),
        ("+86 512 1234", "'+86 512 1234"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("甲企业", "甲企业"),
        (-3.5, -3.5),
        (None, None),
    ],
)
def test_cells_a_spreadsheet_would_run_are_written_as_text(value, written):
    assert neutralised(value) == written


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_enterprise_named_like_a_formula_comes_out_as_text(
    client, evaluated, province_admin, fmt
):
    evaluated_assessment(evaluated.batch, name=INJECTION)
    login(client, province_admin)
    for url in (
        f"/review/export.{fmt}?state=",
        f"/review/batches/{evaluated.batch.pk}/export.{fmt}",
    ):
        response = client.get(url)
        names = [r.get("企业") or r.get("企业名称") for r in table(response, fmt)]
        assert "'" + INJECTION in names and INJECTION not in names
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        cells = [c for row in sheet.iter_rows() for c in row if c.value == "'" + INJECTION]
        assert cells and all(c.data_type == "s" for c in cells)


@pytest.mark.django_db
def test_the_file_name_is_chinese_in_rfc_5987_form(client, evaluated, province_admin):
    login(client, province_admin)
    response = batch_data(client, evaluated.batch, "xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''" + quote("测试批次-完整数据.xlsx")
    )
    csv_response = client.get("/audit-log.csv")
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().strftime("%Y%m%d")
    assert quote(f"审计日志-{today}.csv") in csv_response["Content-Disposition"]


@pytest.mark.django_db
def test_an_unknown_format_is_a_404(client, evaluated, province_admin):
    login(client, province_admin)
    pk = evaluated.batch.pk
    for url in (
        "/review/export.pdf",
        f"/review/batches/{pk}/export.json",
        f"/review/batches/{pk}/decisions.xls",
        f"/review/batches/{pk}/assignments.txt",
        f"/public/lists/{pk}.html",
        "/audit-log.XLSX",
    ):
        assert client.get(url).status_code == 404, url


# --- decisions, expert loads, the public list, the audit log ---------------------------------


def _decided(under_review, province_admin):
    services.evaluation_refresh(assessment=under_review)
    for assignment in under_review.assignments.all():
        complete_review(assignment, score=8)
    review_services.assessment_decide(
        assessment=under_review,
        actor=province_admin,
        outcome="approved",
        tier="workshop",
        reason="场景建设成效显著，同意认定。",
    )
    return Assessment.objects.get(pk=under_review.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_decisions_export(client, under_review, province_admin, fmt):
    decided = _decided(under_review, province_admin)
    login(client, province_admin)
    rows = table(client.get(f"/review/batches/{decided.batch.pk}/decisions.{fmt}"), fmt)
    assert len(rows) == 1
    row = rows[0]
    assert row["企业"] == "甲企业" and row["设区市"] == "苏州市"
    assert number(row["已提交评审"]) == 3 and number(row["评审专家数"]) == 3
    assert number(row["平均分"]) == 80 and number(row["极差"]) == 0  # 8 of 10 everywhere
    assert row["存在分歧"] == "否" and row["系统计算层级"] == "智能车间"
    assert row["专家建议层级"] == "智能车间、智能车间、智能车间"
    assert row["状态"] == "已认定" and row["认定层级"] == "智能车间"
    assert row["决定理由"] == "场景建设成效显著，同意认定。"


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_expert_loads_export(client, under_review, experts, expert, province_admin, fmt):
    complete_review(under_review.assignments.get(expert=experts[0]))
    login(client, province_admin)
    rows = by_name(
        table(client.get(f"/review/batches/{under_review.batch.pk}/assignments.{fmt}"), fmt),
        "评审专家",
    )
    # every expert the page lists, the one without any review in the batch too
    page = client.get(f"/review/batches/{under_review.batch.pk}/assignments/").content.decode()
    listed = {e.username for e in [*experts, expert] if f'data-testid="load-{e.pk}"' in page}
    assert set(rows) == listed == {"expert1", "expert2", "expert3", "expert_x"}
    assert [number(rows["expert_x"][k]) for k in ("待评审", "已提交", "工作量")] == [0, 0, 0]
    first, second = rows["expert1"], rows["expert2"]
    assert first["工作单位"] == "东南大学" and first["所在市"] == "南京市"
    assert [number(first[k]) for k in ("待评审", "已提交", "已回避", "工作量")] == [0, 1, 0, 1]
    assert [number(second[k]) for k in ("待评审", "已提交", "已回避", "工作量")] == [1, 0, 0, 1]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_public_list_export_needs_no_login_and_a_published_list(
    client, under_review, province_admin, fmt
):
    decided = _decided(under_review, province_admin)
    url = f"/public/lists/{decided.batch.pk}.{fmt}"
    assert client.get(url).status_code == 404
    review_services.batch_list_publish(batch=decided.batch, actor=province_admin)
    rows = table(client.get(url), fmt)
    assert rows == [{"企业名称": "甲企业", "所在地区": "苏州市", "认定层级": "智能车间"}]
    html = client.get(f"/public/lists/{decided.batch.pk}/").content.decode()
    assert f'href="{url}"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_audit_log_export(client, under_review, province_admin, admin_a, admin_b, fmt):
    login(client, province_admin)
    rows = table(client.get(f"/audit-log.{fmt}"), fmt)
    assert list(rows[0]) == ["时间", "操作人", "操作", "企业", "摘要", "详情"]
    actions = {r["操作"] for r in rows}  # in words, not their codes
    assert {"提交", "市级推荐至省级", "分配评审专家"} <= actions
    submit = next(r for r in rows if r["操作"] == "提交")
    assert submit["操作人"] == "admin_a" and submit["企业"] == "甲企业"

    login(client, admin_a)  # the page shows an enterprise admin its own enterprise's entries
    own = table(client.get(f"/audit-log.{fmt}"), fmt)
    assert "提交" in {r["操作"] for r in own}
    assert "分配评审专家" not in {r["操作"] for r in own}  # who reviews stays hidden
    login(client, admin_b)
    assert table(client.get(f"/audit-log.{fmt}"), fmt) == []


# --- who may download what -------------------------------------------------------------------


@pytest.fixture
def published(under_review, province_admin):
    decided = _decided(under_review, province_admin)
    review_services.batch_list_publish(batch=decided.batch, actor=province_admin)
    return decided


def _urls(batch) -> dict:
    pk = batch.pk
    return {
        "queue": "/review/export.xlsx",
        "batch_data": f"/review/batches/{pk}/export.csv",
        "decisions": f"/review/batches/{pk}/decisions.xlsx",
        "loads": f"/review/batches/{pk}/assignments.csv",
        "public": f"/public/lists/{pk}.xlsx",
        "audit_log": "/audit-log.csv",
    }


# What each user gets: 200, 403, or "login" (a redirect to the login page).
EXPECTED = {
    "anonymous": {"queue": "login", "batch_data": "login", "decisions": "login",
                  "loads": "login", "public": 200, "audit_log": "login"},
    "member_a": {"queue": 403, "batch_data": 403, "decisions": 403,
                 "loads": 403, "public": 200, "audit_log": 403},
    "admin_a": {"queue": 403, "batch_data": 403, "decisions": 403,
                "loads": 403, "public": 200, "audit_log": 200},
    "expert": {"queue": 403, "batch_data": 403, "decisions": 403,
               "loads": 403, "public": 200, "audit_log": 403},
    "city_reviewer_suzhou": {"queue": 200, "batch_data": 200, "decisions": 403,
                             "loads": 403, "public": 200, "audit_log": 403},
    "city_reviewer_nanjing": {"queue": 200, "batch_data": 200, "decisions": 403,
                              "loads": 403, "public": 200, "audit_log": 403},
    "province_admin": {"queue": 200, "batch_data": 200, "decisions": 200,
                       "loads": 200, "public": 200, "audit_log": 200},
}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("who", list(EXPECTED))
def test_every_export_follows_its_pages_permissions(client, published, request, who):
    if who != "anonymous":
        login(client, request.getfixturevalue(who))
    for name, url in _urls(published.batch).items():
        response = client.get(url)
        expected = EXPECTED[who][name]
        if expected == "login":
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/login/"), url
        else:
            assert response.status_code == expected, (who, url, response.status_code)
    if who == "city_reviewer_nanjing":  # another city's submission never appears
        assert "甲企业" not in client.get(_urls(published.batch)["batch_data"]).content.decode()
        assert "甲企业" not in xlsx_table(client.get("/review/export.xlsx?state=")).__repr__()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["province_admin", "city_reviewer_suzhou"])
def test_an_unknown_batch_is_a_404(client, evaluated, request, who):
    login(client, request.getfixturevalue(who))
    assert client.get("/review/batches/99999/export.xlsx").status_code == 404
    assert client.get("/public/lists/99999.csv").status_code == 404
    if who == "province_admin":
        assert client.get("/review/batches/99999/decisions.csv").status_code == 404
        assert client.get("/review/batches/99999/assignments.csv").status_code == 404


# --- the API -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_gives_the_batchs_full_data_in_either_format(
    api_client, evaluated, nanjing, draft, province_admin, city_reviewer_nanjing
):
    url = f"/api/v1/review/batches/{evaluated.batch.pk}/export/"
    api_client.force_authenticate(province_admin)
    rows = by_name(table(api_client.get(url, {"format": "csv"}), "csv"))
    assert set(rows) == {"甲企业", "乙企业", "丙企业"}
    assert number(rows["甲企业"]["指标 1 全员劳动生产率（万元/人） · 当年"]) == 37.5
    default = api_client.get(url)
    assert default["Content-Type"].startswith("application/vnd.openxmlformats")
    assert set(by_name(xlsx_table(default))) == {"甲企业", "乙企业", "丙企业"}
    assert api_client.get(url, {"format": "pdf"}).status_code == 404
    missing = api_client.get("/api/v1/review/batches/99999/export/", {"format": "csv"})
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"

    api_client.force_authenticate(city_reviewer_nanjing)
    assert set(by_name(table(api_client.get(url, {"format": "xlsx"}), "xlsx"))) == {"乙企业"}


@pytest.mark.django_db
def test_the_api_export_is_for_reviewers(api_client, evaluated, admin_a, expert):
    url = f"/api/v1/review/batches/{evaluated.batch.pk}/export/?format=csv"
    assert api_client.get(url).status_code == 401
    for user in (admin_a, expert):
        api_client.force_authenticate(user)
        response = api_client.get(url)
        assert response.status_code == 403 and response["Content-Type"] == "application/json"
