"""The broker and sweep settings come from the environment, with bounded defaults."""

import json
import os
import subprocess
import sys

NAMES = (
    "CELERY_BROKER_CONNECTION_TIMEOUT",
    "CELERY_PUBLISH_MAX_RETRIES",
    "CELERY_VISIBILITY_TIMEOUT",
    "SWEEP_INTERVAL",
    "DEADLINE_REMINDER_INTERVAL",
)
READ = """
import json
import django
django.setup()
from config.celery import app
print(json.dumps({
    "retries": app.conf.task_publish_retry_policy["max_retries"],
    "backend_retries": app.conf.result_backend_transport_options["retry_policy"]["max_retries"],
    "connect_timeout": app.conf.broker_transport_options["socket_connect_timeout"],
    "visibility_timeout": app.conf.broker_transport_options["visibility_timeout"],
    "sweeps": {k: v["schedule"] for k, v in app.conf.beat_schedule.items()},
}))
"""


def celery_conf(**env) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in NAMES}
    result = subprocess.run(
        [sys.executable, "-c", READ],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_defaults_bound_a_publish_and_outlast_the_longest_task():
    conf = celery_conf()
    assert conf["retries"] == conf["backend_retries"] == 2
    assert conf["connect_timeout"] == 2.0
    assert conf["visibility_timeout"] == 3600
    assert conf["sweeps"] == {
        "sweep-evaluations": 60,
        "sweep-reports": 60,
        "sweep-exports": 60,
        "sweep-notification-emails": 60,
        "sweep-objection-emails": 60,
        "deadline-reminders": 3600,  # reminders go by the day: hourly is soon enough
    }


def test_the_environment_sets_them():
    conf = celery_conf(
        CELERY_PUBLISH_MAX_RETRIES="0",
        CELERY_BROKER_CONNECTION_TIMEOUT="0.5",
        CELERY_VISIBILITY_TIMEOUT="7200",
        SWEEP_INTERVAL="30",
        DEADLINE_REMINDER_INTERVAL="600",
    )
    assert conf["retries"] == 0 and conf["connect_timeout"] == 0.5
    assert conf["visibility_timeout"] == 7200
    reminders = conf["sweeps"].pop("deadline-reminders")
    assert reminders == 600 and set(conf["sweeps"].values()) == {30}


def test_every_scheduled_sweep_is_a_task_the_worker_knows():
    from config.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert scheduled and scheduled <= set(app.tasks)
