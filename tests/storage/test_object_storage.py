"""Private files in a bucket of a real S3-compatible server (moto's, tests/storage/conftest.py):
evidence uploaded on the page or through the API is an object in the bucket, downloaded only
through the checking view; a rendered report is an object too; no object is readable without
the keys, and the storage gives no URL."""

import pytest
import requests
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluation.models import Evidence
from portal.models import City, EnterpriseRegistration
from reports.models import ReportStatus
from review.services import onboarding

from ..conftest import login
from ..factories import credit_code, district_of
from ..services.conftest import PDF, PNG
from ..test_report import pdf_text, requested

HX = {"HTTP_HX_REQUEST": "true"}


def downloaded(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_evidence_uploaded_on_the_page_is_an_object_downloaded_only_through_the_view(
    bucket,
    s3_server,
    client,
    assessment,
    member_a,
    admin_b,
    settings,
    django_capture_on_commit_callbacks,
):
    login(client, member_a)
    r = client.post(
        f"/assessments/{assessment.pk}/evidence/",
        {"scenario": 2, "file": SimpleUploadedFile("验收报告.pdf", PDF)},
        **HX,
    )
    assert r.status_code == 200, r.content
    evidence = Evidence.objects.get(assessment=assessment, scenario__no=2)
    assert evidence.file.name in s3_server.keys(bucket)
    assert evidence.file.name.startswith(f"evidence/{assessment.pk}/")
    stored = s3_server.client().get_object(Bucket=bucket, Key=evidence.file.name)
    assert stored["Body"].read() == PDF
    local = settings.PRIVATE_MEDIA_ROOT
    assert not local.exists() or not [p for p in local.rglob("*") if p.is_file()]

    assert downloaded(client.get(f"/evidence/{evidence.pk}/")) == PDF
    client.logout()
    login(client, admin_b)
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 404

    client.logout()
    login(client, member_a)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/assessments/{assessment.pk}/evidence/{evidence.pk}/delete/", **HX)
    assert r.status_code == 200
    assert evidence.file.name not in s3_server.keys(bucket)  # removed with its row


@pytest.mark.django_db
def test_evidence_uploaded_through_the_api_is_private_in_the_bucket(
    bucket, s3_server, api_client, client, assessment, admin_a
):
    api_client.force_authenticate(admin_a)
    r = api_client.post(
        f"/api/v1/assessments/{assessment.pk}/evidence/",
        {"file": SimpleUploadedFile("证书.png", PNG), "scenario": 1},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    key = Evidence.objects.get(pk=r.json()["id"]).file.name
    assert key in s3_server.keys(bucket)

    # the S3 server itself refuses the object to anyone without the keys …
    assert requests.get(f"{s3_server.endpoint}/{bucket}/{key}", timeout=5).status_code == 403
    # … which it would serve if the object were public: the refusal is the ACL's
    s3_server.client().put_object(Bucket=bucket, Key="public.txt", Body=b"x", ACL="public-read")
    assert requests.get(f"{s3_server.endpoint}/{bucket}/public.txt", timeout=5).status_code == 200
    # and the portal hands out no URL to it, not even a signed one
    with pytest.raises(NotImplementedError):
        storages["private"].url(key)

    login(client, admin_a)
    assert downloaded(client.get(f"/evidence/{r.json()['id']}/")) == PNG


@pytest.mark.django_db
def test_a_missing_object_reads_as_a_missing_file(bucket):
    with pytest.raises(FileNotFoundError):
        storages["private"].open("evidence/0/none/gone.pdf")


@pytest.mark.slow
def test_a_report_is_rendered_into_the_bucket_and_downloaded_through_the_view(
    bucket,
    s3_server,
    client,
    submitted,
    admin_a,
    admin_b,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    report = requested(submitted, admin_a, django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.READY, report.error
    assert report.file.name in s3_server.keys(bucket)
    assert report.file.name.startswith(f"reports/{submitted.pk}/")

    url = f"/assessments/{submitted.pk}/report/{report.pk}.pdf"
    login(client, admin_a)
    content = downloaded(client.get(url))
    assert content.startswith(b"%PDF") and submitted.enterprise.name in pdf_text(content)
    client.logout()
    login(client, admin_b)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_enterprise_export_reads_its_files_from_the_bucket(bucket, assessment, admin_a):
    import zipfile

    from reports.enterprise_export import enterprise_archive

    evidence = Evidence.objects.filter(assessment=assessment)
    assert evidence and all(e.file.storage.exists(e.file.name) for e in evidence)
    gone = evidence.first()
    gone.file.storage.delete(gone.file.name)  # an object lost from the bucket is left out
    with zipfile.ZipFile(enterprise_archive(enterprise=admin_a.enterprise, viewer=admin_a)) as zf:
        stored = [n for n in zf.namelist() if "/evidence/" in n]
        assert len(stored) == len(evidence) - 1
        assert all(zf.read(n).startswith(b"%PDF") for n in stored)


@pytest.mark.django_db
def test_a_worker_built_export_is_an_object_downloaded_by_its_requester_only(
    bucket, s3_server, client, assessment, admin_a, admin_b, eager_celery,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    import zipfile
    from io import BytesIO

    from django.urls import reverse

    from reports.models import ExportJob

    login(client, admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enterprise-export", args=[admin_a.enterprise_id]))
    job = ExportJob.objects.get()
    assert job.is_ready and job.file.name.startswith(f"exports/{admin_a.pk}/")
    assert job.file.name in s3_server.keys(bucket)
    content = downloaded(client.get(reverse("export-job-download", args=[job.pk])))
    assert "export.json" in zipfile.ZipFile(BytesIO(content)).namelist()
    client.logout()
    login(client, admin_b)
    assert client.get(reverse("export-job-download", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_a_registrations_licence_is_an_object_downloaded_only_by_its_confirmers(
    bucket, s3_server, client, city_reviewer_suzhou, city_reviewer_nanjing
):
    client.post(
        reverse("register"),
        {
            "name": "新注册制造有限公司",
            "credit_code": credit_code(),
            "city": City.SUZHOU,
            "district": district_of(City.SUZHOU).pk,
            "industry_code": "C3421",
            "industry_type": "discrete",
            "size": "small",
            "contact_name": "赵六",
            "contact_phone": "13812345678",
            "email": "zhao@example.com",
            "licence": SimpleUploadedFile("营业执照.pdf", PDF),
        },
    )
    registration = EnterpriseRegistration.objects.get()
    assert registration.licence.name in s3_server.keys(bucket)
    onboarding.registration_verify(
        registration=registration, username="zhao", password="Xq7-pass-2026!"
    )
    login(client, city_reviewer_nanjing)
    assert client.get(reverse("registration-licence", args=[registration.pk])).status_code == 404
    login(client, city_reviewer_suzhou)
    assert downloaded(client.get(reverse("registration-licence", args=[registration.pk]))) == PDF
