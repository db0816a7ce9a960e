"""The Content-Security-Policy: every response carries it, and no page holds what it refuses.

The policy allows scripts and styles from the portal's own address only, so a page must hold
no inline ``<script>`` (one with ``src``, or JSON data, is fine), no ``on…=`` handler, no
``javascript:`` URL, no ``<style>`` element and no ``style`` attribute (but one whose hash the
policy lists, with 'unsafe-hashes': the admin site's). Every GET route of the permission
matrix is opened as each kind of user who may see it, then the admin site's pages as the
province; the browser journeys (``tests/browser/``) fail on any violation Chromium reports.
"""

import base64
import hashlib
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import reverse

from .routes import all_routes
from .test_permission_matrix import MATRIX, attempt, url_of

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}
HISTORY_PAGINATOR = "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"  # border-top: 0
ADMIN_POLICY = POLICY | {"style-src": {"'self'", "'unsafe-hashes'", HISTORY_PAGINATOR}}
# An evidence file is a download of what an enterprise uploaded, an objection's letter of what
# the public did, a site visit's photo of what an expert did: the views sandbox them.
OWN_POLICIES = {
    "evidence-download": {"sandbox": set()},
    "objection-letter": {"sandbox": set()},
    "site-visit-photo": {"sandbox": set()},
    "registration-licence": {"sandbox": set()},
    "review-api-registration-licence": {"sandbox": set()},
}
# A page for each kind of user: the public, an enterprise, a city, an expert, the province.
SEEN_AS = ("anonymous", "admin_a", "city_sz", "expert_a", "province")
SCRIPT_DATA_TYPES = {"application/json", "application/ld+json"}


def policy_of(response) -> dict[str, set[str]] | None:
    header = response.get("Content-Security-Policy")
    if header is None:
        return None
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: set(sources) for name, *sources in directives}


def style_hash(value: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(value.encode()).digest()).decode()}'"


class InlineCode(HTMLParser):
    """What a strict policy refuses in a page's markup; style attributes kept apart, for their
    hashes."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.styles: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        at = f"line {self.getpos()[0]}"
        values = dict(attrs)
        if (
            tag == "script"
            and not values.get("src")
            and values.get("type") not in SCRIPT_DATA_TYPES
        ):
            self.found.append(f"inline <script> at {at}")
        if tag == "style":
            self.found.append(f"<style> at {at}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…> at {at}")
            elif name == "style":
                self.styles.append((f"<{tag} style={value!r}> at {at}", value or ""))
            elif value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…> at {at}")


def refused_markup(html: str, policy: dict[str, set[str]]) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    style_src = policy.get("style-src", set())
    allowed = style_src if "'unsafe-hashes'" in style_src else set()
    return parser.found + [
        where for where, value in parser.styles if style_hash(value) not in allowed
    ]


def problems(response, what: str, policy=POLICY) -> list[str]:
    found = []
    if policy_of(response) != policy:
        found.append(f"{what}: Content-Security-Policy {response.get('Content-Security-Policy')!r}")
    if response.get("Content-Type", "").startswith("text/html"):
        found += [f"{what}: {item}" for item in refused_markup(response.content.decode(), policy)]
    return found


def test_the_markup_check_finds_what_the_policy_refuses():
    page = (
        '<script src="/static/a.js"></script><script type="application/json">{}</script>'
        '<script>alert(1)</script><style>p{}</style><p style="color:red" onclick="x()">'
        '<a href="javascript:void(0)"><p class="paginator" style="border-top: 0">'
    )
    assert len(refused_markup(page, POLICY)) == 6
    assert len(refused_markup(page, ADMIN_POLICY)) == 5


@pytest.mark.slow
def test_every_page_carries_the_policy_and_no_inline_code(world):
    """Every web page as each kind of user it is for (and one that may not see it: the 403
    and 404 pages), every API route once (JSON: the header only)."""
    found, pages = [], 0
    for key, route in all_routes().items():
        call = MATRIX[key].get("GET")
        if call is None:
            continue
        url = url_of(key, call, world)
        roles = [role for role in SEEN_AS if call.expect[role] == 200]
        refused = [role for role in SEEN_AS if call.expect[role] in (403, 404)]
        roles = roles[:1] if route.is_api else roles + refused[:1]
        for role in roles or ["anonymous"]:
            response, _ = attempt(world.clients[role], "GET", url, call, world, route.is_api)
            pages += response["Content-Type"].startswith("text/html")
            own = OWN_POLICIES.get(key, POLICY) if response.status_code == 200 else POLICY
            found += problems(response, f"GET {url} as {role} ({response.status_code})", own)
    found += problems(world.clients["admin_a"].get("/no-such-page/"), "a missing page")
    assert not found, "\n".join(found)
    assert pages > 60  # the pages were really seen


def admin_urls() -> list[str]:
    """The admin site's index, each model's list and first object (the pages that differ by
    model), and one add form and one history page (the same templates for every model)."""
    urls, shared = [reverse("admin:index")], {}
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{name}_changelist"))
        shared.setdefault("add", reverse(f"{name}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"{name}_change", args=[first.pk]))
            if hasattr(model, "history"):  # django-simple-history's page
                shared.setdefault("history", reverse(f"{name}_history", args=[first.pk]))
    return urls + list(shared.values())


@pytest.mark.slow
def test_the_admin_site_carries_the_policy_and_no_inline_code(world):
    client = world.clients["province"]
    found = []
    for url in admin_urls():
        response = client.get(url)
        assert response.status_code in (200, 302, 403), (url, response.status_code)
        found += problems(response, f"GET {url} ({response.status_code})", ADMIN_POLICY)
    assert not found, "\n".join(found)


def test_the_api_docs_load_their_set_up_script_from_the_portal(client):
    page = client.get(reverse("api-docs"))
    assert page.status_code == 200 and problems(page, "the API docs") == []
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
