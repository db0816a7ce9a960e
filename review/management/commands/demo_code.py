"""Print the code a demo official's authenticator shows now: the demo's published key only."""

import json
import time
from base64 import b32decode

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Print the current second-factor code of a demo account (seed_demo's authenticator key; "
        "refused for any other key)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        demo = json.loads((settings.BASE_DIR / "fixtures" / "demo.json").read_text("utf-8"))
        key = b32decode(demo["authenticator_key"])
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None or device.bin_key != key:
            raise CommandError(f"{username} has no authenticator with the demo key.")
        totp = TOTP(key, device.step, device.t0, device.digits, device.drift)
        left = device.step - int(time.time() - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}")
        self.stderr.write(f"(valid for {left} more seconds; each code signs in once)")
