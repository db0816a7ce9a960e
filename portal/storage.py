"""The private storage (STORAGES["private"]: a folder, or an S3 bucket) as every file field of
private files holds it, the portal's own (a business licence) and the apps' above
(``evaluation.storage``): looked up when first used and again after the setting changes."""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class _PrivateFiles(LazyObject):
    """The storage of STORAGES["private"], looked up when first used and again after the
    setting changes (the file fields keep this one object)."""

    def _setup(self):
        self._wrapped = storages["private"]


private_files = _PrivateFiles()


@receiver(setting_changed, dispatch_uid="portal.storage.private_files_follow_setting")
def _private_files_follow_setting(*, setting, **kwargs):
    if setting == "STORAGES":
        private_files._wrapped = empty
