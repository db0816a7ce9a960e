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
