"""Recommendations and plausibility flags where people read them: the enterprise's overview,
side panel and API; the reviewers' dossier, assignment API and decisions export; never the
application report, and never another enterprise or an expert not assigned."""

import pytest

from evaluation import services
from evaluation.models import Assessment
from portal.models import City
from reports.application import application_report, report_source
from reports.export_selectors import decisions_frame
from reports.pdf import html_to_pdf
from reports.services import report_html

from .conftest import login
from .factories import evaluated_assessment
from .test_report import pdf_text

SALES_FLAG = "当年销售收入 11000 万元是工业总产值 15000 万元的 0.73 倍（超过 0.5 倍）"


@pytest.fixture
def tight_sales_limit(settings):
    """Enterprise A sells 11000 万元 of 15000 万元 output: flagged above half of it."""
    settings.PLAUSIBILITY_SALES_OUTPUT_RATIO = 0.5


@pytest.mark.django_db
def test_the_enterprise_sees_its_reasons_and_flags_others_see_nothing(
    client, api_client, assessment, admin_a, admin_b, tight_sales_limit
):
    services.evaluation_refresh(assessment=assessment)
    page = login(client, admin_a).get(f"/assessments/{assessment.pk}/").content.decode()
    assert 'data-testid="preview-recommendations"' in page
    assert "可覆盖尚未覆盖的“工艺设计环节”" in page and "层级规则" in page
    assert 'data-testid="consistency-flags"' in page and SALES_FLAG in page
    preview = client.get(f"/assessments/{assessment.pk}/preview/").content.decode()
    assert SALES_FLAG in preview and "可覆盖尚未覆盖的" in preview

    body = login(api_client, admin_a).get(f"/api/v1/assessments/{assessment.pk}/evaluation/")
    first = body.json()["recommendations"]["factory"][0]
    assert first["reasons"][0] == {
        "kind": "gap",
        "text": "可覆盖尚未覆盖的“工艺设计环节”",
        "source": "tier_rules",
        "source_label": "层级规则",
    }
    assert first["reason"].startswith("可覆盖尚未覆盖的“工艺设计环节”")

    assert login(client, admin_b).get(f"/assessments/{assessment.pk}/").status_code == 404
    login(api_client, admin_b)
    assert api_client.get(f"/api/v1/assessments/{assessment.pk}/evaluation/").status_code == 404


@pytest.mark.django_db
def test_the_report_holds_neither_recommendations_nor_flags(assessment, tight_sales_limit):
    services.evaluation_refresh(assessment=assessment)
    html = report_html(application_report(assessment, report_source(assessment)))
    # the PDF's own text, as the experts read it
    text = "".join(pdf_text(html_to_pdf(html).content, "-raw").split())
    assert "生产计划优化" in text and "甲企业" in text  # what it claims is there …
    for absent in (
        "建议下一步实施",
        "可覆盖尚未覆盖",
        "按目录顺序推荐",
        "数据一致性",
        SALES_FLAG[:8],
    ):
        assert absent not in html and absent not in text, absent


def _outlying_peers(of):
    """Five peers of A's group whose labour productivity is near 1 万元/人 (A's is 37.5)."""
    for value in (1, 1.1, 1.2, 1.3, 1.4):
        evaluated_assessment(
            of.batch,
            current={"labor_productivity": value},
            highest_tier="workshop",
            industry_type=of.applicant_industry_type,
            size=of.applicant_size,
            city=City.NANJING,
        )


@pytest.mark.django_db
def test_reviewers_read_the_flags_of_what_is_assigned_to_them_only(
    client,
    api_client,
    under_review,
    experts,
    expert,
    admin_a,
    city_reviewer_suzhou,
    city_reviewer_nanjing,
    tight_sales_limit,
):
    _outlying_peers(under_review)
    assignment = under_review.assignments.get(expert=experts[0])
    page = login(client, experts[0]).get(f"/review/assignments/{assignment.pk}/").content.decode()
    assert 'data-testid="dossier-flags"' in page
    assert "当年全员劳动生产率 37.5 万元/人 超出同类企业（另 5 家）的合理范围" in page
    assert SALES_FLAG in page

    body = login(api_client, experts[0]).get(f"/api/v1/review/assignments/{assignment.pk}/")
    codes = [f["code"] for f in body.json()["flags"]]
    assert codes == ["sales_vs_output", "sales_vs_output", "peer_outlier"]  # base and current

    review_api = f"/api/v1/review/assessments/{under_review.pk}/"
    city = login(api_client, city_reviewer_suzhou).get(review_api).json()
    assert [f["code"] for f in city["flags"]] == codes
    assert login(api_client, city_reviewer_nanjing).get(review_api).status_code == 404

    assert login(client, expert).get(f"/review/assignments/{assignment.pk}/").status_code == 404
    login(api_client, expert)
    assert api_client.get(f"/api/v1/review/assignments/{assignment.pk}/").status_code == 404

    own = login(client, admin_a).get(f"/assessments/{under_review.pk}/").content.decode()
    assert SALES_FLAG in own  # its own inputs, yes; its peers' fences, never
    assert "合理范围" not in own and 'data-testid="dossier-flags"' not in own

    frame = decisions_frame(batch=under_review.batch)
    (cell,) = frame["数据合理性提示"]
    assert SALES_FLAG in cell and "超出同类企业（另 5 家）" in cell
    assert Assessment.objects.filter(batch=under_review.batch).count() == 6
