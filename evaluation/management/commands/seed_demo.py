"""Load the catalog and the demo data; running it twice changes nothing."""

import json
from datetime import timedelta

from django.conf import settings
from django.core.management import BaseCommand, call_command
from django.db import transaction
from django.utils import timezone

from portal.models import Enterprise, User
from portal.services import province_admin_group_sync, user_create
from scenarios.models import Batch, CatalogVersion

FIXTURES = settings.BASE_DIR / "fixtures"


class Command(BaseCommand):
    help = "Load the catalog, the default rules and the demo enterprises, accounts and batch."

    def handle(self, *args, **options):
        if not CatalogVersion.objects.filter(pk=1).exists():
            call_command("loaddata", FIXTURES / "catalog.json", verbosity=0)
        demo = json.loads((FIXTURES / "demo.json").read_text(encoding="utf-8"))
        with transaction.atomic():
            province_admin_group_sync()
            self._batch(demo["batch"])
            enterprises = self._enterprises(demo["enterprises"])
            created = self._users(demo["users"], enterprises, demo["password"])
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Accounts (password {demo['password']!r}, demo only):")
        for spec in demo["users"]:
            flag = " (new)" if spec["username"] in created else ""
            self.stdout.write(f"  {spec['username']:<15} {spec['role']}{flag}")

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
            },
        )

    def _enterprises(self, specs):
        enterprises = {}
        for spec in specs:
            spec = dict(spec)
            key = spec.pop("key")
            enterprise, _ = Enterprise.objects.get_or_create(
                credit_code=spec["credit_code"], defaults=spec
            )
            enterprises[key] = enterprise
        return enterprises

    def _users(self, specs, enterprises, password):
        created = []
        for spec in specs:
            spec = dict(spec)
            if User.objects.filter(username=spec["username"]).exists():
                continue
            if "enterprise" in spec:
                spec["enterprise"] = enterprises[spec["enterprise"]]
            user_create(password=password, **spec)
            created.append(spec["username"])
        return created
