"""Load the catalog and the demo data; running it twice changes nothing."""

import hashlib
import json
from base64 import b32decode
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import BaseCommand, call_command
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from evaluation import carry_over, services
from evaluation.models import (
    Assessment,
    Evidence,
    ScenarioAnswer,
    State,
    SupportElementAnswer,
)
from evaluation.snapshot import build_snapshot, snapshot_digest
from indicators.inputs import InputSpec, clean_inputs, serialize_inputs
from indicators.models import EnergyCarrier
from portal.districts import districts_load
from portal.models import District, Enterprise, Role, User
from portal.services import province_admin_group_sync, user_create
from portal.two_factor import second_factor_required
from review.models import Decision
from review.services import rubric_ensure
from scenarios.models import Batch, CatalogVersion, Scenario, SupportElement, TierRule

from ..demo_onboarding import PENDING_USERNAME, seed_onboarding
from ..demo_peers import DECLARATIONS, PDF, seed_peers, write_draft
from ..demo_stages import seed_preference_phase, seed_stages

FIXTURES = settings.BASE_DIR / "fixtures"


class Command(BaseCommand):
    help = "Load the catalog, the default rules and the demo enterprises, accounts and batch."

    def handle(self, *args, **options):
        if not CatalogVersion.objects.filter(pk=1).exists():
            call_command("loaddata", FIXTURES / "catalog.json", verbosity=0)
        if not TierRule.objects.filter(batch=None).exists():
            call_command("loaddata", FIXTURES / "tier_rules.json", verbosity=0)
        if not EnergyCarrier.objects.exists():
            call_command("loaddata", FIXTURES / "calculator_factors.json", verbosity=0)
        if not District.objects.exists():  # loaded by a migration, unless emptied since
            districts_load(District)
        demo = json.loads((FIXTURES / "demo.json").read_text(encoding="utf-8"))
        with transaction.atomic():
            province_admin_group_sync()
            self._batch(demo["batch"])
            enterprises = self._enterprises(demo["enterprises"])
            created = self._users(demo["users"], enterprises, demo["password"])
            self._authenticators(demo["users"], demo["authenticator_key"])
            batch = Batch.objects.get(name=demo["batch"]["name"])
            rubric_ensure(batch)
            previous_batch = self._previous_batch(demo["previous_batch"], batch)
            for spec in demo["assessments"]:
                enterprise = enterprises[spec["enterprise"]]
                previous = None
                if "previous" in spec:
                    previous = self._previous(spec, enterprise, previous_batch)
                self._assessment(spec, enterprise, batch, previous)
            peers = seed_peers(batch, User.objects.filter(username="city_a").first())
            peers += self._district_batch(demo["stages_batch"], self._stages)
            peers += self._district_batch(demo["preference_batch"], self._preferences)
            seed_onboarding(enterprises.get("a"), demo["password"])
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        if peers:
            self.stdout.write(
                f"{peers} other applicants submitted (accounts peer01… , no password)."
            )
        self.stdout.write(f"Accounts (password {demo['password']!r}, demo only):")
        for spec in demo["users"]:
            flag = " (new)" if spec["username"] in created else ""
            self.stdout.write(f"  {spec['username']:<15} {spec['role']}{flag}")
        self.stdout.write(
            f"  {PENDING_USERNAME:<15} enterprise_admin of a registration awaiting district_a's "
            "confirmation; ent_a has a request to join waiting"
        )
        self.stdout.write(
            f"Officials' second factor: an authenticator app with the key "
            f"{demo['authenticator_key']} (time-based), or `python manage.py demo_code <username>`."
        )

    def _batch(self, spec):
        version = CatalogVersion.objects.get(label=spec["catalog_version"])
        now = timezone.now()
        Batch.objects.get_or_create(
            name=spec["name"],
            defaults={
                "year": now.year,
                "catalog_version": version,
                "opens_at": now - timedelta(days=spec["opens_days_ago"]),
                "closes_at": now + timedelta(days=spec["closes_in_days"]),
                **{
                    f"{stage}_deadline": now + timedelta(days=days)
                    for stage, days in spec.get("deadlines_in_days", {}).items()
                },
            },
        )

    def _district_batch(self, spec, seed) -> int:
        """A batch with the district step, its submission deadline passed: open while
        ``seed(batch, users)`` has its applicants submit, then given its dates."""
        if Batch.objects.filter(name=spec["name"]).exists():
            return 0
        now = timezone.now()
        batch = Batch.objects.create(
            name=spec["name"],
            year=now.year,
            catalog_version=CatalogVersion.objects.get(label=spec["catalog_version"]),
            opens_at=now - timedelta(days=spec["opens_days_ago"]),
            closes_at=now + timedelta(days=1),
            requires_district_step=spec["requires_district_step"],
            site_visit=spec["site_visit"],
        )
        rubric_ensure(batch)
        users = User.objects.in_bulk(
            ["district_a", "city_a", "province_admin", "expert1", "expert2", "expert3"],
            field_name="username",
        )
        created = seed(batch, users)
        batch.closes_at = now - timedelta(days=spec["closes_days_ago"])
        for stage, days in spec["deadlines_in_days"].items():
            setattr(batch, f"{stage}_deadline", now + timedelta(days=days))
        batch.save()
        return created

    @staticmethod
    def _stages(batch, users) -> int:
        """The later stages: the district's queue, a site visit, a discussion."""
        return seed_stages(
            batch,
            district_reviewer=users["district_a"],
            city_reviewer=users["city_a"],
            province_admin=users["province_admin"],
            visitors=[users["expert1"], users["expert2"]],
        )

    @staticmethod
    def _preferences(batch, users) -> int:
        """Applications waiting for their experts while the preference phase is open."""
        return seed_preference_phase(
            batch,
            district_reviewer=users["district_a"],
            city_reviewer=users["city_a"],
            province_admin=users["province_admin"],
            experts=[users["expert1"], users["expert2"], users["expert3"]],
        )

    def _assessment(self, spec, enterprise, batch, previous=None):
        """A filled-in draft, written through the same services as the forms and the API;
        started from ``previous`` (the enterprise's application of the year before) when
        given, as 从上次申报开始 does."""
        if Assessment.objects.filter(enterprise=enterprise, batch=batch).exists():
            return
        actor = User.objects.get(username=spec["author"])
        assessment = None
        if previous is not None:
            assessment = services.assessment_create(
                enterprise=enterprise,
                batch=batch,
                actor=actor,
                base_year=spec["base_year"],
                current_year=spec["current_year"],
            )
            carry_over.assessment_carry_over(assessment=assessment, actor=actor, source=previous)
        assessment = write_draft(
            enterprise=enterprise, batch=batch, actor=actor, spec=spec, assessment=assessment
        )
        services.evaluation_refresh(assessment=assessment)

    def _previous_batch(self, spec, batch):
        """Last year's batch, closed and decided."""
        now = timezone.now()
        previous, _ = Batch.objects.get_or_create(
            name=spec["name"],
            defaults={
                "year": batch.year - 1,
                "catalog_version": CatalogVersion.objects.get(label=spec["catalog_version"]),
                "opens_at": now - timedelta(days=400),
                "closes_at": now - timedelta(days=300),
            },
        )
        return previous

    def _previous(self, spec, enterprise, batch):
        """The enterprise's application of the year before, decided: its current year is this
        year's base year (its inputs this draft's base inputs), some of this year's scenarios
        already implemented, with their evidence. Written as it stands after its decision (a
        past batch takes no submission any more)."""
        found = Assessment.objects.filter(enterprise=enterprise, batch=batch).first()
        if found is not None:
            return found
        actor = User.objects.get(username=spec["author"])
        wanted = spec["previous"]
        current, errors = clean_inputs(
            spec["base_inputs"], InputSpec.for_version(batch.catalog_version)
        )
        assert not errors, errors
        base = {
            code: value * Decimal("0.9")
            for code, value in current.items()
            if code in ("gross_output_value", "sales_revenue")
        }
        now = timezone.now()
        assessment = Assessment.objects.create(
            enterprise=enterprise,
            batch=batch,
            created_by=actor,
            current_year=spec["base_year"],
            base_year=spec["base_year"] - 1,
            current_inputs=serialize_inputs(current),
            base_inputs=serialize_inputs({**current, **base}),
        )
        version = batch.catalog_version
        ScenarioAnswer.objects.bulk_create(
            ScenarioAnswer(
                assessment=assessment, scenario=scenario, **spec["scenarios"][str(scenario.no)]
            )
            for scenario in Scenario.objects.filter(
                version=version, no__in=[int(no) for no in wanted["scenarios"]]
            )
        )
        SupportElementAnswer.objects.bulk_create(
            SupportElementAnswer(
                assessment=assessment,
                support_element=element,
                **spec["support_elements"][str(element.no)],
            )
            for element in SupportElement.objects.filter(
                version=version, no__in=[int(no) for no in wanted["support_elements"]]
            )
        )
        first = int(wanted["scenarios"][0])
        for name, target in (
            (
                f"{assessment.current_year}年度财务报表.pdf",
                {"financial_year": assessment.current_year},
            ),
            ("产线改造验收报告.pdf", {"scenario": Scenario.objects.get(version=version, no=first)}),
        ):
            evidence = Evidence(
                assessment=assessment,
                original_name=name,
                content_type="application/pdf",
                size=len(PDF),
                sha256=hashlib.sha256(PDF).hexdigest(),
                uploaded_by=actor,
                **target,
            )
            evidence.file.save(name, ContentFile(PDF), save=False)
            evidence.save()
        assessment.declarations = {**DECLARATIONS, "signer": actor.first_name}
        assessment.snapshot = build_snapshot(assessment)
        assessment.snapshot_sha256 = snapshot_digest(assessment.snapshot)
        assessment.submitted_at = now - timedelta(days=310)
        assessment.state = State.APPROVED
        assessment.decided_tier = wanted["tier"]
        assessment.decided_at = now - timedelta(days=200)
        assessment.save()
        Decision.objects.create(
            assessment=assessment,
            outcome=Decision.Outcome.APPROVED,
            tier=wanted["tier"],
            reason="经专家评审和公示，认定为智能车间。",
            decided_by=User.objects.filter(role=Role.PROVINCE_ADMIN).order_by("pk").first(),
        )
        services.evaluation_refresh(assessment=assessment)
        return assessment

    def _enterprises(self, specs):
        enterprises = {}
        for spec in specs:
            spec = dict(spec)
            key = spec.pop("key")
            spec["district_id"] = spec.pop("district")  # by its code
            enterprise, _ = Enterprise.objects.get_or_create(
                credit_code=spec["credit_code"], defaults=spec
            )
            enterprises[key] = enterprise
        return enterprises

    def _authenticators(self, specs, key_base32):
        """The demo officials' authenticators, all with the key the README publishes — the demo
        only: in production each official enrols their own at the first sign-in."""
        key = b32decode(key_base32).hex()
        for user in User.objects.filter(username__in=[s["username"] for s in specs]):
            if second_factor_required(user):
                TOTPDevice.objects.get_or_create(
                    user=user, defaults={"name": "authenticator", "key": key, "confirmed": True}
                )

    def _users(self, specs, enterprises, password):
        created = []
        for spec in specs:
            spec = dict(spec)
            if User.objects.filter(username=spec["username"]).exists():
                continue
            if "enterprise" in spec:
                spec["enterprise"] = enterprises[spec["enterprise"]]
            if "district" in spec:
                spec["district_id"] = spec.pop("district")
            user_create(password=password, **spec)
            created.append(spec["username"])
        return created
