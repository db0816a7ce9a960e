import os
import subprocess
import sys

import pytest


def _import_wsgi(**env):
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    return subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


@pytest.mark.slow
def test_serving_without_a_secret_key_is_refused_when_debug_is_off():
    result = _import_wsgi(DEBUG="0")
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr
    assert _import_wsgi(DEBUG="0", SECRET_KEY="a-real-key").returncode == 0
    assert _import_wsgi(DEBUG="1").returncode == 0


@pytest.mark.slow
def test_management_commands_run_without_a_secret_key():
    clean = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        env={**clean, "DEBUG": "0"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_the_worker_and_beat_refuse_the_development_key_when_debug_is_off(tmp_path):
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    # the refusal comes before any Django system check or broker connection: skip the checks
    env = {**clean, "DEBUG": "0", "CELERY_SKIP_CHECKS": "1"}
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    commands = {
        "run the Celery worker": [*celery, "worker", "--pool=solo"],
        "run Celery beat": [*celery, "beat", "--schedule", str(tmp_path / "schedule")],
    }
    started = {
        what: subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for what, command in commands.items()
    }
    try:
        for what, process in started.items():
            output, _ = process.communicate(timeout=60)
            assert process.returncode != 0, output
            assert f"SECRET_KEY must be set to {what} with DEBUG off" in output
    finally:
        for process in started.values():
            process.kill()


def _setting(name: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECURE_SSL", "TRUSTED_PROXIES")}
    return subprocess.run(
        [sys.executable, "-c", f"import config.settings as s; print(repr(s.{name}))"],
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


@pytest.mark.slow
def test_the_https_header_is_honoured_only_with_a_trusted_proxy():
    assert _setting("SECURE_PROXY_SSL_HEADER", SECURE_SSL="1").stdout.strip() == "None"
    behind = _setting("SECURE_PROXY_SSL_HEADER", SECURE_SSL="1", TRUSTED_PROXIES="1")
    assert behind.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"
    wrong = _setting("TRUSTED_PROXIES", TRUSTED_PROXIES="10.0.0.5/8")
    assert wrong.returncode != 0 and "TRUSTED_PROXIES must be" in wrong.stderr
