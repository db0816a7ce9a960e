"""Hostile input in the 公示 and site-visit forms: markup typed into the publishing contact, an
objection, its resolution and a site visit's report and photo caption is shown escaped on
every page that shows it (the forms' other text fields are refused unless well-formed)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from portal.models import City, Role
from review import services as rs
from scenarios.models import Batch, SiteVisitRule

from ..conftest import complete_review, login
from ..factories import UserFactory
from ..publicity import approve, lodge, publish_now
from ..services.conftest import PNG
from .test_hostile_inputs import RAW, payload

pytestmark = pytest.mark.django_db


def shown_escaped(client, url: str, *values: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    for value in values:
        assert escape(value) in html, (url, value[:40])
        assert value not in html, (url, value[:40])
    # a textarea's own closing tag is followed by markup: only the payload's marks count
    found = [raw for raw in RAW if raw in html and raw != "</textarea><"]
    assert "</textarea><script" not in html and not found, (url, found)


def test_markup_in_the_publicity_and_objection_forms_is_shown_escaped(
    client, under_review, province_admin
):
    approved = approve(under_review, province_admin)
    department = payload("PublishForm.contact_department", 100)
    publish_now(approved.batch, province_admin, contact_department=department)
    name = payload("ObjectionForm.objector_name", 100)
    grounds = payload("ObjectionForm.grounds", 5000)
    objection = lodge(approved, objector_name=name, grounds=grounds)
    reason = payload("ResolveForm.reason", 2000)
    rs.objection_resolve(
        objection=objection, actor=province_admin, outcome="dismissed", reason=reason
    )

    shown_escaped(client, f"/public/lists/{approved.batch_id}/", department)
    login(client, province_admin)
    shown_escaped(client, f"/review/batches/{approved.batch_id}/objections/", name)
    shown_escaped(client, f"/review/objections/{objection.pk}/", name, grounds, reason)


def test_markup_in_the_site_visit_report_and_photo_caption_is_shown_escaped(
    client, under_review, province_admin
):
    visitor = UserFactory(username="visitor", role=Role.EXPERT, city=City.CHANGZHOU)
    for assignment in under_review.assignments.all():
        complete_review(assignment)
    Batch.objects.filter(pk=under_review.batch_id).update(site_visit=SiteVisitRule.ALL)
    visit = rs.site_visit_assign(assessment=under_review, actor=province_admin, experts=[visitor])
    claimed = rs.claimed_scenarios(under_review)
    notes = payload("SiteVisitReportForm.check-notes", None)
    finding = payload("SiteVisitReportForm.finding_text", None)
    caption = payload("SiteVisitPhotoForm.caption", 200)
    rs.site_visit_save(
        visit=visit,
        actor=visitor,
        data={
            "checks": {str(claimed[0]): {"result": "matches", "notes": notes}},
            "finding": "confirmed",
            "finding_text": finding,
        },
    )
    rs.site_visit_photo_add(
        visit=visit,
        actor=visitor,
        uploaded=SimpleUploadedFile("产线.png", PNG),
        scenario_no=claimed[0],
        caption=caption,
    )

    login(client, visitor)
    shown_escaped(client, f"/review/site-visits/{visit.pk}/", notes, finding, caption)  # draft
    checks = {str(no): {"result": "matches"} for no in claimed}
    checks[str(claimed[0])]["notes"] = notes
    rs.site_visit_submit(
        visit=visit,
        actor=visitor,
        data={"checks": checks, "finding": "confirmed", "finding_text": finding},
    )
    shown_escaped(client, f"/review/site-visits/{visit.pk}/", notes, finding, caption)  # final
    login(client, province_admin)
    shown_escaped(client, f"/review/assessments/{under_review.pk}/", finding)
