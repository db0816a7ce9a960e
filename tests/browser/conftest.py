"""Playwright driving Debian's Chromium (never a downloaded browser) against live_server."""

import os

import pytest
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls made by
# fixtures here are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.path.exists(executable):
        pytest.fail(
            f"Chromium not found at {executable}; run `make test` (it installs Debian's chromium)."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


# Recorded in every page before its own scripts run; the binding outlives navigations.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} ` +
    `(${event.sourceFile || document.URL}:${event.lineNumber}) ${event.sample}`
  );
}, true);
"""


class CspViolations:
    """Every Content-Security-Policy violation of the browser contexts it watches: the DOM's
    ``securitypolicyviolation`` events and Chromium's console messages about the policy."""

    def __init__(self):
        self.seen: list[str] = []

    def watch(self, context) -> None:
        context.expose_binding(
            "reportCspViolation", lambda source, text: self.seen.append(f"event: {text}")
        )
        context.add_init_script(CSP_LISTENER)
        context.on("console", self._console)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.seen.append(
                f"console ({message.page.url if message.page else '?'}): {message.text}"
            )

    @staticmethod
    def flush(context) -> None:
        """Let the pages' queued events reach us before the context closes."""
        for page in context.pages:
            if not page.is_closed():
                page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 0))")


@pytest.fixture
def csp_violations():
    """Fails the test, at teardown, if any page broke the Content-Security-Policy."""
    violations = CspViolations()
    yield violations
    if violations.seen:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations.seen))


@pytest.fixture
def new_page(browser, live_server, csp_violations):
    """Opens a page in a new browser context (its own cookies: another user), watched for
    CSP violations; the contexts are closed at teardown."""
    contexts = []

    def open_page():
        context = browser.new_context(
            base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
        )
        csp_violations.watch(context)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        csp_violations.flush(context)
        context.close()


@pytest.fixture
def page(new_page):
    page = new_page()
    yield page
    artifacts = os.environ.get("BROWSER_ARTIFACTS")
    if artifacts:
        os.makedirs(artifacts, exist_ok=True)
        page.screenshot(
            path=os.path.join(
                artifacts,
                f"{os.environ.get('PYTEST_CURRENT_TEST', 'page').split(':')[-1].split(' ')[0]}.png",
            ),
            full_page=True,
        )


def sign_in(page, username, password):
    """The login page, then — for whoever signs in with a second factor — the verify step, with
    the code the authenticator shows now, computed from its key (an official without one is
    given one first)."""
    from portal.models import User
    from portal.two_factor import second_factor_required, totp_device

    from ..conftest import authenticator_for, totp_code

    user = User.objects.filter(username=username).first()
    device = user and totp_device(user)
    if user is not None and device is None and second_factor_required(user):
        device = authenticator_for(user)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("main form").get_by_role("button").click()
    if device:
        page.wait_for_url("**/account/two-factor/verify/**")
        page.fill("input[name=code]", totp_code(device))
        page.locator("main form").get_by_role("button").click()
        page.wait_for_url(lambda url: "/account/two-factor/" not in url)


def confirm(page, says: str) -> None:
    """An irreversible action's dialog: it says ``says``; confirm it."""
    from playwright.sync_api import expect

    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(says)
    dialog.get_by_test_id("confirm-dialog-ok").click()
