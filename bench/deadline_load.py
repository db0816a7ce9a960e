"""The simulated enterprise users of the deadline-day benchmark (bench/deadline.py).

Run as its own process, ``python bench/deadline_load.py PLAN OUT``: locust's gevent
monkey-patching stays out of the Django process. It imports nothing of the portal; PLAN (JSON)
names the server, how many users for how long, and each user's assessment, session cookie and
API token. Each user does what the browser does on the editor pages: it loads a page (which
sets the CSRF cookie; the page carries the token in ``hx-headers`` and the assessment's version
in ``data-version``), then autosaves a field as htmx posts the form — the whole form with the
CSRF token and the item's own version, ``HX-Request`` and ``X-CSRFToken`` headers — takes the
item's new version from ``X-Item-Version`` and the assessment's from ``X-Assessment-Version``.
The side panel comes back in the save's own response (``X-Editor-Preview``, PLAN ``mode``
``one_response``) or, as the editor did before, from a second request 0.6 s after the save
(``two_requests``). A user may share its assessment with a colleague (``colleague``), each
editing its own section (``section``: ``scenarios`` or ``inputs``; ``all`` alone). OUT (JSON)
receives every request (kind, milliseconds, status, error, whether a 409 was an item conflict)
and every acknowledged save.
"""

import json
import random
import re
import sys
import time
from http.cookiejar import Cookie
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, between, events, task
from locust.env import Environment

PLAN = json.loads(Path(sys.argv[1]).read_text()) if __name__ == "__main__" else {}
CSRF = re.compile(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'')
VERSION = re.compile(r'id="editor" data-version="(\d+)"')
# an autosaving form: where it posts, and the version of its item as the page was loaded
ITEM_FORM = re.compile(
    r'action="([^"]+)"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">'
    r'<input type="hidden" name="version" value="(\d+)">'
)
STATUSES = ["planned", "in_progress", "implemented"]

requests: list[dict] = []
acknowledged: list[dict] = []
profiles: list[dict] = []


@events.request.add_listener
def _record(request_type, name, response_time, response, exception, **_kwargs):
    status = getattr(response, "status_code", 0) or 0
    headers = getattr(response, "headers", None) or {}
    requests.append(
        {
            "kind": name,
            "ms": response_time,
            "status": status,
            "error": str(exception) if exception else "",
            "conflict": status == 409 and headers.get("X-Conflict") == "item",
        }
    )


def _session_cookie(host: str, name: str, value: str) -> Cookie:
    return Cookie(
        0, name, value, None, False, host, False, False, "/", True, False, None, True,
        None, None, {}, False,
    )  # fmt: skip


class EnterpriseUser(FastHttpUser):
    """An enterprise admin editing its own draft assessment on deadline day."""

    wait_time = between(*PLAN.get("think_seconds", (1, 2)))

    def on_start(self):
        self.profile = profiles.pop()
        self.base = f"/assessments/{self.profile['assessment']}/"
        self.client.cookiejar.set_cookie(
            _session_cookie("127.0.0.1", PLAN["session_cookie"], self.profile["session"])
        )
        self.rng = random.Random(f"{PLAN['run']}-{self.profile['assessment']}")
        self.saves = 0  # numbers every value this run saves: each save is a change
        self.version = None
        self.item_versions = {}  # form path → the item's version its last save returned
        self.csrf = None
        if self.profile.get("section") != "inputs":
            self.view_scenarios()
        if self.profile.get("section") != "scenarios":
            self.view_indicators()

    # pages

    def _page(self, path: str, kind: str, editor: bool):
        with self.client.get(
            path, name=kind, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                return
            text = response.text
            csrf = CSRF.search(text)
            if csrf:
                self.csrf = csrf[1]
            version = VERSION.search(text)
            if editor and not (csrf and version):
                response.failure("no CSRF token or version on the editor page")
                return
            if version:
                self._seen_version(int(version[1]), response)
            for path, item_version in ITEM_FORM.findall(text):  # as the browser's forms hold
                self.item_versions[path] = int(item_version)

    def _seen_version(self, version: int, response):
        """The version a page shows must be the one this user's last save left (or a later
        one, when a colleague edits the same assessment)."""
        if self.version is not None and (
            version < self.version if self.profile.get("colleague") else version != self.version
        ):
            response.failure(f"page shows version {version}, last save acknowledged {self.version}")
        self.version = version

    @task(1)
    def view_overview(self):
        self._page(self.base, "page: overview", editor=False)

    @task(1)
    def view_scenarios(self):
        self._page(self.base + "scenarios/", "page: scenarios editor", editor=True)

    @task(1)
    def view_indicators(self):
        self._page(self.base + "indicators/", "page: indicators editor", editor=True)

    # autosaves

    def _autosave(self, path: str, kind: str, item: str, fields: dict, changes: dict):
        """Post one form as htmx does; on 200 record each changed field's acknowledged value."""
        if self.csrf is None:
            return self.view_scenarios()
        one_response = PLAN.get("mode", "one_response") == "one_response"
        item_version = self.item_versions.get(path, 0)
        body = urlencode({"csrfmiddlewaretoken": self.csrf, "version": item_version, **fields})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "HX-Request": "true",
            "HX-Current-URL": f"{PLAN['host']}{self.base}",
            "X-CSRFToken": self.csrf,
            "Origin": PLAN["host"],
        }
        if one_response:
            headers["X-Editor-Preview"] = "true"
        with self.client.post(
            path, data=body, headers=headers, name=kind, allow_redirects=False,
            catch_response=True,
        ) as response:  # fmt: skip
            version = response.headers.get("X-Assessment-Version") if response.headers else None
            if response.status_code != 200 or not version:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            if one_response and 'id="preview" hx-swap-oob' not in response.text:
                response.failure("no side panel in the save's response")
                return
            self.version = int(version)
            self.item_versions[path] = int(response.headers.get("X-Item-Version") or 0)
            for field, value in changes.items():
                acknowledged.append(
                    {
                        "assessment": self.profile["assessment"],
                        "field": field,
                        "value": value,
                        "version": self.version,
                        "item": item,
                        "item_version": self.item_versions[path],
                    }
                )
        if not one_response:
            gevent.sleep(0.6)  # hx-trigger="assessment-saved from:body delay:600ms"
            self.client.get(
                self.base + "preview/", name="preview panel", headers={"HX-Request": "true"}
            )

    @task(4)
    def autosave_scenario(self):
        if self.profile.get("section") == "inputs":
            return self.autosave_input()
        no = self.rng.choice(self.profile["scenarios"])
        self.saves += 1
        status = self.rng.choice(STATUSES)
        description = f"{PLAN['run']}-{self.saves}：产线数据实时采集，与 MES 集成（场景 {no}）"
        fields = {
            "status": status,
            "description": description,
            "systems": "MES（某软件公司）、工业网关 12 台",
            "started_on": "2024-03-01",
            "completed_on": "",
        }
        changes = {f"scenario:{no}:status": status, f"scenario:{no}:description": description}
        self._autosave(
            self.base + f"scenarios/{no}/", "autosave: scenario", f"scenario:{no}", fields, changes
        )

    @task(4)
    def autosave_input(self):
        if self.profile.get("section") == "scenarios":
            return self.autosave_scenario()
        code = self.rng.choice(self.profile["inputs"])
        self.saves += 1
        base, current = f"{PLAN['run']}{self.saves:04d}", f"{PLAN['run']}{self.saves + 5000:04d}"
        changes = {f"input:{code}:base": base, f"input:{code}:current": current}
        self._autosave(
            self.base + f"inputs/{code}/", "autosave: input", f"input:{code}",
            {"base": base, "current": current}, changes,
        )  # fmt: skip

    # the API

    @task(2)
    def compute(self):
        self.client.post(
            "/api/v1/indicators/compute/",
            json=self.rng.choice(PLAN["compute_bodies"]),
            headers={"Authorization": f"Token {self.profile['token']}"},
            name="api: indicators compute",
        )


def main() -> None:
    """Spawn the users (10 a second), then measure for PLAN's seconds: the requests made while
    users were still arriving (each loading its first page) are left out of the figures, not
    out of the acknowledged saves."""
    profiles.extend(reversed(PLAN["users"]))
    env = Environment(
        user_classes=[EnterpriseUser], host=PLAN["host"], events=events, stop_timeout=60
    )
    runner = env.create_local_runner()
    spawned = {}

    def _measure(user_count):
        spawned.update(at=time.monotonic(), first=len(requests))
        gevent.spawn_later(PLAN["seconds"], runner.quit)  # each user finishes its current task

    events.spawning_complete.add_listener(_measure)
    runner.start(len(PLAN["users"]), spawn_rate=PLAN.get("spawn_rate", 10))
    runner.greenlet.join()
    elapsed = time.monotonic() - spawned["at"]
    Path(sys.argv[2]).write_text(
        json.dumps(
            {
                "seconds": elapsed,
                "requests": requests[spawned["first"] :],
                "acknowledged": acknowledged,
            }
        )
    )


if __name__ == "__main__":
    main()
