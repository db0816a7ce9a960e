"""Where private files live: evidence, rendered reports, objection letters, site-visit photos
and exports. STORAGES["private"] chooses the backend (config/settings.py): a folder under
PRIVATE_MEDIA_ROOT by default, an S3 bucket (MinIO, a cloud's object storage) when
AWS_STORAGE_BUCKET_NAME is set (evaluation/s3_storage.py). Every file field and every other
user of private files goes through ``private_files``. Either way a file has no URL: it is
served only through a view that checks the user's right to see it, which streams it from the
storage."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, cached_property, empty


class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT with no URL: served only through a checking view."""

    def __init__(self, **kwargs):
        kwargs["base_url"] = None
        super().__init__(**kwargs)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise NotImplementedError("private files have no URL")


class _PrivateFiles(LazyObject):
    """The storage of STORAGES["private"], looked up when first used and again after the
    setting changes (the file fields keep this one object)."""

    def _setup(self):
        self._wrapped = storages["private"]


private_files = _PrivateFiles()


@receiver(setting_changed, dispatch_uid="evaluation.storage.private_files_follow_setting")
def _private_files_follow_setting(*, setting, **kwargs):
    if setting == "STORAGES":
        private_files._wrapped = empty
