"""A real S3-compatible server for the object-storage tests: moto's server mode, started on a
free port once per test process (only when a test asks for it) and stopped at the end. Each test
gets a bucket of its own, and the private storage (STORAGES["private"]) points at it."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass

import boto3
import pytest
import requests

ACCESS_KEY, SECRET_KEY, REGION = "test-access-key", "test-secret-key", "us-east-1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_answering(url: str, process: subprocess.Popen, log, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            pytest.fail(f"{process.args[:3]} exited:\n{log.read()}")
        try:
            requests.get(url, timeout=2)
            return
        except (requests.ConnectionError, requests.Timeout):  # not listening, or still loading
            time.sleep(0.05)
    process.kill()
    pytest.fail(f"nothing answered on {url} within {seconds} s")


@dataclass
class S3Server:
    endpoint: str

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def new_bucket(self) -> str:
        name = f"portal-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def environment(self, bucket: str) -> dict[str, str]:
        """What a deployment sets to keep its private files in ``bucket`` (config/settings.py)."""
        return {
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_S3_REGION_NAME": REGION,
        }

    def keys(self, bucket: str) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))


@pytest.fixture(scope="session")
def s3_server():
    port = free_port()
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 closed below
    env = {**os.environ, "MOTO_PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(endpoint, process, log)
        yield S3Server(endpoint)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def private_s3_storage(server: S3Server, bucket: str) -> dict:
    """STORAGES["private"] as config/settings.py builds it from ``server.environment``."""
    return {
        "BACKEND": "evaluation.s3_storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": server.endpoint,
            "region_name": REGION,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "addressing_style": "path",
        },
    }


@pytest.fixture
def bucket(s3_server, settings) -> str:
    """A new bucket, which the private files of this test go to."""
    name = s3_server.new_bucket()
    settings.STORAGES = {**settings.STORAGES, "private": private_s3_storage(s3_server, name)}
    return name
