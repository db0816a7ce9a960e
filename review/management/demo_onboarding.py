"""The demo's onboarding: an enterprise that registered itself in 吴中区, its e-mail verified,
waiting for the district's confirmation (the district reviewer's queue), and a request to join
the demo enterprise A, waiting for its admin. Through the services, as a registrant would."""

from django.core.files.base import ContentFile

from portal.models import City, District, Enterprise, EnterpriseRegistration
from portal.validators import uscc_check_character

from ..services import onboarding
from .demo_peers import PDF

PENDING_CODE_STEM = "91320506MA1X7R5T2"  # 17 characters; the check character is computed
PENDING_USERNAME = "ent_new"


def _registration(credit_code: str, **fields) -> EnterpriseRegistration:
    registration = EnterpriseRegistration(
        credit_code=credit_code,
        city=City.SUZHOU,
        district=District.objects.get(pk="320506"),
        industry_code="C3484",
        industry_type="discrete",
        size="small",
        licence_name="营业执照.pdf",
        licence_content_type="application/pdf",
        licence_size=len(PDF),
        licence_sha256="",
        **fields,
    )
    registration.licence.save("营业执照.pdf", ContentFile(PDF), save=False)
    registration.save()
    return registration


def seed_onboarding(enterprise: Enterprise | None, password: str) -> None:
    """Once: the pending registration (its admin ``ent_new``) and, when the demo enterprise
    exists, a request to join it."""
    code = PENDING_CODE_STEM + uscc_check_character(PENDING_CODE_STEM)
    if not EnterpriseRegistration.objects.filter(credit_code=code).exists():
        onboarding.registration_verify(
            registration=_registration(
                code,
                name="苏州吴中精密传动有限公司",
                contact_name="周敏",
                contact_phone="13962100000",
                email="ent_new@example.com",
            ),
            username=PENDING_USERNAME,
            password=password,
        )
    if enterprise is not None and not enterprise.registrations.exists():
        onboarding.join_request(
            registration=_registration(
                enterprise.credit_code,
                name=enterprise.name,
                contact_name="孙强",
                contact_phone="13812340000",
                email="sunqiang@example.com",
            )
        )
