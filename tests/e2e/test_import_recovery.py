"""An import whose process died, and refusals a retry cannot cure, as the agent sees them (real Chromium).

(1) A roster import whose heartbeat went stale (the process running it was killed — simulated by an
    import row left "running" 10 minutes ago at 33 %) is shown as 导入失败 with 【重新导入】 on its own;
    clicking it imports the stored file. Another dead import does not block 【上报】.
(2) A file that can never pass (a roster with no members) offers 【上传新文件】, not 【重新导入】, and the
    button opens the upload dialog.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import Factory

pytestmark = pytest.mark.browser
AGENT = "13800000001"  # 张三, owns the demo unit (its paid period ends this month: 上报 is allowed)


def demo_application():
    from accounts.models import User
    from enrollment.services import application_create, roster_upload
    from plans.models import Plan
    from units.models import Unit

    agent = User.objects.get(username=AGENT)
    unit = Unit.objects.filter(agent=agent).first()
    application = application_create(
        actor=agent, unit=unit, kind="main", plans={Plan.objects.get(code="ZJ"): 1}
    )
    rows = Factory().people(3, first=70_000)
    roster_upload(
        actor=agent,
        application=application,
        upload=SimpleUploadedFile("三人名单.xlsx", Factory.roster_xlsx(rows)),
    )
    return application


def dead_import(application, *, name="名单-后台.xlsx"):
    """An import row as a killed process leaves it: running, 1 of 3 rows checked, no heartbeat for 10 min."""
    from enrollment.models import RosterImport

    stored = application.imports.first()
    ten_minutes_ago = timezone.now() - datetime.timedelta(minutes=10)
    job = RosterImport.objects.create(
        application=application,
        file=stored.file.name,
        original_name=name,
        created_by=application.unit.agent,
        status=RosterImport.Status.RUNNING,
        total_rows=3,
        processed_rows=1,
    )
    RosterImport.objects.filter(pk=job.pk).update(heartbeat_at=ten_minutes_ago, created_at=ten_minutes_ago)
    return job


def test_a_dead_import_shows_as_failed_with_retry_and_does_not_block_submission(
    actor, server, shot, shot_narrow
):
    application = demo_application()
    dead_import(application)
    page = actor(AGENT)
    page.goto(f"{server.url}/enrollment/{application.pk}/?tab=roster")

    failed = page.locator("#import-failed")
    expect(failed).to_contain_text("导入失败")
    expect(failed).to_contain_text("导入中断：后台处理在完成前停止了")
    expect(page.locator("[role=progressbar]")).to_have_count(0)  # no 33 % bar for good
    expect(failed.get_by_role("button", name="重新导入")).to_be_visible()
    expect(failed.get_by_role("button", name="上传新文件")).to_have_count(0)
    shot(page, "01-dead-import-failed")
    shot_narrow(page, "01-dead-import-failed")

    failed.get_by_role("button", name="重新导入").click()
    expect(page.locator("#messages")).to_contain_text("成功导入3名职工")
    expect(page.locator("#import-failed")).to_have_count(0)
    shot(page, "02-retried")

    # Another process dies during an import: 【上报】 still goes through with the roster in force.
    dead_import(application, name="又一次中断.xlsx")
    page.reload()
    expect(page.locator("#import-failed")).to_contain_text("又一次中断.xlsx")
    page.locator(".row-actions").get_by_role("button", name="上报", exact=True).first.click()
    expect(page.locator("#messages")).to_contain_text("参保申请已上报，当前状态：区县审核中")
    shot(page, "03-submitted")


def test_a_roster_that_can_never_pass_offers_a_new_upload(actor, server, shot, shot_narrow, tmp_path):
    application = demo_application()
    empty = tmp_path / "只有表头.xlsx"
    empty.write_bytes(Factory.roster_xlsx([]))
    page = actor(AGENT)
    page.goto(f"{server.url}/enrollment/{application.pk}/?tab=roster")

    page.get_by_role("button", name="导入参保职工名单").click()
    dialog = page.get_by_role("dialog", name="导入参保职工名单")
    dialog.locator("input[type=file]").set_input_files(empty)
    dialog.get_by_role("button", name="上传", exact=True).click()

    failed = page.locator("#import-failed")
    expect(failed).to_contain_text("名单中没有职工")
    expect(failed.get_by_role("button", name="重新导入")).to_have_count(0)
    expect(failed.get_by_role("button", name="上传新文件")).to_be_visible()
    shot(page, "01-refused-upload-new-file")
    shot_narrow(page, "01-refused-upload-new-file")

    failed.get_by_role("button", name="上传新文件").click()
    expect(page.get_by_role("dialog", name="导入参保职工名单")).to_be_visible()
    shot(page, "02-upload-dialog-open")
