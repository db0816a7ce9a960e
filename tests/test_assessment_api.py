"""The assessments API an MES/ERP or a script uses: create, fill, upload, submit, read results."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evaluation.models import Assessment, Evidence, State

from .services.conftest import DECLARED, IMPL, PDF, PNG
from .test_indicators import FULL


def upload(name, content, **fields):
    return {"file": SimpleUploadedFile(name, content), **fields}


@pytest.fixture
def client_a(api_client, admin_a):
    api_client.force_authenticate(admin_a)
    return api_client


def create(client, batch) -> dict:
    response = client.post("/api/v1/assessments/", {"batch": batch.pk}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.django_db
def test_from_creation_to_an_evaluated_submission_through_the_api_alone(
    client_a, open_batch, eager_celery, django_capture_on_commit_callbacks
):
    body = create(client_a, open_batch)
    url = f"/api/v1/assessments/{body['id']}/"
    assert body["state"] == "draft" and body["version"] == 1
    assert body["current_year"] == open_batch.year - 1 and body["base_year"] == open_batch.year - 2

    r = client_a.post(url + "inputs/", {"period": "base", "values": FULL}, format="json")
    assert r.status_code == 200, r.content
    current = dict(FULL, gross_output_value="15000")
    versions = {key: v["version"] for key, v in r.json()["item_versions"].items()}
    r = client_a.patch(url, {"current_inputs": current, "versions": versions}, format="json")
    assert r.status_code == 200 and r.json()["current_inputs"]["gross_output_value"] == "15000"
    for no in (1, 2, 4, 5, 11, 13):
        r = client_a.put(url + f"scenarios/{no}/", IMPL, format="json")
        assert r.status_code == 200, r.content
    for no in (1, 3):
        assert client_a.put(url + f"support-elements/{no}/", IMPL, format="json").status_code == 200
    r = client_a.post(
        url + "evidence/", upload("验收报告.pdf", PDF, scenario=1), format="multipart"
    )
    assert r.status_code == 201, r.content
    assert r.json()["scenario"] == 1 and r.json()["content_type"] == "application/pdf"
    year = body["current_year"]
    r = client_a.post(
        url + "evidence/", upload("资产负债表.pdf", PDF, financial_year=year), format="multipart"
    )
    assert r.status_code == 201 and r.json()["financial_year"] == year, r.content

    version = client_a.get(url).json()["version"]
    with django_capture_on_commit_callbacks(execute=True):
        r = client_a.post(
            url + "submit/", {"version": version, "declarations": DECLARED}, format="json"
        )
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "submitted" and len(r.json()["snapshot_sha256"]) == 64
    evaluation = client_a.get(url + "evaluation/").json()
    assert evaluation["highest_tier"] == "workshop"
    assert len(evaluation["indicators"]) == 19


@pytest.mark.django_db
def test_a_stale_write_of_the_same_item_is_409_naming_it_and_saves_nothing(
    client_a, api_client, member_a, open_batch
):
    body = create(client_a, open_batch)
    url = f"/api/v1/assessments/{body['id']}/"
    first = client_a.post(
        url + "inputs/",
        {"period": "base", "values": {"avg_employees": "10"}, "versions": {}},
        format="json",
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    assert first.json()["item_versions"]["input:avg_employees"]["version"] == 1
    assert first.json()["item_versions"]["input:avg_employees"]["updated_by"] == "admin_a"
    colleague = api_client.__class__()
    colleague.force_authenticate(member_a)
    stale = colleague.post(
        url + "inputs/",
        {
            "period": "base",
            "values": {"avg_employees": "99"},
            "versions": {"input:avg_employees": 0},
        },
        format="json",
    )
    assert stale.status_code == 409
    conflict = stale.json()["conflict"]
    assert conflict["item"] == "input:avg_employees" and conflict["version"] == 1
    assert conflict["current"] == {"base": "10", "current": None}
    assert conflict["yours"] == {"base": "99", "current": None}
    assert conflict["updated_by"] == "admin_a" and conflict["updated_at"]
    assert "admin_a" in stale.json()["detail"] and "版本" not in stale.json()["detail"]
    assert client_a.get(url).json()["base_inputs"]["avg_employees"] == "10"
    # another item, on the same stale read: no conflict; the same item on the version it names
    other = colleague.put(url + "scenarios/3/", {**IMPL, "version": 0}, format="json")
    assert other.status_code == 200
    again = colleague.post(
        url + "inputs/",
        {
            "period": "base",
            "values": {"avg_employees": "99"},
            "versions": {"input:avg_employees": 1},
        },
        format="json",
    )
    assert again.status_code == 200 and again.json()["base_inputs"]["avg_employees"] == "99"
    answer = client_a.patch(
        url + "scenarios/3/", {"description": "改", "version": 0}, format="json"
    )
    assert answer.status_code == 409 and answer.json()["conflict"]["item"] == "scenario:3"
    assert answer.json()["conflict"]["current"]["description"] == IMPL["description"]


@pytest.mark.django_db
def test_the_same_update_twice_changes_nothing(client_a, open_batch):
    url = f"/api/v1/assessments/{create(client_a, open_batch)['id']}/"
    payload = {"period": "current", "values": {"total_orders": "100", "on_time_orders": "90"}}
    once = client_a.post(url + "inputs/", payload, format="json").json()
    twice = client_a.post(url + "inputs/", payload, format="json").json()
    assert once["version"] == twice["version"] == 2
    client_a.put(url + "scenarios/3/", IMPL, format="json")
    again = client_a.put(url + "scenarios/3/", IMPL, format="json").json()
    assert again["version"] == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"period": "base", "values": {"inspected_total": "-5"}}, "inspected_total"),
        ({"period": "base", "values": {"oee_quality": "120"}}, "oee_quality"),
        (
            {"period": "base", "values": {"inspected_total": "10", "inspected_defective": "11"}},
            "inspected_defective",
        ),
        ({"period": "base", "values": {"no_such_input": "1"}}, "no_such_input"),
        ({"period": "next", "values": {}}, "period"),
    ],
)
def test_bad_inputs_are_400_naming_the_field(client_a, open_batch, payload, field):
    url = f"/api/v1/assessments/{create(client_a, open_batch)['id']}/"
    r = client_a.post(url + "inputs/", payload, format="json")
    assert r.status_code == 400 and field in r.json(), r.content
    assert client_a.get(url).json()["version"] == 1


@pytest.mark.django_db
def test_bad_answers_and_submission_problems(client_a, open_batch):
    url = f"/api/v1/assessments/{create(client_a, open_batch)['id']}/"
    assert client_a.put(url + "scenarios/46/", IMPL, format="json").status_code == 400
    bad_dates = dict(IMPL, started_on="2025-05-01", completed_on="2025-01-01")
    r = client_a.put(url + "scenarios/1/", bad_dates, format="json")
    assert r.status_code == 400 and "completed_on" in r.json()
    client_a.put(
        url + "scenarios/1/", {"status": "implemented", "description": "产线改造"}, format="json"
    )
    r = client_a.post(url + "submit/", {"declarations": DECLARED}, format="json")
    assert r.status_code == 400 and "证明材料" in str(r.json())
    client_a.put(url + "scenarios/1/", IMPL, format="json")
    r = client_a.post(url + "submit/", {"declarations": DECLARED}, format="json")
    assert r.status_code == 400 and "财务报表" in str(r.json())
    year = Assessment.objects.get().current_year
    for bad in (year + 1, year - 3):
        r = client_a.post(
            url + "evidence/", upload("报表.pdf", PDF, financial_year=bad), format="multipart"
        )
        assert r.status_code == 400 and "financial_year" in r.json(), bad
    client_a.post(
        url + "evidence/", upload("报表.pdf", PDF, financial_year=year), format="multipart"
    )
    r = client_a.post(
        url + "submit/", {"declarations": dict(DECLARED, truthful=False)}, format="json"
    )
    assert r.status_code == 400 and "declarations.truthful" in r.json()
    assert Assessment.objects.get().state == State.DRAFT


@pytest.mark.django_db
def test_one_assessment_per_enterprise_and_batch_and_only_enterprises_create(
    client_a, api_client, open_batch, expert
):
    create(client_a, open_batch)
    again = client_a.post("/api/v1/assessments/", {"batch": open_batch.pk}, format="json")
    assert again.status_code == 400 and "batch" in again.json()
    api_client.force_authenticate(expert)
    assert (
        api_client.post("/api/v1/assessments/", {"batch": open_batch.pk}, format="json").status_code
        == 403
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>", "不符"),
        ("photo.png", b"MZ\x90\x00" + b"\x00" * 64, "不符"),
        ("photo.png", PDF, "不符"),
        ("tool.exe", b"MZ\x90\x00", "不支持"),
        ("empty.pdf", b"", "为空"),
    ],
)
def test_uploads_are_checked_by_content(client_a, open_batch, name, content, reason):
    url = f"/api/v1/assessments/{create(client_a, open_batch)['id']}/"
    r = client_a.post(url + "evidence/", upload(name, content, scenario=1), format="multipart")
    assert r.status_code == 400 and reason in str(r.json()["file"]), r.content
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_oversize_and_path_traversal_names(client_a, open_batch, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    url = f"/api/v1/assessments/{create(client_a, open_batch)['id']}/"
    big = upload("big.pdf", PDF + b"0" * 2048, scenario=1)
    r = client_a.post(url + "evidence/", big, format="multipart")
    assert r.status_code == 400 and "过大" in str(r.json()["file"])
    r = client_a.post(
        url + "evidence/", upload("../../../etc/报告 (1).pdf", PDF, scenario=1), format="multipart"
    )
    assert r.status_code == 201
    evidence = Evidence.objects.get()
    assert evidence.original_name == "报告_1.pdf"
    stored = evidence.file.path
    assert stored.startswith(str(settings.PRIVATE_MEDIA_ROOT)) and "/evidence/" in stored


@pytest.mark.django_db
def test_evidence_is_downloaded_only_by_those_who_may_see_it(
    client,
    client_a,
    open_batch,
    admin_a,
    member_a,
    admin_b,
    city_reviewer_suzhou,
    city_reviewer_nanjing,
):
    from .conftest import login

    url = f"/api/v1/assessments/{create(client_a, open_batch)['id']}/"
    evidence_id = client_a.post(
        url + "evidence/", upload("证书.png", PNG, scenario=2), format="multipart"
    ).json()["id"]
    download = f"/evidence/{evidence_id}/"
    assert client.get(download).status_code == 302  # to the login page
    login(client, member_a)
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert (
        "attachment" in response["Content-Disposition"] and response["Content-Type"] == "image/png"
    )
    for outsider in (
        admin_b,
        city_reviewer_suzhou,
        city_reviewer_nanjing,
    ):  # a draft: not the city's yet
        client.logout()
        login(client, outsider)
        assert client.get(download).status_code == 404, outsider


@pytest.mark.django_db
def test_another_enterprise_gets_404_on_every_endpoint(client_a, api_client, open_batch, admin_b):
    body = create(client_a, open_batch)
    url = f"/api/v1/assessments/{body['id']}/"
    evidence_id = client_a.post(
        url + "evidence/", upload("a.pdf", PDF, scenario=1), format="multipart"
    ).json()["id"]
    api_client.force_authenticate(admin_b)
    calls = [
        ("get", url, None),
        ("patch", url, {"base_year": 2020}),
        ("put", url, {"base_year": 2020}),
        ("post", url + "inputs/", {"period": "base", "values": {"avg_employees": "1"}}),
        ("put", url + "scenarios/1/", IMPL),
        ("put", url + "support-elements/1/", IMPL),
        ("get", url + "evidence/", None),
        ("post", url + "evidence/", None),
        ("delete", url + f"evidence/{evidence_id}/", None),
        ("post", url + "submit/", {"declarations": DECLARED}),
        ("get", url + "evaluation/", None),
        ("post", url + "evaluate/", None),
    ]
    for method, path, payload in calls:
        response = getattr(api_client, method)(path, payload, format="json")
        assert response.status_code == 404, (method, path, response.status_code)
    assert api_client.get("/api/v1/assessments/").json()["count"] == 0
    assert Evidence.objects.count() == 1


@pytest.mark.django_db
def test_removing_evidence_after_a_return_keeps_the_submitted_file(client_a, open_batch):
    url = f"/api/v1/assessments/{create(client_a, open_batch)['id']}/"
    evidence_id = client_a.post(
        url + "evidence/", upload("a.pdf", PDF, scenario=1), format="multipart"
    ).json()["id"]
    assert client_a.delete(url + f"evidence/{evidence_id}/").status_code == 204
    assert not Evidence.objects.exists()
    evidence_id = client_a.post(
        url + "evidence/", upload("b.pdf", PDF, scenario=1), format="multipart"
    ).json()["id"]
    client_a.put(url + "scenarios/1/", IMPL, format="json")
    year = Assessment.objects.get().current_year
    client_a.post(
        url + "evidence/", upload("报表.pdf", PDF, financial_year=year), format="multipart"
    )
    r = client_a.post(url + "submit/", {"declarations": DECLARED}, format="json")
    assert r.status_code == 200, r.content
    Assessment.objects.update(state=State.RETURNED)  # the review workflow's return
    assert client_a.delete(url + f"evidence/{evidence_id}/").status_code == 204
    kept = Evidence.objects.get(pk=evidence_id)
    assert kept.removed_at is not None and kept.file.storage.exists(kept.file.name)
    assert [e["original_name"] for e in client_a.get(url + "evidence/").json()] == ["报表.pdf"]
    assert [e["name"] for e in Assessment.objects.get().snapshot["evidence"]] == [
        "b.pdf",
        "报表.pdf",
    ]
    assert io.BytesIO(kept.file.open("rb").read()).read() == PDF


@pytest.mark.django_db
def test_a_returned_assessment_is_resubmitted_with_an_answer_to_each_comment(
    client_a, submitted, city_reviewer_suzhou
):
    from rest_framework.test import APIClient

    from review import services as review_services

    review_services.assessment_return(
        assessment=submitted, actor=city_reviewer_suzhou, comment="请核实场景 30。"
    )
    url = f"/api/v1/assessments/{submitted.pk}/"
    (returned,) = client_a.get(url).json()["returns"]
    assert returned["comment"] == "请核实场景 30。" and returned["awaiting_answer"]
    key = f"answers.{returned['id']}"
    r = client_a.post(url + "submit/", {"declarations": DECLARED}, format="json")
    assert r.status_code == 400 and "请核实场景 30。" in r.json()[key][0]
    answers = {str(returned["id"]): "已核实，场景 30 已投用。"}
    r = client_a.post(
        url + "submit/", {"declarations": DECLARED, "answers": answers}, format="json"
    )
    assert r.status_code == 200 and r.json()["state"] == "submitted", r.content
    (answered,) = r.json()["returns"]
    assert answered["answer"] == "已核实，场景 30 已投用。" and not answered["awaiting_answer"]
    city = APIClient()
    city.force_authenticate(city_reviewer_suzhou)
    rounds = city.get(f"/api/v1/review/assessments/{submitted.pk}/").json()["rounds"]
    assert [(r["comment"], r["answer"]) for r in rounds] == [
        ("请核实场景 30。", "已核实，场景 30 已投用。")
    ]
