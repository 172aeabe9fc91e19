"""Real-browser journeys: Debian Chromium driven by Playwright against pytest-django's live server.

Every test gets a freshly flushed database (transactional) with the reference data and the demo accounts
of `make run` (demo.seed.seed_demo, password Demo@2026). Screenshots go to
test-artifacts/screenshots/<test>/<name>.png (git-ignored) so a person can look at the screens.
"""

import os
import re
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")  # Debian chromium by default
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--lang=zh-CN",  # date inputs and file choosers as a Qingdao user sees them
]
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 390, "height": 844}
DEMO_PASSWORD = "Demo@2026"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# The live server answers in the same process as the test; give slow CI machines some slack.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        message = (
            f"{CHROMIUM} not found (apt-get install chromium, or `make system-deps SYSTEM_DEPS=chromium`)"
        )
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


# Every page of every journey reports Content-Security-Policy violations here; a journey that caused one
# fails (SECURITY.md: no inline script or style anywhere).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolation({directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample,
                         where: e.sourceFile + ":" + e.lineNumber, page: location.href,
                         element: ((e.target && e.target.outerHTML) || "").slice(0, 300)});
});
"""


@pytest.fixture
def csp_violations():
    return []


@pytest.fixture
def new_context(new_context, csp_violations):
    def _new_context(**kwargs):
        context = new_context(**kwargs)
        context.expose_binding("__cspViolation", lambda _source, violation: csp_violations.append(violation))
        context.add_init_script(CSP_LISTENER)
        return context

    yield _new_context
    assert csp_violations == [], f"Content-Security-Policy violations: {csp_violations}"


@pytest.fixture
def server(live_server, transactional_db):
    """The live server with reference data and demo accounts (transactional tests flush the DB after each)."""
    from demo.seed import seed_demo

    seed_demo()
    return live_server


@pytest.fixture
def log_in(server):
    """Log in through the login form on `page` (fields username / password) and wait for the home screen."""

    def _log_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> Page:
        page.goto(server.url + "/accounts/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        page.get_by_role("button", name="登录", exact=True).click()
        expect(page.locator("#user-menu")).to_be_visible()
        return page

    return _log_in


@pytest.fixture
def actor(server, new_context, log_in):
    """actor("shinan") → a logged-in page in its own browser context (own cookies), 1280 px wide."""

    def _actor(username: str, password: str = DEMO_PASSWORD, *, viewport=WIDE) -> Page:
        page = new_context(viewport=viewport).new_page()
        return log_in(page, username, password)

    return _actor


@pytest.fixture
def shot(request):
    """shot(page, "name") → a full-page screenshot at the current viewport, for people to look at."""
    folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "_", request.node.originalname)
    shutil.rmtree(folder, ignore_errors=True)

    def _shot(page: Page, name: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        # From the top: a full-page shot of a scrolled page draws the sticky top bar mid-page.
        scrolled = page.evaluate("() => [window.scrollX, window.scrollY]")
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=path, full_page=True, animations="disabled")
        page.evaluate("([x, y]) => window.scrollTo(x, y)", scrolled)
        return path

    return _shot


@pytest.fixture
def shot_narrow(shot):
    """Also the same screen at 390 px (phone), then back to the previous size."""

    def _shot_narrow(page: Page, name: str) -> Path:
        size = page.viewport_size
        page.set_viewport_size(NARROW)
        try:
            return shot(page, f"{name}-390")
        finally:
            page.set_viewport_size(size)

    return _shot_narrow


def tiny_png(width: int = 160, height: int = 100) -> bytes:
    """A valid RGB PNG (a red-and-white stripe pattern) without any imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(
        b"\x00"
        + b"".join(b"\xb3\x26\x1e" if (x // 20 + y // 20) % 2 else b"\xff\xff\xff" for x in range(width))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def files(tmp_path):
    """Material files on disk for the file chooser: files.pdf("pifu.pdf"), files.png("faren.png")."""
    from core.samples import tiny_pdf

    class Files:
        def pdf(self, name: str) -> Path:
            path = tmp_path / name
            path.write_bytes(tiny_pdf(name))
            return path

        def png(self, name: str) -> Path:
            path = tmp_path / name
            path.write_bytes(tiny_png())
            return path

    return Files()
