"""Security controls in a real browser (SECURITY.md):

(1) every page a crawl reaches, for every demo account (the administrator's /admin/ too), loads without a
    single Content-Security-Policy violation (the conftest listener fails any journey that causes one);
(2) an agent's five wrong passwords lock the account with the time to retry; the administrator unlocks it
    under 系统管理 → 登录锁定; the right password then works;
(3) the auditor's 操作日志 finds a reviewer's decision and an agent's 会员查询 (ID number masked).
"""

import re
from urllib.parse import urljoin, urlparse

import pytest
from playwright.sync_api import Page, expect

from demo.seed import DEMO_UNIT_NAME, demo_member_rows
from tests.e2e.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

ACCOUNTS = ["13800000001", "13800000002", "shinan", "city", "finance", "admin", "auditor"]
SKIP = re.compile(
    r"logout|delete|remove|/password/|\.(pdf|xlsx|docx|zip|png|jpe?g)(\?|$)|/file/|/export/|/template/", re.I
)
SKIP_TEXT = ("删除", "退出", "下载", "导出")
LI_MEI = demo_member_rows()[0][1]


def crawl(page: Page, base: str, *, depth: int = 2, limit: int = 80) -> list[str]:
    """Visit every same-site page reachable by links from the home page (GET only), like crawl-smoke."""
    seen: list[str] = []
    frontier = [page.url]
    for _ in range(depth):
        found = []
        for url in frontier:
            if url not in seen:
                page.goto(url)
                page.wait_for_load_state("networkidle")
                seen.append(url)
            links = page.eval_on_selector_all(
                "a[href]", "els => els.map(e => [e.textContent.trim(), e.getAttribute('href')])"
            )
            for text, href in links:
                target = urljoin(url, href)
                parts = urlparse(target)
                if parts.netloc != urlparse(base).netloc or href.startswith(("#", "javascript:", "mailto:")):
                    continue
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                if SKIP.search(path) or any(t in text for t in SKIP_TEXT):
                    continue
                clean = f"{parts.scheme}://{parts.netloc}{path}"
                if clean not in seen and clean not in found and len(seen) + len(found) < limit:
                    found.append(clean)
        frontier = found
    for url in frontier:
        if url not in seen:
            page.goto(url)
            page.wait_for_load_state("networkidle")
            seen.append(url)
    return seen


def test_no_page_of_any_account_violates_the_content_security_policy(server, actor, csp_violations):
    visited = {}
    for account in ACCOUNTS:
        page = actor(account)
        visited[account] = crawl(page, server.url)
        page.context.close()
    assert all(len(pages) >= 3 for pages in visited.values()), visited
    assert any("/admin/" in url for url in visited["admin"])
    assert any("/audit/" in url for url in visited["auditor"])
    assert csp_violations == []


def test_a_lockout_and_its_unlock_by_the_administrator(server, new_context, actor, shot, shot_narrow):
    agent = new_context(viewport={"width": 1280, "height": 900}).new_page()
    agent.goto(server.url + "/accounts/login/")
    for _ in range(5):
        agent.locator("input[name=username]").fill("13800000002")
        agent.locator("input[name=password]").fill("Wrong@2026")
        agent.get_by_role("button", name="登录", exact=True).click()
    message = agent.locator("#lockout-message")
    expect(message).to_contain_text("登录失败次数过多，账号已临时锁定。请在")
    expect(message).to_contain_text("之后再试（约15分钟后），或联系管理员解锁")
    shot(agent, "01-agent-locked")
    shot_narrow(agent, "01-agent-locked")

    agent.locator("input[name=username]").fill("13800000002")
    agent.locator("input[name=password]").fill(DEMO_PASSWORD)
    agent.get_by_role("button", name="登录", exact=True).click()
    expect(agent.locator("#lockout-message")).to_be_visible()  # the right password is refused too

    admin = actor("admin")
    admin.locator("#sidebar").get_by_role("link", name="登录锁定").click()
    row = admin.locator('#lockout-table tr[data-username="13800000002"]')
    expect(row).to_contain_text("已锁定")
    shot(admin, "02-admin-lockouts")
    shot_narrow(admin, "02-admin-lockouts")
    admin.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="解锁").click()
    expect(admin.locator("#messages")).to_contain_text("已解除锁定：13800000002")

    agent.locator("input[name=username]").fill("13800000002")
    agent.locator("input[name=password]").fill(DEMO_PASSWORD)
    agent.get_by_role("button", name="登录", exact=True).click()
    expect(agent.locator("#user-menu")).to_be_visible()


def test_the_audit_screen_finds_a_reviewers_decision_and_an_agents_member_lookup(
    server, actor, shot, shot_narrow
):
    from accounts.models import User
    from review.engine import case_transition
    from review.models import Action
    from tests.factories import Factory

    unit = Factory().unit(agent=User.objects.get(username="13800000002"))
    case_transition(case=unit.registration_case, action=Action.SUBMIT, actor=unit.agent)

    shinan = actor("shinan")
    shinan.get_by_role("link", name="待审核业务").click()
    shinan.locator("#queue-table tr", has=shinan.get_by_role("cell", name=unit.name, exact=True)).get_by_role(
        "link", name="审核"
    ).click()
    shinan.get_by_label("审核意见").fill("材料齐全")
    shinan.get_by_role("button", name="通过", exact=True).click()
    expect(shinan.locator("#messages")).to_contain_text(f"已通过：{unit.name}")

    agent = actor("13800000001")
    agent.locator("#sidebar").get_by_role("link", name="会员查询").click()
    agent.get_by_label("会员身份证号").fill(LI_MEI)
    agent.get_by_role("button", name="查询").click()
    expect(agent.locator("#coverage-table")).to_contain_text(DEMO_UNIT_NAME)
    expect(agent.get_by_text(LI_MEI)).to_have_count(0)
    agent.get_by_role("button", name="显示完整").click()
    expect(agent.get_by_text(LI_MEI)).to_be_visible()

    auditor = actor("auditor")
    auditor.locator("#sidebar").get_by_role("link", name="操作日志").click()
    auditor.get_by_label("操作人").fill("市南区审核员")
    auditor.get_by_label("操作", exact=True).select_option(label="审核流程：通过")
    auditor.get_by_role("button", name="查询").click()
    decision = auditor.locator("#audit-table tbody tr").first
    expect(decision).to_contain_text("审核流程：通过")
    expect(decision).to_contain_text(unit.name)
    shot(auditor, "01-auditor-decision")

    auditor.get_by_label("操作人").fill("张三")
    auditor.get_by_label("操作", exact=True).select_option(label="会员查询")
    auditor.get_by_role("button", name="查询").click()
    lookup = auditor.locator("#audit-table tbody tr").first
    expect(lookup).to_contain_text("会员查询")
    expect(lookup).to_contain_text(LI_MEI[:6] + "********" + LI_MEI[-4:])
    expect(auditor.get_by_text(LI_MEI)).to_have_count(0)
    shot(auditor, "02-auditor-lookup")
    shot_narrow(auditor, "02-auditor-lookup")
