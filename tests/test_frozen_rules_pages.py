"""The rules page says which batches' rules are fixed; the admin site refuses what the models refuse: a fixed batch's tier rules, its catalog
version once it has a submission, its rubric from the first expert assignment."""

import pytest

from review import services as review_services
from scenarios.models import Batch, TierRule
from scenarios.services import batch_rules_fix

from .conftest import login


def html_of(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_a_fixed_batchs_rules_are_read_only_in_the_admin(client, submitted, province_admin):
    batch = submitted.batch
    rule = TierRule.objects.get(batch=batch, tier="workshop")
    url = f"/admin/scenarios/tierrule/{rule.pk}/change/"
    login(client, province_admin)
    html = html_of(client.get(url))
    assert "自首次提交申报起已固定" in html and 'name="_save"' not in html
    assert 'name="min_support_elements"' not in html
    response = client.post(
        url,
        {
            "batch": batch.pk,
            "tier": "workshop",
            "min_support_elements": 0,
            "support_categories": "[]",
            "min_indicators_improved": 0,
            "requirements-TOTAL_FORMS": 0,
            "requirements-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 403
    assert TierRule.objects.get(pk=rule.pk).min_support_elements == rule.min_support_elements
    delete = client.post(f"/admin/scenarios/tierrule/{rule.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403 and TierRule.objects.filter(pk=rule.pk).exists()

    add = html_of(client.get("/admin/scenarios/tierrule/add/"))
    assert f'<option value="{batch.pk}"' not in add  # no rules added to a fixed batch
    default = TierRule.objects.get(batch=None, tier="workshop")
    html = html_of(client.get(f"/admin/scenarios/tierrule/{default.pk}/change/"))
    assert 'name="min_support_elements"' in html  # the defaults stay editable


@pytest.mark.django_db
def test_a_batchs_catalog_version_is_read_only_once_it_has_a_submission(
    client, open_batch, province_admin, admin_a
):
    login(client, province_admin)
    url = f"/admin/scenarios/batch/{open_batch.pk}/change/"
    assert 'name="catalog_version"' in html_of(client.get(url))
    batch_rules_fix(batch=open_batch, actor=admin_a)
    assert 'name="catalog_version"' not in html_of(client.get(url))


@pytest.mark.django_db
def test_the_rubric_is_read_only_in_the_admin_from_the_first_assignment(
    client, formally_checked, experts, province_admin
):
    batch = formally_checked.batch
    review_services.rubric_ensure(batch)
    login(client, province_admin)
    url = f"/admin/scenarios/batch/{batch.pk}/change/"
    assert 'name="rubric-0-name"' in html_of(client.get(url))
    review_services.assignment_add(
        assessment=formally_checked, expert=experts[0], actor=province_admin
    )
    html = html_of(client.get(url))
    assert 'name="rubric-0-name"' not in html and "场景建设水平" in html
    assert Batch.objects.get(pk=batch.pk).rubric.count() == 5


@pytest.mark.django_db
def test_the_rules_page_shows_a_batchs_rules_as_fixed_after_its_first_submission(client, submitted):
    card = html_of(client.get("/rules/")).split(f'data-testid="rules-batch-{submitted.batch_id}"')[
        1
    ]
    assert 'data-testid="rules-fixed"' in card and "本批次规则" in card
    assert "生产全过程：至少 6 个场景，覆盖至少 3 个环节" in card
