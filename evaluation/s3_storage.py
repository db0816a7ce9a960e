"""Private files in an S3 bucket (MinIO, a cloud's object storage): STORAGES["private"] when
AWS_STORAGE_BUCKET_NAME is set. A module of its own so that the local default never loads boto3."""

import io

from botocore.exceptions import ClientError
from django.core.files import File
from storages.backends.s3 import S3Storage


class _ObjectBody(io.RawIOBase):
    """An object's bytes as they arrive from the S3 server, never held whole in memory."""

    def __init__(self, body):
        self._body = body

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self._body.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self):
        if not self.closed:
            self._body.close()
        super().close()


class PrivateS3Storage(S3Storage):
    """Objects written with the private ACL and with no URL, not even a signed one: a download
    goes through the view that checks the user's right to the file, which streams the object
    (``open``) to them. Browsers never talk to the bucket, which may stay on the internal
    network, and a link cannot be passed on to someone the view would refuse."""

    def get_default_settings(self):
        # a name already taken gets a suffix, as on the file system: nothing is overwritten
        return {**super().get_default_settings(), "default_acl": "private", "file_overwrite": False}

    def _open(self, name, mode="rb"):
        if mode not in ("r", "rb"):
            return super()._open(name, mode)
        key = self._normalize_name(name.replace("\\", "/"))
        try:
            response = self.bucket.Object(key).get()
        except ClientError as error:
            if error.response["Error"]["Code"] in ("NoSuchKey", "404"):
                raise FileNotFoundError(f"File does not exist: {name}") from None
            raise
        return File(io.BufferedReader(_ObjectBody(response["Body"]), 1 << 16), name)

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError("private files have no URL")
