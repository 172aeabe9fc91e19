"""参保职工名单 through the views: the template, uploads and their messages, the background import,
沿用上一保期名单 and the comparison with the previous period, who may see a roster."""

import datetime
import io
import re
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from core.samples import tiny_pdf
from enrollment.documents import XLSX
from enrollment.models import RosterImport
from enrollment.roster import check_roster, read_rows
from enrollment.services import plan_columns
from review.engine import case_transition
from review.models import Action


def sheets(content: bytes) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


# --- 【参保职工名单模板下载】 ------------------------------------------------------------------------------


def test_the_template_is_an_xlsx_whose_header_follows_the_applications_plans(client, factory):
    application = factory.application(plans={"YW": 3, "ZJ": 1, "NG": 2})
    client.force_login(application.unit.agent)
    response = client.get(reverse("enrollment:roster_template", args=[application.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    book = sheets(response.content)
    assert list(book) == ["参保职工名单", "填写说明"]
    assert book["参保职工名单"][0] == [
        "序号",
        "姓名",
        "身份证号",
        "手机号",
        "重大疾病互助保障(份)",
        "女职工特殊疾病互助保障(份)",
        "意外伤害互助保障(份)",
    ]
    notes = "\n".join(str(row[0]) for row in book["填写说明"])
    assert application.unit.name in notes
    assert "女职工特殊疾病互助保障：2份（仅限女职工）" in notes
    assert "意外伤害互助保障：3份" in notes


def test_the_template_filled_in_passes_the_header_check_of_the_import(client, factory):
    application = factory.application(plans={"ZJ": 1, "YW": 1})
    client.force_login(application.unit.agent)
    template = client.get(reverse("enrollment:roster_template", args=[application.pk])).content
    rows = read_rows("模板.xlsx", template) + factory.people(2, shares=[1, 1])
    result = check_roster(
        rows, plans=plan_columns(application), period_start=application.period_start, max_rows=10
    )
    assert (result.errors, len(result.rows)) == ([], 2)


# --- 【导入参保职工名单】 → 【上传】 ---------------------------------------------------------------------


def upload(client, application, content, name="名单.xlsx", **extra):
    data = {"file": SimpleUploadedFile(name, content), **extra}
    return client.post(reverse("enrollment:roster_upload", args=[application.pk]), data, follow=True)


def test_an_upload_with_sixty_plus_members_imports_and_warns(client, factory):
    application = factory.application(period_start=datetime.date(2027, 1, 1))
    rows = factory.people(2, birth=datetime.date(1960, 5, 5)) + factory.people(3, first=10)
    client.force_login(application.unit.agent)
    response = upload(client, application, factory.roster_xlsx(rows))
    assert (
        response.redirect_chain[-1][0] == reverse("enrollment:detail", args=[application.pk]) + "?tab=roster"
    )
    page = response.content.decode()
    assert "成功导入5名职工" in page
    assert "名单中有 2 名职工年满60周岁，请确认（不影响导入）" in page
    assert 'id="over60-warning"' in page
    assert application.roster.count() == 5


def test_an_upload_with_errors_lists_them_by_row_and_imports_nothing(client, factory):
    application = factory.application()
    rows = factory.people(4)
    rows[1][1] = None
    rows[3][2] = rows[0][2]
    client.force_login(application.unit.agent)
    page = upload(client, application, factory.roster_xlsx(rows)).content.decode()
    assert "名单中有2处错误，未导入任何职工" in page
    table = re.search(r'<table[^>]*id="import-errors".*?</table>', page, re.S).group(0)
    cells = [re.sub(r"\s+", "", c) for c in re.findall(r"<td>(.*?)</td>", table, re.S)]
    assert cells == ["3", "姓名", "姓名不能为空", "5", "身份证号", "与第2行身份证号重复"]
    assert not application.roster.exists()

    job = application.imports.get()
    errors = client.get(reverse("enrollment:import_errors", args=[application.pk, job.pk]))
    assert errors["Content-Type"] == XLSX
    assert sheets(errors.content)["错误清单"] == [
        ["行号", "列", "错误说明"],
        [3.0, "姓名", "姓名不能为空"],
        [5.0, "身份证号", "与第2行身份证号重复"],
    ]


def test_an_upload_of_only_the_valid_rows_imports_them_and_still_lists_the_errors(client, factory):
    application = factory.application()
    rows = factory.people(3)
    rows[2][1] = None
    client.force_login(application.unit.agent)
    page = upload(client, application, factory.roster_xlsx(rows), only_valid_rows="on").content.decode()
    assert "成功导入2名职工，跳过1处错误" in page
    assert 'id="import-errors"' in page
    assert application.roster.count() == 2


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (tiny_pdf("roster"), "名单.xlsx", "文件不是Excel表格"),
        (None, "名单.xlsx", "已损坏"),
        (b"", "empty.csv", "文件是空的"),
    ],
    ids=["pdf-renamed", "truncated", "zero-bytes"],
)
def test_a_file_that_cannot_be_read_gets_one_clear_message(client, factory, content, name, message):
    application = factory.application()
    if content is None:
        whole = factory.roster_xlsx(factory.people(2))
        content = whole[: len(whole) - 200]
    client.force_login(application.unit.agent)
    page = upload(client, application, content, name).content.decode()
    assert message in page
    assert not RosterImport.objects.exists()
    assert not application.roster.exists()


def test_an_upload_without_a_file_asks_for_one(client, factory):
    application = factory.application()
    client.force_login(application.unit.agent)
    response = client.post(reverse("enrollment:roster_upload", args=[application.pk]), {}, follow=True)
    assert "请选择要上传的名单文件" in response.content.decode()


def test_a_large_roster_is_left_to_the_background_worker_with_a_progress_bar(client, factory, settings):
    settings.ROSTER_SYNC_ROWS = 2
    application = factory.application()
    client.force_login(application.unit.agent)
    page = upload(client, application, factory.roster_xlsx(factory.people(3))).content.decode()
    assert "名单共3行，正在后台导入" in page
    status = client.get(reverse("enrollment:import_status", args=[application.pk]))
    assert 'role="progressbar"' in status.content.decode()
    assert 'hx-trigger="every 1s"' in status.content.decode()
    assert not status.has_header("HX-Refresh")
    assert not application.roster.exists()


def test_the_roster_can_be_searched_by_the_end_of_an_id_number(client, factory):
    rows = factory.people(3)
    application = factory.application(rows=rows)
    client.force_login(application.unit.agent)
    page = client.get(
        reverse("enrollment:roster", args=[application.pk]), {"q": rows[1][2][-6:]}
    ).content.decode()
    assert "职工2" in page
    assert "职工1<" not in page and "职工3" not in page


def test_reviewers_see_a_submitted_roster_but_not_a_draft(client, factory):
    application = factory.application(rows=factory.people(2))
    reviewer = factory.district_reviewer()
    client.force_login(reviewer)
    assert client.get(reverse("enrollment:roster", args=[application.pk])).status_code == 404
    case_transition(case=application.case, action=Action.SUBMIT, actor=application.unit.agent)
    roster = client.get(reverse("enrollment:roster", args=[application.pk]))
    assert roster.status_code == 200
    assert "职工1" in roster.content.decode()
    detail = client.get(reverse("enrollment:detail", args=[application.pk]))
    assert detail["Location"] == reverse("review:case", args=[application.case_id])
    client.force_login(factory.district_reviewer("市北区"))
    assert client.get(reverse("enrollment:roster", args=[application.pk])).status_code == 404


def test_a_renewal_starts_from_the_previous_roster_and_names_who_joined_and_left(
    client, factory, time_machine
):
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    time_machine.move_to(datetime.datetime(2026, 3, 10, 10, tzinfo=shanghai), tick=False)
    unit = factory.approved_unit()
    rows = factory.people(3)
    factory.effective_application(
        factory.application(unit, period_start=datetime.date(2026, 4, 1), rows=rows)
    )
    time_machine.move_to(datetime.datetime(2027, 3, 5, 10, tzinfo=shanghai), tick=False)
    renewal = factory.application(unit)
    client.force_login(unit.agent)
    page = client.post(reverse("enrollment:roster_previous", args=[renewal.pk]), follow=True).content.decode()
    assert "成功导入3名职工" in page
    assert sorted(renewal.roster.values_list("id_number", flat=True)) == sorted(r[2] for r in rows)

    newcomer = factory.people(1, first=10)
    factory.import_roster(renewal, [*rows[1:], *newcomer])
    page = client.get(reverse("enrollment:detail", args=[renewal.pk]) + "?tab=roster").content.decode()
    assert "与上一保期（2026-04-01 至 2027-03-31）相比：新增 1 人，减少 1 人，续保 2 人。" in page
    assert "新增：职工11" in page and "减少：职工1<" in page
