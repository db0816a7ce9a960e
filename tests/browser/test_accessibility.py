"""Every role's main pages in Chromium: axe-core finds no serious or critical violation, no page
scrolls sideways on a 390 px phone, the editor's tables stay legible at the usual widths and the
save status and the preview stay in view while a long tab is scrolled.

axe-core (frontend/node_modules, from npm) is added to each page as an init script of the
browser context, which the DevTools protocol runs outside the page's Content-Security-Policy:
the product's policy stays as strict as it is, and is still watched for violations here."""

import os
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from review.models import ExpertAssignment

from ..conftest import draft_assessment, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = settings.FRONTEND_MODULES / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# The widths a clerk's screen has: laptops, a desktop monitor and a phone.
TABLE_WIDTHS = (1280, 1366, 1920, 390)
MIN_NAME_WIDTH = 140  # px: a project's name stays readable

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}, ${v.nodes.length}×): ` +
                v.nodes.slice(0, 3).map((n) => n.target.join(" ") + (n.any[0] && n.any[0].data && n.any[0].data.fgColor ? ` ${n.any[0].data.fgColor}/${n.any[0].data.bgColor} ${n.any[0].data.contrastRatio}` : "")).join(" | "));
}"""
# Whether the element is what one sees at its centre (not covered by another).
ON_TOP = """(e) => {
  const r = e.getBoundingClientRect();
  return e.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));
}"""
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# How far the page scrolls sideways, and the outermost elements sticking out of it (not those
# inside a box that scrolls or clips them).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = (e) => e.getBoundingClientRect().right > width + 1;
  const clipped = (e) => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return true;
    }
    return false;
  };
  const culprits = [...document.body.querySelectorAll("*")].filter(
    (e) => out(e) && !(e.parentElement && out(e.parentElement)) && !clipped(e));
  return [document.documentElement.scrollWidth - width,
          culprits.slice(0, 3).map((e) => e.outerHTML.slice(0, 120))];
}"""


class Pages:
    """Visits pages (one load each), collecting what axe and the phone width find on them."""

    def __init__(self, new_page, live_server):
        self.new_page = new_page
        self.url = live_server.url
        self.problems: list[str] = []

    def signed_in(self, user=None):
        """A browser context of its own, signed in as ``user`` (both factors: signing in is
        tested elsewhere) or nobody."""
        page = self.new_page()
        page.context.add_init_script(path=str(AXE))
        if user is not None:
            session = login(Client(), user).cookies[settings.SESSION_COOKIE_NAME].value
            page.context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": self.url}]
            )
        return page

    def check(self, page, url):
        page.set_viewport_size(DESKTOP)
        page.goto(url)
        self.problems += [f"{url}: {v}" for v in page.evaluate(AXE_RUN)]
        name = re.sub(r"\W+", "-", url).strip("-") or "home"
        shoot(page, f"{name}-desktop", full_page=True)
        page.set_viewport_size(PHONE)
        shoot(page, f"{name}-phone", full_page=True)
        if page.evaluate(SIDEWAYS) > 0:
            overflow, culprits = page.evaluate(OVERFLOW)
            self.problems.append(f"{url}: scrolls {overflow} px sideways at 390 px: {culprits}")


def shoot(target, name, **options):
    """A screenshot of a page or an element into BROWSER_ARTIFACTS, when it is set."""
    if folder := os.environ.get("BROWSER_ARTIFACTS"):
        os.makedirs(folder, exist_ok=True)
        target.screenshot(path=os.path.join(folder, f"{name}.png"), **options)


def test_every_role_s_main_pages_are_accessible_and_fit_a_phone(
    new_page,
    live_server,
    under_review,
    open_batch,
    enterprise_b,
    admin_b,
    city_reviewer_suzhou,
    province_admin,
):
    pages = Pages(new_page, live_server)
    draft = draft_assessment(enterprise_b, open_batch, admin_b)
    submitted = under_review
    batch = submitted.batch

    enterprise = pages.signed_in(admin_b)
    for url in [
        "/",
        reverse("assessment-overview", args=[draft.pk]),
        reverse("enterprise-page", args=[enterprise_b.pk]),
        reverse("enterprise-comparison", args=[enterprise_b.pk]),
        reverse("editor-support", args=[draft.pk]),
        reverse("editor-import", args=[draft.pk]),
        reverse("editor-assignments", args=[draft.pk]),
        reverse("editor-submit", args=[draft.pk]),
        reverse("assessment-report", args=[draft.pk]),
        reverse("editor-indicators", args=[draft.pk]),
    ]:
        pages.check(enterprise, url)
    # the R&D projects' and warehouses' tables on the indicators tab
    for width in TABLE_WIDTHS:
        enterprise.set_viewport_size({"width": width, "height": 900})
        for code in ("rd_projects", "warehouses"):
            table = enterprise.locator(f"#table-{code}-current")
            shoot(table, f"{code}-{width}")
            field = table.locator("input[type=text]").first
            box = field.bounding_box()
            if not (box["width"] >= MIN_NAME_WIDTH and box["x"] + box["width"] <= width):
                pages.problems.append(f"{code}'s first column at {width} px: {box}")
    # a long tab scrolled to its end: the save status is still in sight, and so is the preview
    # beside the answers (on a phone it comes after them)
    pages.check(enterprise, reverse("editor-scenarios", args=[draft.pk]))
    status = enterprise.get_by_test_id("save-state")
    for size in (DESKTOP, PHONE):
        enterprise.set_viewport_size(size)
        enterprise.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        shoot(enterprise, f"scenarios-scrolled-{size['width']}")
        expect(status).to_be_in_viewport(ratio=1)
        assert status.evaluate(ON_TOP), f"something covers the save status at {size}"
    enterprise.set_viewport_size(DESKTOP)
    enterprise.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    expect(enterprise.get_by_test_id("preview")).to_be_in_viewport(ratio=0.5)

    city = pages.signed_in(city_reviewer_suzhou)
    for url in [reverse("review-queue"), reverse("review-detail", args=[submitted.pk])]:
        pages.check(city, url)

    province = pages.signed_in(province_admin)
    for url in [
        "/",
        reverse("review-batches"),
        *(
            reverse(name, args=[batch.pk])
            for name in (
                "batch-settings",
                "batch-deadlines",
                "formal-check-queue",
                "batch-assignments",
                "batch-decisions",
                "batch-publish",
                "batch-objections",
            )
        ),
        reverse("dashboard"),
        reverse("catalog"),
    ]:
        pages.check(province, url)

    assignment = ExpertAssignment.objects.filter(assessment=submitted).first()
    expert = pages.signed_in(assignment.expert)
    for url in [reverse("expert-assignments"), reverse("assignment-page", args=[assignment.pk])]:
        pages.check(expert, url)

    anonymous = pages.signed_in()
    for url in [reverse("login"), reverse("public-lists")]:
        pages.check(anonymous, url)

    assert not pages.problems, "\n".join(pages.problems)
