"""The officials' papers: a city's recommendation letter (PDF, its text extracted) and summary
table (Excel, read back) list exactly what that city recommended in the batch and stays
recommended; another city's reviewer gets its own; the province's batch summary."""

import io
from datetime import date

import openpyxl
import pytest

from evaluation.models import Assessment, State
from portal.models import City, Role
from reports import papers
from review.models import Recommendation

from .conftest import login
from .factories import EnterpriseFactory, UserFactory, district_of
from .test_report import pdf_text

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example","点击")有限公司'


def _recommended(
    batch, reviewer, name, city, state=State.CITY_RECOMMENDED, outcome="recommended", district=None
):
    enterprise = EnterpriseFactory(name=name, city=city)
    assessment = Assessment.objects.create(
        enterprise=enterprise,
        batch=batch,
        current_year=batch.year - 1,
        base_year=batch.year - 2,
        state=state,
        applicant_name=name,
        applicant_credit_code=enterprise.credit_code,
        applicant_city=city,
        applicant_district=district.name if district else "昆山市",
        applicant_district_code=district.code if district else "",
    )
    Recommendation.objects.create(
        assessment=assessment,
        reviewer=reviewer,
        outcome=outcome,
        comment="材料齐全，同意推荐。",
        snapshot_sha256="0" * 64,
    )
    return assessment


@pytest.fixture
def recommendations(recommended, city_reviewer_suzhou, city_reviewer_nanjing):
    """Suzhou recommended 甲企业 (in review) and a hostile name; it returned another after
    recommending it; Nanjing recommended its own."""
    batch = recommended.batch
    _recommended(batch, city_reviewer_suzhou, HOSTILE, City.SUZHOU, state=State.UNDER_REVIEW)
    _recommended(
        batch, city_reviewer_suzhou, "已退回企业有限公司", City.SUZHOU, state=State.RETURNED
    )
    _recommended(batch, city_reviewer_nanjing, "南京某某有限公司", City.NANJING)
    return recommended


def test_the_letter_and_the_table_list_what_the_city_recommended(recommendations):
    scope, batch = papers.PaperScope.city(City.SUZHOU), recommendations.batch
    pdf = papers.recommendation_letter(scope, batch, today=date(2026, 5, 8))
    text = "".join(pdf_text(pdf.content, "-raw").split())
    assert "推荐函" in text and "江苏省工业和信息化厅：" in text
    assert f"根据“{batch.name}”申报工作安排" in text and "推荐以下2家企业" in text
    assert "甲企业" in text and "HYPERLINK" in text and "昆山市" in text
    assert "已退回企业" not in text and "南京某某" not in text
    assert "苏州市工业和信息化局" in text and "2026年5月8日" in text

    frame = papers.recommendation_table(scope, batch)
    assert list(frame["企业名称"]) == sorted(["甲企业", HOSTILE])


def test_each_city_downloads_its_own_papers(client, recommendations, city_reviewer_nanjing):
    batch = recommendations.batch
    login(client, city_reviewer_nanjing)
    queue = client.get(f"/review/?batch={batch.pk}").content.decode()
    assert f"/review/batches/{batch.pk}/recommendation-letter.pdf" in queue
    response = client.get(f"/review/batches/{batch.pk}/recommendation-table.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "企业名称", "统一社会信用代码", "设区市")
    assert [r[1] for r in rows[1:]] == ["南京某某有限公司"]
    assert rows[1][3] == "南京市" and rows[1][-1] == "材料齐全，同意推荐。"


def test_the_table_neutralises_formulas(client, recommendations, city_reviewer_suzhou):
    login(client, city_reviewer_suzhou)
    batch = recommendations.batch
    response = client.get(f"/review/batches/{batch.pk}/recommendation-table.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert f"'{HOSTILE}" in names and "甲企业" in names and len(names) == 2
    assert not any(isinstance(c.value, str) and c.data_type == "f" for row in sheet for c in row)


def test_the_papers_belong_to_the_cities(client, recommendations, province_admin, admin_a):
    batch = recommendations.batch
    for user in (province_admin, admin_a):
        login(client, user)
        assert (
            client.get(f"/review/batches/{batch.pk}/recommendation-table.xlsx").status_code == 403
        )
    assert papers.paper_scope_for(province_admin) is None


def _district_reviewer(name):
    district = district_of(City.SUZHOU, name)
    return UserFactory(
        username=f"district_{district.code}", role=Role.DISTRICT_REVIEWER, district=district
    )


def test_a_district_sends_its_city_what_it_recommended(client, open_batch):
    """In a batch with the district step, 吴中区's papers list what it recommended and stays
    recommended (waiting for the city, or further), addressed to its city; 昆山市's reviewer
    gets its own, nothing of 吴中区's."""
    open_batch.requires_district_step = True
    open_batch.save()
    wuzhong, kunshan = _district_reviewer("吴中区"), _district_reviewer("昆山市")
    for name, state in (
        ("吴中甲有限公司", State.DISTRICT_RECOMMENDED),
        ("吴中乙有限公司", State.CITY_RECOMMENDED),
        ("吴中退回有限公司", State.RETURNED),
    ):
        _recommended(open_batch, wuzhong, name, City.SUZHOU, state, district=wuzhong.district)
    _recommended(
        open_batch,
        kunshan,
        "昆山丙有限公司",
        City.SUZHOU,
        State.DISTRICT_RECOMMENDED,
        district=kunshan.district,
    )
    scope = papers.paper_scope_for(wuzhong)
    assert scope == papers.PaperScope.district(wuzhong.district)
    text = "".join(
        pdf_text(papers.recommendation_letter(scope, open_batch).content, "-raw").split()
    )
    assert "苏州市工业和信息化局：" in text and "吴中区工业和信息化局" in text
    assert "推荐以下2家企业参加市级审核" in text and "江苏省工业和信息化厅" not in text
    assert "吴中甲" in text and "吴中乙" in text
    assert "吴中退回" not in text and "昆山丙" not in text

    login(client, wuzhong)
    queue = client.get(f"/review/?batch={open_batch.pk}").content.decode()
    assert f"/review/batches/{open_batch.pk}/recommendation-letter.pdf" in queue
    response = client.get(f"/review/batches/{open_batch.pk}/recommendation-table.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert [r[1:5] for r in rows[1:]] == [
        ("吴中乙有限公司", rows[1][2], "苏州市", "吴中区"),
        ("吴中甲有限公司", rows[2][2], "苏州市", "吴中区"),
    ]
    login(client, kunshan)
    response = client.get(f"/review/batches/{open_batch.pk}/recommendation-table.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert [r[1] for r in rows[1:]] == ["昆山丙有限公司"]
    letter = client.get(f"/review/batches/{open_batch.pk}/recommendation-letter.pdf")
    text = "".join(pdf_text(letter.content, "-raw").split())
    assert "昆山丙" in text and "吴中" not in text and "昆山市工业和信息化局" in text
