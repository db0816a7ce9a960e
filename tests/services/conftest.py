"""Shared service-test fixtures: a filled-in assessment of enterprise A."""

import pytest

from evaluation import services

from ..test_indicators import FULL

IMPL = {"status": "implemented", "description": "已建成并投用。", "systems": "MES（某软件公司）"}
DECLARED = {"no_major_accident": True, "not_dishonest": True, "truthful": True, "signer": "张三"}


@pytest.fixture
def assessment(open_batch, admin_a, enterprise_a):
    a = services.assessment_create(enterprise=enterprise_a, batch=open_batch, actor=admin_a)
    services.assessment_inputs_update(assessment=a, actor=admin_a, period="base", values=FULL)
    current = dict(FULL, gross_output_value="15000", inspected_defective="10")
    services.assessment_inputs_update(assessment=a, actor=admin_a, period="current", values=current)
    for no in (1, 2, 4, 5, 11, 13, 30):
        services.scenario_answer_set(assessment=a, actor=admin_a, scenario_no=no, data=IMPL)
    for no in (1, 3):
        services.support_answer_set(assessment=a, actor=admin_a, element_no=no, data=IMPL)
    a.refresh_from_db()
    return a
