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

