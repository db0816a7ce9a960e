"""docker-compose.yml describes the deployment the README's runbook starts: nginx (the only
published ports) in front of two web replicas, a one-shot migrate the others wait for, one
worker, exactly one beat, MinIO with its bucket made at start, PostgreSQL and a persistent
Redis; .dockerignore keeps secrets and data out of the image."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def command(service: dict) -> str:
    value = service.get("command", "")
    return " ".join(value) if isinstance(value, list) else value


def replicas(service: dict) -> int:
    return service.get("deploy", {}).get("replicas", 1)


def test_exactly_one_beat_and_one_worker_service(services):
    beats = [name for name, s in services.items() if re.search(r"celery .*\bbeat\b", command(s))]
    assert beats == ["beat"] and replicas(services["beat"]) == 1
    workers = [name for name, s in services.items() if "worker" in command(s).split()]
    assert workers == ["worker"]


def test_a_one_shot_migrate_runs_before_the_web_which_never_migrates(services):
    migrate = services["migrate"]
    assert "manage.py migrate" in command(migrate) and migrate["restart"] == "no"
    assert "migrate" not in migrate["depends_on"]
    for name in ("web", "worker", "beat"):
        assert "migrate" not in command(services[name]), name
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name


def test_two_web_replicas_behind_the_proxy_which_alone_is_published(services):
    web = services["web"]
    assert replicas(web) == 2 and "ports" not in web
    assert "gunicorn" in command(web) and "--workers" not in command(web)
    published = sorted(name for name, s in services.items() if s.get("ports"))
    assert published == ["proxy"]  # no database, Redis or MinIO port on the host
    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx") and "web" in proxy["depends_on"]
    template = (ROOT / "deploy/nginx/portal.conf.template").read_text()
    assert "server web:8000" in template and "proxy_pass http://portal_web;" in template
    assert any("portal.conf.template:/etc/nginx/templates/" in v for v in proxy["volumes"])
    # TLS-ready: a 443 server with its certificate paths, to uncomment
    assert "#     listen 443 ssl;" in template
    assert "#     ssl_certificate /etc/nginx/certs/fullchain.pem;" in template


def test_private_files_live_in_minio_whose_bucket_is_made_at_start(services):
    web = services["web"]
    assert web["environment"]["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
    assert web["environment"]["AWS_STORAGE_BUCKET_NAME"]
    assert "PRIVATE_MEDIA_ROOT" not in web["environment"]
    bucket = services["minio-bucket"]
    script = command(bucket)
    assert "mc mb --ignore-existing" in script and "mc anonymous set none" in script
    assert bucket["restart"] == "no"
    assert bucket["depends_on"]["minio"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        condition = services[name]["depends_on"]["minio-bucket"]["condition"]
        assert condition == "service_completed_successfully", name


def test_redis_persists_and_data_stays_in_volumes(services):
    redis = services["redis"]
    assert "--appendonly yes" in command(redis) and any(
        v.endswith(":/data") for v in redis["volumes"]
    )
    assert any("/var/lib/postgresql/data" in v for v in services["postgres"]["volumes"])
    assert any(v.endswith(":/data") for v in services["minio"]["volumes"])


def test_every_required_variable_is_in_the_example_env():
    compose = (ROOT / "docker-compose.yml").read_text()
    required = set(re.findall(r"\$\{(\w+):\?", compose))
    example = (ROOT / ".env.example").read_text()
    defined = set(re.findall(r"^(\w+)=", example, re.MULTILINE))
    assert required and required <= defined, required - defined
    for name in ("SECRET_KEY", "GUNICORN_WORKERS", "GUNICORN_TIMEOUT", "GUNICORN_MAX_REQUESTS"):
        assert name in defined


def test_dockerignore_keeps_secrets_private_files_and_backups_out_of_the_image():
    lines = set((ROOT / ".dockerignore").read_text().split("\n"))
    assert {".env", ".env.*", "private", "backups", "*.sqlite3"} <= lines
    assert "!.env.example" in lines


def test_gunicorn_takes_workers_timeout_and_max_requests_from_the_settings(settings):
    source = (ROOT / "config/gunicorn.conf.py").read_text()
    for option, setting in [
        ("workers", "GUNICORN_WORKERS"),
        ("timeout", "GUNICORN_TIMEOUT"),
        ("max_requests", "GUNICORN_MAX_REQUESTS"),
    ]:
        assert f"{option} = settings.{setting}\n" in source
        assert isinstance(getattr(settings, setting), int)


def test_nginx_refuses_the_metrics_and_passes_its_request_id():
    template = (ROOT / "deploy/nginx/portal.conf.template").read_text()
    served = template.split("# TLS:")[0]  # the plain HTTP server, the one not commented out
    assert "location = /metrics/ {\n        return 403;" in served
    assert "proxy_set_header X-Request-ID $request_id;" in served
